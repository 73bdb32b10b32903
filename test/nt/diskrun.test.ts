// `ntlab run --disk FILE` uses and keeps a disk: a file one run writes, the next run with
// the same --disk reads back; without --disk every run starts from a fresh default disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGuest } from '../guest/run.ts';
import { README_TEXT } from '../../kernel/store/default-disk.ts';

test('ntlab run --disk: a file copied in one run is there in the next; without --disk it is not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntlab-disk-'));
  try {
    const disk = join(dir, 'c.ntdisk');
    const copy = runGuest('copy.asm', ['C:\\README.TXT', 'C:\\KEPT.TXT'], '', ['--disk', disk]);
    assert.equal(copy.code, 0, copy.stderr);
    assert.ok(existsSync(disk));
    const type = runGuest('type.asm', ['C:\\KEPT.TXT'], '', ['--disk', disk]);
    assert.equal(type.code, 0, type.stderr);
    assert.equal(type.stdout, Buffer.from(README_TEXT).toString('latin1'));
    const fresh = runGuest('type.asm', ['C:\\KEPT.TXT']);
    assert.notEqual(fresh.code, 0, 'a fresh default disk has no KEPT.TXT');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
