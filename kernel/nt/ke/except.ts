// Exceptions from user mode, as NT delivers them (KiDispatchException's user-mode half):
// the kernel copies an EXCEPTION_RECORD and the CONTEXT of the faulting code to the user
// stack and sends the thread to ntdll!KiUserExceptionDispatcher, which asks the handlers
// on the thread's SEH chain (fs:0). A handler that fixes things continues through
// NtContinue; if none does, NtRaiseException(..., FirstChance = FALSE) comes back here and
// -- with no debugger to ask -- the process ends with the exception code, and a message
// says where, as Windows' "application error" does.
import type { Kernel } from '../kernel.ts';
import type { ServiceBody } from './services.ts';
import { CONTEXT, EXCEPTION_RECORD, KTHREAD, KTRAP_FRAME } from '../layouts.ts';
import { AccessViolation } from '../mm/virtual.ts';
import { terminateProcess } from '../ps/terminate.ts';
import { UserMode } from './irql.ts';
import { CONTEXT_FULL, EFLAGS_USER_SANITIZE, EFLAGS_INTERRUPT_MASK } from './constants.ts';
import { USER_CS, USER_DS, TEB_SELECTOR } from './selectors.ts';
import * as S from '../ex/status.ts';

/** What KiUserExceptionDispatcher finds above the two records: their addresses. */
const DISPATCHER_ARGUMENTS_SIZE = 8;
/** Exceptions raised while the thread is still dispatching earlier ones, before the process
 *  is ended as hopeless (a handler that faults, a broken SEH chain). */
const MAX_NESTED_EXCEPTIONS = 16;
/** EXCEPTION_RECORD.ExceptionInformation[0] of an access violation: 0 read, 1 write. */
const ACCESS_READ = 0, ACCESS_WRITE = 1;

export interface UserException { code: number; address: number; params: number[] }

const nesting = new WeakMap<Kernel, Map<number, number>>();
const nestingOf = (k: Kernel) => { let m = nesting.get(k); if (!m) nesting.set(k, m = new Map()); return m; };
/** The thread's exception dispatch ended (it continued, or the process ends). */
export function exceptionDispatchDone(k: Kernel, thread: number): void { nestingOf(k).delete(thread); }

const hex8 = (n: number) => '0x' + (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

/** The words Windows uses for an unhandled exception. */
function describe(e: UserException): string {
  if (e.code === S.STATUS_ACCESS_VIOLATION && e.params.length >= 2)
    return `The instruction at ${hex8(e.address)} referenced memory at ${hex8(e.params[1])}. The memory could not be ${e.params[0] === ACCESS_WRITE ? 'written' : 'read'}.`;
  return `Unhandled exception ${hex8(e.code)} (${S.statusName(e.code)}) at ${hex8(e.address)}.`;
}

/** The last chance: nobody handled it. */
function unhandled(k: Kernel, e: UserException): void {
  k.notice(`${k.currentProcess()?.name ?? 'process'}: ${describe(e)}\n`);
  exceptionDispatchDone(k, k.currentThread());
  terminateProcess(k, e.code);
}

/** The access-violation parameters for a #PF error code and CR2. */
export function accessViolationParams(errorCode: number, address: number): number[] {
  const WRITE = 2;
  return [errorCode & WRITE ? ACCESS_WRITE : ACCESS_READ, address >>> 0];
}

/** KiDispatchException for a user-mode exception: the records on the user stack, the
 *  frame sent to KiUserExceptionDispatcher. */
export function dispatchUserException(k: Kernel, trapFrame: number, e: UserException): void {
  const thread = k.currentThread();
  const depth = (nestingOf(k).get(thread) ?? 0) + 1;
  nestingOf(k).set(thread, depth);
  if (depth > MAX_NESTED_EXCEPTIONS) { unhandled(k, e); return; }
  const f = KTRAP_FRAME.at(k.vm, trapFrame);
  const contextAt = ((f.get('HardwareEsp') - CONTEXT.size) & ~3) >>> 0;
  const recordAt = contextAt - EXCEPTION_RECORD.size;
  const top = recordAt - DISPATCHER_ARGUMENTS_SIZE;
  try {
    k.vm.probe(top, f.get('HardwareEsp') - top, true);
  } catch (err) {
    if (!(err instanceof AccessViolation)) throw err;
    unhandled(k, e);                          // no stack to run handlers on
    return;
  }
  const c = CONTEXT.at(k.vm, contextAt);
  c.set('ContextFlags', CONTEXT_FULL);
  for (const r of ['Eax', 'Ebx', 'Ecx', 'Edx', 'Esi', 'Edi', 'Ebp', 'Eip', 'EFlags', 'SegCs', 'SegDs', 'SegEs', 'SegFs', 'SegGs'] as const)
    c.set(r, f.get(r));
  c.set('Esp', f.get('HardwareEsp'));
  c.set('SegSs', f.get('HardwareSegSs'));
  const r = EXCEPTION_RECORD.at(k.vm, recordAt);
  r.set('ExceptionCode', e.code);
  r.set('ExceptionFlags', 0);
  r.set('ExceptionRecord', 0);
  r.set('ExceptionAddress', e.address);
  r.set('NumberParameters', e.params.length);
  e.params.forEach((v, i) => r.set(`ExceptionInformation[${i}]`, v));
  k.vm.write32(top, recordAt);
  k.vm.write32(top + 4, contextAt);
  f.set('HardwareEsp', top);
  f.set('Eip', k.vm.read32(k.sym('KeUserExceptionDispatcher')) >>> 0);
}

/** Loads a user CONTEXT into a trap frame, with the selectors and EFLAGS user mode may
 *  have (NtContinue does the same). */
export function contextToFrame(k: Kernel, context: CONTEXT_VIEW, trapFrame: number): void {
  const f = KTRAP_FRAME.at(k.vm, trapFrame);
  for (const r of ['Eax', 'Ebx', 'Ecx', 'Edx', 'Esi', 'Edi', 'Ebp', 'Eip'] as const) f.set(r, context.get(r));
  f.set('HardwareEsp', context.get('Esp'));
  f.set('EFlags', (context.get('EFlags') & EFLAGS_USER_SANITIZE) | EFLAGS_INTERRUPT_MASK);
  f.set('SegCs', USER_CS);
  f.set('HardwareSegSs', USER_DS);
  f.set('SegDs', USER_DS);
  f.set('SegEs', USER_DS);
  f.set('SegFs', TEB_SELECTOR);
  f.set('SegGs', 0);
}
type CONTEXT_VIEW = ReturnType<typeof CONTEXT.at>;

/** NtRaiseException(ExceptionRecord, Context, FirstChance): a first chance is dispatched
 *  from the given CONTEXT (RtlRaiseException's way in); a second chance means no handler
 *  wanted it. Leaves through KiServiceExit2 (syscall.asm) with the rewritten frame. */
export const NtRaiseException: ServiceBody = ({ kernel, thread, trapFrame, previousMode, mem, args: [record, context, firstChance] }) => {
  if (previousMode === UserMode) {
    mem.probe(record, EXCEPTION_RECORD.size, false);
    mem.probe(context, CONTEXT.size, false);
  }
  const r = EXCEPTION_RECORD.at(mem, record);
  const n = Math.min(r.get('NumberParameters'), 15);
  const e: UserException = {
    code: r.get('ExceptionCode'), address: r.get('ExceptionAddress'),
    params: Array.from({ length: n }, (_, i) => r.get(`ExceptionInformation[${i}]`)),
  };
  KTHREAD.at(kernel.vm, thread).set('TrapFrame', KTRAP_FRAME.at(kernel.vm, trapFrame).get('Edx'));
  if (!firstChance) { unhandled(kernel, e); return S.STATUS_SUCCESS; }
  contextToFrame(kernel, CONTEXT.at(mem, context), trapFrame);
  dispatchUserException(kernel, trapFrame, e);
  return S.STATUS_SUCCESS;
};
