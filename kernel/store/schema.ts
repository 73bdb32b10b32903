// The on-disk format: one SQLite database per virtual disk. Opening checks that the file
// is an NT Lab disk of a schema version this code understands, and says plainly what is
// wrong if not (not SQLite at all, some other application's database, a newer NT Lab).
//
//   meta(key, value)            the schema version and the format's name
//   volume                      one row per volume: what NtQueryVolumeInformationFile reports
//   node                        files and directories, one table: a tree by `parent`
//   chunk                       file contents in CHUNK_SIZE pieces, absent pieces read as zeros
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { DiskFormatError } from './errors.ts';
import { raiseHeapTrimThreshold } from './hostheap.ts';

/** Bumped when the tables change; a disk with a larger number was made by a newer NT Lab. */
export const SCHEMA_VERSION = 1;

/**
 * SQLite's header has a 32-bit "application id" for exactly this: telling one
 * application's database from another's without reading a table. 'NTLD' = NT Lab Disk.
 */
export const APPLICATION_ID = 0x4e544c44;

/**
 * File contents are stored in pieces of this size, so reading 10 bytes of a 64 MiB file
 * reads one piece, and a write rewrites only the pieces it touches. 64 KiB is the
 * cache manager's view size on NT and large enough that per-row overhead is small.
 */
export const CHUNK_SIZE = 64 * 1024;

/**
 * SQLite page size: its default, 4 KiB. Chunks live in overflow pages, so larger pages
 * shorten each chunk's overflow chain, but every commit also rewrites whole pages for a
 * few bytes of metadata (the node's size and times, the volume's cluster count). In a
 * `npm run bench:disk` sweep (one run each, on a busy 2-vCPU machine) 16 KiB pages wrote
 * 4 KiB blocks at 7 MiB/s against 12, and 64 KiB blocks at 70 against 99, and read no faster.
 */
export const PAGE_SIZE = 4 * 1024;

/** The file name SQLite reads as "a database in memory only". */
export const IN_MEMORY = ':memory:';

/** How long to wait for another process's write transaction before giving up (ms). */
export const BUSY_TIMEOUT_MS = 5000;

const TABLES = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE volume (
  id                  INTEGER PRIMARY KEY,
  drive               TEXT NOT NULL UNIQUE,     -- 'C': the letter \\GLOBAL??\\C: links to
  label               TEXT NOT NULL,
  serial              INTEGER NOT NULL,         -- 32-bit volume serial number
  created             INTEGER NOT NULL,         -- FILETIME ticks
  file_system         TEXT NOT NULL,            -- the name FileFsAttributeInformation reports
  bytes_per_sector    INTEGER NOT NULL,
  sectors_per_cluster INTEGER NOT NULL,
  total_clusters      INTEGER NOT NULL,         -- capacity
  used_clusters       INTEGER NOT NULL DEFAULT 0, -- sum over files of ceil(size / cluster)
  root                INTEGER                   -- the root directory's node id
);

-- AUTOINCREMENT so an id is never reused: a driver holding the id of a deleted file
-- must get 'deleted', not silently reach a newer file that took the same number.
CREATE TABLE node (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  volume      INTEGER NOT NULL REFERENCES volume(id),
  parent      INTEGER REFERENCES node(id),      -- NULL only for a volume's root
  name        TEXT NOT NULL,                    -- as created: case preserved
  name_key    TEXT NOT NULL,                    -- upcased: what makes two names the same
  attributes  INTEGER NOT NULL,                 -- FILE_ATTRIBUTE_* (DIRECTORY marks a directory)
  created     INTEGER NOT NULL,                 -- FILETIME ticks, as FILE_BASIC_INFORMATION
  accessed    INTEGER NOT NULL,
  written     INTEGER NOT NULL,
  changed     INTEGER NOT NULL,
  size        INTEGER NOT NULL DEFAULT 0 CHECK (size >= 0)  -- end of file
);
-- One name per directory, compared without case: the directory index of NTFS or FAT.
-- It also orders listings (NTFS returns entries in upcased-name order).
CREATE UNIQUE INDEX node_name ON node(parent, name_key);

-- Invariant: no chunk holds bytes at or beyond its file's end of file (truncation trims),
-- so extending a file never uncovers old data: the gap reads as zeros.
CREATE TABLE chunk (
  node  INTEGER NOT NULL REFERENCES node(id),
  idx   INTEGER NOT NULL,                       -- byte offset / CHUNK_SIZE
  data  BLOB NOT NULL,                          -- at most CHUNK_SIZE bytes; shorter = zeros follow
  PRIMARY KEY (node, idx)
);
`;

export type Synchronous = 'normal' | 'full';

export interface OpenOptions {
  /** Make a new disk if the file does not exist or is empty; otherwise it must be an NT Lab disk. */
  readonly create: boolean;
  readonly synchronous?: Synchronous;
}

/**
 * Opens (or creates) the database behind a disk, with its settings applied and its
 * format checked. `source` is a file name, or a database image (VirtualDisk.image) to
 * open in memory. Throws DiskFormatError, naming it, if it is not a usable disk.
 */
export function openDatabase(source: string | Buffer, options: OpenOptions): Database.Database {
  const file = typeof source === 'string' ? source : 'a disk image';
  if (typeof source === 'string' && !options.create && source !== IN_MEMORY && !existsSync(source)) throw new DiskFormatError(`no disk '${file}' (make one with: ntlab disk new ${file})`);
  raiseHeapTrimThreshold();
  let db: Database.Database;
  try {
    db = typeof source === 'string' ? new Database(source, { fileMustExist: !options.create }) : new Database(source);
  } catch (e) {
    throw new DiskFormatError(`cannot open disk '${file}': ${describe(e)}`);
  }
  try {
    const fresh = isEmptyDatabase(db);
    if (fresh && !options.create) throw new DiskFormatError(`'${file}' is not an NT Lab disk (an empty file)`);
    // The page size is fixed once the first table exists (and once WAL is on), so it goes first.
    if (fresh) db.pragma(`page_size = ${PAGE_SIZE}`);
    configure(db, options.synchronous ?? 'normal');
    if (fresh) createSchema(db);
    checkSchema(db, file);
    return db;
  } catch (e) {
    db.close();
    if (e instanceof DiskFormatError) throw e;
    if (isSqliteCode(e, 'SQLITE_NOTADB')) throw new DiskFormatError(`'${file}' is not an NT Lab disk (not an SQLite database)`);
    if (isSqliteCode(e, 'SQLITE_CORRUPT')) throw new DiskFormatError(`'${file}' is a damaged database (${describe(e)})`);
    throw e;
  }
}

/** Applies the connection settings every disk needs. */
function configure(db: Database.Database, synchronous: Synchronous): void {
  // WAL: a write transaction appends to the -wal file and commits by appending a commit
  // record, so a crash at any instant leaves either the old or the new state, and
  // readers (the UI, `ntlab disk ls`) never block the running machine.
  db.pragma('journal_mode = WAL');
  // NORMAL (the default here) fsyncs the WAL only at checkpoints. A committed transaction
  // is already in the WAL file in the operating system's cache, so killing the process,
  // even with SIGKILL, loses nothing that was reported complete; only an operating-system
  // crash or power loss could roll back the last commits, and never corrupts. That is the
  // contract NT itself gives a WriteFile without FlushFileBuffers (the lazy writer), and
  // `flush()` is the FlushFileBuffers of this disk. FULL fsyncs every commit, for callers
  // who want power-loss durability per write at a large cost in writes per second.
  db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
}

/** Creates the tables in an empty database. */
function createSchema(db: Database.Database): void {
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.transaction(() => {
    db.exec(TABLES);
    const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    put.run('format', 'NT Lab virtual disk');
    put.run('schema_version', String(SCHEMA_VERSION));
  })();
}

/** True if the database has no tables yet (a file just created, or a zero-length one). */
function isEmptyDatabase(db: Database.Database): boolean {
  return (db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n === 0;
}

/**
 * Checks that `db` is an NT Lab disk this code can use; throws DiskFormatError naming
 * `file` and the problem otherwise.
 */
function checkSchema(db: Database.Database, file: string): void {
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId !== APPLICATION_ID) {
    throw new DiskFormatError(`'${file}' is an SQLite database but not an NT Lab disk (application id ${hex(appId)}, expected ${hex(APPLICATION_ID)})`);
  }
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
  const version = row ? Number(row.value) : NaN;
  if (!Number.isInteger(version)) {
    throw new DiskFormatError(`'${file}' is an NT Lab disk with no readable schema version`);
  }
  if (version > SCHEMA_VERSION) {
    throw new DiskFormatError(`'${file}' has disk schema version ${version}, newer than this NT Lab understands (${SCHEMA_VERSION}); update NT Lab to open it`);
  }
  if (version < SCHEMA_VERSION) {
    // No older versions exist yet; when one does, its upgrade goes here.
    throw new DiskFormatError(`'${file}' has disk schema version ${version}, which this NT Lab cannot upgrade`);
  }
}

function isSqliteCode(e: unknown, code: string): boolean {
  return e instanceof Database.SqliteError && e.code.startsWith(code);
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}
