// What can go wrong in a disk operation, as plain codes. The store knows nothing of
// NTSTATUS; the file-system driver maps each code to one (the table in docs/disk.md says
// which), the way a real FSD turns its on-disk findings into status codes.
//
// Operations return a Result instead of throwing, because every failure here is an
// ordinary answer the driver must turn into a status, not a bug. Exceptions are left for
// what really is exceptional: a damaged database, a full host disk, a programming error.

export const StoreError = {
  /** The last component of a path does not exist (STATUS_OBJECT_NAME_NOT_FOUND). */
  NotFound: 'not-found',
  /** A directory on the way does not exist or is a file (STATUS_OBJECT_PATH_NOT_FOUND). */
  PathNotFound: 'path-not-found',
  /** The name is already taken in that directory, in any case (STATUS_OBJECT_NAME_COLLISION). */
  Collision: 'collision',
  /** A name NT would refuse: empty, too long, reserved characters, "." or ".." (STATUS_OBJECT_NAME_INVALID). */
  InvalidName: 'invalid-name',
  /** Deleting a directory that still has entries (STATUS_DIRECTORY_NOT_EMPTY). */
  NotEmpty: 'not-empty',
  /** A file operation on a directory, e.g. read or write (STATUS_FILE_IS_A_DIRECTORY / INVALID_DEVICE_REQUEST). */
  IsDirectory: 'is-directory',
  /** A directory operation on a file, e.g. listing or creating inside it (STATUS_NOT_A_DIRECTORY). */
  NotDirectory: 'not-directory',
  /** The node was deleted since the caller looked it up (STATUS_FILE_DELETED). */
  Deleted: 'deleted',
  /** Deleting a read-only file (STATUS_CANNOT_DELETE). */
  ReadOnly: 'read-only',
  /** Deleting or renaming a volume's root, or replacing a directory by rename (STATUS_ACCESS_DENIED). */
  AccessDenied: 'access-denied',
  /** Moving a directory into itself or one of its descendants (STATUS_INVALID_PARAMETER). */
  MoveIntoSelf: 'move-into-self',
  /** A rename across volumes (STATUS_NOT_SAME_DEVICE). */
  NotSameVolume: 'not-same-volume',
  /** Not enough free clusters on the volume (STATUS_DISK_FULL). */
  DiskFull: 'disk-full',
  /** An offset, length or size out of range (STATUS_INVALID_PARAMETER). */
  InvalidParameter: 'invalid-parameter',
  /** No volume with that drive letter or id (STATUS_OBJECT_PATH_NOT_FOUND at the device). */
  NoSuchVolume: 'no-such-volume',
} as const;

export type StoreErrorCode = typeof StoreError[keyof typeof StoreError];

export interface Failure {
  readonly ok: false;
  readonly error: StoreErrorCode;
  /** For people: which name, which node. The driver should look only at `error`. */
  readonly message: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | Failure;

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(error: StoreErrorCode, message: string): Failure {
  return { ok: false, error, message };
}

/** Thrown by `unwrap`, for callers (tools, tests) that treat any failure as fatal. */
export class StoreFailureError extends Error {
  constructor(readonly code: StoreErrorCode, message: string) {
    super(message);
    this.name = 'StoreFailureError';
  }
}

export function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new StoreFailureError(r.error, r.message);
  return r.value;
}

/**
 * The disk file itself is unusable: not SQLite, not an NT Lab disk, or from a newer
 * NT Lab. Thrown when opening, with a message that names the file and the problem.
 */
export class DiskFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiskFormatError';
  }
}
