// IoCompleteRequest outside the requester's context (a DPC): IopCompleteRequest runs as a
// kernel APC in the requesting thread (ke/apc.ts queueKernelApc), at APC_LEVEL, when that
// thread next runs -- where the caller's buffer and IO_STATUS_BLOCK are addressable.
import type { Kernel } from '../kernel.ts';
import { IRP } from '../oblayouts.ts';
import { queueKernelApc } from '../ke/apc.ts';
import { iopCompleteRequest } from './complete.ts';

export function queueCompletionApc(k: Kernel, irp: number): void {
  queueKernelApc(k, IRP.at(k.vm, irp).get('Thread'), kk => iopCompleteRequest(kk, irp), irp);
}
