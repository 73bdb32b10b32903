// Thread priorities (ke/thrdobj.c and ke/thredsup.c on NT): a thread's BasePriority is its
// process's base plus an increment of -2..+2 (or saturated to the bottom or the top of the
// process's class); its Priority is what the ready queues and preemption use. There are no
// boosts in NT Lab, so Priority follows BasePriority. Changing a priority moves a ready
// thread between ready queues and can take the CPU from, or give it to, the running thread
// (KiSetPriorityThread).
import type { Kernel } from '../kernel.ts';
import { KTHREAD, KPROCESS } from '../layouts.ts';
import { THREAD_STATE_READY, THREAD_STATE_RUNNING } from './constants.ts';
import { findReadyThread, preemptIfBetter, requestDispatch, unreadyThread } from './scheduler.ts';

/** The priority classes: 1..15 variable, 16..31 real time (0 is the idle thread's). */
export const LOW_PRIORITY = 0;
export const LOW_REALTIME_PRIORITY = 16;
export const HIGH_PRIORITY = 31;
/** An increment of at least this much (either sign) saturates the base to the top or the
 *  bottom of the process's class: what kernel32 passes for THREAD_PRIORITY_TIME_CRITICAL
 *  and THREAD_PRIORITY_IDLE, and what KeQueryBasePriorityThread reports for them. */
export const SATURATION_INCREMENT = (HIGH_PRIORITY + 1) / 2;

const processOf = (k: Kernel, thread: number) => KPROCESS.at(k.vm, KTHREAD.at(k.vm, thread).get('ApcState.Process'));

/** KiSetPriorityThread: the thread's Priority becomes `priority`, and the scheduler hears of
 *  it: a ready thread changes queues (and preempts the running one if it is now above it);
 *  the running thread, lowered below a ready one, gives the CPU up at the next dispatch. */
export function setPriorityThread(k: Kernel, thread: number, priority: number): void {
  const t = KTHREAD.at(k.vm, thread);
  const old = t.get('Priority');
  if (old === priority) return;
  const pcr = k.pcr();
  if (t.get('State') === THREAD_STATE_READY && pcr.get('PrcbData.NextThread') !== thread) {
    unreadyThread(k, thread);            // off the old priority's queue...
    t.set('Priority', priority);
    preemptIfBetter(k, thread);          // ...onto the new one, or straight to the CPU
    return;
  }
  t.set('Priority', priority);
  if (thread === k.currentThread() && t.get('State') === THREAD_STATE_RUNNING && priority < old && !pcr.get('PrcbData.NextThread')) {
    const next = findReadyThread(k, priority + 1);
    if (next) { pcr.set('PrcbData.NextThread', next); requestDispatch(k); }
  }
}

/** KeSetPriorityThread: an absolute priority, which becomes the base too (NT clears the
 *  saturation and any boost). Returns the old priority. */
export function keSetPriorityThread(k: Kernel, thread: number, priority: number): number {
  const t = KTHREAD.at(k.vm, thread);
  const old = t.get('Priority');
  t.set('BasePriority', priority);
  t.set('Saturation', 0);
  setPriorityThread(k, thread, priority);
  return old;
}

/** The base a process of base `processBase` gives a thread for `increment`: clamped to the
 *  process's class (variable 1..15, real time 16..31), saturated at +-SATURATION_INCREMENT. */
function baseFor(processBase: number, increment: number): number {
  const realTime = processBase >= LOW_REALTIME_PRIORITY;
  const low = realTime ? LOW_REALTIME_PRIORITY : LOW_PRIORITY + 1;
  const high = realTime ? HIGH_PRIORITY : LOW_REALTIME_PRIORITY - 1;
  if (increment >= SATURATION_INCREMENT) return high;
  if (increment <= -SATURATION_INCREMENT) return low;
  return Math.min(high, Math.max(low, processBase + increment));
}

/** KeSetBasePriorityThread: the base becomes the process's base + `increment`; Priority
 *  follows (no boosts). Returns the old increment. */
export function keSetBasePriorityThread(k: Kernel, thread: number, increment: number): number {
  const old = keQueryBasePriorityThread(k, thread);
  const t = KTHREAD.at(k.vm, thread);
  const base = baseFor(processOf(k, thread).get('BasePriority'), increment);
  t.set('Saturation', increment >= SATURATION_INCREMENT ? 1 : increment <= -SATURATION_INCREMENT ? -1 : 0);
  t.set('BasePriority', base);
  setPriorityThread(k, thread, base);
  return old;
}

/** KeQueryBasePriorityThread: the increment over the process's base (+-16 when saturated). */
export function keQueryBasePriorityThread(k: Kernel, thread: number): number {
  const t = KTHREAD.at(k.vm, thread);
  const saturation = t.get('Saturation');
  if (saturation) return SATURATION_INCREMENT * saturation;
  return t.get('BasePriority') - processOf(k, thread).get('BasePriority');
}

/** KeSetPriorityProcess: a new process base; every thread keeps its increment over it. */
export function keSetPriorityProcess(k: Kernel, eprocess: number, threads: readonly number[], base: number): number {
  const p = KPROCESS.at(k.vm, eprocess);
  const increments = threads.map(t => keQueryBasePriorityThread(k, t));
  const old = p.get('BasePriority');
  p.set('BasePriority', base);
  threads.forEach((t, i) => keSetBasePriorityThread(k, t, increments[i]));
  return old;
}
