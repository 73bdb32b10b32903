// The disk file: what is kept across opening and closing, and the clear messages for a
// file that is not an NT Lab disk, or is one from a newer NT Lab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DiskFormatError, fixedClock, SCHEMA_VERSION, unwrap, VirtualDisk, CHUNK_SIZE,
} from '../../kernel/store/index.ts';
import { START, pattern, withTempDir } from './helpers.ts';

const clock = fixedClock(START);

test('everything written is there after closing and reopening', () => withTempDir(dir => {
  const file = join(dir, 'd.disk');
  const disk = VirtualDisk.open(file, { clock, create: true });
  const v = unwrap(disk.createVolume({ drive: 'C', label: 'KEEP', serialNumber: 7 }));
  const sub = unwrap(disk.create(v.root, 'Sub', { directory: true }));
  const f = unwrap(disk.create(sub.id, 'Data.bin'));
  const data = pattern(CHUNK_SIZE * 2 + 5, 9);
  unwrap(disk.write(f.id, 0, data));
  disk.close();

  const again = VirtualDisk.open(file, { clock });
  const vol = unwrap(again.volume('C'));
  assert.equal(vol.label, 'KEEP');
  assert.equal(vol.serialNumber, 7);
  const found = unwrap(again.lookup(vol.id, ['SUB', 'DATA.BIN']));
  assert.equal(found.name, 'Data.bin');
  assert.equal(found.creationTime, START);
  assert.deepEqual(unwrap(again.read(found.id, 0, data.length + 10)), data);
  assert.deepEqual(again.verify(), []);
  again.close();
}));

test('a disk is SQLite in WAL mode, marked with its application id and schema version', () => withTempDir(dir => {
  const file = join(dir, 'd.disk');
  VirtualDisk.open(file, { clock, create: true }).close();
  const db = new Database(file, { readonly: true });
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('application_id', { simple: true }), 0x4e544c44);
  assert.equal((db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string }).value, String(SCHEMA_VERSION));
  db.close();
}));

function openError(file: string): string {
  try {
    VirtualDisk.open(file, { clock }).close();
  } catch (e) {
    assert.ok(e instanceof DiskFormatError, `expected DiskFormatError, got ${e}`);
    return (e as Error).message;
  }
  assert.fail('opened without an error');
}

test('a file that is not a database is named as such', () => withTempDir(dir => {
  const file = join(dir, 'notes.txt');
  writeFileSync(file, 'This is plainly not a database, just some text that is long enough. '.repeat(20));
  assert.equal(openError(file), `'${file}' is not an NT Lab disk (not an SQLite database)`);
}));

test('an empty file, or a missing one, is not a disk either', () => withTempDir(dir => {
  const empty = join(dir, 'empty.disk');
  writeFileSync(empty, '');
  assert.match(openError(empty), /is not an NT Lab disk \(an empty file\)/);
  assert.match(openError(join(dir, 'missing.disk')), /no disk '.*missing\.disk' \(make one with: ntlab disk new/);
}));

test("another application's SQLite database is refused with its application id", () => withTempDir(dir => {
  const file = join(dir, 'other.db');
  const db = new Database(file);
  db.exec('CREATE TABLE t (x)');
  db.close();
  assert.match(openError(file), /is an SQLite database but not an NT Lab disk \(application id 0x00000000, expected 0x4e544c44\)/);
}));

test('a disk from a newer NT Lab is refused, naming both schema versions', () => withTempDir(dir => {
  const file = join(dir, 'future.disk');
  VirtualDisk.open(file, { clock, create: true }).close();
  const db = new Database(file);
  db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION + 1));
  db.close();
  assert.equal(openError(file),
    `'${file}' has disk schema version ${SCHEMA_VERSION + 1}, newer than this NT Lab understands (${SCHEMA_VERSION}); update NT Lab to open it`);
}));

test('a damaged file is reported, not crashed on', () => withTempDir(dir => {
  const file = join(dir, 'torn.disk');
  const disk = VirtualDisk.open(file, { clock, create: true });
  unwrap(disk.createVolume({ drive: 'C' }));
  disk.close();
  // Keep the SQLite header but overwrite the pages behind it.
  const bytes = readFileSync(file);
  bytes.fill(0xee, 100);
  writeFileSync(file, bytes);
  assert.match(openError(file), /is (a damaged database|not an NT Lab disk)/);
}));

test('verify finds broken invariants', () => {
  const disk = VirtualDisk.inMemory({ clock });
  const v = unwrap(disk.createVolume({ drive: 'C' }));
  const f = unwrap(disk.create(v.root, 'F'));
  unwrap(disk.write(f.id, 0, Buffer.from('hello')));
  assert.deepEqual(disk.verify(), []);
  const db = (disk as unknown as { db: Database.Database }).db;
  db.prepare('UPDATE node SET size = 2 WHERE id = ?').run(f.id);
  const problems = disk.verify();
  assert.ok(problems.some(p => /holds bytes past the end of file/.test(p)), problems.join('\n'));
  assert.ok(!problems.some(p => /clusters recorded in use/.test(p)));    // 2 and 5 bytes both take one cluster
});

test('flush() moves every commit into the database file itself (a copy without the -wal is complete)', () => withTempDir(dir => {
  const file = join(dir, 'd.disk');
  const disk = VirtualDisk.open(file, { clock, create: true });
  const v = unwrap(disk.createVolume({ drive: 'C' }));
  const f = unwrap(disk.create(v.root, 'F'));
  unwrap(disk.write(f.id, 0, pattern(100_000, 3)));
  assert.equal(disk.flush(), true);
  const copy = join(dir, 'copy.disk');
  writeFileSync(copy, readFileSync(file));          // the main file only: no -wal, no -shm
  const opened = VirtualDisk.open(copy, { clock });
  const found = unwrap(opened.lookup(unwrap(opened.volume('C')).id, ['F']));
  assert.deepEqual(unwrap(opened.read(found.id, 0, 100_000)), pattern(100_000, 3));
  opened.close();
  disk.close();
}));

test('synchronous: NORMAL by default, FULL on request', () => withTempDir(dir => {
  const synchronousOf = (disk: VirtualDisk) => (disk as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true });
  const normal = VirtualDisk.open(join(dir, 'n.disk'), { clock, create: true });
  const full = VirtualDisk.open(join(dir, 'f.disk'), { clock, create: true, synchronous: 'full' });
  assert.equal(synchronousOf(normal), 1);
  assert.equal(synchronousOf(full), 2);
  normal.close();
  full.close();
}));

test('a second connection sees committed writes; a snapshot keeps its view while others write', () => withTempDir(dir => {
  const file = join(dir, 'd.disk');
  const machine = VirtualDisk.open(file, { clock, create: true });
  const v = unwrap(machine.createVolume({ drive: 'C' }));
  const f = unwrap(machine.create(v.root, 'LOG'));
  const viewer = VirtualDisk.open(file, { clock });      // e.g. `ntlab disk ls` while the machine runs
  unwrap(machine.write(f.id, 0, Buffer.from('first')));
  assert.equal(unwrap(viewer.read(f.id, 0, 100)).toString(), 'first');
  viewer.snapshot(() => {
    assert.equal(unwrap(viewer.read(f.id, 0, 100)).toString(), 'first');
    unwrap(machine.write(f.id, 5, Buffer.from(', second')));      // WAL: the writer is not blocked by the reader
    assert.equal(unwrap(viewer.stat(f.id)).endOfFile, 5);
    assert.equal(unwrap(viewer.read(f.id, 0, 100)).toString(), 'first');
  });
  assert.equal(unwrap(viewer.read(f.id, 0, 100)).toString(), 'first, second');
  viewer.close();
  machine.close();
}));

test('flush() says so when a reader holding an older snapshot keeps it from finishing', () => withTempDir(dir => {
  const file = join(dir, 'd.disk');
  const disk = VirtualDisk.open(file, { clock, create: true });
  const v = unwrap(disk.createVolume({ drive: 'C' }));
  const reader = new Database(file);
  reader.pragma('busy_timeout = 0');
  const rows = reader.prepare('SELECT * FROM node').iterate();
  rows.next();                                        // a read transaction stays open on the old snapshot
  unwrap(disk.create(v.root, 'NEW'));
  const db = (disk as unknown as { db: Database.Database }).db;
  db.pragma('busy_timeout = 10');                     // do not wait the full default in a test
  assert.equal(disk.flush(), false);
  rows.return!();
  assert.equal(disk.flush(), true);
  reader.close();
  disk.close();
}));
