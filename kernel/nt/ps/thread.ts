// Creating a thread: ETHREAD/KTHREAD in nonpaged pool, a kernel stack, a user stack, a
// TEB, and the initial KTRAP_FRAME on the kernel stack describing the first user-mode
// instruction. The thread starts when it is made current and the CPU runs KiThreadStartup,
// which leaves the kernel through KiServiceExit: the first entry to user mode is the same
// code path as every return from a system call (as on NT, PspUserThreadStartup ->
// KiServiceExit2).
import type { Kernel } from '../kernel.ts';
import type { Process } from './process.ts';
import { EPROCESS, ETHREAD, KTHREAD, KTRAP_FRAME, TEB } from '../layouts.ts';
import { mapFreshPages, PAGE_USER_RW } from '../mm/pagetables.ts';
import { kseg0, MM_FIRST_TEB_VA, USER_STACK_TOP, USER_STACK_COMMIT } from '../memmap.ts';
import { PAGE_SIZE } from '../../cpu/types.ts';
import {
  KERNEL_STACK_SIZE, NPX_FRAME_LENGTH, EXCEPTION_CHAIN_END, EFLAGS_INTERRUPT_MASK, EFLAGS_RESERVED_ONE,
  THREAD_STATE_RUNNING,
} from '../ke/constants.ts';
import { USER_CS, USER_DS, TEB_SELECTOR } from '../ke/selectors.ts';
import { UserMode } from '../ke/irql.ts';
import { initializeListHead, insertTailList } from '../rtl/list.ts';
import { initializeSuspendSemaphore } from '../ke/suspend.ts';
import { STATUS_PENDING } from '../ex/status.ts';

/** DISPATCHER_HEADER.Type of a thread object. */
export const ThreadObject = 6;
const LANG_EN_US = 0x409;

export interface Thread {
  ethread: number;
  process: Process;
  teb: number;
  /** KTHREAD.InitialStack: the top of the kernel stack. */
  initialStack: number;
  /** The initial KTRAP_FRAME KiThreadStartup starts from. */
  initialFrame: number;
}

/** Where a new thread starts in user mode: its registers (a CONTEXT's worth; unnamed ones
 *  are 0) and its stack. Without `stack`, the process's initial stack is mapped for it. */
export interface ThreadStart {
  eip: number;
  regs?: Partial<Record<'Eax' | 'Ebx' | 'Ecx' | 'Edx' | 'Esi' | 'Edi' | 'Ebp', number>>;
  esp?: number;
  stack?: { base: number; limit: number };
}
import { createObject } from '../ob/object.ts';
import { obType } from '../ob/types.ts';
import { NORMAL_BASE_PRIORITY, THREAD_QUANTUM } from '../ke/constants.ts';

let nextTid = 0x10;

/** A thread of `p` that will start in user mode as `start` says (for the first thread of a
 *  program: kernel32!BaseProcessStartThunk with EAX = the entry point, as NT does it). */
export function createThread(k: Kernel, p: Process, start: ThreadStart): Thread {
  const ethread = createObject(k, obType(k, 'Thread'), ETHREAD.size);
  const stackPages = KERNEL_STACK_SIZE / PAGE_SIZE;
  const stackBottom = kseg0(k.pages.allocContiguous(stackPages));
  const initialStack = stackBottom + KERNEL_STACK_SIZE;
  const tid = nextTid; nextTid += 4;

  // The user stack (committed part) unless the creator brought one, and the TEB (TEBs
  // grow down from MM_FIRST_TEB_VA).
  let stack = start.stack;
  if (!stack) {
    mapFreshPages(k.cpu.mem, k.pages, p.pd, USER_STACK_TOP - USER_STACK_COMMIT, USER_STACK_COMMIT, PAGE_USER_RW);
    stack = { base: USER_STACK_TOP, limit: USER_STACK_TOP - USER_STACK_COMMIT };
  }
  const teb = MM_FIRST_TEB_VA - p.threads.length * PAGE_SIZE;
  mapFreshPages(k.cpu.mem, k.pages, p.pd, teb, PAGE_SIZE, PAGE_USER_RW);
  const t = TEB.at(p.vm, teb);
  t.set('NtTib.ExceptionList', EXCEPTION_CHAIN_END);
  t.set('NtTib.StackBase', stack.base);
  t.set('NtTib.StackLimit', stack.limit);
  t.set('NtTib.Self', teb);
  t.set('ClientId.UniqueProcess', p.pid);
  t.set('ClientId.UniqueThread', tid);
  t.set('ProcessEnvironmentBlock', p.peb);
  t.set('CurrentLocale', LANG_EN_US);
  t.set('DeallocationStack', stack.limit);

  const th = KTHREAD.at(k.vm, ethread);
  th.set('Header.Type', ThreadObject);
  th.set('Header.Size', KTHREAD.size / 4);
  initializeListHead(k.vm, th.addressOf('Header.WaitListHead'));
  initializeListHead(k.vm, th.addressOf('MutantListHead'));
  th.set('InitialStack', initialStack);
  th.set('StackBase', initialStack);
  th.set('StackLimit', stackBottom);
  th.set('Teb', teb);
  th.set('State', THREAD_STATE_RUNNING);
  th.set('Priority', NORMAL_BASE_PRIORITY);
  th.set('BasePriority', NORMAL_BASE_PRIORITY);
  th.set('Quantum', THREAD_QUANTUM);
  th.set('Affinity', 1);
  th.set('UserAffinity', 1);
  initializeListHead(k.vm, th.addressOf('ApcState.ApcListHead[0]'));
  initializeListHead(k.vm, th.addressOf('ApcState.ApcListHead[1]'));
  th.set('ApcState.Process', p.eprocess);
  th.set('ApcStatePointer[0]', th.addressOf('ApcState'));
  th.set('ApcStatePointer[1]', th.addressOf('SavedApcState'));
  th.set('ApcQueueable', 1);
  th.set('ServiceTable', k.sym('KeServiceDescriptorTable'));
  th.set('PreviousMode', UserMode);
  insertTailList(k.vm, EPROCESS.at(k.vm, p.eprocess).addressOf('Pcb.ThreadListHead'), th.addressOf('ThreadListEntry'));
  const et = ETHREAD.at(k.vm, ethread);
  et.set('Cid.UniqueProcess', p.pid);
  et.set('Cid.UniqueThread', tid);
  et.set('ThreadsProcess', p.eprocess);
  et.set('StartAddress', start.eip);
  et.set('ExitStatus', STATUS_PENDING);     // STILL_ACTIVE to GetExitCodeThread
  initializeSuspendSemaphore(k, ethread);

  const initialFrame = buildInitialTrapFrame(k, initialStack, start, start.esp ?? stack.base);
  // Below the frame, what SwapContext pops when it switches to the thread the first time:
  // the exception list and a return address into KiThreadStartup.
  const switchFrame = initialFrame - 2 * 4;
  k.vm.write32(switchFrame, EXCEPTION_CHAIN_END);
  k.vm.write32(switchFrame + 4, k.sym('KiThreadStartup'));
  th.set('KernelStack', switchFrame);
  p.threads.push(ethread);
  return { ethread, process: p, teb, initialStack, initialFrame };
}

/** The KTRAP_FRAME KiServiceExit pops to enter user mode for the first time, at the top of
 *  the kernel stack below the floating-point save area (where a ring-3 interrupt would
 *  build it). */
function buildInitialTrapFrame(k: Kernel, initialStack: number, start: ThreadStart, esp: number): number {
  const at = initialStack - NPX_FRAME_LENGTH - KTRAP_FRAME.size;
  const f = KTRAP_FRAME.at(k.vm, at);
  for (const field of KTRAP_FRAME.fields) f.set(field.name as never, 0);
  for (const [r, v] of Object.entries(start.regs ?? {})) f.set(r as 'Eax', v);
  f.set('Eip', start.eip);
  f.set('DbgEip', start.eip);
  f.set('SegCs', USER_CS);
  f.set('EFlags', EFLAGS_INTERRUPT_MASK | EFLAGS_RESERVED_ONE);
  f.set('HardwareEsp', esp);
  f.set('HardwareSegSs', USER_DS);
  f.set('SegDs', USER_DS);
  f.set('SegEs', USER_DS);
  f.set('SegFs', TEB_SELECTOR);
  f.set('ExceptionList', EXCEPTION_CHAIN_END);
  f.set('PreviousPreviousMode', UserMode);
  return at;
}
