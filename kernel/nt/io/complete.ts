// IopCompleteRequest: the end of a request in the requester's context -- the data copied
// out of the system buffer into the caller's buffer, the caller's IO_STATUS_BLOCK, the
// event, the user APC (ApcRoutine(ApcContext, IoStatusBlock, 0)) and the FILE_OBJECT's
// own event and FinalStatus. When the driver completes from elsewhere (a DPC), this runs
// later as the requesting thread's special kernel APC (kapc.ts).
import type { Kernel } from '../kernel.ts';
import { IRP, FILE_OBJECT, KEVENT } from '../oblayouts.ts';
import { IO_STATUS_BLOCK } from '../layouts.ts';
import { freeIrp, setCompletion, currentStackLocation } from './iomgr.ts';
import { dereferenceObject } from '../ob/object.ts';
import { setSignalState } from '../ke/dispatcher.ts';
import { queueUserApc } from '../ke/apc.ts';
import { isWaitingAlertably, unwaitThread } from '../ke/scheduler.ts';
import { KTHREAD } from '../layouts.ts';
import { AccessViolation } from '../mm/virtual.ts';
import { ntSuccess, STATUS_USER_APC } from '../ex/status.ts';
import { queueCompletionApc } from './kapc.ts';

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
function writeUserIosb(k: Kernel, iosb: number, status: number, information: number): void {
  if (!iosb) return;
  try {
    const io = IO_STATUS_BLOCK.at(k.vm, iosb);
    io.set('Status', status);
    io.set('Information', information);
  } catch (e) {
    if (!(e instanceof AccessViolation)) throw e;   // the caller freed it: its problem
  }
}

/** IopCompleteRequest, in the requester's context. */
export function iopCompleteRequest(k: Kernel, irp: number): void {
  const i = IRP.at(k.vm, irp);
  const status = i.get('IoStatus.Status') >>> 0, information = i.get('IoStatus.Information');
  const file = i.get('OriginalFileObject');
  if (i.get('Flags') & IRP_INPUT_OPERATION && ntSuccess(status) && information) {
    try { k.vm.copy(i.get('UserBuffer'), i.get('SystemBuffer'), information); }
    catch (e) { if (!(e instanceof AccessViolation)) throw e; }
  }
  if (i.get('Flags') & IRP_DEALLOCATE_BUFFER) k.pool.release(i.get('SystemBuffer'), currentStackLocation(k, irp).get('Length'));
  writeUserIosb(k, i.get('UserIosb'), status, information);
  if (file) {
    FILE_OBJECT.at(k.vm, file).set('FinalStatus', status);
    setSignalState(k, file + FILE_OBJECT.off.Event, 1);
  }
  if (i.get('UserEvent')) setSignalState(k, i.get('UserEvent'), 1);
  const routine = i.get('UserApcRoutine');
  if (routine && (ntSuccess(status) || i.get('PendingReturned'))) queueIoApc(k, i.get('Thread'), routine, i.get('UserApcContext'), i.get('UserIosb'));
  if (i.get('UserEvent')) dereferenceObject(k, i.get('UserEvent'));
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
    const i = IRP.at(k.vm, irp);
    if (i.get('Flags') & (IRP_CREATE_OPERATION | IRP_CLOSE_OPERATION | IRP_DEFER_IO_COMPLETION)) return;
    if (i.get('Thread') === k.currentThread()) iopCompleteRequest(k, irp);
    else queueCompletionApc(k, irp);
  });
}

export { KEVENT };
