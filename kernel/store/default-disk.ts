// The disk a fresh machine gets: volume C: with a README.TXT to read, BIG.DAT to
// benchmark with, and a few small files in \SAMPLES. Everything is generated here from
// code, byte for byte the same every time, so a fresh machine is deterministic and the
// repository carries no binary blobs.
import { existsSync, statSync } from 'node:fs';
import { VirtualDisk } from './disk.ts';
import { unwrap } from './errors.ts';
import { fileTimeFromUnixMs, fixedClock, type Clock, type FileTime } from './filetime.ts';
import { CHUNK_SIZE } from './schema.ts';
import type { NodeId, VolumeInfo } from './types.ts';

/** The timestamp on every file of a disk made by `createDefaultDisk`: 2026-01-01 00:00 UTC. */
export const DEFAULT_DISK_TIME: FileTime = fileTimeFromUnixMs(Date.UTC(2026, 0, 1));
export const DEFAULT_DRIVE = 'C';
export const DEFAULT_LABEL = 'NTLAB';
/** 'NTL1': any fixed value would do; `vol` shows it as 4E54-4C31. */
export const DEFAULT_SERIAL_NUMBER = 0x4e544c31;

/** BIG.DAT: 64-byte numbered lines, 4 MiB in all, so any offset's content is predictable. */
export const BIG_DAT_LINE_LENGTH = 64;
export const BIG_DAT_SIZE = 4 * 1024 * 1024;

const CRLF = '\r\n';

/** Text files on Windows end their lines with CR LF; so do these. */
function text(lines: string[]): Buffer {
  return Buffer.from(lines.map(l => l + CRLF).join(''), 'latin1');
}

export const README_TEXT = text([
  'NT Lab virtual disk',
  '===================',
  '',
  'This is drive C: of the emulated machine. It lives in one SQLite file on the',
  'host; every write a guest program makes through WriteFile is a transaction in',
  'it, so the files survive the machine being stopped at any moment.',
  '',
  'Sample files:',
  '',
  '  README.TXT            this file: try "type C:\\README.TXT"',
  '  BIG.DAT               4 MiB of numbered 64-byte lines, for benchmarks and for',
  '                        reading at any offset: line N starts at offset N*64',
  '  SAMPLES\\HELLO.TXT     one line of greeting',
  '  SAMPLES\\NUMBERS.TXT   the numbers 1 to 100, one per line',
  '  SAMPLES\\EMPTY.TXT     zero bytes: a ReadFile here hits end of file at once',
  '  SAMPLES\\Notes.txt     a name in mixed case: open it as NOTES.TXT too',
  '',
  'Host folders come in and go out with "ntlab disk import" and "ntlab disk export".',
]);

export const HELLO_TEXT = text(['Hello from the NT Lab virtual disk!']);

export const NUMBERS_TEXT = text(Array.from({ length: 100 }, (_, i) => String(i + 1)));

export const NOTES_TEXT = text([
  'File names on this disk keep the case they were created with (Notes.txt),',
  'but compare without case, as on NTFS and FAT: NOTES.TXT, notes.txt and',
  'nOtEs.TxT all open this same file, and a second file named NOTES.TXT',
  'cannot be created next to it.',
]);

/** Line `n` of BIG.DAT: its number and offset, padded with dots to 62 characters, CR LF. */
export function bigDatLine(n: number): string {
  const head = `BIG.DAT line ${String(n).padStart(6, '0')} at offset 0x${(n * BIG_DAT_LINE_LENGTH).toString(16).padStart(8, '0')} `;
  return head.padEnd(BIG_DAT_LINE_LENGTH - CRLF.length, '.') + CRLF;
}

/** Bytes [offset, offset+length) of BIG.DAT, generated; offset and length are multiples of a line. */
export function bigDatBytes(offset: number, length: number): Buffer {
  const lines: string[] = [];
  for (let n = offset / BIG_DAT_LINE_LENGTH; n < (offset + length) / BIG_DAT_LINE_LENGTH; n++) lines.push(bigDatLine(n));
  return Buffer.from(lines.join(''), 'latin1');
}

/**
 * Puts the default volume and files onto `disk` (which must not have a C: yet), stamped
 * with the disk's clock. The volume's capacity defaults to 1 GiB.
 */
export function populateDefaultDisk(disk: VirtualDisk, capacityBytes?: number): VolumeInfo {
  const volume = unwrap(disk.createVolume({ drive: DEFAULT_DRIVE, label: DEFAULT_LABEL, serialNumber: DEFAULT_SERIAL_NUMBER, capacityBytes }));
  disk.transaction(() => {
    writeFile(disk, volume.root, 'README.TXT', README_TEXT);
    const big = unwrap(disk.create(volume.root, 'BIG.DAT')).id;
    for (let offset = 0; offset < BIG_DAT_SIZE; offset += CHUNK_SIZE) unwrap(disk.write(big, offset, bigDatBytes(offset, CHUNK_SIZE)));
    const samples = unwrap(disk.create(volume.root, 'SAMPLES', { directory: true })).id;
    writeFile(disk, samples, 'HELLO.TXT', HELLO_TEXT);
    writeFile(disk, samples, 'NUMBERS.TXT', NUMBERS_TEXT);
    writeFile(disk, samples, 'EMPTY.TXT', Buffer.alloc(0));
    writeFile(disk, samples, 'Notes.txt', NOTES_TEXT);
  });
  return unwrap(disk.volumeInfo(volume.id));
}

function writeFile(disk: VirtualDisk, dir: NodeId, name: string, bytes: Buffer): void {
  const id = unwrap(disk.create(dir, name)).id;
  unwrap(disk.write(id, 0, bytes));
}

/**
 * Makes `file` a new default disk, every time stamped DEFAULT_DISK_TIME so that two
 * default disks are identical in content. Refuses to overwrite an existing file.
 */
export function createDefaultDisk(file: string, capacityBytes?: number): void {
  if (existsSync(file) && statSync(file).size > 0) throw new Error(`'${file}' already exists`);
  const disk = VirtualDisk.open(file, { clock: fixedClock(DEFAULT_DISK_TIME), create: true });
  try {
    populateDefaultDisk(disk, capacityBytes);
  } finally {
    disk.close();
  }
}

/**
 * A default disk in memory, for a machine started without --disk (nothing is kept). The
 * files bear DEFAULT_DISK_TIME, or the times `clock` gives as they are made. With the
 * fixed time every such disk is the same: it is built once per process and each caller
 * gets a copy of its image (writing BIG.DAT's 4 MiB took 40-115 ms per machine).
 */
export function defaultDiskInMemory(clock?: Clock): VirtualDisk {
  if (clock) {
    const disk = VirtualDisk.inMemory({ clock });
    populateDefaultDisk(disk);
    return disk;
  }
  if (!defaultImage) {
    const disk = defaultDiskInMemory(fixedClock(DEFAULT_DISK_TIME));
    defaultImage = disk.image();
    disk.close();
  }
  return VirtualDisk.fromImage(defaultImage, { clock: fixedClock(DEFAULT_DISK_TIME) });
}

/** The image of the fixed-time default disk, once made. */
let defaultImage: Buffer | null = null;

/**
 * The disk `ntlab run --disk FILE` uses, and keeps: FILE if it exists (it must be an NT
 * Lab disk), otherwise a new default disk made there. Opened with the caller's clock.
 */
export function openOrCreateDefaultDisk(file: string, clock: Clock): VirtualDisk {
  if (!existsSync(file) || statSync(file).size === 0) createDefaultDisk(file);
  return VirtualDisk.open(file, { clock });
}
