// The file system's IRP_MJ_QUERY_INFORMATION and IRP_MJ_SET_INFORMATION over the virtual
// disk: basic (times, attributes), standard (sizes, delete pending, directory), internal
// (the node id), name and network-open information; setting times and attributes, the end
// of file and allocation, the disposition (delete on the last close) and rename.
import { setDeletePending, isDeletePending } from './fcb.ts';
import type { Kernel } from '../kernel.ts';
import type { NodeInfo } from '../../store/types.ts';
import { FILE_OBJECT, IRP } from '../oblayouts.ts';
import { completeWith, currentStackLocation } from './iomgr.ts';
import { diskOf, statusOfDiskError } from './fs.ts';
import { InfoWriter, infoReader } from './infobuffer.ts';
import { parseRenameInformation } from './rename.ts';
import { invalidateFile } from './fscache.ts';
import { readUnicodeStringAt } from '../ob/object.ts';
import {
  FileBasicInformation, FileStandardInformation, FileInternalInformation, FileNameInformation, FileNetworkOpenInformation,
  FileDispositionInformation, FileEndOfFileInformation, FileAllocationInformation, FileRenameInformation,
  FILE_BASIC_INFORMATION_SIZE, FILE_STANDARD_INFORMATION_SIZE, FILE_NETWORK_OPEN_INFORMATION_SIZE, FILE_NAME_INFORMATION_HEADER,
  LARGE_INTEGER_SIZE,
} from './infoclass.ts';
import { STATUS_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_BUFFER_OVERFLOW, STATUS_DIRECTORY_NOT_EMPTY, STATUS_CANNOT_DELETE, STATUS_FILE_DELETED } from '../ex/status.ts';

const FILE_ATTRIBUTE_READONLY = 0x1;
const ONE_LINK = 1;

function nodeOf(k: Kernel, irp: number): { file: number; info: NodeInfo | null } {
  const file = currentStackLocation(k, irp).get('FileObject');
  const r = diskOf(k).disk.stat(FILE_OBJECT.at(k.vm, file).get('FsContext'));
  return { file, info: r.ok ? r.value : null };
}

const systemBuffer = (k: Kernel, irp: number) => IRP.at(k.vm, irp).get('SystemBuffer');

/** Puts `bytes` (at most the request's Length) in the system buffer and completes. */
function answer(k: Kernel, irp: number, bytes: Uint8Array, status = STATUS_SUCCESS): number {
  const length = Math.min(bytes.length, currentStackLocation(k, irp).get('Length'));
  k.vm.writeBytes(systemBuffer(k, irp), bytes.subarray(0, length));
  return completeWith(k, irp, status, length);
}

function basic(n: NodeInfo): Uint8Array {
  return new InfoWriter(FILE_BASIC_INFORMATION_SIZE).i64(0, n.creationTime).i64(8, n.lastAccessTime).i64(0x10, n.lastWriteTime)
    .i64(0x18, n.changeTime).u32(0x20, n.attributes).bytes;
}

function standard(k: Kernel, n: NodeInfo): Uint8Array {
  return new InfoWriter(FILE_STANDARD_INFORMATION_SIZE).i64(0, n.allocationSize).i64(8, n.endOfFile).u32(0x10, ONE_LINK)
    .u8(0x14, isDeletePending(k, n.id) ? 1 : 0).u8(0x15, n.isDirectory ? 1 : 0).bytes;
}

function networkOpen(n: NodeInfo): Uint8Array {
  return new InfoWriter(FILE_NETWORK_OPEN_INFORMATION_SIZE).i64(0, n.creationTime).i64(8, n.lastAccessTime).i64(0x10, n.lastWriteTime)
    .i64(0x18, n.changeTime).i64(0x20, n.allocationSize).i64(0x28, n.endOfFile).u32(0x30, n.attributes).bytes;
}

/** FileNameInformation: the name on the volume (\dir\file); may not fit (BUFFER_OVERFLOW). */
function name(k: Kernel, irp: number, file: number): number {
  const text = readUnicodeStringAt(k, FILE_OBJECT.at(k.vm, file).addressOf('FileName')) || '\\';
  const w = new InfoWriter(FILE_NAME_INFORMATION_HEADER + 2 * text.length);
  w.u32(0, 2 * text.length).utf16(FILE_NAME_INFORMATION_HEADER, text);
  const fits = w.bytes.length <= currentStackLocation(k, irp).get('Length');
  return answer(k, irp, w.bytes, fits ? STATUS_SUCCESS : STATUS_BUFFER_OVERFLOW);
}

export function queryInformation(k: Kernel, _device: number, irp: number): number {
  const { file, info } = nodeOf(k, irp);
  if (!info) return completeWith(k, irp, STATUS_FILE_DELETED, 0);
  switch (currentStackLocation(k, irp).get('FileInformationClass')) {
    case FileBasicInformation: return answer(k, irp, basic(info));
    case FileStandardInformation: return answer(k, irp, standard(k, info));
    case FileInternalInformation: return answer(k, irp, new InfoWriter(LARGE_INTEGER_SIZE).i64(0, info.id).bytes);
    case FileNetworkOpenInformation: return answer(k, irp, networkOpen(info));
    case FileNameInformation: return name(k, irp, file);
  }
  return completeWith(k, irp, STATUS_INVALID_PARAMETER, 0);
}

export function setInformation(k: Kernel, _device: number, irp: number): number {
  const { file, info } = nodeOf(k, irp);
  if (!info) return completeWith(k, irp, STATUS_FILE_DELETED, 0);
  const s = currentStackLocation(k, irp);
  const input = k.vm.readBytes(systemBuffer(k, irp), s.get('Length'));
  switch (s.get('FileInformationClass')) {
    case FileBasicInformation: return completeWith(k, irp, setBasic(k, info, input), 0);
    case FileDispositionInformation: return completeWith(k, irp, setDisposition(k, file, info, input[0] !== 0), 0);
    case FileEndOfFileInformation: return completeWith(k, irp, setEndOfFile(k, info, Number(infoReader(input).i64(0)), false), 0);
    case FileAllocationInformation: return completeWith(k, irp, setEndOfFile(k, info, Number(infoReader(input).i64(0)), true), 0);
    case FileRenameInformation: return completeWith(k, irp, rename(k, info, input, s.get('Parameters[2]')), 0);
  }
  return completeWith(k, irp, STATUS_INVALID_PARAMETER, 0);
}

/** FILE_BASIC_INFORMATION: a time of 0 leaves that time alone; attributes 0 likewise. */
function setBasic(k: Kernel, n: NodeInfo, input: Uint8Array): number {
  const r = infoReader(input);
  const disk = diskOf(k).disk;
  const times: Record<string, bigint> = {};
  (['creationTime', 'lastAccessTime', 'lastWriteTime', 'changeTime'] as const).forEach((field, i) => {
    const t = r.i64(8 * i);
    if (t > 0n) times[field] = t;
  });
  if (Object.keys(times).length) {
    const t = disk.setTimes(n.id, times);
    if (!t.ok) return statusOfDiskError(t.error);
  }
  const attributes = r.u32(0x20);
  if (attributes) {
    const a = disk.setAttributes(n.id, attributes);
    if (!a.ok) return statusOfDiskError(a.error);
  }
  return STATUS_SUCCESS;
}

/** FileDispositionInformation: delete when the last handle goes (or not, any more). */
function setDisposition(k: Kernel, file: number, n: NodeInfo, deleteFile: boolean): number {
  if (deleteFile) {
    if (n.attributes & FILE_ATTRIBUTE_READONLY) return STATUS_CANNOT_DELETE;
    if (n.isDirectory) {
      const children = diskOf(k).disk.list(n.id, { limit: 1 });
      if (children.ok && children.value.length) return STATUS_DIRECTORY_NOT_EMPTY;
    }
  }
  FILE_OBJECT.at(k.vm, file).set('DeletePending', deleteFile ? 1 : 0);
  setDeletePending(k, n.id, deleteFile);
  return STATUS_SUCCESS;
}

/** FileEndOfFile/AllocationInformation: a new size (an allocation only ever shrinks it). */
function setEndOfFile(k: Kernel, n: NodeInfo, size: number, allocation: boolean): number {
  if (size < 0) return STATUS_INVALID_PARAMETER;
  if (allocation && size >= n.endOfFile) return STATUS_SUCCESS;
  invalidateFile(k, n.id);
  const r = diskOf(k).disk.setEndOfFile(n.id, size);
  return r.ok ? STATUS_SUCCESS : statusOfDiskError(r.error);
}

/** FileRenameInformation: into `targetDirectory`'s directory (a FILE_OBJECT the I/O manager
 *  opened) or the same one, under the name's last component. */
function rename(k: Kernel, n: NodeInfo, input: Uint8Array, targetDirectory: number): number {
  const info = parseRenameInformation(input);
  if (!info) return STATUS_INVALID_PARAMETER;
  const newName = info.name.slice(info.name.lastIndexOf('\\') + 1);
  const dir = targetDirectory ? FILE_OBJECT.at(k.vm, targetDirectory).get('FsContext') : n.parent;
  if (dir === null || !newName) return STATUS_INVALID_PARAMETER;
  const r = diskOf(k).disk.rename(n.id, dir, newName, { replaceIfExists: info.replaceIfExists });
  return r.ok ? STATUS_SUCCESS : statusOfDiskError(r.error);
}
