// What the crash test's child process writes, defined once for the child (which does it)
// and the test (which checks it after killing the child): run `run` appends records
// 0, 1, 2, ... to \LOG\RUNn.BIN, and every FILE_EVERY-th record also makes a whole new
// file \FILES\Rn_i.DAT (create and write in one transaction).
import { CHUNK_SIZE } from '../../kernel/store/index.ts';
import { pattern } from './helpers.ts';

/** Records reach three chunks, so a kill often lands inside a multi-chunk transaction. */
const MAX_RECORD = 3 * CHUNK_SIZE;
export const FILE_EVERY = 4;

/**
 * Record contents are slices of one random pool, made once: generating fresh bytes per
 * record would make the child spend most of its time in JavaScript, so the kill would
 * seldom land where it matters, inside SQLite's transaction.
 */
const POOL_SIZE = 4 * MAX_RECORD;
const POOL = pattern(POOL_SIZE, 0x5eed);

function slice(length: number, seed: number): Buffer {
  const start = seed % (POOL_SIZE - length);
  return POOL.subarray(start, start + length);
}

function mix(run: number, i: number): number {
  return Math.imul(run * 7919 + i * 104729 + 1, 0x9e3779b1) >>> 0;
}

export function recordSize(run: number, i: number): number {
  return 1 + (mix(run, i) % MAX_RECORD);
}

export function recordBytes(run: number, i: number): Buffer {
  return slice(recordSize(run, i), mix(run + 1000, i));
}

export function fileBytes(run: number, i: number): Buffer {
  return slice(1 + (mix(run, i) % CHUNK_SIZE), mix(run + 2000, i));
}

export const logName = (run: number) => `RUN${run}.BIN`;
export const fileName = (run: number, i: number) => `R${run}_${i}.DAT`;
