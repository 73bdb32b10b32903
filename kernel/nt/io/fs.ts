// The file-system driver over the virtual disk (kernel/store): \Device\HarddiskVolume1 is
// volume C:. FILE_OBJECT.FsContext holds the disk node id; the store's error codes become
// the NTSTATUS docs/disk.md gives. Synchronous files advance CurrentByteOffset here, as
// NT's file systems do. Reads go through the cache (fscache.ts); changes drop it.
import type { Kernel } from '../kernel.ts';
import type { VirtualDisk } from '../../store/disk.ts';
import { FILE_OBJECT, IRP, IO_STACK_LOCATION } from '../oblayouts.ts';
import {
  createDriver, createDevice, completeWith, currentStackLocation, FILE_DEVICE_DISK_FILE_SYSTEM, IRP_MJ_CREATE, IRP_MJ_READ, IRP_MJ_WRITE,
  IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_QUERY_INFORMATION, IRP_MJ_SET_INFORMATION, IRP_MJ_QUERY_VOLUME_INFORMATION, IRP_MJ_DIRECTORY_CONTROL,
  IRP_MJ_FLUSH_BUFFERS, type FastIoResult,
} from './iomgr.ts';
import { AccessViolation } from '../mm/virtual.ts';
import { queryInformation, setInformation } from './fsinfo.ts';
import { queryVolumeInformation, flushBuffers } from './fsvolume.ts';
import { directoryControl, releaseCcb } from './fsdir.ts';
import { cachedRead, copyRead, invalidateFile, initializeCacheMap, uninitializeCacheMap } from './fscache.ts';
import { checkAndSetShareAccess, removeShareAccess } from './share.ts';
import { checkOpen, addOpen, removeOpen, setDeletePending } from './fcb.ts';
import { readUnicodeStringAt } from '../ob/object.ts';
import { fields } from '../struct.ts';
import { FO_SYNCHRONOUS_IO, FO_DELETE_ON_CLOSE, FILE_CREATE, FILE_OPEN, FILE_OPEN_IF, FILE_OVERWRITE, FILE_OVERWRITE_IF, FILE_SUPERSEDE, FILE_DIRECTORY_FILE, FILE_NON_DIRECTORY_FILE, FILE_OPENED, FILE_CREATED, FILE_OVERWRITTEN } from './file.ts';
import { WRITE_TO_END_LOW } from './rw.ts';
import {
  STATUS_SUCCESS, STATUS_END_OF_FILE, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_PATH_NOT_FOUND, STATUS_OBJECT_NAME_COLLISION,
  STATUS_OBJECT_NAME_INVALID, STATUS_DIRECTORY_NOT_EMPTY, STATUS_FILE_IS_A_DIRECTORY, STATUS_NOT_A_DIRECTORY, STATUS_FILE_DELETED,
  STATUS_CANNOT_DELETE, STATUS_ACCESS_DENIED, STATUS_INVALID_PARAMETER, STATUS_NOT_SAME_DEVICE, STATUS_DISK_FULL,
  STATUS_INVALID_DEVICE_REQUEST,
} from '../ex/status.ts';

/** The store's error codes as NTSTATUS (docs/disk.md). */
export const DISK_ERROR_STATUS: Record<string, number> = {
  'not-found': STATUS_OBJECT_NAME_NOT_FOUND, 'path-not-found': STATUS_OBJECT_PATH_NOT_FOUND,
  'collision': STATUS_OBJECT_NAME_COLLISION, 'invalid-name': STATUS_OBJECT_NAME_INVALID,
  'not-empty': STATUS_DIRECTORY_NOT_EMPTY, 'is-directory': STATUS_FILE_IS_A_DIRECTORY,
  'not-directory': STATUS_NOT_A_DIRECTORY, 'deleted': STATUS_FILE_DELETED, 'read-only': STATUS_CANNOT_DELETE,
  'access-denied': STATUS_ACCESS_DENIED, 'move-into-self': STATUS_INVALID_PARAMETER,
  'not-same-volume': STATUS_NOT_SAME_DEVICE, 'disk-full': STATUS_DISK_FULL, 'invalid-parameter': STATUS_INVALID_PARAMETER,
  'no-such-volume': STATUS_OBJECT_PATH_NOT_FOUND,
};
export const statusOfDiskError = (error: string) => DISK_ERROR_STATUS[error] ?? STATUS_INVALID_PARAMETER;
const statusOf = statusOfDiskError;

/** The disk each machine's file system works on (the Machine hands it over at boot). */
const disks = new WeakMap<Kernel, { disk: VirtualDisk; volume: number; root: number }>();
export function diskOf(k: Kernel) { return disks.get(k)!; }

const DISPOSITION_SHIFT = 24;

function create(k: Kernel, _device: number, irp: number): number {
  const s = currentStackLocation(k, irp);
  const file = s.get('FileObject');
  const { disk, volume, root } = diskOf(k);
  const name = readUnicodeStringAt(k, FILE_OBJECT.at(k.vm, file).addressOf('FileName'));
  const parts = name.split('\\').filter(p => p !== '');
  if (/\\\\/.test(name)) return completeWith(k, irp, STATUS_OBJECT_NAME_INVALID, 0);   // "a\\\\b": an empty component
  const options = s.get('Parameters[1]') & 0xFFFFFF, disposition = s.get('Parameters[1]') >>> DISPOSITION_SHIFT;
  const found = parts.length ? disk.lookup(volume, parts) : disk.stat(root);
  // A trailing '\\' names a directory: on a file it is an invalid name, as on NTFS.
  const trailing = parts.length > 0 && name.endsWith('\\');
  if (trailing && (found.ok ? !found.value.isDirectory : !(options & FILE_DIRECTORY_FILE))) return completeWith(k, irp, STATUS_OBJECT_NAME_INVALID, 0);
  let node: number, info = FILE_OPENED;
  if (found.ok) {
    if (disposition === FILE_CREATE) return completeWith(k, irp, STATUS_OBJECT_NAME_COLLISION, 0);
    const pending = checkOpen(k, found.value.id);
    if (pending !== STATUS_SUCCESS) return completeWith(k, irp, pending, 0);
    if (found.value.isDirectory && options & FILE_NON_DIRECTORY_FILE) return completeWith(k, irp, STATUS_FILE_IS_A_DIRECTORY, 0);
    if (!found.value.isDirectory && options & FILE_DIRECTORY_FILE) return completeWith(k, irp, STATUS_NOT_A_DIRECTORY, 0);
    node = found.value.id;
    // Sharing first: an open that may not share must not truncate the file either.
    const shared = checkAndSetShareAccess(k, node, file);
    if (shared !== STATUS_SUCCESS) return completeWith(k, irp, shared, 0);
    if (disposition === FILE_OVERWRITE || disposition === FILE_OVERWRITE_IF || disposition === FILE_SUPERSEDE) {
      invalidateFile(k, node);
      const t = disk.setEndOfFile(node, 0);
      if (!t.ok) { removeShareAccess(k, node, file); return completeWith(k, irp, statusOf(t.error), 0); }
      info = FILE_OVERWRITTEN;
    }
  } else {
    if (found.error !== 'not-found' || disposition === FILE_OPEN || disposition === FILE_OVERWRITE) return completeWith(k, irp, statusOf(found.error), 0);
    const parent = parts.length > 1 ? disk.lookup(volume, parts.slice(0, -1)) : disk.stat(root);
    if (!parent.ok) return completeWith(k, irp, statusOf(parent.error === 'not-found' ? 'path-not-found' : parent.error), 0);
    const made = disk.create(parent.value.id, parts[parts.length - 1], { directory: !!(options & FILE_DIRECTORY_FILE), attributes: s.get('Parameters[2]') & 0xFFFF });
    if (!made.ok) return completeWith(k, irp, statusOf(made.error), 0);
    node = made.value.id;
    checkAndSetShareAccess(k, node, file);      // the first open: nothing to conflict with
    info = FILE_CREATED;
  }
  FILE_OBJECT.at(k.vm, file).set('FsContext', node);
  addOpen(k, node);
  return completeWith(k, irp, STATUS_SUCCESS, info);
}

/** The fields a read touches, resolved once. */
const Stack = fields(IO_STACK_LOCATION, ['FileObject', 'Length', 'ByteOffsetLow', 'ByteOffsetHigh']);
const File = fields(FILE_OBJECT, ['FsContext', 'Flags', 'CurrentByteOffset[0]', 'CurrentByteOffset[1]']);
const IrpSystemBuffer = fields(IRP, ['SystemBuffer']).SystemBuffer;
const IrpCurrentStackLocation = fields(IRP, ['CurrentStackLocation']).CurrentStackLocation;

/** The transfer's offset (already resolved by the I/O manager; -1 high: end of file). */
function offsetOf(k: Kernel, irp: number, node: number): number {
  const s = IrpCurrentStackLocation.get(k.vm, irp);
  const high = Stack.ByteOffsetHigh.get(k.vm, s), low = Stack.ByteOffsetLow.get(k.vm, s);
  if (high === 0xFFFFFFFF && low === WRITE_TO_END_LOW) {
    const st = diskOf(k).disk.stat(node);
    return st.ok ? st.value.endOfFile : 0;
  }
  return high * 0x100000000 + low;
}

function advance(k: Kernel, file: number, to: number): void {
  if (!(File.Flags.get(k.vm, file) & FO_SYNCHRONOUS_IO)) return;
  File['CurrentByteOffset[0]'].set(k.vm, file, to >>> 0);
  File['CurrentByteOffset[1]'].set(k.vm, file, Math.floor(to / 0x100000000));
}

function read(k: Kernel, _device: number, irp: number): number {
  const s = IrpCurrentStackLocation.get(k.vm, irp);
  const file = Stack.FileObject.get(k.vm, s), node = File.FsContext.get(k.vm, file);
  const offset = offsetOf(k, irp, node), length = Stack.Length.get(k.vm, s);
  const r = cachedRead(k, node, offset, length);
  if (!r.ok) return completeWith(k, irp, r.error === 'is-directory' ? STATUS_INVALID_DEVICE_REQUEST : statusOf(r.error), 0);
  if (length && r.value.length === 0) return completeWith(k, irp, STATUS_END_OF_FILE, 0);
  if (r.value.length) k.vm.writeBytes(IrpSystemBuffer.get(k.vm, irp), r.value);
  advance(k, file, offset + r.value.length);
  initializeCacheMap(k, file);
  return completeWith(k, irp, STATUS_SUCCESS, r.value.length);
}

/**
 * FastIoRead (NT's FsRtlCopyRead over CcCopyRead): a read on a cached file object copied
 * from the cache straight into the caller's buffer, no IRP. Null ("FALSE") sends the
 * read down the IRP path, which reports whatever went wrong: a disk error, or a buffer
 * that faults (NtReadFile has probed a user buffer; a kernel caller's may still fault).
 */
function fastIoRead(k: Kernel, file: number, offset: number, length: number, buffer: number): FastIoResult | null {
  if (length === 0) return { status: STATUS_SUCCESS, information: 0 };
  let copied: number;
  try { copied = copyRead(k, File.FsContext.get(k.vm, file), offset, length, buffer); }
  catch (e) { if (e instanceof AccessViolation) return null; throw e; }
  if (copied < 0) return null;
  if (copied === 0) return { status: STATUS_END_OF_FILE, information: 0 };
  advance(k, file, offset + copied);
  return { status: STATUS_SUCCESS, information: copied };
}

function write(k: Kernel, _device: number, irp: number): number {
  const s = currentStackLocation(k, irp);
  const file = s.get('FileObject'), node = FILE_OBJECT.at(k.vm, file).get('FsContext');
  const offset = offsetOf(k, irp, node), length = s.get('Length');
  const bytes = length ? k.vm.readBytes(IRP.at(k.vm, irp).get('SystemBuffer'), length) : new Uint8Array(0);
  invalidateFile(k, node);
  const r = diskOf(k).disk.write(node, offset, bytes);
  if (!r.ok) return completeWith(k, irp, r.error === 'is-directory' ? STATUS_INVALID_DEVICE_REQUEST : statusOf(r.error), 0);
  advance(k, file, offset + length);
  return completeWith(k, irp, STATUS_SUCCESS, length);
}

/** The file object's last handle: a delete-on-close open marks the file delete-pending,
 *  and the file goes when its last open is cleaned up (fcb.ts). */
function cleanup(k: Kernel, _device: number, irp: number): number {
  const file = currentStackLocation(k, irp).get('FileObject');
  const f = FILE_OBJECT.at(k.vm, file), node = f.get('FsContext');
  uninitializeCacheMap(k, file);
  removeShareAccess(k, node, file);
  if (f.get('Flags') & FO_DELETE_ON_CLOSE) setDeletePending(k, node, true);
  if (removeOpen(k, node)) {
    invalidateFile(k, node);
    diskOf(k).disk.delete(node);
  }
  return completeWith(k, irp, STATUS_SUCCESS, 0);
}

/** IRP_MJ_CLOSE: the file object's last reference is gone; what the file system kept for
 *  this open (a directory's CCB) goes with it. */
function close(k: Kernel, _device: number, irp: number): number {
  releaseCcb(k, currentStackLocation(k, irp).get('FileObject'));
  return completeWith(k, irp, STATUS_SUCCESS, 0);
}

export function createFileSystem(k: Kernel, disk: VirtualDisk): number {
  const vol = disk.volume('C');
  if (!vol.ok) throw new Error(`the disk has no C: volume (${vol.message})`);
  disks.set(k, { disk, volume: vol.value.id, root: vol.value.root });
  const driver = createDriver(k, {
    name: 'Ntfs',
    dispatch: {
      [IRP_MJ_CREATE]: create, [IRP_MJ_READ]: read, [IRP_MJ_WRITE]: write, [IRP_MJ_CLEANUP]: cleanup, [IRP_MJ_CLOSE]: close,
      [IRP_MJ_QUERY_INFORMATION]: queryInformation, [IRP_MJ_SET_INFORMATION]: setInformation,
      [IRP_MJ_QUERY_VOLUME_INFORMATION]: queryVolumeInformation, [IRP_MJ_FLUSH_BUFFERS]: flushBuffers,
      [IRP_MJ_DIRECTORY_CONTROL]: directoryControl,
    },
    fastIo: { read: fastIoRead },
  });
  return createDevice(k, driver, 'HarddiskVolume1', FILE_DEVICE_DISK_FILE_SYSTEM);
}
