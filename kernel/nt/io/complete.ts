// IopCompleteRequest: the end of a request in the requester's context -- the data copied
// out of the system buffer into the caller's buffer, the caller's IO_STATUS_BLOCK, the
// event, the user APC (ApcRoutine(ApcContext, IoStatusBlock, 0)) and the FILE_OBJECT's
// own event and FinalStatus. When the driver completes from elsewhere (a DPC), this runs
// later as the requesting thread's special kernel APC (kapc.ts).
import type { Kernel } from '../kernel.ts';
import { IRP, FILE_OBJECT, KEVENT, IO_STACK_LOCATION } from '../oblayouts.ts';
import { IO_STATUS_BLOCK } from '../layouts.ts';
import { freeIrp, setCompletion } from './iomgr.ts';
import { dereferenceObject } from '../ob/object.ts';
import { setSignalState } from '../ke/dispatcher.ts';
import { queueUserApc } from '../ke/apc.ts';
import { isWaitingAlertably, unwaitThread } from '../ke/scheduler.ts';
import { KTHREAD } from '../layouts.ts';
import { AccessViolation } from '../mm/virtual.ts';
import { ntError, STATUS_USER_APC } from '../ex/status.ts';
import { fields } from '../struct.ts';
import { queueCompletionApc } from './kapc.ts';

/** The fields completion touches, resolved once. */
const Irp = fields(IRP, ['IoStatus.Status', 'IoStatus.Information', 'OriginalFileObject', 'Flags', 'UserBuffer', 'SystemBuffer',
  'UserIosb', 'UserEvent', 'UserApcRoutine', 'UserApcContext', 'PendingReturned', 'Thread', 'CurrentStackLocation']);
const Iosb = fields(IO_STATUS_BLOCK, ['Status', 'Information']);
const Stack = fields(IO_STACK_LOCATION, ['Length']);
const FileFinalStatus = fields(FILE_OBJECT, ['FinalStatus']).FinalStatus;

/** IRP.Flags. */
export const IRP_BUFFERED_IO = 0x10;
export const IRP_DEALLOCATE_BUFFER = 0x20;
export const IRP_INPUT_OPERATION = 0x40;
/** Create and cleanup IRPs: the I/O manager reads the result itself after IoCallDriver. */
export const IRP_CREATE_OPERATION = 0x80;
export const IRP_CLOSE_OPERATION = 0x400;
export const IRP_SYNCHRONOUS_API = 0x4;
/** The issuer ends the request itself after IoCallDriver (io/request.ts). */
export const IRP_DEFER_IO_COMPLETION = 0x800;

/** The IO_STATUS_BLOCK NT_ERROR statuses do not get for a request that did not pend
 *  (NT leaves it alone then); behaviour 1 wants it for EOF, so every status writes it. */
export function writeUserIosb(k: Kernel, iosb: number, status: number, information: number): void {
  if (!iosb) return;
  try {
    Iosb.Status.set(k.vm, iosb, status);
    Iosb.Information.set(k.vm, iosb, information);
  } catch (e) {
    if (!(e instanceof AccessViolation)) throw e;   // the caller freed it: its problem
  }
}

/** IopCompleteRequest, in the requester's context. */
export function iopCompleteRequest(k: Kernel, irp: number): void {
  const vm = k.vm;
  const status = Irp['IoStatus.Status'].get(vm, irp) >>> 0, information = Irp['IoStatus.Information'].get(vm, irp);
  const file = Irp.OriginalFileObject.get(vm, irp), flags = Irp.Flags.get(vm, irp);
  // As NT: the data comes back with a warning too (a partial record, STATUS_BUFFER_OVERFLOW).
  if (flags & IRP_INPUT_OPERATION && !ntError(status) && information) {
    try { vm.copy(Irp.UserBuffer.get(vm, irp), Irp.SystemBuffer.get(vm, irp), information); }
    catch (e) { if (!(e instanceof AccessViolation)) throw e; }
  }
  if (flags & IRP_DEALLOCATE_BUFFER) k.pool.release(Irp.SystemBuffer.get(vm, irp), Stack.Length.get(vm, Irp.CurrentStackLocation.get(vm, irp)));
  const iosb = Irp.UserIosb.get(vm, irp), event = Irp.UserEvent.get(vm, irp);
  writeUserIosb(k, iosb, status, information);
  if (file) {
    FileFinalStatus.set(vm, file, status);
    setSignalState(k, file + FILE_OBJECT.off.Event, 1);
  }
  if (event) setSignalState(k, event, 1);
  const routine = Irp.UserApcRoutine.get(vm, irp);
  // As IopCompleteRequest: not for an error the service returns at once (behaviour 1: no
  // APC at end of file on a synchronous file); for success, a warning or a pended request.
  if (routine && (!ntError(status) || Irp.PendingReturned.get(vm, irp))) queueIoApc(k, Irp.Thread.get(vm, irp), routine, Irp.UserApcContext.get(vm, irp), iosb);
  if (event) dereferenceObject(k, event);
  if (file) dereferenceObject(k, file);
  freeIrp(k, irp);
}

/** The user APC of a completed request: runs at the thread's next alertable wait. */
function queueIoApc(k: Kernel, thread: number, routine: number, context: number, iosb: number): void {
  queueUserApc(k, thread, routine, context, iosb, 0);
  if (isWaitingAlertably(k, thread)) {
    KTHREAD.at(k.vm, thread).set('ApcState.UserApcPending', 1);
    unwaitThread(k, thread, STATUS_USER_APC);
  }
}

/** IoCompleteRequest's I/O-manager half: internal requests are read by their issuer; the
 *  rest complete now when this is the requester's context, else by kernel APC. */
export function registerCompletion(): void {
  setCompletion((k, irp) => {
    if (Irp.Flags.get(k.vm, irp) & (IRP_CREATE_OPERATION | IRP_CLOSE_OPERATION | IRP_DEFER_IO_COMPLETION)) return;
    if (Irp.Thread.get(k.vm, irp) === k.currentThread()) iopCompleteRequest(k, irp);
    else queueCompletionApc(k, irp);
  });
}

export { KEVENT };
