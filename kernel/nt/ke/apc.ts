// User-mode APCs (reference: "APCs"). The KAPC objects live in nonpaged pool and are queued
// on KTHREAD.ApcState.ApcListHead[UserMode]; the guest's KiServiceExit calls KiDeliverApc
// at APC_LEVEL when UserApcPending is set on the way back to user mode. Delivery builds a
// CONTEXT of the interrupted user state on the user stack, puts the routine and its three
// arguments above it, and points the trap frame at ntdll!KiUserApcDispatcher, which calls
// the routine and then NtContinue(context, TRUE): the next APC follows from there, one per
// return to user mode.
//
// Kernel-mode APCs (ApcListHead[KernelMode]) run at APC_LEVEL in the target thread's own
// context: queueing one sets KernelApcPending and, for the current thread, requests the
// APC_LEVEL software interrupt (SwapContext requests it for a thread it switches to); every
// KiDeliverApc call runs all queued kernel APCs first. Their KernelRoutine is host code (a
// TypeScript function, as service bodies are): the KAPC's KernelRoutine field points at
// KiHostKernelApcRoutine to say so, and the host keeps the function by KAPC address.
// A kernel APC queued to a waiting thread wakes it to run the APC; the wait then goes on
// (kernelapcwait.ts). Not done: normal (non-special) kernel APCs -- the suspend APC, a
// normal one on NT, is a special one here whose routine does the wait itself (suspend.ts).
import type { Kernel } from '../kernel.ts';
import type { ServiceBody } from './services.ts';
import { KAPC, KTHREAD, KTRAP_FRAME, CONTEXT, LIST_ENTRY } from '../layouts.ts';
import { ESP } from '../../cpu/types.ts';
import { HC_KI_DELIVER_APC } from './hostcall.ts';
import { UserMode, KernelMode, APC_LEVEL } from './irql.ts';
import {
  NtCurrentThread, CONTEXT_FULL, ApcObject, OriginalApcEnvironment, USER_APC_ARGUMENTS_SIZE, THREAD_STATE_WAITING,
} from './constants.ts';
import { contextToFrame, exceptionDispatchDone } from './except.ts';
import { insertTailList, isListEmpty } from '../rtl/list.ts';
import { AccessViolation } from '../mm/virtual.ts';
import { terminateProcess } from '../ps/terminate.ts';
import { STATUS_SUCCESS, STATUS_INVALID_HANDLE, STATUS_ACCESS_VIOLATION, STATUS_USER_APC } from '../ex/status.ts';
import { referenceObjectByHandle } from '../ob/handle.ts';
import { dereferenceObject } from '../ob/object.ts';
import { obType } from '../ob/types.ts';
import { isWaitingAlertably, unwaitThread } from './scheduler.ts';
import { wakeForKernelApc, resumeWaitAfterKernelApcs } from './kernelapcwait.ts';

const USER_APC_LIST_HEAD = KTHREAD.path(`ApcState.ApcListHead[${UserMode}]`);
const KERNEL_APC_LIST_HEAD = KTHREAD.path(`ApcState.ApcListHead[${KernelMode}]`);

/** A kernel APC's routine, run in the target thread at APC_LEVEL. */
export type KernelApcRoutine = (k: Kernel, apc: number) => void;
const kernelRoutines = new WeakMap<Kernel, Map<number, KernelApcRoutine>>();
const routinesOf = (k: Kernel) => { let m = kernelRoutines.get(k); if (!m) kernelRoutines.set(k, m = new Map()); return m; };

/** KeInitializeApc: a KAPC for `thread`. A kernel APC names KiHostKernelApcRoutine (its
 *  routine is host code, kept by address); a user APC carries its NormalRoutine/Context. */
export function initializeApc(k: Kernel, apc: number, thread: number, mode: number, normalRoutine = 0, normalContext = 0): void {
  const a = KAPC.at(k.vm, apc);
  a.set('Type', ApcObject);
  a.set('Size', KAPC.size);
  a.set('Thread', thread);
  a.set('KernelRoutine', mode === KernelMode ? k.sym('KiHostKernelApcRoutine') : 0);
  a.set('NormalRoutine', normalRoutine);
  a.set('NormalContext', normalContext);
  a.set('ApcMode', mode);
  a.set('ApcStateIndex', OriginalApcEnvironment);
  a.set('Inserted', 0);
}

/** KeInsertQueueApc: the KAPC goes on its thread's list for its mode. A kernel APC sets
 *  KernelApcPending, asks for APC_LEVEL when its thread is the current one, and wakes its
 *  thread from a wait to run it (KiInsertQueueApc's KiUnwaitThread(STATUS_KERNEL_APC));
 *  the wait goes on afterwards (kernelapcwait.ts). False if it is queued already. */
export function insertQueueApc(k: Kernel, apc: number, arg1: number, arg2: number): boolean {
  const a = KAPC.at(k.vm, apc);
  if (a.get('Inserted')) return false;
  const thread = a.get('Thread'), mode = a.get('ApcMode');
  a.set('SystemArgument1', arg1);
  a.set('SystemArgument2', arg2);
  insertTailList(k.vm, thread + (mode === KernelMode ? KERNEL_APC_LIST_HEAD : USER_APC_LIST_HEAD), a.addressOf('ApcListEntry'));
  a.set('Inserted', 1);
  k.emit({ kind: 'apc-queue', apc, mode: mode === KernelMode ? KernelMode : UserMode, routine: mode === KernelMode ? a.get('KernelRoutine') : a.get('NormalRoutine') });
  if (mode !== KernelMode) return true;
  KTHREAD.at(k.vm, thread).set('ApcState.KernelApcPending', 1);
  if (thread === k.currentThread()) {
    const pcr = k.pcr();
    pcr.set('IRR', pcr.get('IRR') | (1 << APC_LEVEL));
  } else {
    wakeForKernelApc(k, thread);
  }
  return true;
}

/** A kernel-mode APC on `thread` running host `routine`. */
export function queueKernelApc(k: Kernel, thread: number, routine: KernelApcRoutine, arg1 = 0, arg2 = 0): number {
  const apc = k.pool.allocate(KAPC.size);
  insertKernelApc(k, apc, thread, routine, arg1, arg2);
  return apc;
}

/** Queues a kernel APC that lives in someone's structure (KTHREAD.SuspendApc, say) rather
 *  than in pool; false, and nothing changed, if it is queued already. */
export function insertKernelApc(k: Kernel, apc: number, thread: number, routine: KernelApcRoutine, arg1 = 0, arg2 = 0): boolean {
  if (KAPC.at(k.vm, apc).get('Inserted')) return false;
  initializeApc(k, apc, thread, KernelMode);
  routinesOf(k).set(apc, routine);
  return insertQueueApc(k, apc, arg1, arg2);
}

/** Runs every queued kernel APC of `thread`, in order. One that makes the thread wait (the
 *  suspend APC) ends the delivery: the thread switches away when KiDeliverApc returns, and
 *  KernelApcPending stays set so that SwapContext asks for the rest (and for the wait the
 *  APC interrupted, kernelapcwait.ts) when the thread gets the CPU again. Returns false then. */
function deliverKernelApcs(k: Kernel, thread: number): boolean {
  const head = thread + KERNEL_APC_LIST_HEAD;
  const t = KTHREAD.at(k.vm, thread);
  while (!isListEmpty(k.vm, head)) {
    const apc = removeFirstApc(k, head);
    const routine = routinesOf(k).get(apc);
    routinesOf(k).delete(apc);
    k.emit({ kind: 'apc-deliver', apc, mode: KernelMode, routine: KAPC.at(k.vm, apc).get('KernelRoutine') });
    routine?.(k, apc);
    if (t.get('State') === THREAD_STATE_WAITING) { t.set('ApcState.KernelApcPending', 1); return false; }
  }
  resumeWaitAfterKernelApcs(k, thread);
  return true;
}
const userListHead = (_k: Kernel, thread: number) => (thread + USER_APC_LIST_HEAD) >>> 0;

/** A user-mode APC on `thread`: NormalRoutine(context, arg1, arg2) at its next delivery. */
export function queueUserApc(k: Kernel, thread: number, routine: number, context: number, arg1: number, arg2: number): number {
  const apc = k.pool.allocate(KAPC.size);
  initializeApc(k, apc, thread, UserMode, routine, context);
  insertQueueApc(k, apc, arg1, arg2);
  return apc;
}

/** Takes the first user APC off the thread's list (0 when there is none). */
function removeFirstUserApc(k: Kernel, thread: number): number {
  return removeFirstApc(k, userListHead(k, thread));
}

function removeFirstApc(k: Kernel, head: number): number {
  if (isListEmpty(k.vm, head)) return 0;
  const entry = LIST_ENTRY.at(k.vm, head).get('Flink');
  const next = LIST_ENTRY.at(k.vm, entry).get('Flink');
  LIST_ENTRY.at(k.vm, head).set('Flink', next);
  LIST_ENTRY.at(k.vm, next).set('Blink', head);
  const apc = entry - KAPC.off.ApcListEntry;
  KAPC.at(k.vm, apc).set('Inserted', 0);
  return apc;
}

/** KiDeliverApc(Mode, ExceptionFrame, TrapFrame), host half: delivers one user APC. */
function deliverApc(k: Kernel): void {
  const esp = k.cpu.regs[ESP];
  const mode = k.vm.read32(esp + 4), trapFrame = k.vm.read32(esp + 12) >>> 0;
  const thread = k.currentThread();
  const t = KTHREAD.at(k.vm, thread);
  t.set('ApcState.KernelApcPending', 0);
  if (!deliverKernelApcs(k, thread)) return;
  if (mode !== UserMode || !t.get('ApcState.UserApcPending')) return;
  t.set('ApcState.UserApcPending', 0);
  const apc = removeFirstUserApc(k, thread);
  if (!apc) return;
  const a = KAPC.at(k.vm, apc);
  k.emit({ kind: 'apc-deliver', apc, mode: UserMode, routine: a.get('NormalRoutine') });
  try {
    initializeUserApc(k, trapFrame, [a.get('NormalRoutine'), a.get('NormalContext'), a.get('SystemArgument1'), a.get('SystemArgument2')]);
  } catch (e) {
    if (!(e instanceof AccessViolation)) throw e;
    k.notice(`${k.currentProcess()?.name ?? 'process'}: no room on the user stack for an APC\n`);
    terminateProcess(k, STATUS_ACCESS_VIOLATION);
  }
}

/** KiInitializeUserApc: CONTEXT + arguments on the user stack, the frame sent to
 *  KiUserApcDispatcher. */
function initializeUserApc(k: Kernel, trapFrame: number, args: number[]): void {
  const f = KTRAP_FRAME.at(k.vm, trapFrame);
  const contextAt = ((f.get('HardwareEsp') - CONTEXT.size) & ~3) >>> 0;
  const top = contextAt - USER_APC_ARGUMENTS_SIZE;
  k.vm.probe(top, CONTEXT.size + USER_APC_ARGUMENTS_SIZE, true);
  const c = CONTEXT.at(k.vm, contextAt);
  c.set('ContextFlags', CONTEXT_FULL);
  for (const r of ['Eax', 'Ebx', 'Ecx', 'Edx', 'Esi', 'Edi', 'Ebp', 'Eip', 'EFlags', 'SegCs', 'SegDs', 'SegEs', 'SegFs', 'SegGs'] as const)
    c.set(r, f.get(r));
  c.set('Esp', f.get('HardwareEsp'));
  c.set('SegSs', f.get('HardwareSegSs'));
  args.forEach((v, i) => k.vm.write32(top + 4 * i, v));
  f.set('HardwareEsp', top);
  f.set('Eip', k.vm.read32(k.sym('KeUserApcDispatcher')) >>> 0);
}

export function userApcQueued(k: Kernel, thread: number): boolean {
  return !isListEmpty(k.vm, userListHead(k, thread));
}

/** NtQueueApcThread(ThreadHandle, ApcRoutine, ApcContext, Argument1, Argument2). A thread in
 *  an alertable wait wakes with STATUS_USER_APC and runs the APC on its way out. */
export const NtQueueApcThread: ServiceBody = ({ kernel, thread, args: [handle, routine, context, arg1, arg2] }) => {
  const target = handle === NtCurrentThread ? thread : threadOfHandle(kernel, handle);
  if (!target) return STATUS_INVALID_HANDLE;
  queueUserApc(kernel, target, routine, context, arg1, arg2);
  if (isWaitingAlertably(kernel, target)) {
    KTHREAD.at(kernel.vm, target).set('ApcState.UserApcPending', 1);
    unwaitThread(kernel, target, STATUS_USER_APC);
  }
  return STATUS_SUCCESS;
};

const THREAD_SET_CONTEXT = 0x10;

function threadOfHandle(k: Kernel, handle: number): number {
  const r = referenceObjectByHandle(k, handle, THREAD_SET_CONTEXT, obType(k, 'Thread'), UserMode);
  if (!r.body) return 0;
  dereferenceObject(k, r.body);
  return r.body;
}

/** NtTestAlert(): user APCs queued? Then deliver them on the way out. */
export const NtTestAlert: ServiceBody = ({ kernel, thread }) => {
  if (userApcQueued(kernel, thread)) KTHREAD.at(kernel.vm, thread).set('ApcState.UserApcPending', 1);
  return STATUS_SUCCESS;
};

/** NtContinue(Context, TestAlert), host half of the guest routine in syscall.asm: restores
 *  Thread->TrapFrame (the guest leaves through KiServiceExit2, skipping
 *  KeReturnFromSystemCall) and loads the CONTEXT into this call's trap frame, with the
 *  segment registers and EFLAGS a user-mode context may have. */
export const NtContinue: ServiceBody = ({ kernel, thread, trapFrame, previousMode, mem, args: [context, testAlert] }) => {
  if (previousMode === UserMode) mem.probe(context, CONTEXT.size, false);
  const f = KTRAP_FRAME.at(kernel.vm, trapFrame);
  KTHREAD.at(kernel.vm, thread).set('TrapFrame', f.get('Edx'));
  contextToFrame(kernel, CONTEXT.at(mem, context), trapFrame);
  exceptionDispatchDone(kernel, thread);     // (if this ends an exception's dispatch)
  if (testAlert) NtTestAlert({ kernel, thread } as Parameters<ServiceBody>[0]);
  return STATUS_SUCCESS;
};

export function registerApcDelivery(k: Kernel): void {
  k.hostCalls.register(HC_KI_DELIVER_APC, () => deliverApc(k));
}
