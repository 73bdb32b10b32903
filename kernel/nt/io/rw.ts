// NtReadFile and NtWriteFile: the I/O manager's request path. The order of the checks is
// NtReadFile's in the reference: the handle first (ObReferenceObjectByHandle: invalid,
// wrong type, no FILE_READ_DATA), then for a user-mode caller the IO_STATUS_BLOCK and the
// buffer are probed, then the ByteOffset rules (behaviours 13, 14). The request is an IRP
// with a system buffer (buffered I/O), issued by servicetail.ts: a synchronous file waits
// for it if the driver pends it, and returns the request's status; an asynchronous file
// returns STATUS_PENDING for every request (Vista's side of behaviour 2: even a read at
// EOF pends, and its completion -- IOSB, event, APC -- follows).
//
// A synchronous read of a file object the cache already holds first tries fast I/O (NT's
// "turbo read"): the file system's FastIoRead copies from the cache into the caller's
// buffer and no IRP is built. The first read of a file object always takes the IRP path;
// that is where the file system sets up the cache for it.
import type { ServiceBody, ServiceCall } from '../ke/services.ts';
import type { Kernel } from '../kernel.ts';
import { FILE_OBJECT, IO_STACK_LOCATION } from '../oblayouts.ts';
import { IO_STATUS_BLOCK } from '../layouts.ts';
import { referenceObjectByHandle } from '../ob/handle.ts';
import { dereferenceObject } from '../ob/object.ts';
import { obType } from '../ob/types.ts';
import { nextStackLocation, fastIoReadOf, IRP_MJ_READ, IRP_MJ_WRITE } from './iomgr.ts';
import { writeUserIosb } from './complete.ts';
import { setSignalState } from '../ke/dispatcher.ts';
import { allocateCallerIrp, issueCallerRequest, isSynchronous, type CallerRequest } from './servicetail.ts';
import { EVENT_MODIFY_STATE, FILE_READ_DATA, FILE_WRITE_DATA, FILE_APPEND_DATA } from '../ob/access.ts';
import { UserMode } from '../ke/irql.ts';
import {
  STATUS_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_INVALID_USER_BUFFER, STATUS_END_OF_FILE, STATUS_BUFFER_OVERFLOW,
} from '../ex/status.ts';
import { AccessViolation } from '../mm/virtual.ts';
import { MM_USER_PROBE_ADDRESS } from '../memmap.ts';
import { fields } from '../struct.ts';

/** The fields a read or write touches, resolved once. */
const Stack = fields(IO_STACK_LOCATION, ['MajorFunction', 'FileObject', 'Length', 'Key', 'ByteOffsetLow', 'ByteOffsetHigh']);
const File = fields(FILE_OBJECT, ['DeviceObject', 'CurrentByteOffset[0]', 'CurrentByteOffset[1]', 'PrivateCacheMap']);

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
  return issueCallerRequest(k, request, buildIrp(k, request));
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
  if (!s.sync || !File.PrivateCacheMap.get(vm, file) || s.apcRoutine) return null;
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

/** A read or write as the service captured it: the caller's half, and where in the file. */
interface Request extends CallerRequest { low: number; high: number; key: number; write: boolean }

/** The checks after the handle's: the caller's buffers, the offset rules (behaviours 13,
 *  14), the event. A status, or the request to issue. */
function prepare(call: ServiceCall, t: Transfer, file: number, held: number[]): Request | number {
  const { kernel: k, mem, previousMode, args } = call;
  const [, eventHandle, apcRoutine, apcContext, iosb, buffer, length, byteOffsetPtr, key] = args;
  const sync = isSynchronous(k, file);
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
  return {
    file, event, apcRoutine, apcContext, iosb, buffer, length, mode: previousMode, output: !t.write, input: data,
    low, high: toEnd ? -1 : high, key, write: t.write, sync,
  };
}

/** The IRP of a read or write: the caller's half, then the stack location. */
function buildIrp(k: Kernel, s: Request): number {
  const vm = k.vm;
  const irp = allocateCallerIrp(k, s);
  const st = nextStackLocation(k, irp);
  Stack.MajorFunction.set(vm, st, s.write ? IRP_MJ_WRITE : IRP_MJ_READ);
  Stack.FileObject.set(vm, st, s.file);
  Stack.Length.set(vm, st, s.length);
  Stack.Key.set(vm, st, s.key);
  Stack.ByteOffsetLow.set(vm, st, s.low);
  Stack.ByteOffsetHigh.set(vm, st, s.high);
  return irp;
}
