// The virtual disk: the storage a file-system driver sits on. Each method is one thing
// an IRP asks for — IRP_MJ_CREATE (lookup, create), READ, WRITE, QUERY_INFORMATION
// (stat), SET_INFORMATION (end of file, attributes, times, rename, delete),
// DIRECTORY_CONTROL (list) and QUERY_VOLUME_INFORMATION (volume info) — and answers with
// a Result whose error codes the driver maps to NTSTATUS.
//
// Every method that changes the disk is one SQLite transaction: it happens entirely or,
// if it fails or the process dies half way, not at all. Methods that read several rows
// read them in one transaction, so they see one consistent state.
//
// Handles, sharing modes, delete-on-close and access checks are not here: they belong to
// the I/O manager and the driver, which hold node ids between calls. A node id stays
// valid across renames and is never reused, so a stale id answers 'deleted'.
import type Database from 'better-sqlite3';
import {
  FILE_ATTRIBUTE_ARCHIVE, FILE_ATTRIBUTE_DIRECTORY, FILE_ATTRIBUTE_READONLY, storedAttributes,
} from './attributes.ts';
import { ChunkStore } from './contents.ts';
import { fail, ok, StoreError, type Failure, type Result } from './errors.ts';
import type { Clock } from './filetime.ts';
import { checkName, nameKey } from './names.ts';
import { NodeTable, type NodeFacts } from './nodes.ts';
import { IN_MEMORY, openDatabase, type Synchronous } from './schema.ts';
import type {
  CreateOptions, FileTimes, ListOptions, NodeId, NodeInfo, RenameOptions, VolumeId, VolumeInfo, VolumeSpec,
} from './types.ts';
import { verifyDatabase } from './verify.ts';
import {
  DEFAULT_BYTES_PER_SECTOR, DEFAULT_CAPACITY_BYTES, DEFAULT_FILE_SYSTEM_NAME, DEFAULT_SECTORS_PER_CLUSTER, VolumeTable,
} from './volumes.ts';
import { compilePattern } from './wildcard.ts';

export interface DiskOptions {
  /** Where times come from: the machine's instruction-count clock, or the host's for tools. */
  readonly clock: Clock;
  /** Make an empty disk if the file is absent or empty (default: it must already be a disk). */
  readonly create?: boolean;
  /** 'normal' (default) or 'full'; see schema.ts for what each promises. */
  readonly synchronous?: Synchronous;
}

/** NTFS's limit on a volume label, in characters. */
export const MAX_LABEL_LENGTH = 32;
const MAX_SERIAL_NUMBER = 0xffffffff;

/** Thrown inside a transaction to roll it back; carries the Failure out to the caller. */
class RollBack {
  constructor(readonly failure: Failure) {}
}

export class VirtualDisk {
  private readonly nodes: NodeTable;
  private readonly volumesTable: VolumeTable;
  private readonly chunks: ChunkStore;
  private readonly inWriteTransaction: <T>(fn: () => Result<T>) => Result<T>;
  private readonly inReadTransaction: <T>(fn: () => T) => T;
  /** Volumes' root directories, as they are looked up (see rootOf). */
  private readonly roots = new Map<VolumeId, NodeId>();

  private constructor(private readonly db: Database.Database, readonly file: string, private readonly clock: Clock) {
    this.nodes = new NodeTable(db);
    this.volumesTable = new VolumeTable(db);
    this.chunks = new ChunkStore(db);
    // IMMEDIATE: take the write lock at BEGIN, so a second process (ntlab disk import
    // while a machine runs) waits its turn instead of failing on a read-to-write upgrade.
    const write = db.transaction((fn: () => Result<unknown>) => {
      const r = fn();
      if (!r.ok) throw new RollBack(r);
      return r;
    }).immediate;
    this.inWriteTransaction = write as <T>(fn: () => Result<T>) => Result<T>;
    this.inReadTransaction = db.transaction((fn: () => unknown) => fn()).deferred as <T>(fn: () => T) => T;
  }

  /** Opens the disk in `file` (throws DiskFormatError if it is not a usable NT Lab disk). */
  static open(file: string, options: DiskOptions): VirtualDisk {
    const db = openDatabase(file, { create: options.create ?? false, synchronous: options.synchronous });
    return new VirtualDisk(db, file, options.clock);
  }

  /** An empty disk that lives in memory only (tests, a throw-away machine). */
  static inMemory(options: Omit<DiskOptions, 'create'>): VirtualDisk {
    return VirtualDisk.open(IN_MEMORY, { ...options, create: true });
  }

  /** A disk in memory holding a copy of `image()` of another: changes to either do not
   *  reach the other. */
  static fromImage(image: Buffer, options: Omit<DiskOptions, 'create'>): VirtualDisk {
    return new VirtualDisk(openDatabase(image, { create: false, synchronous: options.synchronous }), IN_MEMORY, options.clock);
  }

  /** The whole disk as one database image (SQLite's serialization), for fromImage. */
  image(): Buffer {
    return this.db.serialize();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * Makes everything written so far durable against power loss (NtFlushBuffersFile):
   * a full checkpoint fsyncs the WAL, copies it into the database file and fsyncs that.
   * Returns false if it could not finish because another connection is still reading an
   * older snapshot (after waiting BUSY_TIMEOUT_MS); the writes are then safe from a
   * process crash as always, but not yet from power loss: call again.
   */
  flush(): boolean {
    const [result] = this.db.pragma('wal_checkpoint(FULL)') as { busy: number }[];
    return result.busy === 0;
  }

  /**
   * Runs `fn` as one transaction: every change inside it commits together or not at all
   * (an import of a whole folder, say). A failed operation inside rolls back only itself.
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /**
   * Runs `fn` on one consistent view of the disk (a read transaction): an export of a
   * folder sees every file as it was at one instant, even while a machine writes.
   */
  snapshot<T>(fn: () => T): T {
    return this.db.transaction(fn).deferred();
  }

  /** Problems with the disk's structure, as sentences; empty when it is sound. */
  verify(): string[] {
    return verifyDatabase(this.db);
  }

  // ---- Volumes -------------------------------------------------------------------

  /** Formats a new volume with an empty root directory. */
  createVolume(spec: VolumeSpec): Result<VolumeInfo> {
    const drive = spec.drive.toUpperCase();
    if (!/^[A-Z]$/.test(drive)) return fail(StoreError.InvalidParameter, `'${spec.drive}' is not a drive letter`);
    const label = spec.label ?? '';
    if (label.length > MAX_LABEL_LENGTH) return fail(StoreError.InvalidParameter, `volume label longer than ${MAX_LABEL_LENGTH} characters`);
    const serialNumber = spec.serialNumber ?? 0;
    if (!Number.isInteger(serialNumber) || serialNumber < 0 || serialNumber > MAX_SERIAL_NUMBER) {
      return fail(StoreError.InvalidParameter, 'the serial number is a 32-bit unsigned integer');
    }
    const bytesPerSector = spec.bytesPerSector ?? DEFAULT_BYTES_PER_SECTOR;
    const sectorsPerCluster = spec.sectorsPerCluster ?? DEFAULT_SECTORS_PER_CLUSTER;
    const totalClusters = Math.floor((spec.capacityBytes ?? DEFAULT_CAPACITY_BYTES) / (bytesPerSector * sectorsPerCluster));
    if (!(totalClusters >= 1)) return fail(StoreError.InvalidParameter, 'a volume needs at least one cluster');
    return this.mutate(() => {
      if (this.volumesTable.byLetter(drive)) return fail(StoreError.Collision, `volume ${drive}: already exists`);
      const now = this.clock();
      const id = this.volumesTable.create({
        drive, label, serialNumber, created: now, fileSystemName: spec.fileSystemName ?? DEFAULT_FILE_SYSTEM_NAME,
        bytesPerSector, sectorsPerCluster, totalClusters,
      });
      const root = this.nodes.create({ volume: id, parent: null, name: '', nameKey: '', attributes: FILE_ATTRIBUTE_DIRECTORY, time: now });
      this.volumesTable.setRoot(id, root);
      return ok(this.volumesTable.get(id)!);
    });
  }

  volumes(): VolumeInfo[] {
    return this.volumesTable.list();
  }

  /** The volume with this drive letter ('C' or 'c'). */
  volume(drive: string): Result<VolumeInfo> {
    const v = this.volumesTable.byLetter(drive);
    return v ? ok(v) : fail(StoreError.NoSuchVolume, `no volume ${drive.toUpperCase()}:`);
  }

  /** NtQueryVolumeInformationFile: label, serial, geometry, free space. */
  volumeInfo(id: VolumeId): Result<VolumeInfo> {
    const v = this.volumesTable.get(id);
    return v ? ok(v) : fail(StoreError.NoSuchVolume, `no volume ${id}`);
  }

  /** NtSetVolumeInformationFile(FileFsLabelInformation). */
  setVolumeLabel(id: VolumeId, label: string): Result<VolumeInfo> {
    if (label.length > MAX_LABEL_LENGTH) return fail(StoreError.InvalidParameter, `volume label longer than ${MAX_LABEL_LENGTH} characters`);
    return this.mutate(() => {
      if (!this.volumesTable.get(id)) return fail(StoreError.NoSuchVolume, `no volume ${id}`);
      this.volumesTable.setLabel(id, label);
      return ok(this.volumesTable.get(id)!);
    });
  }

  // ---- Names ---------------------------------------------------------------------

  /**
   * The node at `components` below the volume's root ([] is the root), comparing names
   * without case. A missing last component is 'not-found'; a missing or non-directory
   * component before it is 'path-not-found', as NT distinguishes them.
   */
  lookup(volume: VolumeId, components: readonly string[]): Result<NodeInfo> {
    // A path of one step (a file in the root: the common open) is one query, atomic by
    // itself; a longer one reads every step in one transaction, one view of the disk.
    return components.length <= 1 ? this.walk(volume, components) : this.inReadTransaction(() => this.walk(volume, components));
  }

  private walk(volume: VolumeId, components: readonly string[]): Result<NodeInfo> {
    const root = this.rootOf(volume);
    if (root === undefined) return fail(StoreError.NoSuchVolume, `no volume ${volume}`);
    if (components.length === 0) return ok(this.nodes.get(root)!);
    let dir = root, isDirectory = true, node: NodeInfo | null = null;
    for (let i = 0; i < components.length; i++) {
      const name = checkName(components[i]);
      if (!name.ok) return name;
      const last = i === components.length - 1;
      if (!isDirectory) return fail(StoreError.PathNotFound, `'${components.slice(0, i).join('\\')}' is not a directory`);
      const child = this.nodes.child(dir, nameKey(name.value));
      if (!child) return fail(last ? StoreError.NotFound : StoreError.PathNotFound, `'${components.slice(0, i + 1).join('\\')}' not found`);
      node = child;
      dir = child.id;
      isDirectory = child.isDirectory;
    }
    return ok(node!);
  }

  /** A volume's root directory. It is made with the volume and never changes (volumes are
   *  not removed), so it is remembered: walking a path then starts with no query. */
  private rootOf(volume: VolumeId): NodeId | undefined {
    let root = this.roots.get(volume);
    if (root === undefined) {
      const v = this.volumesTable.get(volume);
      if (!v) return undefined;
      this.roots.set(volume, root = v.root);
    }
    return root;
  }

  /** The entry `name` of directory `dir` (what a relative open through a directory handle does). */
  lookupChild(dir: NodeId, name: string): Result<NodeInfo> {
    return this.inReadTransaction(() => {
      const parent = this.existingDirectory(dir);
      if (!parent.ok) return parent;
      const checked = checkName(name);
      if (!checked.ok) return checked;
      const child = this.nodes.child(dir, nameKey(name));
      return child ? ok(child) : fail(StoreError.NotFound, `'${name}' not found`);
    });
  }

  /** Everything about one node (FileBasic/Standard/NetworkOpen information). */
  stat(node: NodeId): Result<NodeInfo> {
    const n = this.nodes.get(node);
    return n ? ok(n) : deleted(node);
  }

  /** The names from the root down to `node` ([] for a root): FileNameInformation. */
  pathOf(node: NodeId): Result<string[]> {
    return this.inReadTransaction(() => {
      const names: string[] = [];
      for (let n = this.nodes.get(node); n; n = n.parent === null ? undefined : this.nodes.get(n.parent)) {
        if (n.parent === null) return ok(names.reverse());
        names.push(n.name);
      }
      return deleted(node);
    });
  }

  // ---- Creating, deleting, renaming ------------------------------------------------

  /** A new empty file (or directory, with `directory: true`) named `name` in `dir`. */
  create(dir: NodeId, name: string, options: CreateOptions = {}): Result<NodeInfo> {
    const checked = checkName(name);
    if (!checked.ok) return checked;
    const isDirectory = options.directory ?? false;
    // NT marks every new file for backup (ARCHIVE); directories do not get it.
    const attributes = storedAttributes(options.attributes ?? 0, isDirectory) | (isDirectory ? 0 : FILE_ATTRIBUTE_ARCHIVE);
    return this.mutate(() => {
      const parent = this.existingDirectory(dir);
      if (!parent.ok) return parent;
      const key = nameKey(name);
      if (this.nodes.child(dir, key)) return fail(StoreError.Collision, `'${name}' already exists`);
      const now = this.clock();
      const id = this.nodes.create({ volume: parent.value.volume, parent: dir, name, nameKey: key, attributes, time: now });
      this.touchDirectory(parent.value, now);
      return ok(this.nodes.get(id)!);
    });
  }

  /**
   * Removes a file, or a directory that is empty. Read-only files refuse, as NTFS does
   * (STATUS_CANNOT_DELETE): the attribute must be cleared first.
   */
  delete(node: NodeId): Result<void> {
    return this.mutate(() => {
      const n = this.nodes.get(node);
      if (!n) return deleted(node);
      if (n.parent === null) return fail(StoreError.AccessDenied, 'a volume root cannot be deleted');
      if (n.isDirectory && !this.nodes.isEmpty(node)) return fail(StoreError.NotEmpty, `directory '${n.name}' is not empty`);
      if (n.attributes & FILE_ATTRIBUTE_READONLY) return fail(StoreError.ReadOnly, `'${n.name}' is read-only`);
      this.remove(n);
      this.touchDirectory(this.nodes.get(n.parent)!, this.clock());
      return ok(undefined);
    });
  }

  /**
   * Renames and/or moves `node` to `newName` in directory `newDir` (FileRenameInformation).
   * An existing entry of that name is a collision unless `replaceIfExists`, and even then
   * only a file can be replaced, never a directory, nor a read-only file. Changing only
   * the case of a name ("readme.txt" -> "README.TXT") is a rename of the node onto itself.
   */
  rename(node: NodeId, newDir: NodeId, newName: string, options: RenameOptions = {}): Result<NodeInfo> {
    const checked = checkName(newName);
    if (!checked.ok) return checked;
    return this.mutate(() => {
      const n = this.nodes.get(node);
      if (!n) return deleted(node);
      if (n.parent === null) return fail(StoreError.AccessDenied, 'a volume root cannot be renamed');
      const target = this.existingDirectory(newDir);
      if (!target.ok) return target;
      if (target.value.volume !== n.volume) return fail(StoreError.NotSameVolume, 'rename across volumes');
      if (n.isDirectory && this.isWithin(newDir, node)) return fail(StoreError.MoveIntoSelf, `cannot move '${n.name}' into itself`);
      const key = nameKey(newName);
      const existing = this.nodes.child(newDir, key);
      if (existing && existing.id !== node) {
        const replaced = this.replaceable(existing, options);
        if (!replaced.ok) return replaced;
        this.remove(existing);
      }
      const now = this.clock();
      this.nodes.move(node, newDir, newName, key);
      this.nodes.setTimes(node, { ...n, changeTime: now });
      this.touchDirectory(this.nodes.get(n.parent)!, now);
      if (newDir !== n.parent) this.touchDirectory(target.value, now);
      return ok(this.nodes.get(node)!);
    });
  }

  // ---- Contents ------------------------------------------------------------------

  /**
   * Up to `length` bytes from `offset`: fewer at the end of file, none at or past it
   * (the driver turns that into STATUS_END_OF_FILE). Reading does not update the last
   * access time (as NTFS with last-access updates disabled, the default since Vista):
   * a read must not become a write.
   */
  read(node: NodeId, offset: number, length: number): Result<Buffer> {
    const range = checkRange(offset, length);
    if (!range.ok) return range;
    return this.inReadTransaction(() => {
      const n = this.existingFile(node);
      if (!n.ok) return n;
      const available = Math.max(0, Math.min(length, n.value.size - offset));
      return ok(this.chunks.read(node, offset, available));
    });
  }

  /**
   * Writes `bytes` at `offset`, extending the file if the write ends past it; a gap
   * between the old end of file and `offset` reads as zeros. Returns the bytes written.
   */
  write(node: NodeId, offset: number, bytes: Uint8Array): Result<number> {
    const range = checkRange(offset, bytes.length);
    if (!range.ok) return range;
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return this.mutate(() => {
      const n = this.existingFile(node);
      if (!n.ok) return n;
      if (data.length === 0) return ok(0);   // NTFS leaves a file alone for a zero-length write
      const size = Math.max(n.value.size, offset + data.length);
      const charged = this.chargeClusters(n.value, size);
      if (!charged.ok) return charged;
      this.chunks.write(node, offset, data);
      this.nodes.recordWrite(node, size, this.clock());
      return ok(data.length);
    });
  }

  /** Truncates or extends the file to `size` bytes (FileEndOfFileInformation); extension reads as zeros. */
  setEndOfFile(node: NodeId, size: number): Result<NodeInfo> {
    const range = checkRange(size, 0);
    if (!range.ok) return range;
    return this.mutate(() => {
      const n = this.existingFile(node);
      if (!n.ok) return n;
      const charged = this.chargeClusters(n.value, size);
      if (!charged.ok) return charged;
      if (size < n.value.size) this.chunks.truncate(node, size);
      this.nodes.recordWrite(node, size, this.clock());
      return ok(this.nodes.get(node)!);
    });
  }

  // ---- Attributes and times --------------------------------------------------------

  /**
   * Replaces the settable attributes (FileBasicInformation.FileAttributes). DIRECTORY
   * stays what the node is and NORMAL means "none". (NT's "0 = leave unchanged" is the
   * driver's to interpret; here 0 clears everything.)
   */
  setAttributes(node: NodeId, attributes: number): Result<NodeInfo> {
    return this.mutate(() => {
      const n = this.nodes.get(node);
      if (!n) return deleted(node);
      this.nodes.setAttributes(node, storedAttributes(attributes, n.isDirectory));
      this.nodes.setTimes(node, { ...n, changeTime: this.clock() });
      return ok(this.nodes.get(node)!);
    });
  }

  /**
   * Sets the times given and leaves the others (FileBasicInformation with some times 0).
   * The change time records this metadata change unless it is given explicitly.
   */
  setTimes(node: NodeId, times: Partial<FileTimes>): Result<NodeInfo> {
    return this.mutate(() => {
      const n = this.nodes.get(node);
      if (!n) return deleted(node);
      this.nodes.setTimes(node, { ...n, changeTime: this.clock(), ...definedOnly(times) });
      return ok(this.nodes.get(node)!);
    });
  }

  // ---- Directories ---------------------------------------------------------------

  /**
   * Entries of directory `dir` in a stable order (by upcased name, as NTFS returns
   * them), those matching `pattern`, starting after the name `after`, at most `limit`.
   * NtQueryDirectoryFile resumes by passing the last name it returned as `after`; the
   * order does not depend on what else was created or deleted in between.
   * "." and ".." are not entries here; the driver adds them for non-root directories.
   */
  list(dir: NodeId, options: ListOptions = {}): Result<NodeInfo[]> {
    const limit = options.limit ?? Infinity;
    if (!(limit >= 0)) return fail(StoreError.InvalidParameter, 'negative limit');
    const matches = compilePattern(options.pattern, options.syntax);
    return this.inReadTransaction(() => {
      const parent = this.existingDirectory(dir);
      if (!parent.ok) return parent;
      const out: NodeInfo[] = [];
      if (limit === 0) return ok(out);
      for (const entry of this.nodes.childrenAfter(dir, nameKey(options.after ?? ''))) {
        if (!matches(entry.name)) continue;
        out.push(entry);
        if (out.length >= limit) break;
      }
      return ok(out);
    });
  }

  // ---- Helpers -------------------------------------------------------------------

  /** Runs a change as one write transaction; a Failure result rolls everything back. */
  private mutate<T>(fn: () => Result<T>): Result<T> {
    try {
      return this.inWriteTransaction(fn);
    } catch (e) {
      if (e instanceof RollBack) return e.failure;
      throw e;
    }
  }

  private existingDirectory(id: NodeId): Result<NodeInfo> {
    const n = this.nodes.get(id);
    if (!n) return deleted(id);
    return n.isDirectory ? ok(n) : fail(StoreError.NotDirectory, `'${n.name}' is not a directory`);
  }

  private existingFile(id: NodeId): Result<NodeFacts> {
    const n = this.nodes.facts(id);
    if (!n) return deleted(id);
    return n.isDirectory ? fail(StoreError.IsDirectory, `'${n.name || '\\'}' is a directory`) : ok(n);
  }

  /** Is `id` the node `ancestor` or somewhere below it? */
  private isWithin(id: NodeId, ancestor: NodeId): boolean {
    for (let n = this.nodes.get(id); n; n = n.parent === null ? undefined : this.nodes.get(n.parent)) {
      if (n.id === ancestor) return true;
    }
    return false;
  }

  private replaceable(existing: NodeInfo, options: RenameOptions): Result<void> {
    if (!options.replaceIfExists) return fail(StoreError.Collision, `'${existing.name}' already exists`);
    if (existing.isDirectory) return fail(StoreError.AccessDenied, `cannot replace directory '${existing.name}'`);
    if (existing.attributes & FILE_ATTRIBUTE_READONLY) return fail(StoreError.AccessDenied, `cannot replace read-only '${existing.name}'`);
    return ok(undefined);
  }

  /** Deletes a node's row and contents, returning its clusters to the volume. */
  private remove(n: NodeInfo): void {
    this.chunks.removeAll(n.id);
    this.volumesTable.adjustUsed(n.volume, -this.volumesTable.clustersFor(n.volume, n.endOfFile));
    this.nodes.delete(n.id);
  }

  /**
   * Charges (or refunds) the clusters a file of `size` bytes needs beyond what it has;
   * 'disk-full' if the volume does not have them.
   */
  private chargeClusters(n: NodeFacts, size: number): Result<void> {
    const delta = this.volumesTable.clustersFor(n.volume, size) - this.volumesTable.clustersFor(n.volume, n.size);
    if (delta > 0 && delta > this.volumesTable.freeClusters(n.volume)) {
      return fail(StoreError.DiskFull, `no room to grow '${n.name}' to ${size} bytes`);
    }
    this.volumesTable.adjustUsed(n.volume, delta);
    return ok(undefined);
  }

  /** A directory's entries changed: NTFS updates its last write and change times. */
  private touchDirectory(dir: NodeInfo, now: bigint): void {
    this.nodes.setTimes(dir.id, { ...dir, lastWriteTime: now, changeTime: now });
  }
}

function deleted(id: NodeId): Failure {
  return fail(StoreError.Deleted, `node ${id} no longer exists`);
}

/** Offsets and lengths are byte counts: non-negative integers whose sum JavaScript can hold exactly. */
function checkRange(offset: number, length: number): Result<void> {
  if (!Number.isSafeInteger(offset) || offset < 0) return fail(StoreError.InvalidParameter, `bad offset ${offset}`);
  if (!Number.isSafeInteger(length) || length < 0) return fail(StoreError.InvalidParameter, `bad length ${length}`);
  if (!Number.isSafeInteger(offset + length)) return fail(StoreError.InvalidParameter, 'offset + length too large');
  return ok(undefined);
}

function definedOnly(times: Partial<FileTimes>): Partial<FileTimes> {
  return Object.fromEntries(Object.entries(times).filter(([, v]) => v !== undefined));
}
