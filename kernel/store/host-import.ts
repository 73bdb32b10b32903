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
  const importer = new Importer(disk, options);
  const isFolder = statSync(hostPath).isDirectory();
  disk.transaction(() => {
    if (isFolder) importer.folder(hostPath, target);
    else importer.entry(hostPath, basename(hostPath), target, new Set());
  });
  return importer.report;
}

/** One import: the disk, the options, and the report it fills in as it walks the host tree. */
class Importer {
  readonly report: TransferReport = { files: 0, directories: 0, bytes: 0, skipped: [] };

  constructor(private readonly disk: VirtualDisk, private readonly options: ImportOptions) {}

  /** The entries of host folder `hostDir`, into disk directory `dir`. */
  folder(hostDir: string, dir: NodeId): void {
    const seen = new Set<string>();   // name keys already imported here: catches "a.txt" beside "A.TXT"
    // Sorted so that an import is the same sequence of operations on every host.
    for (const name of readdirSync(hostDir).sort()) this.entry(join(hostDir, name), name, dir, seen);
  }

  entry(hostPath: string, name: string, dir: NodeId, seen: Set<string>): void {
    const stats = lstatSync(hostPath, { bigint: true });   // lstat: a symbolic link is not followed
    const kind = kindOf(stats);
    if (kind !== 'file' && kind !== 'directory') return this.skip(hostPath, `a ${kind}, not a file or folder`);
    const valid = checkName(name);
    if (!valid.ok) return this.skip(hostPath, `not a valid NT file name: ${valid.message}`);
    const key = nameKey(name);
    if (seen.has(key)) throw new Error(`'${hostPath}': another name in that folder differs from it only in case`);
    seen.add(key);
    const found = this.disk.lookupChild(dir, name);
    const existing = found.ok ? found.value : undefined;
    if (kind === 'directory') this.directory(hostPath, name, dir, existing, stats);
    else this.file(hostPath, name, dir, existing, stats);
  }

  private directory(hostPath: string, name: string, dir: NodeId, existing: NodeInfo | undefined, stats: BigIntStats): void {
    if (existing && !existing.isDirectory) throw new Error(`'${hostPath}': a file named '${existing.name}' is already on the disk`);
    const node = existing ?? unwrap(this.disk.create(dir, name, { directory: true }));
    if (!existing) this.report.directories++;
    this.folder(hostPath, node.id);
    setTimes(this.disk, node.id, stats);   // last: creating the entries touched the directory's times
  }

  private file(hostPath: string, name: string, dir: NodeId, existing: NodeInfo | undefined, stats: BigIntStats): void {
    if (existing?.isDirectory) throw new Error(`'${hostPath}': a directory named '${existing.name}' is already on the disk`);
    if (existing && !this.options.replace) throw new Error(`'${hostPath}': '${existing.name}' is already on the disk (--replace overwrites)`);
    const node = existing ?? unwrap(this.disk.create(dir, name));
    if (existing) {
      unwrap(this.disk.setAttributes(node.id, 0));       // a read-only file on the disk may be replaced by import
      unwrap(this.disk.setEndOfFile(node.id, 0));
    }
    this.report.bytes += copyContents(this.disk, hostPath, node.id);
    this.report.files++;
    const readOnly = (Number(stats.mode) & OWNER_WRITE) === 0;
    unwrap(this.disk.setAttributes(node.id, FILE_ATTRIBUTE_ARCHIVE | (readOnly ? FILE_ATTRIBUTE_READONLY : 0)));
    setTimes(this.disk, node.id, stats);
  }

  private skip(path: string, reason: string): void {
    this.report.skipped.push({ path, reason });
  }
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
