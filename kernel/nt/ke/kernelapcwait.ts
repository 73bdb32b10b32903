// A kernel APC for a waiting thread (KiInsertQueueApc → KiUnwaitThread(STATUS_KERNEL_APC)):
// the thread wakes, runs its kernel APCs at APC_LEVEL as soon as it has the CPU, and then
// looks at its wait again -- as NT's KeWaitForXxx loop does after a STATUS_KERNEL_APC
// wake: satisfied now (the APC signalled what it waited for: I/O completion sets the file
// object's event), the service returns the wait's status; otherwise it waits on. This is
// what lets an IRP completed by a DPC finish in the requester's own context.
import type { Kernel } from '../kernel.ts';
import { KTHREAD, KTRAP_FRAME } from '../layouts.ts';
import { waitersOf, preemptIfBetter, switchAway, type Waiter } from './scheduler.ts';
import { testWait } from './dispatcher.ts';
import { THREAD_STATE_WAITING } from './constants.ts';

/** Waits interrupted by a kernel APC, by thread (a cache: the KTHREADs say Waiting/Ready). */
const suspended = new WeakMap<Kernel, Map<number, Waiter>>();
const suspendedOf = (k: Kernel) => { let m = suspended.get(k); if (!m) suspended.set(k, m = new Map()); return m; };

/** The thread, if it waits, becomes ready to run its kernel APCs; its wait is kept. */
export function wakeForKernelApc(k: Kernel, thread: number): void {
  const list = waitersOf(k);
  const i = list.findIndex(w => w.thread === thread);
  if (i < 0) return;
  suspendedOf(k).set(thread, list.splice(i, 1)[0]);
  preemptIfBetter(k, thread);
}

/** After its kernel APCs: the thread's interrupted wait ends now or goes on. */
export function resumeWaitAfterKernelApcs(k: Kernel, thread: number): void {
  const w = suspendedOf(k).get(thread);
  if (!w) return;
  suspendedOf(k).delete(thread);
  const now = testWait(k, w.objects, w.waitAll);
  if (now < 0 && w.dueIcount > k.cpu.icount) {
    KTHREAD.at(k.vm, thread).set('State', THREAD_STATE_WAITING);
    waitersOf(k).push(w);
    switchAway(k);
    return;
  }
  const status = now < 0 ? w.timeoutStatus : w.complete ? w.complete(now) : now;
  const t = KTHREAD.at(k.vm, thread);
  t.set('WaitStatus', status);
  t.set('Alertable', 0);
  KTRAP_FRAME.at(k.vm, t.get('TrapFrame')).set('Eax', status);
}

/** The thread ended: a wait its kernel APCs interrupted will never go on (and its KTHREAD's
 *  address may serve another thread later). */
export function forgetInterruptedWait(k: Kernel, thread: number): void {
  suspendedOf(k).delete(thread);
}
