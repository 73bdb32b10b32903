// The file system's cache over the disk (the role of NT's cache manager): file data in
// 64 KiB pieces kept in host memory, so a loop of small reads costs one SQLite query per
// piece instead of one per call. A cache, rebuilt on demand: any change to a file (write,
// new end of file, delete) drops what is kept of it. At most MAX_PIECES are kept (least
// recently used go first).
//
// The pieces live in MAX_PIECES slots the cache owns and reuses, as NT's cache manager maps
// files through a fixed set of views (its VACBs): a piece read from SQLite is copied into a
// slot, and the blob better-sqlite3 returned is dropped at once, so it dies young and its
// memory is freed at the next scavenge. A cache of the blobs themselves kept each for
// hundreds of misses, long enough for V8 to promote it; streaming a large file then left
// tens of MiB of dead blobs for a full collection, the C heap grew onto new pages, and on
// the VMs measured each new page cost a fault of 11-20 us (4 of 10 runs of the 64 MiB
// read loop took ~5,000 faults and fell to 83k-98k reads/s; with slots, none did).
//
// A file object that has read through the cache gets a PRIVATE_CACHE_MAP (CcInitializeCacheMap),
// which tells NtReadFile that fast I/O may serve its next synchronous read without an IRP.
import type { Kernel } from '../kernel.ts';
import { FILE_OBJECT, PRIVATE_CACHE_MAP } from '../oblayouts.ts';
import { fields } from '../struct.ts';
import type { Result } from '../../store/errors.ts';
import { CHUNK_SIZE } from '../../store/schema.ts';
import { diskOf } from './fs.ts';

const PIECE = CHUNK_SIZE;
const MAX_PIECES = 256;
/** Piece keys are node * NODE_STRIDE + piece index: numbers, not a string per lookup. */
const NODE_STRIDE = 2 ** 32;

/** `pieces` in least-recently-used order, each a view of its slot as long as the piece;
 *  `spare`: slots no piece uses (a file's pieces dropped; every slot is in one or the other);
 *  `lastKey`/`last`: the piece used most recently (already the newest in `pieces`), so the
 *  run of small reads within one piece skips reordering the map on every call. */
interface Cache {
  sizes: Map<number, number>; pieces: Map<number, Uint8Array>; spare: Uint8Array[];
  lastKey: number; last: Uint8Array | null;
}
const caches = new WeakMap<Kernel, Cache>();
function cacheOf(k: Kernel): Cache {
  let c = caches.get(k);
  if (!c) caches.set(k, c = { sizes: new Map(), pieces: new Map(), spare: [], lastKey: -1, last: null });
  return c;
}

/** A slot for a new piece: a spare one, a new one while fewer than MAX_PIECES exist, or
 *  the least recently used piece's. */
function takeSlot(c: Cache): Uint8Array {
  const spare = c.spare.pop();
  if (spare) return spare;
  if (c.pieces.size < MAX_PIECES) return new Uint8Array(PIECE);
  const [key, oldest] = c.pieces.entries().next().value!;
  c.pieces.delete(key);
  return new Uint8Array(oldest.buffer);
}

/** Like VirtualDisk.read, through the cache. The bytes may be a view of a cached piece:
 *  the caller copies them before the cache can change. */
export function cachedRead(k: Kernel, node: number, offset: number, length: number): Result<Uint8Array> {
  const c = cacheOf(k);
  let size = c.sizes.get(node);
  if (size === undefined) {
    const disk = diskOf(k).disk, st = disk.stat(node);
    if (!st.ok || st.value.isDirectory) return disk.read(node, offset, length);   // its error
    c.sizes.set(node, size = st.value.endOfFile);
  }
  const available = Math.max(0, Math.min(length, size - offset));
  // Within one piece (the usual case): the piece's own bytes, a view (no copy); the
  // caller copies them into the system buffer before the cache can change.
  const first = Math.floor(offset / PIECE), start = offset - first * PIECE;
  if (available && start + available <= PIECE) {
    const piece = pieceOf(k, c, node, first);
    if (!piece.ok) return piece;
    if (piece.value.length >= start + available) return { ok: true, value: piece.value.subarray(start, start + available) };
  }
  const out = new Uint8Array(available);
  for (let done = 0; done < available; ) {
    const at = offset + done, index = Math.floor(at / PIECE);
    const piece = pieceOf(k, c, node, index);
    if (!piece.ok) return piece;
    const from = at - index * PIECE, bytes = piece.value.subarray(from, Math.min(piece.value.length, from + available - done));
    if (bytes.length === 0) break;
    out.set(bytes, done);
    done += bytes.length;
  }
  return { ok: true, value: out };
}

/**
 * CcCopyRead: up to `length` bytes at `offset` of the file copied from the cache into
 * guest memory at `buffer` (through the kernel's view: a fault there is thrown before any
 * byte is written). Returns how many (0 at or past the end of file), or -1 when the disk
 * failed: the caller's fast path then says FALSE and the IRP path reports the error.
 * A read within the piece used last (a loop of small reads) goes straight to it.
 */
export function copyRead(k: Kernel, node: number, offset: number, length: number, buffer: number): number {
  const c = cacheOf(k), size = c.sizes.get(node);
  if (size !== undefined && c.last !== null) {
    const available = Math.max(0, Math.min(length, size - offset));
    const index = Math.floor(offset / PIECE), start = offset - index * PIECE;
    if (available === 0) return 0;
    if (node * NODE_STRIDE + index === c.lastKey && start + available <= c.last.length) {
      k.vm.writeFrom(buffer, c.last, start, available);
      return available;
    }
  }
  const r = cachedRead(k, node, offset, length);
  if (!r.ok) return -1;
  if (r.value.length) k.vm.writeBytes(buffer, r.value);
  return r.value.length;
}

function pieceOf(k: Kernel, c: Cache, node: number, index: number): Result<Uint8Array> {
  const key = node * NODE_STRIDE + index;
  if (key === c.lastKey && c.last) return { ok: true, value: c.last };
  let piece = c.pieces.get(key);
  if (piece) { c.pieces.delete(key); c.pieces.set(key, piece); }
  else {
    const r = diskOf(k).disk.read(node, index * PIECE, PIECE);
    if (!r.ok) return r;
    const slot = takeSlot(c);
    slot.set(r.value);
    // A plain Uint8Array view: a Buffer's subarray costs several times a typed array's.
    c.pieces.set(key, piece = r.value.length === PIECE ? slot : slot.subarray(0, r.value.length));
  }
  c.lastKey = key; c.last = piece;
  return { ok: true, value: piece };
}

const FilePrivateCacheMap = fields(FILE_OBJECT, ['PrivateCacheMap']).PrivateCacheMap;
/** PRIVATE_CACHE_MAP.NodeTypeCode (NT's CACHE_NTC_PRIVATE_CACHE_MAP). */
const CACHE_NTC_PRIVATE_CACHE_MAP = 0x2FE;

/** CcInitializeCacheMap: the file system caches `file` from now on (once per file object). */
export function initializeCacheMap(k: Kernel, file: number): void {
  if (FilePrivateCacheMap.get(k.vm, file)) return;
  const map = k.pool.allocate(PRIVATE_CACHE_MAP.size, k.vm), m = PRIVATE_CACHE_MAP.at(k.vm, map);
  m.set('NodeTypeCode', CACHE_NTC_PRIVATE_CACHE_MAP);
  m.set('FileObject', file);
  FilePrivateCacheMap.set(k.vm, file, map);
}

/** CcUninitializeCacheMap: the file object's last handle is closing. */
export function uninitializeCacheMap(k: Kernel, file: number): void {
  const map = FilePrivateCacheMap.get(k.vm, file);
  if (!map) return;
  FilePrivateCacheMap.set(k.vm, file, 0);
  k.pool.release(map, PRIVATE_CACHE_MAP.size);
}

/** The file changed: forget what is cached of it. */
export function invalidateFile(k: Kernel, node: number): void {
  const c = cacheOf(k);
  if (!c.sizes.delete(node)) return;
  c.lastKey = -1; c.last = null;
  for (const [key, piece] of [...c.pieces]) {
    if (Math.floor(key / NODE_STRIDE) !== node) continue;
    c.pieces.delete(key);
    c.spare.push(new Uint8Array(piece.buffer));
  }
}
