// The shapes the disk hands to its callers. Ids are SQLite row ids: a node id is the
// file's permanent number (NTFS's file reference, FileInternalInformation), never reused.
import type { FileTime } from './filetime.ts';

export type NodeId = number;
export type VolumeId = number;

/** The four times of FILE_BASIC_INFORMATION, in FILETIME ticks. */
export interface FileTimes {
  readonly creationTime: FileTime;
  readonly lastAccessTime: FileTime;
  readonly lastWriteTime: FileTime;
  readonly changeTime: FileTime;
}

/** Everything FileBasic/Standard/Network-open/Internal information needs about a node. */
export interface NodeInfo extends FileTimes {
  readonly id: NodeId;
  readonly volume: VolumeId;
  /** The directory holding it; null for a volume's root. */
  readonly parent: NodeId | null;
  /** As created (case preserved); '' for a root. */
  readonly name: string;
  readonly isDirectory: boolean;
  /** FILE_ATTRIBUTE_* as NT reports them (NORMAL when a file has none). */
  readonly attributes: number;
  /** End of file in bytes (0 for directories). */
  readonly endOfFile: number;
  /** End of file rounded up to whole clusters, as NTFS reports AllocationSize. */
  readonly allocationSize: number;
}

/** What NtQueryVolumeInformationFile reports (FileFsVolume/Size/FullSize/Attribute information). */
export interface VolumeInfo {
  readonly id: VolumeId;
  readonly drive: string;
  readonly label: string;
  readonly serialNumber: number;
  readonly creationTime: FileTime;
  readonly fileSystemName: string;
  readonly maxComponentLength: number;
  readonly bytesPerSector: number;
  readonly sectorsPerCluster: number;
  readonly totalClusters: number;
  readonly freeClusters: number;
  readonly totalBytes: number;
  readonly freeBytes: number;
  readonly root: NodeId;
}

/** How to make a volume. Sizes default to what a small NTFS volume would have. */
export interface VolumeSpec {
  readonly drive: string;
  readonly label?: string;
  readonly serialNumber?: number;
  readonly capacityBytes?: number;
  readonly bytesPerSector?: number;
  readonly sectorsPerCluster?: number;
  readonly fileSystemName?: string;
}

export interface CreateOptions {
  /** Make a directory (NtCreateFile with FILE_DIRECTORY_FILE) instead of a file. */
  readonly directory?: boolean;
  /** FILE_ATTRIBUTE_* to start with; files always get ARCHIVE too, as NT gives them. */
  readonly attributes?: number;
}

export interface RenameOptions {
  /** FILE_RENAME_INFORMATION.ReplaceIfExists: replace an existing file of the new name. */
  readonly replaceIfExists?: boolean;
}

export interface ListOptions {
  /** A wildcard pattern; all entries when absent. */
  readonly pattern?: string;
  /** 'dos' (FindFirstFile's "*.*", the default) or 'nt' (FsRtlIsNameInExpression's, with < > "). */
  readonly syntax?: 'dos' | 'nt';
  /** Resume point: return only entries after this name (the last one the caller got). */
  readonly after?: string;
  /** At most this many entries. */
  readonly limit?: number;
}
