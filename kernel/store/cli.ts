// `ntlab disk …`: looking at and moving files in and out of a virtual disk from the host.
// kernel/cli.ts dispatches here. Tools use the host clock for the times they stamp; the
// machine, which must be deterministic, never goes through this file.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FILE_ATTRIBUTE_DIRECTORY } from './attributes.ts';
import { createDefaultDisk, defaultDiskInMemory } from './default-disk.ts';
import { VirtualDisk } from './disk.ts';
import { StoreError, unwrap } from './errors.ts';
import { fileTimeToDate, hostClock, type FileTime } from './filetime.ts';
import { exportToHost } from './host-export.ts';
import { importFromHost, type TransferReport } from './host-import.ts';
import { formatDiskPath, parseDiskPath } from './names.ts';
import type { NodeInfo, VolumeInfo } from './types.ts';

/** Where output goes; kernel/cli.ts passes the process's streams, tests capture them. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const DISK_USAGE = `usage: ntlab disk <command> [options]

  disk new FILE [--size MIB]
        make FILE a default disk: C: with README.TXT, BIG.DAT and \\SAMPLES
  disk ls [--disk FILE] [PATH]
        list a directory (default C:\\); without --disk, the default disk
  disk import HOSTDIR --disk FILE [--to PATH] [--replace]
        copy a host folder (or file) into the disk, under PATH (default C:\\)
  disk export HOSTDIR [--disk FILE] [--from PATH] [--force]
        copy the disk, or the directory or file PATH, into a host folder
  disk check --disk FILE
        check the disk's structure (SQLite integrity and the disk's own invariants)

PATH is written C:\\DIR\\FILE, \\DIR\\FILE or DIR/FILE; names compare without case.
`;

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;
const BYTES_PER_MIB = 1024 * 1024;
const DEFAULT_DRIVE = 'C';

/** A mistake in how the command was typed: usage is printed, exit code 2. */
class UsageError extends Error {}

type Options = Record<string, string | boolean | undefined>;
type Subcommand = (positionals: string[], options: Options, io: CommandIo) => number;

const SUBCOMMANDS: Record<string, { run: Subcommand; strings: string[]; flags: string[] }> = {
  new: { run: newCommand, strings: ['size'], flags: [] },
  ls: { run: lsCommand, strings: ['disk'], flags: [] },
  import: { run: importCommand, strings: ['disk', 'to'], flags: ['replace'] },
  export: { run: exportCommand, strings: ['disk', 'from'], flags: ['force'] },
  check: { run: checkCommand, strings: ['disk'], flags: [] },
};

export function diskCommand(args: string[], io: CommandIo): number {
  const [name, ...rest] = args;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    (name ? io.stdout : io.stderr)(DISK_USAGE);
    return name ? EXIT_OK : EXIT_USAGE;
  }
  const sub = SUBCOMMANDS[name];
  try {
    if (!sub) throw new UsageError(`unknown command 'disk ${name}'`);
    const { positionals, values } = parseOptions(rest, sub.strings, sub.flags);
    return sub.run(positionals, values, io);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof UsageError) {
      io.stderr(`ntlab disk: ${message}\n\n${DISK_USAGE}`);
      return EXIT_USAGE;
    }
    io.stderr(`ntlab disk: ${message}\n`);
    return EXIT_FAILURE;
  }
}

function parseOptions(args: string[], strings: string[], flags: string[]): { positionals: string[]; values: Options } {
  const options = Object.fromEntries([
    ...strings.map(s => [s, { type: 'string' as const }]),
    ...flags.map(f => [f, { type: 'boolean' as const }]),
  ]);
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { positionals: parsed.positionals, values: parsed.values as Options };   // no option is `multiple`
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** At most `max` positional arguments. */
function atMost(positionals: string[], max: number): void {
  if (positionals.length > max) throw new UsageError(`unexpected argument '${positionals[max]}'`);
}

/** The one positional argument a command needs, called `name` in the usage (FILE, HOSTDIR). */
function required(positionals: string[], name: string): string {
  atMost(positionals, 1);
  if (positionals.length === 0) throw new UsageError(`${name} is missing`);
  return positionals[0];
}

// ---- Subcommands ---------------------------------------------------------------------

function newCommand(positionals: string[], options: Options, io: CommandIo): number {
  const file = required(positionals, 'FILE');
  const size = options.size === undefined ? undefined : Number(options.size);
  if (size !== undefined && !(Number.isInteger(size) && size > 0)) throw new UsageError(`--size takes a whole number of MiB, not '${options.size}'`);
  createDefaultDisk(file, size === undefined ? undefined : size * BYTES_PER_MIB);
  io.stdout(`made default disk '${file}'\n`);
  return EXIT_OK;
}

function lsCommand(positionals: string[], options: Options, io: CommandIo): number {
  atMost(positionals, 1);
  const path = positionals[0] ?? '';
  return withDisk(options, false, disk => {
    const { volume, node, shown } = resolve(disk, path);
    io.stdout(formatListing(volume, shown, node.isDirectory ? unwrap(disk.list(node.id)) : [node]));
    return EXIT_OK;
  });
}

function importCommand(positionals: string[], options: Options, io: CommandIo): number {
  const hostDir = required(positionals, 'HOSTDIR');
  if (options.disk === undefined) throw new UsageError('import needs --disk FILE (a default disk is not kept)');
  if (!existsSync(hostDir)) throw new Error(`no host file or folder '${hostDir}'`);
  return withDisk(options, true, disk => {
    const report = disk.transaction(() => {
      const { node, shown } = resolve(disk, String(options.to ?? ''), { makeDirectories: true });
      if (!node.isDirectory) throw new Error(`${shown} is a file, not a directory`);
      return { shown, ...importFromHost(disk, hostDir, node.id, { replace: options.replace === true }) };
    });
    for (const s of report.skipped) io.stderr(`ntlab disk: skipped '${s.path}': ${s.reason}\n`);
    io.stdout(`imported ${summary(report)} into ${report.shown}\n`);
    return EXIT_OK;
  });
}

function exportCommand(positionals: string[], options: Options, io: CommandIo): number {
  const hostDir = required(positionals, 'HOSTDIR');
  return withDisk(options, false, disk => {
    const { node, shown } = resolve(disk, String(options.from ?? ''));
    const report = exportToHost(disk, node, hostDir, { overwrite: options.force === true });
    io.stdout(`exported ${summary(report)} from ${shown}\n`);
    return EXIT_OK;
  });
}

function checkCommand(positionals: string[], options: Options, io: CommandIo): number {
  atMost(positionals, 0);
  if (options.disk === undefined) throw new UsageError('check needs --disk FILE');
  return withDisk(options, false, disk => {
    const problems = disk.verify();
    for (const p of problems) io.stderr(`ntlab disk: ${p}\n`);
    if (problems.length) return EXIT_FAILURE;
    io.stdout(`${options.disk}: ok\n`);
    return EXIT_OK;
  });
}

// ---- Helpers -------------------------------------------------------------------------

/** Opens --disk FILE (or, for reading commands, a default disk in memory), runs `fn`, closes. */
function withDisk(options: Options, mustExist: boolean, fn: (disk: VirtualDisk) => number): number {
  const file = options.disk;
  if (mustExist && typeof file !== 'string') throw new UsageError('--disk FILE is required');
  const disk = typeof file === 'string' ? VirtualDisk.open(file, { clock: hostClock }) : defaultDiskInMemory();
  try {
    return fn(disk);
  } finally {
    disk.close();
  }
}

interface Resolved { volume: VolumeInfo; node: NodeInfo; shown: string }

/** Finds the node a command-line path names, optionally making missing directories on the way. */
function resolve(disk: VirtualDisk, text: string, opts: { makeDirectories?: boolean } = {}): Resolved {
  const path = parseDiskPath(text);
  const volume = unwrap(disk.volume(path.drive ?? DEFAULT_DRIVE));
  const typed = formatDiskPath(volume.drive, path.components);
  let node = unwrap(disk.stat(volume.root));
  for (const name of path.components) {
    const child = disk.lookupChild(node.id, name);
    if (child.ok) node = child.value;
    else if (child.error === StoreError.NotFound && opts.makeDirectories) node = unwrap(disk.create(node.id, name, { directory: true }));
    else if (child.error === StoreError.NotFound || child.error === StoreError.NotDirectory) throw new Error(`${typed}: no such file or directory`);
    else throw new Error(`${typed}: ${child.message}`);
  }
  // Shown with the names' own case, as found on the disk.
  return { volume, node, shown: formatDiskPath(volume.drive, unwrap(disk.pathOf(node.id))) };
}

function summary(r: TransferReport): string {
  const count = (n: number, one: string, many: string) => `${thousands(n)} ${n === 1 ? one : many}`;
  return `${count(r.files, 'file', 'files')}, ${count(r.directories, 'directory', 'directories')}, ${count(r.bytes, 'byte', 'bytes')}`;
}

/** A listing in the shape of cmd's `dir`, with ISO dates in UTC so it reads the same anywhere. */
export function formatListing(volume: VolumeInfo, shown: string, entries: NodeInfo[]): string {
  const lines = [
    ` Volume in drive ${volume.drive} ${volume.label ? `is ${volume.label}` : 'has no label'}`,
    ` Volume Serial Number is ${serialText(volume.serialNumber)}`,
    '',
    ` Directory of ${shown}`,
    '',
  ];
  let files = 0, dirs = 0, bytes = 0;
  for (const e of entries) {
    const isDir = (e.attributes & FILE_ATTRIBUTE_DIRECTORY) !== 0;
    lines.push(`${stamp(e.lastWriteTime)}    ${isDir ? '<DIR>         ' : thousands(e.endOfFile).padStart(14)} ${e.name}`);
    if (isDir) dirs++; else { files++; bytes += e.endOfFile; }
  }
  lines.push(`${String(files).padStart(16)} File(s) ${thousands(bytes).padStart(14)} bytes`);
  lines.push(`${String(dirs).padStart(16)} Dir(s)  ${thousands(volume.freeBytes).padStart(14)} bytes free`);
  return lines.join('\n') + '\n';
}

/** "XXXX-XXXX", as `vol` shows a serial number. */
function serialText(serial: number): string {
  const hex = serial.toString(16).toUpperCase().padStart(8, '0');
  return `${hex.slice(0, 4)}-${hex.slice(4)}`;
}

/** "YYYY-MM-DD  HH:MM" in UTC. */
function stamp(t: FileTime): string {
  const iso = fileTimeToDate(t).toISOString();
  return `${iso.slice(0, 10)}  ${iso.slice(11, 16)}`;
}

function thousands(n: number): string {
  return n.toLocaleString('en-US');
}
