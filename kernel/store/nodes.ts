// The `node` table: files and directories as one tree. This layer reads and writes rows
// and turns them into NodeInfo; the rules (what may be renamed where, what a delete
// needs) live in VirtualDisk.
import type Database from 'better-sqlite3';
import { FILE_ATTRIBUTE_ARCHIVE, FILE_ATTRIBUTE_DIRECTORY, reportedAttributes } from './attributes.ts';
import type { FileTime } from './filetime.ts';
import type { FileTimes, NodeId, NodeInfo, VolumeId } from './types.ts';

/** A node row as SQLite returns it with safe integers on (times need all 64 bits). */
interface NodeRow {
  id: bigint; volume: bigint; parent: bigint | null; name: string; name_key: string;
  attributes: bigint; created: bigint; accessed: bigint; written: bigint; changed: bigint;
  size: bigint; cluster: bigint;
}

const SELECT_NODE = `
  SELECT n.id, n.volume, n.parent, n.name, n.name_key, n.attributes,
         n.created, n.accessed, n.written, n.changed, n.size,
         v.bytes_per_sector * v.sectors_per_cluster AS cluster
  FROM node n JOIN volume v ON v.id = n.volume`;

/** What reads and writes need to know about a node: the hot path, so no join and no 64-bit times. */
export interface NodeFacts {
  readonly id: NodeId;
  readonly volume: VolumeId;
  readonly name: string;
  readonly isDirectory: boolean;
  readonly size: number;
}

export interface NewNode {
  readonly volume: VolumeId;
  readonly parent: NodeId | null;
  readonly name: string;
  readonly nameKey: string;
  readonly attributes: number;
  readonly time: FileTime;
}

export class NodeTable {
  private readonly byId: Database.Statement<[NodeId], NodeRow>;
  private readonly factsById: Database.Statement<[NodeId], { volume: number; name: string; attributes: number; size: number }>;
  private readonly wroteStmt: Database.Statement<[number, bigint, bigint, NodeId]>;
  private readonly byName: Database.Statement<[NodeId, string], NodeRow>;
  private readonly children: Database.Statement<[NodeId, string], NodeRow>;
  private readonly hasChild: Database.Statement<[NodeId], { one: number }>;
  private readonly insert: Database.Statement<[number, NodeId | null, string, string, number, bigint, bigint, bigint, bigint]>;
  private readonly remove: Database.Statement<[NodeId]>;
  private readonly setNameStmt: Database.Statement<[NodeId, string, string, NodeId]>;
  private readonly setAttributesStmt: Database.Statement<[number, NodeId]>;
  private readonly setTimesStmt: Database.Statement<[bigint, bigint, bigint, bigint, NodeId]>;

  constructor(db: Database.Database) {
    this.byId = db.prepare(`${SELECT_NODE} WHERE n.id = ?`).safeIntegers(true) as typeof this.byId;
    this.factsById = db.prepare('SELECT volume, name, attributes, size FROM node WHERE id = ?');
    this.wroteStmt = db.prepare(`UPDATE node SET size = ?, written = ?, changed = ?, attributes = attributes | ${FILE_ATTRIBUTE_ARCHIVE} WHERE id = ?`);
    this.byName = db.prepare(`${SELECT_NODE} WHERE n.parent = ? AND n.name_key = ?`).safeIntegers(true) as typeof this.byName;
    this.children = db.prepare(`${SELECT_NODE} WHERE n.parent = ? AND n.name_key > ? ORDER BY n.name_key`).safeIntegers(true) as typeof this.children;
    this.hasChild = db.prepare('SELECT 1 AS one FROM node WHERE parent = ? LIMIT 1');
    this.insert = db.prepare(`INSERT INTO node (volume, parent, name, name_key, attributes, created, accessed, written, changed)
                              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.remove = db.prepare('DELETE FROM node WHERE id = ?');
    this.setNameStmt = db.prepare('UPDATE node SET parent = ?, name = ?, name_key = ? WHERE id = ?');
    this.setAttributesStmt = db.prepare('UPDATE node SET attributes = ? WHERE id = ?');
    this.setTimesStmt = db.prepare('UPDATE node SET created = ?, accessed = ?, written = ?, changed = ? WHERE id = ?');
  }

  get(id: NodeId): NodeInfo | undefined {
    const row = this.byId.get(id);
    return row && toInfo(row);
  }

  facts(id: NodeId): NodeFacts | undefined {
    const row = this.factsById.get(id);
    return row && {
      id, volume: row.volume, name: row.name, size: row.size, isDirectory: (row.attributes & FILE_ATTRIBUTE_DIRECTORY) !== 0,
    };
  }

  /**
   * A file's data changed: its new size, last write and change times, and the ARCHIVE
   * bit that tells backup programs it needs saving, all in one statement.
   */
  recordWrite(id: NodeId, size: number, now: FileTime): void {
    this.wroteStmt.run(size, now, now, id);
  }

  /** The entry named (case-insensitively, by key) `nameKey` in directory `parent`. */
  child(parent: NodeId, nameKey: string): NodeInfo | undefined {
    const row = this.byName.get(parent, nameKey);
    return row && toInfo(row);
  }

  /** Entries of `parent` whose key sorts after `afterKey`, in key order, lazily. */
  *childrenAfter(parent: NodeId, afterKey: string): Generator<NodeInfo> {
    for (const row of this.children.iterate(parent, afterKey)) yield toInfo(row);
  }

  isEmpty(dir: NodeId): boolean {
    return this.hasChild.get(dir) === undefined;
  }

  create(n: NewNode): NodeId {
    const r = this.insert.run(n.volume, n.parent, n.name, n.nameKey, n.attributes, n.time, n.time, n.time, n.time);
    return Number(r.lastInsertRowid);
  }

  delete(id: NodeId): void {
    this.remove.run(id);
  }

  move(id: NodeId, parent: NodeId, name: string, nameKey: string): void {
    this.setNameStmt.run(parent, name, nameKey, id);
  }

  setAttributes(id: NodeId, stored: number): void {
    this.setAttributesStmt.run(stored, id);
  }

  setTimes(id: NodeId, t: FileTimes): void {
    this.setTimesStmt.run(t.creationTime, t.lastAccessTime, t.lastWriteTime, t.changeTime, id);
  }
}

function toInfo(row: NodeRow): NodeInfo {
  const size = Number(row.size);
  const cluster = Number(row.cluster);
  const stored = Number(row.attributes);
  return {
    id: Number(row.id),
    volume: Number(row.volume),
    parent: row.parent === null ? null : Number(row.parent),
    name: row.name,
    isDirectory: (stored & FILE_ATTRIBUTE_DIRECTORY) !== 0,
    attributes: reportedAttributes(stored),
    creationTime: row.created,
    lastAccessTime: row.accessed,
    lastWriteTime: row.written,
    changeTime: row.changed,
    endOfFile: size,
    allocationSize: Math.ceil(size / cluster) * cluster,
  };
}
