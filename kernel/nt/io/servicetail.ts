// A service's request that completes to its caller: the IRP's caller half (who asked, the
// IO_STATUS_BLOCK, the event, the APC routine, the caller's buffer behind a system buffer)
// and IopSynchronousServiceTail, which issues it. NtReadFile, NtWriteFile and
// NtQueryDirectoryFile build their IRPs this way; IopCompleteRequest (complete.ts) ends
// them in the caller's context: the data copied out to the caller's buffer, the IOSB, the
// events, the caller's APC. A synchronous file waits for a pended request and returns its
// status; an asynchronous file returns STATUS_PENDING for every request (NT Lab takes
// Vista's side of behaviour 2: even an error at once is reported pending, and its
// completion -- IOSB, event, APC -- follows).
import type { Kernel } from '../kernel.ts';
import { FILE_OBJECT, IRP, DEVICE_OBJECT } from '../oblayouts.ts';
import { allocateIrp, callDriver } from './iomgr.ts';
import { IRP_BUFFERED_IO, IRP_DEALLOCATE_BUFFER, IRP_INPUT_OPERATION } from './complete.ts';
import { FO_SYNCHRONOUS_IO, FO_ALERTABLE_IO } from './file.ts';
import { waitForObjects, setSignalState } from '../ke/dispatcher.ts';
import { STATUS_PENDING, STATUS_USER_APC } from '../ex/status.ts';
import { fields } from '../struct.ts';

const Irp = fields(IRP, ['Thread', 'RequestorMode', 'OriginalFileObject', 'UserIosb', 'UserEvent', 'UserApcRoutine',
  'UserApcContext', 'UserBuffer', 'PendingReturned', 'SystemBuffer', 'Flags']);
const File = fields(FILE_OBJECT, ['Flags', 'DeviceObject']);
const DeviceStackSize = fields(DEVICE_OBJECT, ['StackSize']).StackSize;

/** The caller's side of a request, as the service captured it. */
export interface CallerRequest {
  /** The FILE_OBJECT (referenced: the IRP owns that reference until completion). */
  file: number;
  /** The caller's event object (referenced likewise), or 0. */
  event: number;
  apcRoutine: number;
  apcContext: number;
  iosb: number;
  /** The caller's buffer and its length: the system buffer's size. */
  buffer: number;
  length: number;
  mode: number;
  /** The file object was opened for synchronous I/O: read once by the service (NT's
   *  NtReadFile keeps it as synchronousIo), used here twice. */
  sync: boolean;
  /** Data coming back to the caller (a read, a directory listing): copied from the system
   *  buffer to `buffer` at completion. */
  output: boolean;
  /** Data going to the driver (a write): the system buffer starts with it. */
  input: Uint8Array | null;
}

/** The file object's synchronous-I/O flag (FO_SYNCHRONOUS_IO). */
export function isSynchronous(k: Kernel, file: number): boolean {
  return (File.Flags.get(k.vm, file) & FO_SYNCHRONOUS_IO) !== 0;
}

/** An IRP for the file's device with the caller's half filled in: buffered I/O through a
 *  pool buffer of `length` bytes. The caller sets up the stack location. */
export function allocateCallerIrp(k: Kernel, r: CallerRequest): number {
  const vm = k.vm;
  const irp = allocateIrp(k, DeviceStackSize.get(vm, File.DeviceObject.get(vm, r.file)));
  Irp.Thread.set(vm, irp, k.currentThread());
  Irp.RequestorMode.set(vm, irp, r.mode);
  Irp.OriginalFileObject.set(vm, irp, r.file);
  Irp.UserIosb.set(vm, irp, r.iosb);
  Irp.UserEvent.set(vm, irp, r.event);
  Irp.UserApcRoutine.set(vm, irp, r.apcRoutine);
  Irp.UserApcContext.set(vm, irp, r.apcContext);
  Irp.UserBuffer.set(vm, irp, r.buffer);
  // Vista's side of behaviour 2: every request on an asynchronous file is reported pending,
  // so its completion -- even an error at once -- queues the caller's APC.
  if (!r.sync) Irp.PendingReturned.set(vm, irp, 1);
  if (r.length) {
    const system = k.pool.allocate(r.length, vm);
    if (r.input) vm.writeBytes(system, r.input);
    Irp.SystemBuffer.set(vm, irp, system);
    Irp.Flags.set(vm, irp, IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER | (r.output ? IRP_INPUT_OPERATION : 0));
  }
  return irp;
}

/** IoCallDriver with the request's IRP, then IopSynchronousServiceTail: a synchronous
 *  file waits for a pended request (alertably if the file was opened so) and returns its
 *  status; an asynchronous one returns STATUS_PENDING. The events start unsignalled: the
 *  completion sets them. */
export function issueCallerRequest(k: Kernel, r: CallerRequest, irp: number): number {
  const { file, event } = r;
  if (event) setSignalState(k, event, 0);
  setSignalState(k, file + FILE_OBJECT.off.Event, 0);
  const status = callDriver(k, File.DeviceObject.get(k.vm, file), irp);
  // The driver owns the IRP now; its completion drops the file's and the event's references.
  if (!r.sync) return STATUS_PENDING;
  if (status !== STATUS_PENDING) return status;
  return waitForObjects(k, {
    objects: [file + FILE_OBJECT.off.Event], waitAll: false, alertable: !!(File.Flags.get(k.vm, file) & FO_ALERTABLE_IO), dueIcount: Infinity,
    complete: s => s === STATUS_USER_APC ? s : FILE_OBJECT.at(k.vm, file).get('FinalStatus') >>> 0,
  });
}
