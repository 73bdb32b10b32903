// Opening files: IopParseDevice (the Device type's parse procedure) makes a FILE_OBJECT
// for the rest of the name and sends IRP_MJ_CREATE to the device's driver; NtCreateFile
// and NtOpenFile go through ObOpenObjectByName to it. The last handle to a file sends
// IRP_MJ_CLEANUP (where a delete-on-close file is deleted); the last reference sends
// IRP_MJ_CLOSE and frees the file object's name.
import type { Kernel } from '../kernel.ts';
import type { ServiceBody } from '../ke/services.ts';
import { FILE_OBJECT, IRP, DEVICE_OBJECT } from '../oblayouts.ts';
import { IO_STATUS_BLOCK } from '../layouts.ts';
import { createObject, dereferenceObject, referenceObject, objectType, setTypeProcedures, writeUnicodeString, readUnicodeStringAt, releaseUnicodeString } from '../ob/object.ts';
import { obType } from '../ob/types.ts';
import { setParseProcedure, lookupObjectName, type LookupRequest, type LookupResult } from '../ob/namespace.ts';
import { captureObjectAttributes } from '../ob/capture.ts';
import { rootOf } from '../ob/insert.ts';
import { createHandle, currentEprocess } from '../ob/handle.ts';
import { mapAccess } from '../ob/types.ts';
import { initializeEvent, NotificationEvent, SynchronizationEvent } from '../ex/event.ts';
import { allocateIrp, callDriver, freeIrp, nextStackLocation, IRP_MJ_CREATE, IRP_MJ_CLEANUP, IRP_MJ_CLOSE } from './iomgr.ts';
import { IRP_CREATE_OPERATION, IRP_CLOSE_OPERATION } from './complete.ts';
import { IO_STACK_LOCATION } from '../oblayouts.ts';
import { UserMode } from '../ke/irql.ts';
import { setSharedFlags } from './share.ts';
import { OBJ_INHERIT, SYNCHRONIZE, DELETE, FILE_READ_DATA, FILE_WRITE_DATA, FILE_APPEND_DATA } from '../ob/access.ts';
import { STATUS_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_OBJECT_PATH_SYNTAX_BAD, STATUS_INSUFFICIENT_RESOURCES, ntSuccess } from '../ex/status.ts';

/** FILE_OBJECT.Flags. */
export const FO_SYNCHRONOUS_IO = 0x2, FO_ALERTABLE_IO = 0x4, FO_DELETE_ON_CLOSE = 0x10000, FO_HANDLE_CREATED = 0x40000;
/** NtCreateFile's CreateOptions. */
export const FILE_DIRECTORY_FILE = 0x1, FILE_SYNCHRONOUS_IO_ALERT = 0x10, FILE_SYNCHRONOUS_IO_NONALERT = 0x20;
export const FILE_NON_DIRECTORY_FILE = 0x40, FILE_DELETE_ON_CLOSE = 0x1000;
/** CreateDisposition. */
export const FILE_SUPERSEDE = 0, FILE_OPEN = 1, FILE_CREATE = 2, FILE_OPEN_IF = 3, FILE_OVERWRITE = 4, FILE_OVERWRITE_IF = 5;
export const FILE_MAXIMUM_DISPOSITION = 5;
/** IO_STATUS_BLOCK.Information after a create. */
export const FILE_SUPERSEDED = 0, FILE_OPENED = 1, FILE_CREATED = 2, FILE_OVERWRITTEN = 3;
const CREATE_OPTIONS_MASK = 0x00FFFFFF, DISPOSITION_SHIFT = 24;

/** The open packet (NT's OPEN_PACKET) a create carries through ObOpenObjectByName. */
export interface OpenPacket {
  access: number; disposition: number; options: number; fileAttributes: number; shareAccess: number;
  /** Out: the create's IO_STATUS_BLOCK.Information. */
  information: number;
  related: number;
}

/** IopParseDevice: a FILE_OBJECT on `device` for `remaining`, opened by its driver. */
function parseDevice(k: Kernel, device: number, remaining: string, req: LookupRequest): LookupResult {
  const open = req.parse as OpenPacket | undefined;
  if (!open) { referenceObject(k, device); return { status: STATUS_SUCCESS, body: device }; }
  const file = createObject(k, obType(k, 'File'), FILE_OBJECT.size);
  const f = FILE_OBJECT.at(k.vm, file);
  f.set('Type', 5);
  f.set('Size', FILE_OBJECT.size);
  f.set('DeviceObject', device);
  f.set('RelatedFileObject', open.related);
  writeUnicodeString(k, f.addressOf('FileName'), remaining);
  let flags = 0;
  if (open.options & (FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT)) flags |= FO_SYNCHRONOUS_IO;
  if (open.options & FILE_SYNCHRONOUS_IO_ALERT) flags |= FO_ALERTABLE_IO;
  if (open.options & FILE_DELETE_ON_CLOSE) flags |= FO_DELETE_ON_CLOSE;
  f.set('Flags', flags);
  const granted = mapAccess(k, obType(k, 'File'), open.access);
  f.set('ReadAccess', granted & FILE_READ_DATA ? 1 : 0);
  f.set('WriteAccess', granted & (FILE_WRITE_DATA | FILE_APPEND_DATA) ? 1 : 0);
  f.set('DeleteAccess', granted & DELETE ? 1 : 0);
  setSharedFlags(k, file, open.shareAccess);
  initializeEvent(k, f.addressOf('Lock'), SynchronizationEvent, false);
  initializeEvent(k, f.addressOf('Event'), NotificationEvent, false);

  const irp = allocateIrp(k, DEVICE_OBJECT.at(k.vm, device).get('StackSize'));
  const i = IRP.at(k.vm, irp);
  i.set('Flags', IRP_CREATE_OPERATION);
  i.set('Thread', k.currentThread());
  i.set('RequestorMode', UserMode);
  const s = IO_STACK_LOCATION.at(k.vm, nextStackLocation(k, irp));
  s.set('MajorFunction', IRP_MJ_CREATE);
  s.set('FileObject', file);
  s.set('Parameters[0]', open.access);
  s.set('Parameters[1]', (open.disposition << DISPOSITION_SHIFT) | (open.options & CREATE_OPTIONS_MASK));
  s.set('Parameters[2]', (open.shareAccess << 16) | (open.fileAttributes & 0xFFFF));
  const status = callDriver(k, device, irp);
  open.information = i.get('IoStatus.Information');
  freeIrp(k, irp);
  if (!ntSuccess(status)) {
    f.set('DeviceObject', 0);            // never opened: no cleanup to send
    dereferenceObject(k, file);
    return { status, body: 0 };
  }
  return { status: STATUS_SUCCESS, body: file };
}

/** The File type's close procedure: the last handle sends IRP_MJ_CLEANUP. */
function closeFile(k: Kernel, file: number, handlesLeft: number): void {
  if (!handlesLeft) sendCleanup(k, file);
}

/** IRP_MJ_CLEANUP: the file object's last user is done (a delete-on-close file goes). */
export function sendCleanup(k: Kernel, file: number): void {
  sendCloseOperation(k, file, IRP_MJ_CLEANUP);
}

/** IopDeleteFile, the File type's delete procedure (the last reference is gone):
 *  IRP_MJ_CLOSE to the driver, then the name's pool buffer goes back. A file object whose
 *  create failed has no device (parseDevice cleared it) and gets no close. */
function deleteFile(k: Kernel, file: number): void {
  sendCloseOperation(k, file, IRP_MJ_CLOSE);
  releaseUnicodeString(k, FILE_OBJECT.at(k.vm, file).addressOf('FileName'));
}

/** A cleanup or close request: synchronous, built and freed here, its status not looked
 *  at (IopCloseFile and IopDeleteFile go on whatever the driver says). */
function sendCloseOperation(k: Kernel, file: number, major: number): void {
  const device = FILE_OBJECT.at(k.vm, file).get('DeviceObject');
  if (!device) return;
  const irp = allocateIrp(k, DEVICE_OBJECT.at(k.vm, device).get('StackSize'));
  IRP.at(k.vm, irp).set('Flags', IRP_CLOSE_OPERATION);
  IRP.at(k.vm, irp).set('Thread', k.currentThread());
  const s = IO_STACK_LOCATION.at(k.vm, nextStackLocation(k, irp));
  s.set('MajorFunction', major);
  s.set('FileObject', file);
  callDriver(k, device, irp);
  freeIrp(k, irp);
}

/** File objects opened relative to a file handle (RootDirectory = a directory's handle). */
function parseFile(k: Kernel, file: number, remaining: string, req: LookupRequest): LookupResult {
  const f = FILE_OBJECT.at(k.vm, file);
  const base = readUnicodeStringAt(k, f.addressOf('FileName'));
  const open = req.parse as OpenPacket | undefined;
  if (open) open.related = file;
  const name = (base.endsWith('\\') ? base.slice(0, -1) : base) + remaining;
  return parseDevice(k, f.get('DeviceObject'), name, req);
}

export function registerFileParsing(k: Kernel): void {
  setParseProcedure(k, obType(k, 'Device'), parseDevice);
  setParseProcedure(k, obType(k, 'File'), parseFile);
  setTypeProcedures(k, obType(k, 'File'), { close: closeFile, delete: deleteFile });
}

/** IoCreateFile for a host caller (the standard handles): a handle or an NTSTATUS. */
export function openFileForProcess(k: Kernel, eprocess: number, path: string, access: number, options: number): number {
  const open: OpenPacket = { access, disposition: FILE_OPEN, options, fileAttributes: 0, shareAccess: 3, information: 0, related: 0 };
  const r = lookupObjectName(k, { root: 0, name: path, attributes: 0, parse: open });
  if (!r.body) throw new Error(`cannot open ${path}: 0x${r.status.toString(16)}`);
  const handle = createHandle(k, eprocess, r.body, mapAccess(k, obType(k, 'File'), access));
  dereferenceObject(k, r.body);
  return handle;
}

/** NtCreateFile(FileHandle, DesiredAccess, ObjectAttributes, IoStatusBlock, AllocationSize,
 *  FileAttributes, ShareAccess, CreateDisposition, CreateOptions, EaBuffer, EaLength). */
export const NtCreateFile: ServiceBody = ({ kernel, mem, previousMode, args }) => {
  const [handleOut, access, oa, iosb, , fileAttributes, share, disposition, options] = args;
  return ioCreateFile(kernel, mem, previousMode, { handleOut, access, oa, iosb, fileAttributes, share, disposition, options });
};

/** NtOpenFile(FileHandle, DesiredAccess, ObjectAttributes, IoStatusBlock, ShareAccess, OpenOptions). */
export const NtOpenFile: ServiceBody = ({ kernel, mem, previousMode, args: [handleOut, access, oa, iosb, share, options] }) =>
  ioCreateFile(kernel, mem, previousMode, { handleOut, access, oa, iosb, fileAttributes: 0, share, disposition: FILE_OPEN, options });

/** Not an NTSTATUS: the OBJECT_ATTRIBUTES had no name. */
export const NO_OBJECT_NAME = -1;

/** ObOpenObjectByName for a file: the FILE_OBJECT (referenced, no handle) the OBJECT_ATTRIBUTES
 *  name, opened with `open`; or the failure (its status, body 0). */
export function openFileObject(k: Kernel, mem: Parameters<ServiceBody>[0]['mem'], mode: number, oa: number, open: OpenPacket): { status: number; body: number; attributes: number } {
  const attrs = captureObjectAttributes(mem, oa, mode);
  if (attrs.status !== STATUS_SUCCESS) return { status: attrs.status, body: 0, attributes: 0 };
  if (attrs.name === null) return { status: NO_OBJECT_NAME, body: 0, attributes: 0 };
  const { status: rs, root } = rootOf(k, attrs, mode);
  if (rs !== STATUS_SUCCESS) return { status: rs, body: 0, attributes: 0 };
  const r = lookupObjectName(k, { root, name: attrs.name, attributes: attrs.attributes, parse: open });
  if (root) dereferenceObject(k, root);
  // Not `{ ...r, attributes }`: r's shape depends on which parse procedure answered, and
  // spreading objects of many shapes made V8 build a new hidden class on every open.
  return { status: r.status, body: r.body, attributes: attrs.attributes };
}

interface CreateArgs { handleOut: number; access: number; oa: number; iosb: number; fileAttributes: number; share: number; disposition: number; options: number }

/** IoCreateFile: checks, the lookup with its open packet, the handle, the IO_STATUS_BLOCK. */
function ioCreateFile(k: Kernel, mem: Parameters<ServiceBody>[0]['mem'], mode: number, a: CreateArgs): number {
  if (mode === UserMode) { mem.probe(a.handleOut, 4, true); mem.probe(a.iosb, IO_STATUS_BLOCK.size, true); }
  if (a.disposition > FILE_MAXIMUM_DISPOSITION) return STATUS_INVALID_PARAMETER;
  const sync = a.options & (FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT);
  if (sync && !(a.access & SYNCHRONIZE)) return STATUS_INVALID_PARAMETER;
  if ((a.options & FILE_SYNCHRONOUS_IO_ALERT) && (a.options & FILE_SYNCHRONOUS_IO_NONALERT)) return STATUS_INVALID_PARAMETER;
  if ((a.options & FILE_DIRECTORY_FILE) && (a.options & FILE_NON_DIRECTORY_FILE)) return STATUS_INVALID_PARAMETER;
  const open: OpenPacket = { access: a.access, disposition: a.disposition, options: a.options, fileAttributes: a.fileAttributes, shareAccess: a.share, information: 0, related: 0 };
  const r = openFileObject(k, mem, mode, a.oa, open);
  if (r.status === NO_OBJECT_NAME) return STATUS_OBJECT_PATH_SYNTAX_BAD;
  const io = IO_STATUS_BLOCK.at(mem, a.iosb);
  if (!ntSuccess(r.status)) { io.set('Status', r.status); io.set('Information', 0); return r.status; }
  if (r.body && !isFile(k, r.body)) { dereferenceObject(k, r.body); return STATUS_INVALID_PARAMETER; }
  const handle = createHandle(k, currentEprocess(k), r.body, mapAccess(k, obType(k, 'File'), a.access), r.attributes & OBJ_INHERIT);
  dereferenceObject(k, r.body);
  if (!handle) return STATUS_INSUFFICIENT_RESOURCES;
  mem.write32(a.handleOut, handle);
  io.set('Status', STATUS_SUCCESS);
  io.set('Information', open.information);
  return STATUS_SUCCESS;
}

function isFile(k: Kernel, body: number): boolean {
  return objectType(k, body) === obType(k, 'File');
}
