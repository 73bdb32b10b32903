// A consistency check of a whole disk: SQLite's own (the b-trees are sound) and this
// format's invariants (the tree is a tree, no bytes past end of file, cluster counts
// agree). The crash test runs it after every SIGKILL; `ntlab disk check` runs it too.
import type Database from 'better-sqlite3';
import { FILE_ATTRIBUTE_DIRECTORY } from './attributes.ts';
import { CHUNK_SIZE } from './schema.ts';

const INTEGRITY_OK = 'ok';

/** Each check is a query returning one row per problem, and how to describe that row. */
const INVARIANTS: { sql: string; describe: (row: Record<string, unknown>) => string }[] = [
  {
    sql: `SELECT c.node, c.idx FROM chunk c JOIN node n ON n.id = c.node WHERE c.idx * ${CHUNK_SIZE} + length(c.data) > n.size`,
    describe: r => `node ${r.node}: chunk ${r.idx} holds bytes past the end of file`,
  },
  {
    sql: `SELECT node, idx FROM chunk WHERE length(data) > ${CHUNK_SIZE}`,
    describe: r => `node ${r.node}: chunk ${r.idx} is larger than ${CHUNK_SIZE} bytes`,
  },
  {
    sql: `SELECT n.id FROM node n WHERE n.attributes & ${FILE_ATTRIBUTE_DIRECTORY} AND (n.size != 0 OR EXISTS (SELECT 1 FROM chunk WHERE node = n.id))`,
    describe: r => `directory ${r.id} has contents`,
  },
  {
    sql: `SELECT c.id FROM node c JOIN node p ON p.id = c.parent WHERE (p.attributes & ${FILE_ATTRIBUTE_DIRECTORY}) = 0 OR p.volume != c.volume`,
    describe: r => `node ${r.id} sits in something that is not a directory of its volume`,
  },
  {
    sql: 'SELECT id FROM node WHERE parent IS NULL AND id NOT IN (SELECT root FROM volume)',
    describe: r => `node ${r.id} has no parent but is no volume's root`,
  },
  {
    sql: 'SELECT v.drive FROM volume v LEFT JOIN node r ON r.id = v.root WHERE r.id IS NULL OR r.parent IS NOT NULL',
    describe: r => `volume ${r.drive}: root directory missing`,
  },
  {
    sql: `SELECT v.drive, v.used_clusters AS recorded,
                 (SELECT coalesce(sum((n.size + cl - 1) / cl), 0) FROM node n WHERE n.volume = v.id) AS actual
          FROM (SELECT *, bytes_per_sector * sectors_per_cluster AS cl FROM volume) v
          WHERE recorded != actual`,
    describe: r => `volume ${r.drive}: ${r.recorded} clusters recorded in use, files occupy ${r.actual}`,
  },
  {
    // Every node reachable from a root: no cycles, nothing cut off.
    sql: `WITH RECURSIVE reach(id) AS (SELECT root FROM volume UNION SELECT n.id FROM node n JOIN reach ON n.parent = reach.id)
          SELECT id FROM node WHERE id NOT IN (SELECT id FROM reach)`,
    describe: r => `node ${r.id} is not reachable from any root`,
  },
];

/** Every problem found, as sentences; an empty list means the disk is sound. */
export function verifyDatabase(db: Database.Database): string[] {
  const problems: string[] = [];
  const integrity = db.pragma('integrity_check') as { integrity_check: string }[];
  for (const row of integrity) if (row.integrity_check !== INTEGRITY_OK) problems.push(`sqlite: ${row.integrity_check}`);
  const foreign = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
  for (const row of foreign) problems.push(`${row.table} row ${row.rowid} refers to a missing ${row.parent}`);
  for (const check of INVARIANTS) for (const row of db.prepare(check.sql).all() as Record<string, unknown>[]) problems.push(check.describe(row));
  return problems;
}
