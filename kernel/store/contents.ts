// File contents as CHUNK_SIZE pieces in the `chunk` table. This layer only moves bytes:
// the caller (VirtualDisk) has checked the node, clamped the range to the end of file,
// updated the size, and wrapped the call in a transaction.
//
// The representation: chunk `idx` holds bytes [idx*CHUNK_SIZE, idx*CHUNK_SIZE + length)
// of the file. A missing chunk, or the part of a chunk past its blob's length, reads as
// zeros: that is how sparse gaps cost nothing. No chunk holds bytes at or beyond the end
// of file (truncation trims them), so extending a file can never uncover old data.
import type Database from 'better-sqlite3';
import { CHUNK_SIZE } from './schema.ts';
import type { NodeId } from './types.ts';

/** A chunk's bytes from `skip` on: only the part of the chunk a read asked for. */
interface ChunkPart { idx: number; skip: number; data: Buffer }
interface RangeParams { node: NodeId; first: number; last: number; offset: number; end: number }

// For each chunk a read touches, SQLite cuts out the wanted part (substr on a BLOB counts
// bytes), so a 4 KiB read does not copy a whole 64 KiB chunk into JavaScript.
const SKIP = `max(0, @offset - idx * ${CHUNK_SIZE})`;
const SELECT_PARTS = `
  SELECT idx, ${SKIP} AS skip, substr(data, ${SKIP} + 1, min(${CHUNK_SIZE}, @end - idx * ${CHUNK_SIZE}) - ${SKIP}) AS data
  FROM chunk WHERE node = @node AND idx BETWEEN @first AND @last ORDER BY idx`;

export class ChunkStore {
  private readonly getOne: Database.Statement<[NodeId, number], { data: Buffer }>;
  private readonly getParts: Database.Statement<[RangeParams], ChunkPart>;
  private readonly put: Database.Statement<[NodeId, number, Buffer]>;
  private readonly dropFrom: Database.Statement<[NodeId, number]>;
  private readonly trim: Database.Statement<[number, NodeId, number, number]>;

  constructor(db: Database.Database) {
    this.getOne = db.prepare('SELECT data FROM chunk WHERE node = ? AND idx = ?');
    this.getParts = db.prepare(SELECT_PARTS);
    this.put = db.prepare('INSERT OR REPLACE INTO chunk (node, idx, data) VALUES (?, ?, ?)');
    this.dropFrom = db.prepare('DELETE FROM chunk WHERE node = ? AND idx >= ?');
    this.trim = db.prepare('UPDATE chunk SET data = substr(data, 1, ?) WHERE node = ? AND idx = ? AND length(data) > ?');
  }

  /** Bytes [offset, offset+length) of the file; the range must lie within the end of file. */
  read(node: NodeId, offset: number, length: number): Buffer {
    if (length === 0) return Buffer.alloc(0);
    // From a chunk's start and within it (how the file system's cache reads, a chunk at a
    // time): the blob as stored, without SQLite copying it once more for substr.
    if (offset % CHUNK_SIZE === 0 && length <= CHUNK_SIZE) {
      const data = this.getOne.get(node, offset / CHUNK_SIZE)?.data;
      if (data && data.length >= length) return data.length === length ? data : data.subarray(0, length);
    }
    const end = offset + length;
    const parts = this.getParts.all({ node, offset, end, first: Math.floor(offset / CHUNK_SIZE), last: Math.floor((end - 1) / CHUNK_SIZE) });
    // The common case, a read within one chunk that holds all the bytes asked for:
    // the buffer SQLite handed over is the answer, with no second copy.
    if (parts.length === 1 && parts[0].data.length === length && parts[0].idx * CHUNK_SIZE + parts[0].skip === offset) return parts[0].data;
    const out = Buffer.alloc(length);   // zero-filled: whatever no chunk covers is a sparse gap
    for (const part of parts) part.data.copy(out, part.idx * CHUNK_SIZE + part.skip - offset);
    return out;
  }

  /** Stores `bytes` at `offset`, rewriting only the chunks the range touches. */
  write(node: NodeId, offset: number, bytes: Buffer): void {
    const end = offset + bytes.length;
    for (let idx = Math.floor(offset / CHUNK_SIZE); idx * CHUNK_SIZE < end; idx++) {
      this.put.run(node, idx, this.mergedChunk(node, idx, offset, bytes));
    }
  }

  /** Forgets every byte at or beyond `size`: whole chunks go, the straddling one is trimmed. */
  truncate(node: NodeId, size: number): void {
    this.dropFrom.run(node, Math.ceil(size / CHUNK_SIZE));
    const tail = size % CHUNK_SIZE;
    if (tail !== 0) this.trim.run(tail, node, Math.floor(size / CHUNK_SIZE), tail);
  }

  /** Removes all contents (the file is being deleted). */
  removeAll(node: NodeId): void {
    this.dropFrom.run(node, 0);
  }

  /**
   * The new blob for chunk `idx` after writing `bytes` at `offset`. When the write covers
   * everything the chunk held (always so for a sequential writer), the old blob is not
   * even read; otherwise old and new bytes are merged.
   */
  private mergedChunk(node: NodeId, idx: number, offset: number, bytes: Buffer): Buffer {
    const chunkStart = idx * CHUNK_SIZE;
    const from = Math.max(offset, chunkStart) - chunkStart;                       // within the chunk
    const to = Math.min(offset + bytes.length, chunkStart + CHUNK_SIZE) - chunkStart;
    const piece = bytes.subarray(from + chunkStart - offset, to + chunkStart - offset);
    const old = from === 0 && to === CHUNK_SIZE ? undefined : this.getOne.get(node, idx)?.data;
    if (from === 0 && (old === undefined || old.length <= to)) return piece;
    const merged = Buffer.alloc(Math.max(old?.length ?? 0, to));
    old?.copy(merged);
    piece.copy(merged, from);
    return merged;
  }
}
