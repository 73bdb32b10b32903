// Waiting: NtDelayExecution, NtYieldExecution (waits on objects: ob/wait.ts, over
// ke/dispatcher.ts). A waiting thread is
// KTHREAD.State = Waiting; its service already stored a status in its trap frame, which the
// wait's end replaces (scheduler.ts, unwaitThread). An alertable wait with user APCs queued
// ends at once with STATUS_USER_APC, and a user APC queued to an alertable waiter ends its
// wait the same way (apc.ts).
import type { ServiceBody } from './services.ts';
import type { Kernel } from '../kernel.ts';
import { KTHREAD } from '../layouts.ts';
import { findReadyThread, requestDispatch, waitCurrentThread } from './scheduler.ts';
import { hundredNsToInstructions } from './clock.ts';
import { userApcQueued } from './apc.ts';
import { UserMode } from './irql.ts';
import { THREAD_STATE_TERMINATED, WAIT_REASON_DELAY_EXECUTION, WAIT_REASON_EXECUTIVE, NtCurrentThread } from './constants.ts';
import {
  STATUS_SUCCESS, STATUS_USER_APC, STATUS_TIMEOUT, STATUS_NO_YIELD_PERFORMED, STATUS_INVALID_HANDLE,
  STATUS_OBJECT_TYPE_MISMATCH, STATUS_WAIT_0,
} from '../ex/status.ts';
import type { VirtualMemory } from '../mm/virtual.ts';

const LARGE_INTEGER_SIZE = 8;

/** A LARGE_INTEGER timeout: negative = relative, in 100 ns units; NT Lab treats a positive
 *  (absolute) one as relative to now too. NULL (0 here): forever. */
export function dueIcount(k: Kernel, mem: VirtualMemory, ptr: number, previousMode: number): number {
  if (ptr === 0) return Infinity;
  if (previousMode === UserMode) mem.probe(ptr, LARGE_INTEGER_SIZE, false);
  const units = Math.abs(Number((BigInt(mem.read32(ptr + 4)) << 32n) | BigInt(mem.read32(ptr) >>> 0)));
  return k.cpu.icount + hundredNsToInstructions(k, units);
}

/** An alertable wait with user APCs queued ends before it starts. */
function alerted(k: Kernel, thread: number, alertable: number): boolean {
  if (!alertable || !userApcQueued(k, thread)) return false;
  KTHREAD.at(k.vm, thread).set('ApcState.UserApcPending', 1);
  return true;
}

/** NtDelayExecution(Alertable, DelayInterval). */
export const NtDelayExecution: ServiceBody = ({ kernel, thread, mem, previousMode, args: [alertable, interval] }) => {
  if (alerted(kernel, thread, alertable)) return STATUS_USER_APC;
  const due = dueIcount(kernel, mem, interval, previousMode);
  waitCurrentThread(kernel, { dueIcount: due, objects: [], waitAll: false, alertable: !!alertable, timeoutStatus: STATUS_SUCCESS }, WAIT_REASON_DELAY_EXECUTION);
  return STATUS_SUCCESS;
};

/** NtYieldExecution(): the rest of the quantum to a ready thread of the same priority. */
export const NtYieldExecution: ServiceBody = ({ kernel, thread }) => {
  const next = findReadyThread(kernel, KTHREAD.at(kernel.vm, thread).get('Priority'));
  if (!next) return STATUS_NO_YIELD_PERFORMED;
  kernel.pcr().set('PrcbData.NextThread', next);
  requestDispatch(kernel);
  return STATUS_SUCCESS;
};

// NtWaitForSingleObject and NtWaitForMultipleObjects are the object manager's (ob/wait.ts).
