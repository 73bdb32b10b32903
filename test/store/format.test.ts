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
