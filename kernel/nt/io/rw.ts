// NtReadFile and NtWriteFile: the I/O manager's request path. The order of the checks is
// NtReadFile's in the reference: the handle first (ObReferenceObjectByHandle: invalid,
// wrong type, no FILE_READ_DATA), then for a user-mode caller the IO_STATUS_BLOCK and the
// buffer are probed, then the ByteOffset rules (behaviours 13, 14). The request is an IRP
// with a system buffer (buffered I/O); a synchronous file waits for it if the driver
// pends it, and returns the request's status; an asynchronous file returns STATUS_PENDING
// for every request (NT Lab takes Vista's side of behaviour 2: even a read at EOF pends,
// and its completion -- IOSB, event, APC -- follows).
//
// A synchronous read of a file object the cache already holds first tries fast I/O (NT's
// "turbo read"): the file system's FastIoRead copies from the cache into the caller's
// buffer and no IRP is built. The first read of a file object always takes the IRP path;
// that is where the file system sets up the cache for it.
import type { ServiceBody, ServiceCall } from '../ke/services.ts';
import type { Kernel } from '../kernel.ts';
import { FILE_OBJECT, IRP, IO_STACK_LOCATION, DEVICE_OBJECT } from '../oblayouts.ts';
import { IO_STATUS_BLOCK } from '../layouts.ts';
import { referenceObjectByHandle } from '../ob/handle.ts';
import { dereferenceObject } from '../ob/object.ts';
import { obType } from '../ob/types.ts';
import { allocateIrp, callDriver, nextStackLocation, fastIoReadOf, IRP_MJ_READ, IRP_MJ_WRITE } from './iomgr.ts';
import { IRP_BUFFERED_IO, IRP_DEALLOCATE_BUFFER, IRP_INPUT_OPERATION, writeUserIosb } from './complete.ts';
import { FO_SYNCHRONOUS_IO, FO_ALERTABLE_IO } from './file.ts';
import { waitForObjects, setSignalState } from '../ke/dispatcher.ts';
import { EVENT_MODIFY_STATE, FILE_READ_DATA, FILE_WRITE_DATA, FILE_APPEND_DATA } from '../ob/access.ts';
import { UserMode } from '../ke/irql.ts';
import {
  STATUS_SUCCESS, STATUS_PENDING, STATUS_INVALID_PARAMETER, STATUS_USER_APC, STATUS_INVALID_USER_BUFFER, STATUS_END_OF_FILE,
  STATUS_BUFFER_OVERFLOW,
} from '../ex/status.ts';
import { AccessViolation } from '../mm/virtual.ts';
import { MM_USER_PROBE_ADDRESS } from '../memmap.ts';
import { fields } from '../struct.ts';

/** The fields a read or write touches, resolved once. */
const Irp = fields(IRP, ['Thread', 'RequestorMode', 'OriginalFileObject', 'UserIosb', 'UserEvent', 'UserApcRoutine',
  'UserApcContext', 'UserBuffer', 'PendingReturned', 'SystemBuffer', 'Flags']);
const Stack = fields(IO_STACK_LOCATION, ['MajorFunction', 'FileObject', 'Length', 'Key', 'ByteOffsetLow', 'ByteOffsetHigh']);
const File = fields(FILE_OBJECT, ['Flags', 'DeviceObject', 'CurrentByteOffset[0]', 'CurrentByteOffset[1]', 'PrivateCacheMap']);
const DeviceStackSize = fields(DEVICE_OBJECT, ['StackSize']).StackSize;

/** ByteOffset {0xFFFFFFFE, -1}: "at the current position" (FILE_USE_FILE_POINTER_POSITION). */
const USE_FILE_POINTER_LOW = 0xFFFFFFFE, USE_FILE_POINTER_HIGH = 0xFFFFFFFF;
/** ByteOffset {0xFFFFFFFF, -1} on a write: at the end of the file (FILE_WRITE_TO_END_OF_FILE). */
export const WRITE_TO_END_LOW = 0xFFFFFFFF;

export interface Transfer { write: boolean }

const READ: Transfer = { write: false }, WRITE: Transfer = { write: true };
/** NtReadFile(FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, Buffer, Length, ByteOffset, Key). */
export const NtReadFile: ServiceBody = call => transfer(call, READ);
/** NtWriteFile(same arguments). */
export const NtWriteFile: ServiceBody = call => transfer(call, WRITE);

function transfer(call: ServiceCall, t: Transfer): number {
  const { kernel: k, previousMode, args: [handle] } = call;
  const access = t.write ? FILE_WRITE_DATA : FILE_READ_DATA;
  let r = referenceObjectByHandle(k, handle, access, obType(k, 'File'), previousMode);
  if (t.write && r.status !== STATUS_SUCCESS) {
    const append = referenceObjectByHandle(k, handle, FILE_APPEND_DATA, obType(k, 'File'), previousMode);
    if (append.status === STATUS_SUCCESS) r = append;
  }
  if (r.status !== STATUS_SUCCESS) return r.status;
  const held: number[] = [r.body];
  // Until the IRP owns them, a fault probing the caller's memory must not leak the
  // references taken (the file's, the event's): they are dropped and the fault goes on.
  let request: Request | number;
  try { request = prepare(call, t, r.body, held); }
  catch (e) { for (const o of held) dereferenceObject(k, o); throw e; }
  if (typeof request === 'number') { for (const o of held) dereferenceObject(k, o); return request; }
  if (!t.write) {
    const fast = tryFastIoRead(k, r.body, request);
    if (fast !== null) return fast;
  }
  return issue(k, r.body, request);
}

/**
 * Fast I/O for a synchronous read on a cached file object: the status, or null when the
 * IRP path must run (not synchronous, not cached yet, no FastIoRead, or it said FALSE).
 * Done, it ends as NT's turbo read does: the IOSB written, the caller's event set, the
 * references dropped; the file object's own event is left as it is (still signalled from
 * the request before). A read with an APC routine takes the IRP path, so its completion
 * (and behaviour 1: no APC at EOF) is one code path.
 */
function tryFastIoRead(k: Kernel, file: number, s: Request): number | null {
  const vm = k.vm;
  if (!(File.Flags.get(vm, file) & FO_SYNCHRONOUS_IO) || !File.PrivateCacheMap.get(vm, file) || s.apcRoutine) return null;
  const device = File.DeviceObject.get(vm, file);
  const routine = fastIoReadOf(k, device);
  if (!routine) return null;
  if (s.event) setSignalState(k, s.event, 0);
  const done = routine(k, file, s.high * 0x100000000 + s.low, s.length, s.buffer);
  if (done === null || !(done.status === STATUS_SUCCESS || done.status === STATUS_BUFFER_OVERFLOW || done.status === STATUS_END_OF_FILE)) return null;
  if (k.trace && k.currentThread()) k.emit({ kind: 'fast-io', major: IRP_MJ_READ, file, device, status: done.status, information: done.information });
  writeUserIosb(k, s.iosb, done.status, done.information);
  if (s.event) { setSignalState(k, s.event, 1); dereferenceObject(k, s.event); }
  dereferenceObject(k, file);
  return done.status;
}

type Request = IrpSpec & { data: Uint8Array | null };

/** The checks after the handle's: the caller's buffers, the offset rules (behaviours 13,
 *  14), the event. A status, or the request to issue. */
function prepare(call: ServiceCall, t: Transfer, file: number, held: number[]): Request | number {
  const { kernel: k, mem, previousMode, args } = call;
  const [, eventHandle, apcRoutine, apcContext, iosb, buffer, length, byteOffsetPtr, key] = args;
  const sync = !!(File.Flags.get(k.vm, file) & FO_SYNCHRONOUS_IO);
  if (previousMode === UserMode) {
    mem.probe(iosb, IO_STATUS_BLOCK.size, true);
    // ProbeForWrite touches every page of a read's buffer (a fault: ACCESS_VIOLATION);
    // ProbeForRead only checks a write's range: its fault comes with the copy below.
    if (length && !t.write) mem.probe(buffer, length, true);
    if (length && t.write && (buffer >>> 0) + length > MM_USER_PROBE_ADDRESS) throw new AccessViolation(buffer, false);
  }
  let low: number, high: number;
  if (byteOffsetPtr) {
    if (previousMode === UserMode) mem.probe(byteOffsetPtr, 8, false);
    low = mem.read32(byteOffsetPtr) >>> 0; high = mem.read32(byteOffsetPtr + 4) | 0;
  } else { low = USE_FILE_POINTER_LOW; high = -1; }
  const usePointer = low === USE_FILE_POINTER_LOW && high === -1;
  const toEnd = t.write && low === WRITE_TO_END_LOW && high === -1;
  if (!sync && !byteOffsetPtr) return STATUS_INVALID_PARAMETER;
  if (high < 0 && !(sync && usePointer) && !toEnd) return STATUS_INVALID_PARAMETER;
  if (usePointer) { low = File['CurrentByteOffset[0]'].get(k.vm, file); high = File['CurrentByteOffset[1]'].get(k.vm, file); }
  // The caller's data, copied now: the last touch of its memory before the IRP exists.
  let data: Uint8Array | null = null;
  if (t.write && length) {
    // The copy into the system buffer: a fault here is the buffer's, not an argument's.
    try { data = mem.readBytes(buffer, length); }
    catch (e) { if (e instanceof AccessViolation && previousMode === UserMode) return STATUS_INVALID_USER_BUFFER; throw e; }
  }
  let event = 0;
  if (eventHandle) {
    const e = referenceObjectByHandle(k, eventHandle, EVENT_MODIFY_STATE, obType(k, 'Event'), previousMode);
    if (e.status !== STATUS_SUCCESS) return e.status;
    held.push(event = e.body);
  }
  return { file, event, apcRoutine, apcContext, iosb, buffer, length, low, high: toEnd ? -1 : high, key, write: t.write, mode: previousMode, data };
}

/** IoCallDriver with the request's IRP; a synchronous file waits for a pended one. */
function issue(k: Kernel, file: number, request: Request): number {
  const sync = !!(File.Flags.get(k.vm, file) & FO_SYNCHRONOUS_IO);
  if (request.event) setSignalState(k, request.event, 0);
  setSignalState(k, file + FILE_OBJECT.off.Event, 0);
  const irp = buildIrp(k, request);
  const status = callDriver(k, File.DeviceObject.get(k.vm, file), irp);
  // The driver owns the IRP now; its completion drops the file's reference.
  if (!sync) return STATUS_PENDING;
  if (status !== STATUS_PENDING) return status;
  return waitForObjects(k, {
    objects: [file + FILE_OBJECT.off.Event], waitAll: false, alertable: !!(File.Flags.get(k.vm, file) & FO_ALERTABLE_IO), dueIcount: Infinity,
    complete: s => s === STATUS_USER_APC ? s : FILE_OBJECT.at(k.vm, file).get('FinalStatus') >>> 0,
  });
}

interface IrpSpec {
  file: number; event: number; apcRoutine: number; apcContext: number; iosb: number; buffer: number; length: number;
  low: number; high: number; key: number; write: boolean; mode: number;
}

/** The IRP of a read or write: buffered I/O through a pool buffer of `length` bytes. */
function buildIrp(k: Kernel, s: Request): number {
  const vm = k.vm;
  const device = File.DeviceObject.get(vm, s.file);
  const irp = allocateIrp(k, DeviceStackSize.get(vm, device));
  Irp.Thread.set(vm, irp, k.currentThread());
  Irp.RequestorMode.set(vm, irp, s.mode);
  Irp.OriginalFileObject.set(vm, irp, s.file);
  Irp.UserIosb.set(vm, irp, s.iosb);
  Irp.UserEvent.set(vm, irp, s.event);
  Irp.UserApcRoutine.set(vm, irp, s.apcRoutine);
  Irp.UserApcContext.set(vm, irp, s.apcContext);
  Irp.UserBuffer.set(vm, irp, s.buffer);
  // Vista's side of behaviour 2: every request on an asynchronous file is reported pending,
  // so its completion -- even an error at once -- queues the caller's APC.
  if (!(File.Flags.get(vm, s.file) & FO_SYNCHRONOUS_IO)) Irp.PendingReturned.set(vm, irp, 1);
  if (s.length) {
    const system = k.pool.allocate(s.length, vm);
    if (s.data) vm.writeBytes(system, s.data);
    Irp.SystemBuffer.set(vm, irp, system);
    Irp.Flags.set(vm, irp, IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER | (s.write ? 0 : IRP_INPUT_OPERATION));
  }
  const st = nextStackLocation(k, irp);
  Stack.MajorFunction.set(vm, st, s.write ? IRP_MJ_WRITE : IRP_MJ_READ);
  Stack.FileObject.set(vm, st, s.file);
  Stack.Length.set(vm, st, s.length);
  Stack.Key.set(vm, st, s.key);
  Stack.ByteOffsetLow.set(vm, st, s.low);
  Stack.ByteOffsetHigh.set(vm, st, s.high);
  return irp;
}
