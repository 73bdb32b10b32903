// Durability: a child process writes to a disk in a loop, reporting each completed write
// on stdout, and is killed with SIGKILL mid-stream, several times over on the same disk.
// After each kill the disk must pass SQLite's integrity check and the disk's own
// invariants, every reported write must be there with its exact bytes, and the write in
// flight at the kill must be there entirely or not at all.
//
// The test has teeth: with VirtualDisk's write transactions removed (each statement
// committing by itself), it fails on every try, finding a record half written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock, unwrap, VirtualDisk, type NodeId } from '../../kernel/store/index.ts';
import { FILE_EVERY, fileBytes, fileName, logName, recordBytes, recordSize } from './crash-workload.ts';
import { START } from './helpers.ts';

const CHILD = join(import.meta.dirname, 'crash-child.ts');
const RUNS = 10;
/** Kill after this many reported writes, different per run: early, mid, later... */
const KILL_AFTER = [1, 7, 23, 3, 40, 12, 2, 17, 5, 30];
/**
 * ...and then after a further delay of up to this many ms, different per run, so the
 * kill lands at varied points of a write (the child spends most of its time inside
 * SQLite, committing records of up to three chunks).
 */
const MAX_KILL_DELAY_MS = 15;
const killDelay = (run: number) => (run * 7) % (MAX_KILL_DELAY_MS + 1);

/** Runs the child on `file` and SIGKILLs it once `killAfter` writes are reported; resolves with every write it reported. */
function runAndKill(file: string, run: number, killAfter: number, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, String(run)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      if (!killed && out.split('\n').length - 1 >= killAfter) {
        killed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => { err += text; });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`child ended with ${code ?? signal} instead of being killed:\n${err}`));
      // Only whole lines count: a write is reported once its newline has arrived.
      const lines = out.split('\n').slice(0, -1);
      lines.forEach((line, i) => assert.equal(line, String(i), 'reports arrive in order'));
      resolve(lines.length);
    });
  });
}

/** Every reported record and file is there exactly; the one in flight is all there or absent. */
function checkRun(disk: VirtualDisk, logDir: NodeId, filesDir: NodeId, run: number, reported: number): void {
  const log = unwrap(disk.lookupChild(logDir, logName(run)));
  const reportedBytes = Array.from({ length: reported }, (_, i) => recordSize(run, i)).reduce((a, b) => a + b, 0);
  const inFlight = recordSize(run, reported);
  assert.ok(log.endOfFile === reportedBytes || log.endOfFile === reportedBytes + inFlight,
    `run ${run}: log is ${log.endOfFile} bytes, expected ${reportedBytes} or ${reportedBytes + inFlight}`);
  let offset = 0;
  const records = log.endOfFile > reportedBytes ? reported + 1 : reported;
  for (let i = 0; i < records; i++) {
    const expected = recordBytes(run, i);
    assert.ok(unwrap(disk.read(log.id, offset, expected.length)).equals(expected), `run ${run}: record ${i} differs`);
    offset += expected.length;
  }
  for (let i = 0; i <= reported; i += 1) {
    if (i % FILE_EVERY !== 0) continue;
    const f = disk.lookupChild(filesDir, fileName(run, i));
    if (i < reported) assert.ok(f.ok, `run ${run}: reported file ${fileName(run, i)} is missing`);
    if (f.ok) assert.ok(unwrap(disk.read(f.value.id, 0, f.value.endOfFile + 1)).equals(fileBytes(run, i)), `run ${run}: ${fileName(run, i)} differs`);
  }
}

test('SIGKILL in the middle of writes: no corruption, no lost reported write, no half write', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntlab-crash-'));
  try {
    const file = join(dir, 'crash.disk');
    const setup = VirtualDisk.open(file, { clock: fixedClock(START), create: true });
    const volume = unwrap(setup.createVolume({ drive: 'C' }));
    const logDir = unwrap(setup.create(volume.root, 'LOG', { directory: true })).id;
    const filesDir = unwrap(setup.create(volume.root, 'FILES', { directory: true })).id;
    setup.close();

    const reported: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      reported.push(await runAndKill(file, run, KILL_AFTER[run], killDelay(run)));
      assert.ok(reported[run] >= KILL_AFTER[run]);
      // Reopen after every kill, as the next machine would, and check everything so far.
      const disk = VirtualDisk.open(file, { clock: fixedClock(START) });
      try {
        assert.deepEqual(disk.verify(), [], `after kill ${run}`);
        for (let r = 0; r <= run; r++) checkRun(disk, logDir, filesDir, r, reported[r]);
      } finally {
        disk.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
