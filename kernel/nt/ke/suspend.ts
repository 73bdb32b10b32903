// Suspending and resuming threads as NT does it (ke/thrdobj.c): KTHREAD.SuspendCount counts
// the suspensions; the first one queues the thread's own kernel APC, KTHREAD.SuspendApc,
// whose routine (KiSuspendThread) makes the thread wait on its own KTHREAD.SuspendSemaphore;
// the resume that brings the count back to 0 releases the semaphore. So a thread is never
// stopped from outside: it stops itself, in its own context at APC_LEVEL, the next time its
// IRQL drops below APC_LEVEL -- at once if it is running, when it next gets the CPU if it
// is ready, and interrupting its wait (which goes on afterwards) if it waits.
// NT's suspend APC is a normal kernel APC (the wait runs in its NormalRoutine at PASSIVE);
// NT Lab's kernel APCs are all special ones, so the wait is done at APC_LEVEL by the
// KernelRoutine itself -- the same effect for the thread, one IRQL higher.
import type { Kernel } from '../kernel.ts';
import { KTHREAD, KSEMAPHORE } from '../layouts.ts';
import { insertKernelApc } from './apc.ts';
import { initializeDispatcherHeader, setSignalState, testWait, SemaphoreObject } from './dispatcher.ts';
import { waitCurrentThread } from './scheduler.ts';
import { MAXIMUM_SUSPEND_COUNT, WAIT_REASON_SUSPENDED } from './constants.ts';
import { STATUS_SUCCESS, STATUS_SUSPEND_COUNT_EXCEEDED } from '../ex/status.ts';

const SUSPEND_APC = KTHREAD.off.SuspendApc;
const SUSPEND_SEMAPHORE = KTHREAD.off.SuspendSemaphore;
/** KeInitializeSemaphore(&Thread->SuspendSemaphore, 0, 2): NT's limit. */
const SUSPEND_SEMAPHORE_LIMIT = 2;

/** Part of KeInitializeThread: the suspend semaphore, not signalled. */
export function initializeSuspendSemaphore(k: Kernel, thread: number): void {
  const s = thread + SUSPEND_SEMAPHORE;
  initializeDispatcherHeader(k, s, SemaphoreObject, KSEMAPHORE.size, false);
  KSEMAPHORE.at(k.vm, s).set('Limit', SUSPEND_SEMAPHORE_LIMIT);
}

/** KiSuspendThread: the suspend APC's routine, in the suspended thread itself. */
function suspendApcRoutine(k: Kernel): void {
  const thread = k.currentThread();
  const semaphore = thread + SUSPEND_SEMAPHORE;
  if (testWait(k, [semaphore], false) >= 0) return;     // resumed before it got here
  waitCurrentThread(k, { dueIcount: Infinity, objects: [semaphore], waitAll: false, alertable: false, timeoutStatus: STATUS_SUCCESS, kernelWait: true }, WAIT_REASON_SUSPENDED);
}

export type SuspendResult = { status: number; previous: number };

/** KeSuspendThread: the previous suspend count; the first suspension queues the APC. */
export function keSuspendThread(k: Kernel, thread: number): SuspendResult {
  const t = KTHREAD.at(k.vm, thread);
  const previous = t.get('SuspendCount');
  if (previous === MAXIMUM_SUSPEND_COUNT) return { status: STATUS_SUSPEND_COUNT_EXCEEDED, previous };
  t.set('SuspendCount', previous + 1);
  if (previous === 0 && t.get('FreezeCount') === 0) {
    // Still queued from an earlier suspension whose resume released the semaphore before
    // the APC ran: take that release back, so the waiting APC stops the thread after all.
    if (!insertKernelApc(k, thread + SUSPEND_APC, thread, suspendApcRoutine)) {
      const s = KSEMAPHORE.at(k.vm, thread + SUSPEND_SEMAPHORE);
      s.set('Header.SignalState', s.get('Header.SignalState') - 1);
    }
  }
  return { status: STATUS_SUCCESS, previous };
}

/** KeResumeThread: the previous suspend count; the last resume releases the semaphore. */
export function keResumeThread(k: Kernel, thread: number): number {
  const t = KTHREAD.at(k.vm, thread);
  const previous = t.get('SuspendCount');
  if (previous === 0) return 0;
  t.set('SuspendCount', previous - 1);
  if (previous === 1 && t.get('FreezeCount') === 0) {
    const s = thread + SUSPEND_SEMAPHORE;
    setSignalState(k, s, KSEMAPHORE.at(k.vm, s).get('Header.SignalState') + 1);   // KeReleaseSemaphore
  }
  return previous;
}
