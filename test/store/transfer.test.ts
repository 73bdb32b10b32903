// Host folders in and out: import then export gives back the same names, contents,
// modification times and read-only bits; what cannot come in is skipped or refused
// without leaving half an import behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { exportToHost } from '../../kernel/store/host-export.ts';
import { importFromHost } from '../../kernel/store/host-import.ts';
import {
  CHUNK_SIZE, FILE_ATTRIBUTE_READONLY, fileTimeFromUnixMs, unwrap, type VirtualDisk,
} from '../../kernel/store/index.ts';
import { memoryDisk, pattern, withTempDir } from './helpers.ts';

/** Half a second: exact in the floating-point seconds utimes takes, so it compares exactly. */
const MTIME = new Date(Date.UTC(2024, 5, 15, 12, 30, 45, 500));
const BIG = pattern(3 * CHUNK_SIZE + 1000, 5);

function makeHostTree(root: string): void {
  mkdirSync(join(root, 'Sub', 'Deep'), { recursive: true });
  writeFileSync(join(root, 'a.txt'), 'alpha\r\n');
  writeFileSync(join(root, 'empty.dat'), '');
  writeFileSync(join(root, 'Sub', 'Deep', 'big.bin'), BIG);
  writeFileSync(join(root, 'Sub', 'ReadOnly.txt'), 'do not touch');
  chmodSync(join(root, 'Sub', 'ReadOnly.txt'), 0o444);
  for (const f of ['a.txt', 'empty.dat', 'Sub/Deep/big.bin', 'Sub/ReadOnly.txt']) utimesSync(join(root, f), MTIME, MTIME);
}

/** Every file under `root` as relative path -> contents, for comparing trees. */
function hostTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(root, p), readFileSync(p).toString('hex'));
    }
  };
  walk(root);
  return out;
}

function lookup(disk: VirtualDisk, path: string[]) {
  return unwrap(disk.lookup(unwrap(disk.volume('C')).id, path));
}

test('import then export: same names, contents, times and read-only bits', () => withTempDir(dir => {
  const src = join(dir, 'src');
  makeHostTree(src);
  const { disk, root } = memoryDisk();
  const target = unwrap(disk.create(root, 'IMPORTED', { directory: true }));
  const report = importFromHost(disk, src, target.id);
  assert.deepEqual({ ...report, skipped: report.skipped.length }, { files: 4, directories: 2, bytes: 7 + BIG.length + 12, skipped: 0 });

  const big = lookup(disk, ['imported', 'sub', 'deep', 'BIG.BIN']);
  assert.equal(big.name, 'big.bin');
  assert.deepEqual(unwrap(disk.read(big.id, 0, big.endOfFile)), BIG);
  assert.equal(big.lastWriteTime, fileTimeFromUnixMs(MTIME.getTime()));
  assert.equal(lookup(disk, ['IMPORTED', 'Sub', 'ReadOnly.txt']).attributes & FILE_ATTRIBUTE_READONLY, FILE_ATTRIBUTE_READONLY);
  assert.equal(lookup(disk, ['IMPORTED', 'a.txt']).attributes & FILE_ATTRIBUTE_READONLY, 0);
  assert.deepEqual(disk.verify(), []);

  const out = join(dir, 'out');
  const back = exportToHost(disk, target, out);
  assert.deepEqual({ files: back.files, directories: back.directories, bytes: back.bytes }, { files: 4, directories: 2, bytes: report.bytes });
  assert.deepEqual(hostTree(out), hostTree(src));
  assert.equal(statSync(join(out, 'Sub', 'Deep', 'big.bin'), { bigint: true }).mtimeNs, BigInt(MTIME.getTime()) * 1_000_000n);
  assert.equal(statSync(join(out, 'Sub', 'ReadOnly.txt')).mode & 0o777, 0o444);
  assert.equal(statSync(join(out, 'a.txt')).mode & 0o200, 0o200);
}));

test('exporting a subtree or a single file; existing host files need overwrite', () => withTempDir(dir => {
  const src = join(dir, 'src');
  makeHostTree(src);
  const { disk, root } = memoryDisk();
  importFromHost(disk, src, root);
  const out = join(dir, 'out');
  exportToHost(disk, lookup(disk, ['SUB']), out);
  assert.deepEqual([...hostTree(out).keys()], ['Deep/big.bin', 'ReadOnly.txt']);
  exportToHost(disk, lookup(disk, ['A.TXT']), out);
  assert.equal(readFileSync(join(out, 'a.txt'), 'latin1'), 'alpha\r\n');
  assert.throws(() => exportToHost(disk, lookup(disk, ['A.TXT']), out), /a\.txt' already exists \(--force overwrites\)/);
  exportToHost(disk, lookup(disk, ['SUB']), out, { overwrite: true });     // also over the read-only file
  assert.equal(readFileSync(join(out, 'ReadOnly.txt'), 'latin1'), 'do not touch');
}));

test('symbolic links and names NT refuses are skipped and reported', () => withTempDir(dir => {
  const src = join(dir, 'src');
  mkdirSync(src);
  writeFileSync(join(src, 'ok.txt'), 'fine');
  writeFileSync(join(src, 'bad:name.txt'), 'colon');
  writeFileSync(join(src, 'what?.txt'), 'question');
  symlinkSync(join(src, 'ok.txt'), join(src, 'link.txt'));
  const { disk, root } = memoryDisk();
  const report = importFromHost(disk, src, root);
  assert.equal(report.files, 1);
  assert.deepEqual(report.skipped.map(s => [relative(src, s.path), s.reason.replace(/:.*/, '')]).sort(), [
    ['bad:name.txt', 'not a valid NT file name'],
    ['link.txt', 'a symbolic link, not a file or folder'],
    ['what?.txt', 'not a valid NT file name'],
  ]);
  assert.deepEqual(unwrap(disk.list(root)).map(e => e.name), ['ok.txt']);
}));

test('a name already on the disk stops the import, and nothing of it stays; replace overwrites', () => withTempDir(dir => {
  const src = join(dir, 'src');
  makeHostTree(src);
  const { disk, root } = memoryDisk();
  const existing = unwrap(disk.create(root, 'EMPTY.DAT'));
  unwrap(disk.write(existing.id, 0, Buffer.from('old contents')));
  unwrap(disk.setAttributes(existing.id, FILE_ATTRIBUTE_READONLY));
  assert.throws(() => importFromHost(disk, src, root), /'EMPTY\.DAT' is already on the disk \(--replace overwrites\)/);
  assert.deepEqual(unwrap(disk.list(root)).map(e => e.name), ['EMPTY.DAT']);      // a.txt, imported before it, rolled back
  importFromHost(disk, src, root, { replace: true });
  const replaced = lookup(disk, ['empty.dat']);
  assert.equal(replaced.id, existing.id);
  assert.equal(replaced.endOfFile, 0);
  assert.equal(replaced.attributes & FILE_ATTRIBUTE_READONLY, 0);
  assert.deepEqual(unwrap(disk.list(root)).map(e => e.name), ['a.txt', 'EMPTY.DAT', 'Sub']);
  // Directories merge: importing again with replace finds Sub and Deep already there.
  importFromHost(disk, src, root, { replace: true });
  assert.deepEqual(disk.verify(), []);
}));

test('host names that differ only in case cannot both come in', () => withTempDir(dir => {
  const src = join(dir, 'src');
  mkdirSync(src);
  writeFileSync(join(src, 'readme.txt'), 'one');
  writeFileSync(join(src, 'README.TXT'), 'two');
  const { disk, root } = memoryDisk();
  assert.throws(() => importFromHost(disk, src, root), /differs from it only in case/);
  assert.deepEqual(unwrap(disk.list(root)), []);
}));

test('a single host file imports as one entry', () => withTempDir(dir => {
  const file = join(dir, 'One.txt');
  writeFileSync(file, 'just me');
  const { disk, root } = memoryDisk();
  assert.equal(importFromHost(disk, file, root).files, 1);
  assert.equal(unwrap(disk.read(lookup(disk, ['ONE.TXT']).id, 0, 100)).toString(), 'just me');
}));
