// File contents in chunks: reads and writes across chunk boundaries, sparse extension,
// truncation that never lets old bytes reappear, and a long random run against a model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK_SIZE, unwrap, type VirtualDisk, type NodeId } from '../../kernel/store/index.ts';
import { memoryDisk, pattern } from './helpers.ts';

function newFile(): { disk: VirtualDisk; id: NodeId } {
  const { disk, root } = memoryDisk();
  return { disk, id: unwrap(disk.create(root, 'F')).id };
}

/** Rows in the chunk table, looked at through the disk's private connection (white-box). */
function chunkCount(disk: VirtualDisk): number {
  const db = (disk as unknown as { db: { prepare(sql: string): { get(): { n: number } } } }).db;
  return db.prepare('SELECT count(*) AS n FROM chunk').get().n;
}

const size = (disk: VirtualDisk, id: NodeId) => unwrap(disk.stat(id)).endOfFile;

test('a write across several chunk boundaries reads back exactly, in any slice', () => {
  const { disk, id } = newFile();
  const data = pattern(3 * CHUNK_SIZE + 123, 1);
  const offset = CHUNK_SIZE - 7;
  assert.equal(unwrap(disk.write(id, offset, data)), data.length);
  assert.equal(size(disk, id), offset + data.length);
  assert.deepEqual(unwrap(disk.read(id, offset, data.length)), data);
  const whole = Buffer.concat([Buffer.alloc(offset), data]);
  for (const [from, len] of [[0, 10], [CHUNK_SIZE - 8, 2], [CHUNK_SIZE * 2 - 1, 2], [CHUNK_SIZE * 2, CHUNK_SIZE], [offset + 5, 1]]) {
    assert.deepEqual(unwrap(disk.read(id, from, len)), whole.subarray(from, from + len), `${from}+${len}`);
  }
  assert.deepEqual(disk.verify(), []);
});

test('overwriting the middle of a chunk keeps the bytes around it', () => {
  const { disk, id } = newFile();
  const base = pattern(2 * CHUNK_SIZE, 2);
  unwrap(disk.write(id, 0, base));
  const patch = pattern(100, 3);
  unwrap(disk.write(id, CHUNK_SIZE - 50, patch));
  const expected = Buffer.from(base);
  patch.copy(expected, CHUNK_SIZE - 50);
  assert.deepEqual(unwrap(disk.read(id, 0, 2 * CHUNK_SIZE)), expected);
  assert.equal(size(disk, id), 2 * CHUNK_SIZE);
});

test('reads stop at the end of file: short at the end, empty at or past it', () => {
  const { disk, id } = newFile();
  unwrap(disk.write(id, 0, Buffer.from('0123456789')));
  assert.equal(unwrap(disk.read(id, 6, 100)).toString(), '6789');
  assert.equal(unwrap(disk.read(id, 10, 5)).length, 0);
  assert.equal(unwrap(disk.read(id, 1_000_000, 5)).length, 0);
  assert.equal(unwrap(disk.read(id, 3, 0)).length, 0);
});

test('writing past the end leaves a sparse gap that reads as zeros and costs no chunks', () => {
  const { disk, id } = newFile();
  unwrap(disk.write(id, 0, Buffer.from('head')));
  const far = 10 * CHUNK_SIZE + 3;
  unwrap(disk.write(id, far, Buffer.from('tail')));
  assert.equal(size(disk, id), far + 4);
  const all = unwrap(disk.read(id, 0, far + 4));
  assert.equal(all.subarray(0, 4).toString(), 'head');
  assert.ok(all.subarray(4, far).every(b => b === 0));
  assert.equal(all.subarray(far).toString(), 'tail');
  assert.equal(chunkCount(disk), 2);
});

test('truncating and extending again never uncovers the old bytes', () => {
  const { disk, id } = newFile();
  unwrap(disk.write(id, 0, pattern(3 * CHUNK_SIZE, 4)));
  for (const cut of [2 * CHUNK_SIZE + 10, CHUNK_SIZE, 5, 0]) {
    unwrap(disk.setEndOfFile(id, cut));
    assert.equal(size(disk, id), cut);
    unwrap(disk.setEndOfFile(id, 3 * CHUNK_SIZE));
    const tail = unwrap(disk.read(id, cut, 3 * CHUNK_SIZE - cut));
    assert.ok(tail.every(b => b === 0), `bytes past ${cut} must be zero`);
    assert.deepEqual(unwrap(disk.read(id, 0, cut)), pattern(3 * CHUNK_SIZE, 4).subarray(0, cut));
    unwrap(disk.write(id, 0, pattern(3 * CHUNK_SIZE, 4)));
    assert.deepEqual(disk.verify(), []);
  }
});

test('a write past the end after a truncation inside a chunk leaves zeros between', () => {
  const { disk, id } = newFile();
  unwrap(disk.write(id, 0, Buffer.alloc(100, 0xaa)));
  unwrap(disk.setEndOfFile(id, 10));
  unwrap(disk.write(id, 50, Buffer.from([1])));
  const bytes = unwrap(disk.read(id, 0, 51));
  assert.ok(bytes.subarray(0, 10).every(b => b === 0xaa));
  assert.ok(bytes.subarray(10, 50).every(b => b === 0));
  assert.equal(bytes[50], 1);
});

test('a Uint8Array view that is not a whole buffer is written as just its bytes', () => {
  const { disk, id } = newFile();
  const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
  unwrap(disk.write(id, 0, backing.subarray(2, 5)));
  assert.deepEqual([...unwrap(disk.read(id, 0, 10))], [1, 2, 3]);
});

test('random writes, truncations and reads agree with a plain byte-array model', () => {
  const { disk, id } = newFile();
  let model = Buffer.alloc(0);
  let seed = 12345;
  const rand = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const span = 4 * CHUNK_SIZE;
  for (let step = 0; step < 300; step++) {
    const op = rand(10);
    if (op < 6) {
      const offset = rand(span);
      const data = pattern(1 + rand(op < 2 ? 2 * CHUNK_SIZE : 300), step + 7);
      unwrap(disk.write(id, offset, data));
      if (offset + data.length > model.length) model = Buffer.concat([model, Buffer.alloc(offset + data.length - model.length)]);
      data.copy(model, offset);
    } else if (op < 8) {
      const newSize = rand(span);
      unwrap(disk.setEndOfFile(id, newSize));
      model = newSize <= model.length ? model.subarray(0, newSize) : Buffer.concat([model, Buffer.alloc(newSize - model.length)]);
    } else {
      const offset = rand(span);
      const length = rand(CHUNK_SIZE * 2);
      assert.deepEqual(unwrap(disk.read(id, offset, length)), model.subarray(Math.min(offset, model.length), Math.min(offset + length, model.length)), `step ${step}`);
    }
    assert.equal(size(disk, id), model.length);
  }
  assert.deepEqual(unwrap(disk.read(id, 0, model.length)), model);
  assert.deepEqual(disk.verify(), []);
});

test('reads from a chunk\'s start, as the file system\'s cache makes: a full chunk, a shorter read, a chunk with a sparse tail, a missing chunk', () => {
  const { disk, id } = newFile();
  const full = pattern(CHUNK_SIZE, 5);
  unwrap(disk.write(id, 0, full));                          // chunk 0: full
  unwrap(disk.write(id, CHUNK_SIZE, Buffer.from('short')));  // chunk 1: 5 bytes, then zeros
  unwrap(disk.write(id, 3 * CHUNK_SIZE, Buffer.from('end'))); // chunk 2: none (sparse); chunk 3: 3 bytes
  assert.deepEqual(unwrap(disk.read(id, 0, CHUNK_SIZE)), full);
  assert.deepEqual(unwrap(disk.read(id, 0, 4096)), full.subarray(0, 4096));
  const one = unwrap(disk.read(id, CHUNK_SIZE, CHUNK_SIZE));
  assert.equal(one.length, CHUNK_SIZE);
  assert.equal(one.subarray(0, 5).toString(), 'short');
  assert.ok(one.subarray(5).every(b => b === 0));
  const gap = unwrap(disk.read(id, 2 * CHUNK_SIZE, CHUNK_SIZE));
  assert.equal(gap.length, CHUNK_SIZE);
  assert.ok(gap.every(b => b === 0));
  assert.equal(unwrap(disk.read(id, 3 * CHUNK_SIZE, CHUNK_SIZE)).toString(), 'end');
});
