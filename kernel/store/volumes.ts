// The `volume` table: what NtQueryVolumeInformationFile reports, and the count of
// clusters in use, kept in step with every size change so free space is one read.
import type Database from 'better-sqlite3';
import { MAX_NAME_LENGTH } from './names.ts';
import type { FileTime } from './filetime.ts';
import type { NodeId, VolumeId, VolumeInfo } from './types.ts';

/** Defaults of a small NTFS volume: 512-byte sectors, 4 KiB clusters, 1 GiB. */
export const DEFAULT_BYTES_PER_SECTOR = 512;
export const DEFAULT_SECTORS_PER_CLUSTER = 8;
export const DEFAULT_CAPACITY_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_FILE_SYSTEM_NAME = 'NTFS';

interface VolumeRow {
  id: number; drive: string; label: string; serial: number; created: string; file_system: string;
  bytes_per_sector: number; sectors_per_cluster: number; total_clusters: number; used_clusters: number; root: number;
}

// Only `created` needs all 64 bits; as text it survives the trip into JavaScript exactly.
const SELECT_VOLUME = `
  SELECT id, drive, label, serial, CAST(created AS TEXT) AS created, file_system,
         bytes_per_sector, sectors_per_cluster, total_clusters, used_clusters, root
  FROM volume`;

export interface NewVolume {
  readonly drive: string;
  readonly label: string;
  readonly serialNumber: number;
  readonly created: FileTime;
  readonly fileSystemName: string;
  readonly bytesPerSector: number;
  readonly sectorsPerCluster: number;
  readonly totalClusters: number;
}

export class VolumeTable {
  private readonly byId: Database.Statement<[VolumeId], VolumeRow>;
  private readonly byDrive: Database.Statement<[string], VolumeRow>;
  private readonly all: Database.Statement<[], VolumeRow>;
  private readonly insert: Database.Statement<[string, string, number, bigint, string, number, number, number]>;
  private readonly setRootStmt: Database.Statement<[NodeId, VolumeId]>;
  private readonly setLabelStmt: Database.Statement<[string, VolumeId]>;
  private readonly addUsed: Database.Statement<[number, VolumeId]>;
  private readonly free: Database.Statement<[VolumeId], { free: number }>;
  private readonly clusterSizes = new Map<VolumeId, number>();

  constructor(db: Database.Database) {
    this.byId = db.prepare(`${SELECT_VOLUME} WHERE id = ?`);
    this.byDrive = db.prepare(`${SELECT_VOLUME} WHERE drive = ?`);
    this.all = db.prepare(`${SELECT_VOLUME} ORDER BY drive`);
    this.insert = db.prepare(`INSERT INTO volume (drive, label, serial, created, file_system, bytes_per_sector, sectors_per_cluster, total_clusters)
                              VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.setRootStmt = db.prepare('UPDATE volume SET root = ? WHERE id = ?');
    this.setLabelStmt = db.prepare('UPDATE volume SET label = ? WHERE id = ?');
    this.addUsed = db.prepare('UPDATE volume SET used_clusters = used_clusters + ? WHERE id = ?');
    this.free = db.prepare('SELECT total_clusters - used_clusters AS free FROM volume WHERE id = ?');
  }

  get(id: VolumeId): VolumeInfo | undefined {
    const row = this.byId.get(id);
    return row && toInfo(row);
  }

  byLetter(drive: string): VolumeInfo | undefined {
    const row = this.byDrive.get(drive.toUpperCase());
    return row && toInfo(row);
  }

  list(): VolumeInfo[] {
    return this.all.all().map(toInfo);
  }

  create(v: NewVolume): VolumeId {
    const r = this.insert.run(v.drive, v.label, v.serialNumber, v.created, v.fileSystemName,
      v.bytesPerSector, v.sectorsPerCluster, v.totalClusters);
    return Number(r.lastInsertRowid);
  }

  setRoot(id: VolumeId, root: NodeId): void {
    this.setRootStmt.run(root, id);
  }

  setLabel(id: VolumeId, label: string): void {
    this.setLabelStmt.run(label, id);
  }

  /** Bytes per cluster, cached: a volume's geometry never changes after it is made. */
  clusterSize(id: VolumeId): number {
    let size = this.clusterSizes.get(id);
    if (size === undefined) {
      const v = this.get(id);
      if (!v) throw new Error(`volume ${id} does not exist`);
      size = v.bytesPerSector * v.sectorsPerCluster;
      this.clusterSizes.set(id, size);
    }
    return size;
  }

  /** Clusters a file of `size` bytes occupies: NTFS allocates whole clusters. */
  clustersFor(id: VolumeId, size: number): number {
    return Math.ceil(size / this.clusterSize(id));
  }

  /** Clusters not yet given to any file (asked on every write that grows a file, so one column). */
  freeClusters(id: VolumeId): number {
    return this.free.get(id)?.free ?? 0;
  }

  /** Records that files on the volume now occupy `delta` more (or fewer) clusters. */
  adjustUsed(id: VolumeId, delta: number): void {
    if (delta !== 0) this.addUsed.run(delta, id);
  }
}

function toInfo(row: VolumeRow): VolumeInfo {
  const freeClusters = row.total_clusters - row.used_clusters;
  const cluster = row.bytes_per_sector * row.sectors_per_cluster;
  return {
    id: row.id,
    drive: row.drive,
    label: row.label,
    serialNumber: row.serial,
    creationTime: BigInt(row.created),
    fileSystemName: row.file_system,
    maxComponentLength: MAX_NAME_LENGTH,
    bytesPerSector: row.bytes_per_sector,
    sectorsPerCluster: row.sectors_per_cluster,
    totalClusters: row.total_clusters,
    freeClusters,
    totalBytes: row.total_clusters * cluster,
    freeBytes: freeClusters * cluster,
    root: row.root,
  };
}
