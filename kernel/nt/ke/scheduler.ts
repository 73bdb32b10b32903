// The dispatcher, host half: the ready queues (in guest memory: KiDispatcherReadyListHead,
// one LIST_ENTRY per priority, threads linked through KTHREAD.WaitListEntry, and
// KiReadySummary), the clock's KeUpdateSystemTime (tick count, the timer DPC when a wait
// timed out, quantum end), KiTimerExpiration, and KiDispatchInterrupt's decision. The switch itself is guest code (ctxswap.asm):
// the host only chooses, by writing KPRCB.NextThread and asking for the DISPATCH_LEVEL
// software interrupt (HalRequestSoftwareInterrupt: a bit in KPCR.IRR).
import type { Kernel } from '../kernel.ts';
import { KTHREAD, KTRAP_FRAME, KPROCESS, KUSER_SHARED_DATA, LIST_ENTRY } from '../layouts.ts';
import { KI_USER_SHARED_DATA } from '../memmap.ts';
import { EBP, EDI, ESI, EAX } from '../../cpu/types.ts';
import { HC_KE_UPDATE_SYSTEM_TIME, HC_KI_DISPATCH_INTERRUPT, HC_KI_TRACE_SWAP, HC_KI_TIMER_EXPIRATION } from './hostcall.ts';
import { initializeDpc, insertQueueDpc } from './dpc.ts';
import { DISPATCH_LEVEL, UserMode } from './irql.ts';
import {
  MAXIMUM_PRIORITY, THREAD_STATE_READY, THREAD_STATE_RUNNING, THREAD_STATE_WAITING, CLOCK_QUANTUM_DECREMENT,
} from './constants.ts';
import { initializeListHead, insertTailList, isListEmpty } from '../rtl/list.ts';
import { TIME_INCREMENT } from '../hal/hal.ts';
import { signalObject } from './dispatcher.ts';
import { CLOCK_VECTOR } from '../hal/pic.ts';

const WAIT_LIST_ENTRY = KTHREAD.off.WaitListEntry;

function readyHead(k: Kernel, priority: number): number {
  return k.sym('KiDispatcherReadyListHead') + priority * LIST_ENTRY.size;
}

function summary(k: Kernel): number { return k.vm.read32(k.sym('KiReadySummary')) >>> 0; }
function setSummary(k: Kernel, v: number): void { k.vm.write32(k.sym('KiReadySummary'), v); }

export function initializeDispatcher(k: Kernel): void {
  for (let p = 0; p < MAXIMUM_PRIORITY; p++) initializeListHead(k.vm, readyHead(k, p));
  setSummary(k, 0);
}

/** KiReadyThread: the thread goes to the tail of its priority's ready queue. */
export function readyThread(k: Kernel, thread: number): void {
  const t = KTHREAD.at(k.vm, thread);
  const priority = t.get('Priority');
  t.set('State', THREAD_STATE_READY);
  insertTailList(k.vm, readyHead(k, priority), thread + WAIT_LIST_ENTRY);
  setSummary(k, summary(k) | (1 << priority));
}

/** Takes the first thread of the highest non-empty ready queue at or above `minPriority`
 *  (0 when there is none). */
export function findReadyThread(k: Kernel, minPriority = 0): number {
  const s = summary(k);
  for (let p = MAXIMUM_PRIORITY - 1; p >= minPriority; p--) {
    if (!(s & (1 << p))) continue;
    const head = readyHead(k, p);
    const entry = LIST_ENTRY.at(k.vm, head).get('Flink');
    removeEntryList(k, entry);
    if (isListEmpty(k.vm, head)) setSummary(k, summary(k) & ~(1 << p));
    return entry - WAIT_LIST_ENTRY;
  }
  return 0;
}

/** Removes a ready thread from its queue (when it is terminated, say). */
export function unreadyThread(k: Kernel, thread: number): void {
  const priority = KTHREAD.at(k.vm, thread).get('Priority');
  removeEntryList(k, thread + WAIT_LIST_ENTRY);
  if (isListEmpty(k.vm, readyHead(k, priority))) setSummary(k, summary(k) & ~(1 << priority));
}

function removeEntryList(k: Kernel, entry: number): void {
  const e = LIST_ENTRY.at(k.vm, entry);
  const flink = e.get('Flink'), blink = e.get('Blink');
  LIST_ENTRY.at(k.vm, blink).set('Flink', flink);
  LIST_ENTRY.at(k.vm, flink).set('Blink', blink);
}

/** HalRequestSoftwareInterrupt(DISPATCH_LEVEL). */
export function requestDispatch(k: Kernel): void {
  const pcr = k.pcr();
  pcr.set('IRR', pcr.get('IRR') | (1 << DISPATCH_LEVEL));
}

/** The current thread cannot go on (it waits, or it ended): the best ready thread -- or
 *  the idle thread -- is switched to as soon as the IRQL allows. */
export function switchAway(k: Kernel): void {
  const pcr = k.pcr();
  if (!pcr.get('PrcbData.NextThread')) pcr.set('PrcbData.NextThread', findReadyThread(k) || pcr.get('PrcbData.IdleThread'));
  requestDispatch(k);
}

/** A thread just became ready: preempt the current one if it has a lower priority (or is
 *  the idle thread) and nothing is chosen yet. */
export function preemptIfBetter(k: Kernel, thread: number): void {
  const pcr = k.pcr();
  const current = pcr.get('PrcbData.CurrentThread');
  if (pcr.get('PrcbData.NextThread')) { readyThread(k, thread); return; }
  const idle = current === pcr.get('PrcbData.IdleThread');
  const currentRunnable = KTHREAD.at(k.vm, current).get('State') === THREAD_STATE_RUNNING;
  if (idle || !currentRunnable || KTHREAD.at(k.vm, thread).get('Priority') > KTHREAD.at(k.vm, current).get('Priority')) {
    pcr.set('PrcbData.NextThread', thread);
    requestDispatch(k);
  } else {
    readyThread(k, thread);
  }
}

// ---- waits --------------------------------------------------------------------------------

/** Waiting threads and what ends their wait: a due instruction count, or dispatcher
 *  objects (DISPATCHER_HEADER addresses: threads, processes, events, file objects' events)
 *  becoming signalled -- any one of them, or all (ke/dispatcher.ts decides). (Host-side
 *  bookkeeping over KTHREAD.State = Waiting: a cache, rebuilt from the waiting threads if
 *  ever needed; NT keeps it in KTIMERs and wait blocks.) */
export interface Waiter {
  thread: number; dueIcount: number; objects: number[]; waitAll: boolean; alertable: boolean; timeoutStatus: number;
  /** The status the service returns when the wait is satisfied with `status` (the I/O
   *  manager's synchronous waits return the request's final status instead). */
  complete?: (status: number) => number;
  /** A wait inside the kernel (a kernel APC's, such as the suspend wait) rather than a
   *  service's: the trap frame holds user state, not a status to replace. */
  kernelWait?: boolean;
}
const waiters = new WeakMap<Kernel, Waiter[]>();
export const waitersOf = (k: Kernel) => { let w = waiters.get(k); if (!w) waiters.set(k, w = []); return w; };

/** Puts the current thread to sleep until `dueIcount`, or until its objects say so. */
export function waitCurrentThread(k: Kernel, w: Omit<Waiter, 'thread'>, waitReason: number): void {
  const thread = k.currentThread();
  const t = KTHREAD.at(k.vm, thread);
  t.set('State', THREAD_STATE_WAITING);
  t.set('WaitReason', waitReason);
  t.set('WaitMode', UserMode);
  t.set('Alertable', w.alertable ? 1 : 0);
  waitersOf(k).push({ thread, ...w });
  switchAway(k);
}

/** KiUnwaitThread: the wait ends with `status`, which the waiting service returns (it
 *  already stored a status in its trap frame's Eax; this one replaces it). */
export function unwaitThread(k: Kernel, thread: number, status: number): void {
  const list = waitersOf(k);
  const i = list.findIndex(w => w.thread === thread);
  const waiter = i >= 0 ? list.splice(i, 1)[0] : undefined;
  if (waiter?.complete) status = waiter.complete(status);
  const t = KTHREAD.at(k.vm, thread);
  t.set('WaitStatus', status);
  t.set('Alertable', 0);
  if (!waiter?.kernelWait) KTRAP_FRAME.at(k.vm, t.get('TrapFrame')).set('Eax', status);
  preemptIfBetter(k, thread);
}

export function isWaitingAlertably(k: Kernel, thread: number): boolean {
  return waitersOf(k).some(w => w.thread === thread && w.alertable);
}

/** A thread ended (its header is signalled): it waits no more, and whoever waits for it
 *  may wake. */
export function threadEnded(k: Kernel, thread: number): void {
  const i = waitersOf(k).findIndex(w => w.thread === thread);
  if (i >= 0) waitersOf(k).splice(i, 1);
  signalObject(k, thread);
}

// ---- the clock ----------------------------------------------------------------------------

function addSystemTime(k: Kernel, field: 'InterruptTime' | 'SystemTime', delta: number): void {
  const at = KUSER_SHARED_DATA.at(k.vm, KI_USER_SHARED_DATA).addressOf(field);
  const value = (BigInt(k.vm.read32(at + 4) >>> 0) << 32n | BigInt(k.vm.read32(at) >>> 0)) + BigInt(delta);
  const high = Number(value >> 32n) | 0;
  k.vm.write32(at + 8, high);          // High2Time first, as KeUpdateSystemTime writes it
  k.vm.write32(at, Number(value & 0xFFFFFFFFn) | 0);
  k.vm.write32(at + 4, high);
}

/** KeUpdateSystemTime (from HalpClockInterrupt, EBP = the interrupted code's trap frame). */
function updateSystemTime(k: Kernel): void {
  const frame = KTRAP_FRAME.at(k.vm, k.cpu.regs[EBP]);
  k.emit({ kind: 'interrupt', vector: CLOCK_VECTOR, source: 'external', eip: frame.get('Eip') });
  const sud = KUSER_SHARED_DATA.at(k.vm, KI_USER_SHARED_DATA);
  sud.set('TickCountLow', sud.get('TickCountLow') + 1);
  addSystemTime(k, 'InterruptTime', TIME_INCREMENT);
  addSystemTime(k, 'SystemTime', TIME_INCREMENT);

  const pcr = k.pcr();
  const current = pcr.get('PrcbData.CurrentThread');
  const t = KTHREAD.at(k.vm, current);
  if (frame.get('SegCs') & 1) t.set('UserTime', t.get('UserTime') + 1); else t.set('KernelTime', t.get('KernelTime') + 1);

  // Waits whose time is up end in the timer DPC, below DISPATCH_LEVEL, as NT's timers do.
  if (waitersOf(k).some(x => x.dueIcount <= k.cpu.icount)) insertQueueDpc(k, k.sym('KiTimerExpireDpc'), 0, 0);

  if (current === pcr.get('PrcbData.IdleThread')) {
    if (!pcr.get('PrcbData.NextThread')) {
      const next = findReadyThread(k);
      if (next) { pcr.set('PrcbData.NextThread', next); requestDispatch(k); }
    }
    return;
  }
  const quantum = t.get('Quantum') - CLOCK_QUANTUM_DECREMENT;
  if (quantum > 0) { t.set('Quantum', quantum); return; }
  // Quantum end: a fresh quantum, and the CPU to another ready thread of the same or a
  // higher priority if there is one (round robin within a priority).
  t.set('Quantum', KPROCESS.at(k.vm, t.get('ApcState.Process')).get('ThreadQuantum'));
  if (pcr.get('PrcbData.NextThread')) return;
  const next = findReadyThread(k, t.get('Priority'));
  if (next) { pcr.set('PrcbData.NextThread', next); requestDispatch(k); }
}

/** KiDispatchInterrupt's decision: EAX = the thread to switch to (0: stay). The thread
 *  being left goes back to the ready queue if it can still run (it was preempted). */
function dispatchInterrupt(k: Kernel): void {
  const pcr = k.pcr();
  const next = pcr.get('PrcbData.NextThread');
  k.cpu.regs[EAX] = next | 0;
  if (!next) return;
  pcr.set('PrcbData.NextThread', 0);
  const current = pcr.get('PrcbData.CurrentThread');
  if (current !== pcr.get('PrcbData.IdleThread') && KTHREAD.at(k.vm, current).get('State') === THREAD_STATE_RUNNING)
    readyThread(k, current);
}

/** KiTimerExpiration's host half: the waits whose time is up end. */
function timerExpiration(k: Kernel): void {
  for (const w of waitersOf(k).filter(x => x.dueIcount <= k.cpu.icount)) unwaitThread(k, w.thread, w.timeoutStatus);
}

export function registerScheduler(k: Kernel): void {
  initializeDispatcher(k);
  initializeDpc(k, k.sym('KiTimerExpireDpc'), k.sym('KiTimerExpiration'), 0);
  k.hostCalls.register(HC_KI_TIMER_EXPIRATION, () => timerExpiration(k));
  k.hostCalls.register(HC_KE_UPDATE_SYSTEM_TIME, () => updateSystemTime(k));
  k.hostCalls.register(HC_KI_DISPATCH_INTERRUPT, () => dispatchInterrupt(k));
  k.hostCalls.register(HC_KI_TRACE_SWAP, () => k.emit({ kind: 'context-switch', from: k.cpu.regs[EDI] >>> 0, to: k.cpu.regs[ESI] >>> 0 }));
}
