// Dispatcher objects (KEVENT, KTHREAD, KPROCESS: a DISPATCHER_HEADER at their start) and
// waiting on them, as KeWaitForMultipleObjects and KiWaitTest do: a wait is satisfied
// when one object (wait-any: the status is STATUS_WAIT_0 + its index) or every object
// (wait-all) is signalled; satisfying a synchronization event resets it. The waiters
// themselves are the scheduler's (scheduler.ts); this file decides when they wake.
import type { Kernel } from '../kernel.ts';
import { DISPATCHER_HEADER, KTHREAD } from '../layouts.ts';
import { waitersOf, waitCurrentThread, unwaitThread, type Waiter } from './scheduler.ts';
import { userApcQueued } from './apc.ts';
import { STATUS_WAIT_0, STATUS_TIMEOUT, STATUS_USER_APC } from '../ex/status.ts';
import { WAIT_REASON_EXECUTIVE } from './constants.ts';
import { fields } from '../struct.ts';

/** Set and reset on every event signal and I/O request: resolved once. */
const SignalState = fields(DISPATCHER_HEADER, ['SignalState']).SignalState;

/** DISPATCHER_HEADER.Type values (ke.h). */
export const EventNotificationObject = 0;
export const EventSynchronizationObject = 1;
export const SemaphoreObject = 5;

export function isSignalled(k: Kernel, object: number): boolean {
  return DISPATCHER_HEADER.at(k.vm, object).get('SignalState') > 0;
}

/** KiWaitSatisfyAny: a synchronization event lets one waiter through and resets; a
 *  semaphore lets one through per count. */
function satisfy(k: Kernel, object: number): void {
  const h = DISPATCHER_HEADER.at(k.vm, object);
  if (h.get('Type') === EventSynchronizationObject) h.set('SignalState', 0);
  else if (h.get('Type') === SemaphoreObject) h.set('SignalState', h.get('SignalState') - 1);
}

/** The wait status the objects allow now, or -1 when the wait must go on. */
export function testWait(k: Kernel, objects: number[], waitAll: boolean): number {
  if (waitAll) {
    if (!objects.every(o => isSignalled(k, o))) return -1;
    for (const o of objects) satisfy(k, o);
    return STATUS_WAIT_0;
  }
  const i = objects.findIndex(o => isSignalled(k, o));
  if (i < 0) return -1;
  satisfy(k, objects[i]);
  return STATUS_WAIT_0 + i;
}

/** KiWaitTest: an object became signalled; waiters on it wake, oldest first, while it
 *  stays signalled (a synchronization event wakes one). */
export function signalObject(k: Kernel, object: number): void {
  for (const w of waitersOf(k).filter(x => x.objects.includes(object))) {
    if (!isSignalled(k, object)) break;
    const status = testWait(k, w.objects, w.waitAll);
    if (status >= 0) unwaitThread(k, w.thread, status);
  }
}

export interface WaitRequest {
  objects: number[];
  waitAll: boolean;
  alertable: boolean;
  /** The instruction count the wait times out at (Infinity: never). */
  dueIcount: number;
  complete?: Waiter['complete'];
}

/** KeWaitForMultipleObjects for the current thread, called from a service: returns the
 *  service's status now if the wait is over before it starts (satisfied, alerted, a zero
 *  timeout); otherwise the thread waits and the status comes when it wakes. */
export function waitForObjects(k: Kernel, req: WaitRequest): number {
  const thread = k.currentThread();
  const now = testWait(k, req.objects, req.waitAll);
  if (now >= 0) return req.complete ? req.complete(now) : now;
  if (req.alertable && userApcQueued(k, thread)) {
    KTHREAD.at(k.vm, thread).set('ApcState.UserApcPending', 1);
    return STATUS_USER_APC;
  }
  if (req.dueIcount <= k.cpu.icount) return STATUS_TIMEOUT;
  waitCurrentThread(k, { dueIcount: req.dueIcount, objects: req.objects, waitAll: req.waitAll, alertable: req.alertable, timeoutStatus: STATUS_TIMEOUT, complete: req.complete }, WAIT_REASON_EXECUTIVE);
  return STATUS_WAIT_0;
}

/** KeSetEvent / KeResetEvent / KePulseEvent on any dispatcher header: the previous state. */
export function setSignalState(k: Kernel, object: number, state: number): number {
  const old = SignalState.get(k.vm, object);
  SignalState.set(k.vm, object, state);
  if (state > 0) signalObject(k, object);
  return old;
}

export function initializeDispatcherHeader(k: Kernel, object: number, type: number, size: number, signalled: boolean): void {
  const h = DISPATCHER_HEADER.at(k.vm, object);
  h.set('Type', type);
  h.set('Size', size >>> 2);
  h.set('SignalState', signalled ? 1 : 0);
  const list = h.addressOf('WaitListHead');
  k.vm.write32(list, list);
  k.vm.write32(list + 4, list);
}
