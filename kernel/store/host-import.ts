// Copying a host folder onto the disk (`ntlab disk import`). Names, contents and times
// come across; a host file without write permission becomes READONLY. The whole import
// is one transaction: if anything fails, or the process dies, the disk is as before.
//
// What cannot come across is skipped and reported, not fatal: symbolic links and
// special files (the disk has neither), names NT would refuse ("a:b", "x?"). A name
// that already exists on the disk is an error unless `replace` is set; two host names
// that differ only in case ("a.txt", "A.TXT") are always an error, since the disk would
// keep only one of them.
import { closeSync, lstatSync, openSync, readdirSync, readSync, statSync, type BigIntStats } from 'node:fs';
import { basename, join } from 'node:path';
import { FILE_ATTRIBUTE_ARCHIVE, FILE_ATTRIBUTE_READONLY } from './attributes.ts';
import type { VirtualDisk } from './disk.ts';
import { unwrap } from './errors.ts';
import { fileTimeFromUnixNs } from './filetime.ts';
import { checkName, nameKey } from './names.ts';
import { CHUNK_SIZE } from './schema.ts';
import type { NodeId, NodeInfo } from './types.ts';

export interface ImportOptions {
  /** Overwrite files that already exist on the disk (directories are always merged). */
  readonly replace?: boolean;
}

export interface TransferReport {
  files: number;
  directories: number;
  bytes: number;
  /** Host entries left out, and why. */
  skipped: { path: string; reason: string }[];
}

/** Permission bits: "the owner may write". Without it the file comes in read-only. */
const OWNER_WRITE = 0o200;

/**
 * Imports `hostPath` into directory `target`: a folder's entries go inside `target`,
 * a single file becomes an entry of `target`.
 */
export function importFromHost(disk: VirtualDisk, hostPath: string, target: NodeId, options: ImportOptions = {}): TransferReport {
  const report: TransferReport = { files: 0, directories: 0, bytes: 0, skipped: [] };
  const stats = statSync(hostPath, { bigint: true });
  disk.transaction(() => {
    if (stats.isDirectory()) importEntries(disk, hostPath, target, options, report);
    else importEntry(disk, hostPath, basename(hostPath), target, new Set(), options, report);
  });
  return report;
}

function importEntries(disk: VirtualDisk, hostDir: string, dir: NodeId, options: ImportOptions, report: TransferReport): void {
  const seen = new Set<string>();
  // Sorted so that an import is the same sequence of operations on every host.
  for (const name of readdirSync(hostDir).sort()) importEntry(disk, join(hostDir, name), name, dir, seen, options, report);
}

function importEntry(
  disk: VirtualDisk, hostPath: string, name: string, dir: NodeId, seen: Set<string>, options: ImportOptions, report: TransferReport,
): void {
  const stats = lstatSync(hostPath, { bigint: true });   // lstat: a symbolic link is not followed
  const kind = kindOf(stats);
  if (kind !== 'file' && kind !== 'directory') return skip(report, hostPath, `a ${kind}, not a file or folder`);
  const valid = checkName(name);
  if (!valid.ok) return skip(report, hostPath, `not a valid NT file name: ${valid.message}`);
  const key = nameKey(name);
  if (seen.has(key)) throw new Error(`'${hostPath}': another name in that folder differs from it only in case`);
  seen.add(key);
  const existing = disk.lookupChild(dir, name);
  if (kind === 'directory') importDirectory(disk, hostPath, name, dir, existing.ok ? existing.value : undefined, stats, options, report);
  else importFile(disk, hostPath, name, dir, existing.ok ? existing.value : undefined, stats, options, report);
}

function importDirectory(
  disk: VirtualDisk, hostPath: string, name: string, dir: NodeId, existing: NodeInfo | undefined,
  stats: BigIntStats, options: ImportOptions, report: TransferReport,
): void {
  if (existing && !existing.isDirectory) throw new Error(`'${hostPath}': a file named '${existing.name}' is already on the disk`);
  const node = existing ?? unwrap(disk.create(dir, name, { directory: true }));
  if (!existing) report.directories++;
  importEntries(disk, hostPath, node.id, options, report);
  setTimes(disk, node.id, stats);   // last: creating the entries touched the directory's times
}

function importFile(
  disk: VirtualDisk, hostPath: string, name: string, dir: NodeId, existing: NodeInfo | undefined,
  stats: BigIntStats, options: ImportOptions, report: TransferReport,
): void {
  if (existing?.isDirectory) throw new Error(`'${hostPath}': a directory named '${existing.name}' is already on the disk`);
  if (existing && !options.replace) throw new Error(`'${hostPath}': '${existing.name}' is already on the disk (--replace overwrites)`);
  const node = existing ?? unwrap(disk.create(dir, name));
  if (existing) {
    unwrap(disk.setAttributes(node.id, 0));       // a read-only file on the disk may be replaced by import
    unwrap(disk.setEndOfFile(node.id, 0));
  }
  report.bytes += copyContents(disk, hostPath, node.id);
  report.files++;
  const readOnly = (Number(stats.mode) & OWNER_WRITE) === 0;
  unwrap(disk.setAttributes(node.id, FILE_ATTRIBUTE_ARCHIVE | (readOnly ? FILE_ATTRIBUTE_READONLY : 0)));
  setTimes(disk, node.id, stats);
}

/** Streams the host file onto the disk a chunk at a time: a large file is never in memory whole. */
function copyContents(disk: VirtualDisk, hostPath: string, node: NodeId): number {
  const fd = openSync(hostPath, 'r');
  const buffer = Buffer.alloc(CHUNK_SIZE);
  let offset = 0;
  try {
    for (let n; (n = readSync(fd, buffer, 0, CHUNK_SIZE, offset)) > 0; offset += n) {
      unwrap(disk.write(node, offset, buffer.subarray(0, n)));
    }
  } finally {
    closeSync(fd);
  }
  return offset;
}

/**
 * Host times to NT times, at the host's full precision. A host that does not record
 * birth times reports 0; the creation time is then the modification time.
 */
function setTimes(disk: VirtualDisk, node: NodeId, stats: BigIntStats): void {
  const born = stats.birthtimeNs > 0n ? stats.birthtimeNs : stats.mtimeNs;
  unwrap(disk.setTimes(node, {
    creationTime: fileTimeFromUnixNs(born),
    lastAccessTime: fileTimeFromUnixNs(stats.atimeNs),
    lastWriteTime: fileTimeFromUnixNs(stats.mtimeNs),
    changeTime: fileTimeFromUnixNs(stats.ctimeNs),
  }));
}

function kindOf(stats: BigIntStats): string {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symbolic link';
  return 'special file';
}

function skip(report: TransferReport, path: string, reason: string): void {
  report.skipped.push({ path, reason });
}
