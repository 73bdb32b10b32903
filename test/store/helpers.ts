// Shared set-up for the disk tests: an in-memory disk with volume C: and a clock that
// ticks one second per reading, so every operation's time is distinct and predictable.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fileTimeFromUnixMs, steppingClock, unwrap, VirtualDisk, type FileTime, type NodeId, type VolumeInfo,
} from '../../kernel/store/index.ts';

export const START: FileTime = fileTimeFromUnixMs(Date.UTC(2026, 0, 1));

export interface TestDisk {
  disk: VirtualDisk;
  volume: VolumeInfo;
  root: NodeId;
}

export function memoryDisk(capacityBytes?: number): TestDisk {
  const disk = VirtualDisk.inMemory({ clock: steppingClock(START) });
  const volume = unwrap(disk.createVolume({ drive: 'C', label: 'TEST', serialNumber: 0x1234abcd, capacityBytes }));
  return { disk, volume, root: volume.root };
}

/** A file with `bytes` in it, in directory `dir`. */
export function fileWith(disk: VirtualDisk, dir: NodeId, name: string, bytes: Uint8Array | string): NodeId {
  const id = unwrap(disk.create(dir, name)).id;
  unwrap(disk.write(id, 0, typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes));
  return id;
}

/** Deterministic bytes: a xorshift32 stream from `seed`, so content mistakes cannot hide in repetition. */
export function pattern(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = (seed | 0) || 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'ntlab-store-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
