// Copying the disk, or part of it, to a host folder (`ntlab disk export`). Names and
// contents come out as they are; the host gets the last write and last access times
// (it cannot be given creation or change times), and READONLY files lose write permission.
// The export reads one snapshot of the disk, so a machine writing meanwhile cannot
// make it see half of a change.
import { closeSync, existsSync, mkdirSync, openSync, statSync, utimesSync, writeSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_ATTRIBUTE_READONLY } from './attributes.ts';
import type { VirtualDisk } from './disk.ts';
import { unwrap } from './errors.ts';
import { fileTimeToUnixSeconds } from './filetime.ts';
import { CHUNK_SIZE } from './schema.ts';
import type { NodeInfo } from './types.ts';
import type { TransferReport } from './host-import.ts';

export interface ExportOptions {
  /** Overwrite host files that already exist (otherwise that is an error). */
  readonly overwrite?: boolean;
}

/** Host permissions for an exported READONLY file: read for everyone, write for no one. */
const READ_ONLY_MODE = 0o444;
/** Permissions that let the owner write, for overwriting a file an earlier export made read-only. */
const WRITABLE_MODE = 0o644;

/**
 * Exports `node` into host folder `hostDir` (created if missing): a directory's
 * entries go inside it, a single file goes into it under its own name.
 */
export function exportToHost(disk: VirtualDisk, node: NodeInfo, hostDir: string, options: ExportOptions = {}): TransferReport {
  const exporter = new Exporter(disk, options);
  makeHostDirectory(hostDir);
  disk.snapshot(() => {
    if (node.isDirectory) exporter.folder(node, hostDir);
    else exporter.file(node, join(hostDir, node.name));
  });
  return exporter.report;
}

/** One export: the disk, the options, and the report it fills in as it walks the disk's tree. */
class Exporter {
  readonly report: TransferReport = { files: 0, directories: 0, bytes: 0, skipped: [] };

  constructor(private readonly disk: VirtualDisk, private readonly options: ExportOptions) {}

  /** The entries of disk directory `dir`, into host folder `hostDir`. */
  folder(dir: NodeInfo, hostDir: string): void {
    for (const entry of unwrap(this.disk.list(dir.id))) {
      const hostPath = join(hostDir, entry.name);
      if (!entry.isDirectory) {
        this.file(entry, hostPath);
        continue;
      }
      makeHostDirectory(hostPath);
      this.report.directories++;
      this.folder(entry, hostPath);
      setHostTimes(hostPath, entry);   // last: writing the entries changed the folder's times
    }
  }

  /** Streams one file out a chunk at a time: a large file is never in memory whole. */
  file(file: NodeInfo, hostPath: string): void {
    if (existsSync(hostPath)) {
      if (!this.options.overwrite) throw new Error(`'${hostPath}' already exists (--force overwrites)`);
      chmodSync(hostPath, WRITABLE_MODE);   // it may be a read-only file from an earlier export
    }
    const fd = openSync(hostPath, 'w');
    try {
      for (let offset = 0; offset < file.endOfFile; offset += CHUNK_SIZE) {
        const bytes = unwrap(this.disk.read(file.id, offset, CHUNK_SIZE));
        writeSync(fd, bytes, 0, bytes.length, offset);
      }
    } finally {
      closeSync(fd);
    }
    if (file.attributes & FILE_ATTRIBUTE_READONLY) chmodSync(hostPath, READ_ONLY_MODE);
    setHostTimes(hostPath, file);
    this.report.files++;
    this.report.bytes += file.endOfFile;
  }
}

function makeHostDirectory(path: string): void {
  if (existsSync(path) && !statSync(path).isDirectory()) throw new Error(`'${path}' exists and is not a folder`);
  mkdirSync(path, { recursive: true });
}

/** utimes takes fractional seconds: the times survive to well under a microsecond. */
function setHostTimes(path: string, node: NodeInfo): void {
  utimesSync(path, fileTimeToUnixSeconds(node.lastAccessTime), fileTimeToUnixSeconds(node.lastWriteTime));
}
