// The disk a fresh machine gets: C: with README.TXT, BIG.DAT and \SAMPLES, the same bytes every time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  BIG_DAT_LINE_LENGTH, BIG_DAT_SIZE, bigDatLine, createDefaultDisk, DEFAULT_DISK_TIME, DEFAULT_SERIAL_NUMBER,
  defaultDiskInMemory, openOrCreateDefaultDisk, README_TEXT,
} from '../../kernel/store/default-disk.ts';
import { CHUNK_SIZE, FILE_ATTRIBUTE_ARCHIVE, fixedClock, unwrap, VirtualDisk } from '../../kernel/store/index.ts';
import { withTempDir } from './helpers.ts';

function digestOf(disk: VirtualDisk, path: string[]): string {
  const c = unwrap(disk.volume('C'));
  const f = unwrap(disk.lookup(c.id, path));
  const hash = createHash('sha256');
  for (let offset = 0; offset < f.endOfFile; offset += CHUNK_SIZE) hash.update(unwrap(disk.read(f.id, offset, CHUNK_SIZE)));
  return hash.digest('hex');
}

test('the default disk has C: with the sample files', () => {
  const disk = defaultDiskInMemory();
  const c = unwrap(disk.volume('C'));
  assert.equal(c.label, 'NTLAB');
  assert.equal(c.serialNumber, DEFAULT_SERIAL_NUMBER);
  const names = (path: string[]) => unwrap(disk.list(unwrap(disk.lookup(c.id, path)).id)).map(e => e.name);
  assert.deepEqual(names([]), ['BIG.DAT', 'README.TXT', 'SAMPLES']);
  assert.deepEqual(names(['SAMPLES']), ['EMPTY.TXT', 'HELLO.TXT', 'Notes.txt', 'NUMBERS.TXT']);
  const readme = unwrap(disk.lookup(c.id, ['readme.txt']));
  const text = unwrap(disk.read(readme.id, 0, readme.endOfFile)).toString('latin1');
  assert.deepEqual(Buffer.from(text, 'latin1'), README_TEXT);
  assert.match(text, /^NT Lab virtual disk\r\n/);
  assert.match(text, /BIG\.DAT/);
  assert.equal(readme.attributes, FILE_ATTRIBUTE_ARCHIVE);
  assert.equal(readme.lastWriteTime, DEFAULT_DISK_TIME);
  assert.equal(unwrap(disk.lookup(c.id, ['SAMPLES', 'EMPTY.TXT'])).endOfFile, 0);
  assert.equal(unwrap(disk.read(unwrap(disk.lookup(c.id, ['SAMPLES', 'HELLO.TXT'])).id, 0, 100)).toString(), 'Hello from the NT Lab virtual disk!\r\n');
  assert.deepEqual(disk.verify(), []);
  disk.close();
});

test('BIG.DAT is 4 MiB of numbered lines: line N at offset N*64', () => {
  const disk = defaultDiskInMemory();
  const big = unwrap(disk.lookup(unwrap(disk.volume('C')).id, ['BIG.DAT']));
  assert.equal(big.endOfFile, BIG_DAT_SIZE);
  for (const n of [0, 1, 1023, 1024, 40_000, BIG_DAT_SIZE / BIG_DAT_LINE_LENGTH - 1]) {
    const line = unwrap(disk.read(big.id, n * BIG_DAT_LINE_LENGTH, BIG_DAT_LINE_LENGTH)).toString('latin1');
    assert.equal(line, bigDatLine(n));
    assert.equal(line.length, BIG_DAT_LINE_LENGTH);
    assert.ok(line.startsWith(`BIG.DAT line ${String(n).padStart(6, '0')} at offset 0x${(n * 64).toString(16).padStart(8, '0')} `));
    assert.ok(line.endsWith('.\r\n'));
  }
  disk.close();
});

test('two default disks are identical, in memory and on file', () => withTempDir(dir => {
  const file = join(dir, 'default.disk');
  createDefaultDisk(file);
  assert.throws(() => createDefaultDisk(file), /already exists/);
  const onFile = VirtualDisk.open(file, { clock: fixedClock(0n) });
  const inMemory = defaultDiskInMemory();
  for (const path of [['README.TXT'], ['BIG.DAT'], ['SAMPLES', 'NUMBERS.TXT'], ['SAMPLES', 'Notes.txt']]) {
    assert.equal(digestOf(onFile, path), digestOf(inMemory, path), path.join('\\'));
  }
  assert.equal(digestOf(onFile, ['BIG.DAT']), digestOf(defaultDiskInMemory(), ['BIG.DAT']));
  assert.deepEqual(onFile.verify(), []);
  onFile.close();
  inMemory.close();
}));

test('each in-memory default disk is its own copy: a change to one is not in another', () => {
  const a = defaultDiskInMemory(), b = defaultDiskInMemory();
  const root = (d: VirtualDisk) => unwrap(d.volume('C')).root;
  const made = unwrap(a.create(root(a), 'ONLY.TXT'));
  unwrap(a.write(made.id, 0, Buffer.from('a')));
  const readme = unwrap(a.lookup(unwrap(a.volume('C')).id, ['README.TXT']));
  unwrap(a.write(readme.id, 0, Buffer.from('changed')));
  assert.equal(b.lookup(unwrap(b.volume('C')).id, ['ONLY.TXT']).ok, false, 'the new file is only on the first');
  const c = defaultDiskInMemory();
  for (const d of [b, c]) {
    const r = unwrap(d.lookup(unwrap(d.volume('C')).id, ['README.TXT']));
    assert.deepEqual(unwrap(d.read(r.id, 0, r.endOfFile)), README_TEXT, 'README.TXT as made');
    assert.deepEqual(d.verify(), []);
  }
  for (const d of [a, b, c]) d.close();
});

test('ntlab run --disk FILE: a missing FILE becomes a default disk and is kept; an existing one is used', () => withTempDir(dir => {
  const file = join(dir, 'machine.disk');
  const first = openOrCreateDefaultDisk(file, fixedClock(DEFAULT_DISK_TIME + 1n));
  const c = unwrap(first.volume('C'));
  const note = unwrap(first.create(c.root, 'MINE.TXT'));
  unwrap(first.write(note.id, 0, Buffer.from('kept')));
  assert.equal(note.creationTime, DEFAULT_DISK_TIME + 1n);        // the caller's clock from now on
  first.close();
  const second = openOrCreateDefaultDisk(file, fixedClock(0n));
  const found = unwrap(second.lookup(c.id, ['mine.txt']));
  assert.equal(unwrap(second.read(found.id, 0, 10)).toString(), 'kept');
  second.close();
}));
