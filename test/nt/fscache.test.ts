// The file system's cache (io/fscache.ts): pieces of a file kept in slots the cache reuses.
// A file larger than the cache, read from end to end twice, makes every slot serve several
// pieces; a write drops the file's pieces and their slots come back; every read still
// returns the file's bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boot } from './machine.ts';
import { cachedRead, invalidateFile } from '../../kernel/nt/io/fscache.ts';
import { diskOf } from '../../kernel/nt/io/fs.ts';
import { unwrap } from '../../kernel/store/index.ts';
import { CHUNK_SIZE } from '../../kernel/store/schema.ts';

const MiB = 1 << 20;
/** More than the cache keeps (256 pieces of 64 KiB), and not a whole number of pieces. */
const SIZE = 17 * MiB + 1000;

/** Bytes no two pieces share: word i of the file is i * 2654435761. */
function pattern(size: number, seed = 0): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i + 4 <= size; i += 4) b.writeUInt32LE(((i / 4 + seed) * 2654435761) >>> 0, i);
  return b;
}

function machineWithFile(bytes: Buffer) {
  const m = boot(), k = m.kernel, { disk, root } = diskOf(k);
  const node = unwrap(disk.create(root, 'LARGE.DAT')).id;
  for (let at = 0; at < bytes.length; at += 4 * MiB) unwrap(disk.write(node, at, bytes.subarray(at, at + 4 * MiB)));
  return { k, disk, node };
}

/** Reads [offset, offset+length) through the cache and compares it with `expected`. */
function check(k: ReturnType<typeof boot>['kernel'], node: number, expected: Buffer, offset: number, length: number) {
  const r = cachedRead(k, node, offset, length);
  assert.ok(r.ok, `read at ${offset}`);
  const want = expected.subarray(offset, Math.min(expected.length, offset + length));
  assert.ok(Buffer.from(r.value).equals(want), `bytes at ${offset}, length ${length}`);
}

test('the cache: a file larger than it, read twice end to end in 4 KiB reads, gives its bytes every time', () => {
  const bytes = pattern(SIZE), { k, node } = machineWithFile(bytes);
  for (let pass = 0; pass < 2; pass++)
    for (let at = 0; at < SIZE; at += 4096) check(k, node, bytes, at, 4096);
  // Backwards, so each read needs the piece the previous pass evicted first.
  for (let at = SIZE - 4096; at >= 0; at -= 16 * 4096) check(k, node, bytes, at, 4096);
});

test('the cache: reads across pieces, at the end of file and past it', () => {
  const bytes = pattern(SIZE), { k, node } = machineWithFile(bytes);
  check(k, node, bytes, CHUNK_SIZE - 10, 20);               // two pieces
  check(k, node, bytes, 3 * CHUNK_SIZE - 5, 2 * CHUNK_SIZE + 10);   // four pieces
  check(k, node, bytes, SIZE - 100, 4096);                  // the short last piece
  const past = cachedRead(k, node, SIZE + 5, 10);
  assert.ok(past.ok && past.value.length === 0);
});

test('the cache: a write drops the file\'s pieces; their slots serve the new bytes', () => {
  const bytes = pattern(SIZE), { k, disk, node } = machineWithFile(bytes);
  for (let at = 0; at < SIZE; at += CHUNK_SIZE) check(k, node, bytes, at, 64);   // every slot in use
  const changed = pattern(SIZE, 12345);
  unwrap(disk.write(node, 0, changed));
  invalidateFile(k, node);
  for (let at = 0; at < SIZE; at += CHUNK_SIZE) check(k, node, changed, at, 64);
  for (let at = 0; at < SIZE; at += 4096) check(k, node, changed, at, 4096);
});
