// `npm run bench:disk`: sequential write and read throughput through the VirtualDisk,
// beside the same bytes through plain node:fs in the same run, printed as a ratio.
// Both sides end their writes durable (the disk with flush(), the file with fsync), and
// both read back what is by then in the operating system's cache, so the ratio is the
// cost of SQLite, transactions and chunking over a bare file.
import { closeSync, fsyncSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHUNK_SIZE, hostClock, unwrap, VirtualDisk, type Synchronous } from '../kernel/store/index.ts';

const MIB = 1024 * 1024;
const TOTAL_BYTES = Number(process.env.BENCH_DISK_MB ?? 64) * MIB;
const RUNS = 3;
const BLOCK_SIZES = [4 * 1024, CHUNK_SIZE];
/** A volume comfortably larger than the file, so free space never gets in the way. */
const CAPACITY_BYTES = 4 * TOTAL_BYTES;
/** synchronous=FULL fsyncs every commit; measured on a smaller file, one block size. */
const FULL_SYNC_FRACTION = 8;

interface Side {
  /** Seconds to write `total` bytes in `block`-sized pieces to a fresh file, durably. */
  write(block: Buffer, total: number): number;
  /** Seconds to read the file just written back in `blockSize` pieces. */
  read(blockSize: number, total: number): number;
  close(): void;
}

/** Seconds `fn` takes, the best of RUNS (each on a fresh file). */
function best(fn: () => number): number {
  let min = Infinity;
  for (let i = 0; i < RUNS; i++) min = Math.min(min, fn());
  return min;
}

function seconds(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function diskSide(dir: string, synchronous: Synchronous): Side {
  let disk: VirtualDisk | undefined;
  let file = 0;
  return {
    write(block, total) {
      disk?.close();
      const path = join(dir, `bench-${synchronous}.disk`);
      rmSync(path, { force: true }); rmSync(path + '-wal', { force: true }); rmSync(path + '-shm', { force: true });
      disk = VirtualDisk.open(path, { clock: hostClock, create: true, synchronous });
      const volume = unwrap(disk.createVolume({ drive: 'C', capacityBytes: CAPACITY_BYTES }));
      file = unwrap(disk.create(volume.root, 'BENCH.DAT')).id;
      const d = disk;
      return seconds(() => {
        for (let offset = 0; offset < total; offset += block.length) unwrap(d.write(file, offset, block));
        d.flush();
      });
    },
    read(blockSize, total) {
      const d = disk!;
      return seconds(() => {
        for (let offset = 0; offset < total; offset += blockSize) unwrap(d.read(file, offset, blockSize));
      });
    },
    close() { disk?.close(); },
  };
}

function fsSide(dir: string): Side {
  const path = join(dir, 'bench.dat');
  return {
    write(block, total) {
      return seconds(() => {
        const fd = openSync(path, 'w');
        for (let offset = 0; offset < total; offset += block.length) writeSync(fd, block, 0, block.length, offset);
        fsyncSync(fd);
        closeSync(fd);
      });
    },
    read(blockSize, total) {
      const buffer = Buffer.alloc(blockSize);
      return seconds(() => {
        const fd = openSync(path, 'r');
        for (let offset = 0; offset < total; offset += blockSize) readSync(fd, buffer, 0, blockSize, offset);
        closeSync(fd);
      });
    },
    close() {},
  };
}

function block(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 131 + 7) & 0xff;
  return b;
}

const rate = (bytes: number, s: number) => `${(bytes / MIB / s).toFixed(0).padStart(5)} MiB/s`;

function compare(label: string, total: number, ours: number, theirs: number): void {
  console.log(`  ${label.padEnd(30)} disk ${rate(total, ours)}   node fs ${rate(total, theirs)}   ratio ${(theirs / ours).toFixed(2)}x`);
}

const dir = mkdtempSync(join(tmpdir(), 'ntlab-bench-disk-'));
try {
  console.log(`virtual disk benchmark: ${TOTAL_BYTES / MIB} MiB sequential, best of ${RUNS}, chunks of ${CHUNK_SIZE / 1024} KiB`);
  console.log('  (ratio = disk throughput / node fs throughput; both writes end durable; FULL on 1/8 of the size)');
  const disk = diskSide(dir, 'normal');
  const fs = fsSide(dir);
  for (const size of BLOCK_SIZES) {
    const data = block(size);
    const kib = `${size / 1024} KiB`;
    let diskRead = Infinity;
    let fsRead = Infinity;
    // Each write run is followed by a read of what it wrote.
    const diskWrite = best(() => { const w = disk.write(data, TOTAL_BYTES); diskRead = Math.min(diskRead, disk.read(size, TOTAL_BYTES)); return w; });
    const fsWrite = best(() => { const w = fs.write(data, TOTAL_BYTES); fsRead = Math.min(fsRead, fs.read(size, TOTAL_BYTES)); return w; });
    compare(`write, ${kib} blocks`, TOTAL_BYTES, diskWrite, fsWrite);
    compare(`read,  ${kib} blocks`, TOTAL_BYTES, diskRead, fsRead);
  }
  const small = TOTAL_BYTES / FULL_SYNC_FRACTION;
  const full = diskSide(dir, 'full');
  const data = block(CHUNK_SIZE);
  const fullWrite = best(() => full.write(data, small));
  const fsWrite = best(() => fs.write(data, small));
  compare(`write, ${CHUNK_SIZE / 1024} KiB, synchronous=FULL`, small, fullWrite, fsWrite);
  full.close();
  disk.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
