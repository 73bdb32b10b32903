// The virtual disk's file-system semantics: names, lookup, create, delete, rename,
// attributes, times and volume information, as a file-system driver will rely on them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FILE_ATTRIBUTE_ARCHIVE, FILE_ATTRIBUTE_DIRECTORY, FILE_ATTRIBUTE_HIDDEN, FILE_ATTRIBUTE_NORMAL,
  FILE_ATTRIBUTE_READONLY, FILE_ATTRIBUTE_SYSTEM, StoreError, TICKS_PER_SECOND, unwrap, nameKey,
} from '../../kernel/store/index.ts';
import { fileWith, memoryDisk, START } from './helpers.ts';

test('FILE_ATTRIBUTE_* have the values NT gives them', () => {
  assert.deepEqual(
    [FILE_ATTRIBUTE_READONLY, FILE_ATTRIBUTE_HIDDEN, FILE_ATTRIBUTE_SYSTEM, FILE_ATTRIBUTE_DIRECTORY, FILE_ATTRIBUTE_ARCHIVE, FILE_ATTRIBUTE_NORMAL],
    [1, 2, 4, 0x10, 0x20, 0x80]);
});

test('names keep their case but compare without it', () => {
  const { disk, volume, root } = memoryDisk();
  const f = unwrap(disk.create(root, 'ReadMe.Txt'));
  assert.equal(f.name, 'ReadMe.Txt');
  for (const spelling of ['README.TXT', 'readme.txt', 'rEaDmE.tXt']) {
    assert.equal(unwrap(disk.lookup(volume.id, [spelling])).id, f.id, spelling);
    assert.equal(unwrap(disk.lookupChild(root, spelling)).name, 'ReadMe.Txt');
  }
  const again = disk.create(root, 'README.TXT');
  assert.equal(!again.ok && again.error, StoreError.Collision);
  // Beyond ASCII, as NTFS's upcase table: é/É are one name, but ß is not "SS".
  unwrap(disk.create(root, 'café'));
  assert.equal(!disk.create(root, 'CAFÉ').ok, true);
  unwrap(disk.create(root, 'straße'));
  unwrap(disk.create(root, 'STRASSE'));
  assert.equal(nameKey('straße'), 'STRAßE');
});

test('invalid names are refused', () => {
  const { disk, volume, root } = memoryDisk();
  for (const bad of ['', '.', '..', 'a\\b', 'a/b', 'a:b', 'a*', 'a?', 'a"b', 'a<b', 'a>b', 'a|b', 'tab\there', 'x'.repeat(256)]) {
    const r = disk.create(root, bad);
    assert.equal(!r.ok && r.error, StoreError.InvalidName, JSON.stringify(bad));
  }
  unwrap(disk.create(root, 'x'.repeat(255)));
  unwrap(disk.create(root, 'trailing dot.'));          // NT itself allows these; Win32 strips them
  const lookup = disk.lookup(volume.id, ['a*']);
  assert.equal(!lookup.ok && lookup.error, StoreError.InvalidName);
});

test('lookup tells a missing name from a missing path', () => {
  const { disk, volume, root } = memoryDisk();
  const dir = unwrap(disk.create(root, 'DIR', { directory: true }));
  fileWith(disk, dir.id, 'FILE.TXT', 'x');
  assert.equal(unwrap(disk.lookup(volume.id, [])).id, root);
  assert.equal(unwrap(disk.lookup(volume.id, ['dir', 'file.txt'])).name, 'FILE.TXT');
  const cases: [string[], string][] = [
    [['NOPE'], StoreError.NotFound],
    [['DIR', 'NOPE'], StoreError.NotFound],
    [['NOPE', 'FILE.TXT'], StoreError.PathNotFound],
    [['DIR', 'FILE.TXT', 'X'], StoreError.PathNotFound],    // a file on the way
  ];
  for (const [path, code] of cases) {
    const r = disk.lookup(volume.id, path);
    assert.equal(!r.ok && r.error, code, path.join('\\'));
  }
  const noVolume = disk.lookup(99, []);
  assert.equal(!noVolume.ok && noVolume.error, StoreError.NoSuchVolume);
  assert.equal(unwrap(disk.volume('c')).id, volume.id);
  assert.deepEqual(unwrap(disk.pathOf(unwrap(disk.lookup(volume.id, ['dir', 'file.txt'])).id)), ['DIR', 'FILE.TXT']);
  assert.deepEqual(unwrap(disk.pathOf(root)), []);
});

test('create: in directories only, with NT attributes and four equal times', () => {
  const { disk, root } = memoryDisk();
  const file = unwrap(disk.create(root, 'A.TXT', { attributes: FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_NORMAL | FILE_ATTRIBUTE_DIRECTORY }));
  assert.equal(file.attributes, FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_ARCHIVE);   // DIRECTORY and NORMAL are not requestable
  assert.equal(file.isDirectory, false);
  assert.equal(file.endOfFile, 0);
  assert.equal(file.creationTime, file.lastWriteTime);
  assert.equal(file.lastAccessTime, file.changeTime);
  const dir = unwrap(disk.create(root, 'D', { directory: true }));
  assert.equal(dir.attributes, FILE_ATTRIBUTE_DIRECTORY);
  const inFile = disk.create(file.id, 'X');
  assert.equal(!inFile.ok && inFile.error, StoreError.NotDirectory);
  // A file with no attributes at all reports NORMAL.
  const plain = unwrap(disk.setAttributes(file.id, 0));
  assert.equal(plain.attributes, FILE_ATTRIBUTE_NORMAL);
});

test('creating and deleting entries updates the directory times; times come from the clock', () => {
  const { disk, root } = memoryDisk();
  const before = unwrap(disk.stat(root));
  const f = unwrap(disk.create(root, 'F'));
  const after = unwrap(disk.stat(root));
  assert.equal(before.creationTime, START);
  assert.equal(f.creationTime, START + TICKS_PER_SECOND);
  assert.equal(after.lastWriteTime, f.creationTime);
  assert.equal(after.creationTime, before.creationTime);
  unwrap(disk.delete(f.id));
  assert.ok(unwrap(disk.stat(root)).lastWriteTime > after.lastWriteTime);
});

test('writes update last write and change times and set ARCHIVE; reads change nothing', () => {
  const { disk, root } = memoryDisk();
  const id = unwrap(disk.create(root, 'F', { attributes: FILE_ATTRIBUTE_READONLY })).id;
  unwrap(disk.setAttributes(id, FILE_ATTRIBUTE_READONLY));     // clear ARCHIVE
  const before = unwrap(disk.stat(id));
  assert.equal(before.attributes, FILE_ATTRIBUTE_READONLY);
  unwrap(disk.write(id, 0, Buffer.from('abc')));
  const after = unwrap(disk.stat(id));
  assert.ok(after.lastWriteTime > before.lastWriteTime);
  assert.equal(after.changeTime, after.lastWriteTime);
  assert.equal(after.creationTime, before.creationTime);
  assert.equal(after.lastAccessTime, before.lastAccessTime);
  assert.equal(after.attributes, FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_ARCHIVE);
  unwrap(disk.read(id, 0, 3));
  assert.deepEqual(unwrap(disk.stat(id)), after);
  // A zero-length write leaves the file alone.
  assert.equal(unwrap(disk.write(id, 10, new Uint8Array(0))), 0);
  assert.deepEqual(unwrap(disk.stat(id)), after);
});

test('setTimes sets the times given, and stamps the change time unless given', () => {
  const { disk, root } = memoryDisk();
  const id = unwrap(disk.create(root, 'F')).id;
  const t = 130_000_000_000_000_000n;
  const a = unwrap(disk.setTimes(id, { lastWriteTime: t, creationTime: undefined }));
  assert.equal(a.lastWriteTime, t);
  assert.ok(a.changeTime > START);
  assert.notEqual(a.creationTime, undefined);
  const b = unwrap(disk.setTimes(id, { creationTime: 1n, lastAccessTime: 2n, lastWriteTime: 3n, changeTime: 4n }));
  assert.deepEqual([b.creationTime, b.lastAccessTime, b.lastWriteTime, b.changeTime], [1n, 2n, 3n, 4n]);
});

test('delete: files, empty directories; never a non-empty directory, a read-only file or a root', () => {
  const { disk, volume, root } = memoryDisk();
  const dir = unwrap(disk.create(root, 'D', { directory: true })).id;
  const f = fileWith(disk, dir, 'F', 'hello');
  const r1 = disk.delete(dir);
  assert.equal(!r1.ok && r1.error, StoreError.NotEmpty);
  unwrap(disk.setAttributes(f, FILE_ATTRIBUTE_READONLY));
  const r2 = disk.delete(f);
  assert.equal(!r2.ok && r2.error, StoreError.ReadOnly);
  unwrap(disk.setAttributes(f, 0));
  unwrap(disk.delete(f));
  const stale = disk.read(f, 0, 1);
  assert.equal(!stale.ok && stale.error, StoreError.Deleted);
  unwrap(disk.delete(dir));
  const r3 = disk.delete(root);
  assert.equal(!r3.ok && r3.error, StoreError.AccessDenied);
  assert.equal(unwrap(disk.volumeInfo(volume.id)).freeClusters, volume.totalClusters);
  assert.deepEqual(disk.verify(), []);
});

test('node ids are never reused, so a stale id cannot reach a newer file', () => {
  const { disk, root } = memoryDisk();
  const a = unwrap(disk.create(root, 'A')).id;
  unwrap(disk.delete(a));
  const b = unwrap(disk.create(root, 'B')).id;
  assert.notEqual(a, b);
  assert.equal(disk.stat(a).ok, false);
});

test('rename: same directory, other directory, case only; ids and contents stay', () => {
  const { disk, volume, root } = memoryDisk();
  const d1 = unwrap(disk.create(root, 'D1', { directory: true })).id;
  const d2 = unwrap(disk.create(root, 'D2', { directory: true })).id;
  const f = fileWith(disk, d1, 'old.txt', 'contents');
  const renamed = unwrap(disk.rename(f, d1, 'new.txt'));
  assert.equal(renamed.id, f);
  assert.equal(renamed.name, 'new.txt');
  assert.equal(disk.lookup(volume.id, ['D1', 'old.txt']).ok, false);
  unwrap(disk.rename(f, d2, 'moved.txt'));
  assert.equal(unwrap(disk.lookup(volume.id, ['d2', 'MOVED.TXT'])).id, f);
  assert.equal(unwrap(disk.read(f, 0, 100)).toString(), 'contents');
  assert.equal(unwrap(disk.rename(f, d2, 'MOVED.TXT')).name, 'MOVED.TXT');    // onto itself: only the case changes
  const s = unwrap(disk.stat(f));
  assert.ok(s.changeTime > s.creationTime);
  assert.deepEqual(disk.verify(), []);
});

test('rename onto an existing name: collision, or replace a file (never a directory or read-only file)', () => {
  const { disk, volume, root } = memoryDisk();
  const a = fileWith(disk, root, 'A', 'aaaa'.repeat(5000));
  const b = fileWith(disk, root, 'B', 'bb');
  const dir = unwrap(disk.create(root, 'DIR', { directory: true })).id;
  const r1 = disk.rename(a, root, 'b');
  assert.equal(!r1.ok && r1.error, StoreError.Collision);
  const r2 = disk.rename(a, root, 'dir', { replaceIfExists: true });
  assert.equal(!r2.ok && r2.error, StoreError.AccessDenied);
  unwrap(disk.setAttributes(b, FILE_ATTRIBUTE_READONLY));
  const r3 = disk.rename(a, root, 'B', { replaceIfExists: true });
  assert.equal(!r3.ok && r3.error, StoreError.AccessDenied);
  unwrap(disk.setAttributes(b, 0));
  unwrap(disk.rename(a, root, 'b', { replaceIfExists: true }));
  assert.equal(disk.stat(b).ok, false);
  assert.equal(unwrap(disk.lookup(volume.id, ['B'])).id, a);
  assert.equal(unwrap(disk.lookup(volume.id, ['B'])).name, 'b');
  assert.deepEqual(disk.verify(), []);
});

test('rename refuses to move a directory into itself, a root, or across volumes', () => {
  const { disk, root } = memoryDisk();
  const outer = unwrap(disk.create(root, 'OUTER', { directory: true })).id;
  const inner = unwrap(disk.create(outer, 'INNER', { directory: true })).id;
  for (const target of [outer, inner]) {
    const r = disk.rename(outer, target, 'X');
    assert.equal(!r.ok && r.error, StoreError.MoveIntoSelf);
  }
  const r = disk.rename(root, outer, 'X');
  assert.equal(!r.ok && r.error, StoreError.AccessDenied);
  const d = unwrap(disk.createVolume({ drive: 'D' }));
  const across = disk.rename(inner, d.root, 'X');
  assert.equal(!across.ok && across.error, StoreError.NotSameVolume);
  const intoFile = disk.rename(inner, fileWith(disk, root, 'F', ''), 'X');
  assert.equal(!intoFile.ok && intoFile.error, StoreError.NotDirectory);
  unwrap(disk.rename(inner, root, 'INNER'));   // out of its parent is fine
  assert.deepEqual(disk.verify(), []);
});

test('volume information: label, serial, geometry, free space that follows file sizes', () => {
  const { disk, volume, root } = memoryDisk(1024 * 1024);
  assert.equal(volume.drive, 'C');
  assert.equal(volume.label, 'TEST');
  assert.equal(volume.serialNumber, 0x1234abcd);
  assert.equal(volume.creationTime, START);
  assert.equal(volume.bytesPerSector, 512);
  assert.equal(volume.sectorsPerCluster, 8);
  assert.equal(volume.totalClusters, 256);
  assert.equal(volume.fileSystemName, 'NTFS');
  assert.equal(volume.maxComponentLength, 255);
  const f = fileWith(disk, root, 'F', 'x');
  assert.equal(unwrap(disk.stat(f)).allocationSize, 4096);
  assert.equal(unwrap(disk.volumeInfo(volume.id)).freeClusters, 255);
  unwrap(disk.setEndOfFile(f, 4097));
  assert.equal(unwrap(disk.volumeInfo(volume.id)).freeBytes, 1024 * 1024 - 8192);
  assert.equal(unwrap(disk.setVolumeLabel(volume.id, 'RENAMED')).label, 'RENAMED');
  assert.equal(disk.setVolumeLabel(volume.id, 'x'.repeat(33)).ok, false);
  const dup = disk.createVolume({ drive: 'c' });
  assert.equal(!dup.ok && dup.error, StoreError.Collision);
  assert.equal(disk.createVolume({ drive: 'CD' }).ok, false);
  assert.deepEqual(disk.volumes().map(v => v.drive), ['C']);
});

test('a full volume refuses to grow a file, and the failed write changes nothing', () => {
  const { disk, volume, root } = memoryDisk(64 * 1024);    // 16 clusters
  const f = fileWith(disk, root, 'F', Buffer.alloc(60 * 1024, 1));
  const before = unwrap(disk.stat(f));
  const r = disk.write(f, 60 * 1024, Buffer.alloc(8 * 1024, 2));
  assert.equal(!r.ok && r.error, StoreError.DiskFull);
  assert.deepEqual(unwrap(disk.stat(f)), before);
  const r2 = disk.setEndOfFile(f, 1024 * 1024);
  assert.equal(!r2.ok && r2.error, StoreError.DiskFull);
  unwrap(disk.write(f, 60 * 1024, Buffer.alloc(4 * 1024, 2)));   // exactly fills the last cluster
  assert.equal(unwrap(disk.volumeInfo(volume.id)).freeClusters, 0);
  assert.deepEqual(disk.verify(), []);
});

test('file operations on directories and directory operations on files are refused', () => {
  const { disk, root } = memoryDisk();
  const f = fileWith(disk, root, 'F', 'x');
  for (const r of [disk.read(root, 0, 1), disk.write(root, 0, Buffer.from('x')), disk.setEndOfFile(root, 0)]) {
    assert.equal(!r.ok && r.error, StoreError.IsDirectory);
  }
  for (const r of [disk.list(f), disk.lookupChild(f, 'x'), disk.create(f, 'x')]) {
    assert.equal(!r.ok && r.error, StoreError.NotDirectory);
  }
  for (const r of [disk.read(f, -1, 1), disk.read(f, 0, -1), disk.read(f, 0.5, 1), disk.write(f, Number.MAX_SAFE_INTEGER, Buffer.from('x'))]) {
    assert.equal(!r.ok && r.error, StoreError.InvalidParameter);
  }
});

test('a batch transaction commits together or not at all', () => {
  const { disk, volume, root } = memoryDisk();
  assert.throws(() => disk.transaction(() => {
    fileWith(disk, root, 'ONE', '1');
    fileWith(disk, root, 'TWO', '2');
    throw new Error('abandon');
  }), /abandon/);
  assert.equal(disk.lookup(volume.id, ['ONE']).ok, false);
  // Inside a batch, a failing operation rolls back only itself.
  disk.transaction(() => {
    fileWith(disk, root, 'ONE', '1');
    assert.equal(disk.create(root, 'one').ok, false);
  });
  assert.equal(unwrap(disk.read(unwrap(disk.lookup(volume.id, ['ONE'])).id, 0, 9)).toString(), '1');
});
