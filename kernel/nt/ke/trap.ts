// KiDispatchException, host half: a KiTrapNN stub (trap.asm) built a KTRAP_FRAME (EBP) and
// pushed the vector; this decides what the exception means.
//   - From user mode: the exception's NTSTATUS, dispatched to the process's SEH handlers
//     through ntdll!KiUserExceptionDispatcher (except.ts); unhandled, it ends the process
//     with that status as its exit code, as on NT.
//   - From kernel mode: a #PF on KiSystemServiceCopyArguments means the caller's argument
//     pointer was bad: the service fails with STATUS_ACCESS_VIOLATION (the frame's EIP is
//     redirected, as NT's KiTrap0E does). Any other kernel-mode exception is a bug check.
import type { Kernel } from '../kernel.ts';
import { KTRAP_FRAME } from '../layouts.ts';
import { ESP, EBP, EAX, ECX, EDX, PF_VEC, DF_VEC, GP, BP } from '../../cpu/types.ts';
import {
  HC_KI_DISPATCH_EXCEPTION, HC_KI_UNEXPECTED_INTERRUPT, HC_KI_GET_TICK_COUNT, HC_KI_TRACE_IRQL,
} from './hostcall.ts';
import * as S from '../ex/status.ts';
import { KMODE_EXCEPTION_NOT_HANDLED, UNEXPECTED_KERNEL_MODE_TRAP, TRAP_CAUSE_UNKNOWN } from './bugcheck.ts';
import { bugCheck } from './bugcheck-host.ts';
import { PRIMARY_VECTOR_BASE, UserMode } from './irql.ts';
import { VECTOR_RAISE_ASSERTION } from './constants.ts';
import { dispatchUserException, accessViolationParams } from './except.ts';
import { tickCount } from './clock.ts';

/** The NTSTATUS each CPU exception raises (KiTrapNN's choice on NT). */
const EXCEPTION_STATUS: Record<number, number> = {
  0x00: S.STATUS_INTEGER_DIVIDE_BY_ZERO,
  0x01: S.STATUS_SINGLE_STEP,
  0x03: S.STATUS_BREAKPOINT,
  0x04: S.STATUS_INTEGER_OVERFLOW,
  0x05: S.STATUS_ARRAY_BOUNDS_EXCEEDED,
  0x06: S.STATUS_ILLEGAL_INSTRUCTION,
  0x07: S.STATUS_FLOAT_INVALID_OPERATION,
  0x0D: S.STATUS_ACCESS_VIOLATION,
  0x0E: S.STATUS_ACCESS_VIOLATION,
  0x10: S.STATUS_FLOAT_INVALID_OPERATION,
  0x11: S.STATUS_DATATYPE_MISALIGNMENT,
  [VECTOR_RAISE_ASSERTION]: S.STATUS_ASSERTION_FAILURE,
};

/** One-byte opcodes (and 0F xx) that #GP at ring 3 because they are privileged: NT's
 *  KiTrap0D reports these as STATUS_PRIVILEGED_INSTRUCTION, other #GPs as access violations. */
const PRIVILEGED = new Set([0xF4, 0xFA, 0xFB, 0xE4, 0xE5, 0xE6, 0xE7, 0xEC, 0xED, 0xEE, 0xEF, 0x6C, 0x6D, 0x6E, 0x6F]);
const PRIVILEGED_0F = new Set([0x00, 0x01, 0x06, 0x08, 0x09, 0x20, 0x21, 0x22, 0x23, 0x30, 0x32]);

/** int3 is one byte (CC). */
const INT3_LENGTH = 1;

function exceptionStatus(k: Kernel, vector: number, eip: number): number {
  if (vector === GP) {
    try {
      let b = k.vm.read8(eip);
      if (b === 0x0F) return PRIVILEGED_0F.has(k.vm.read8(eip + 1)) ? S.STATUS_PRIVILEGED_INSTRUCTION : S.STATUS_ACCESS_VIOLATION;
      return PRIVILEGED.has(b) ? S.STATUS_PRIVILEGED_INSTRUCTION : S.STATUS_ACCESS_VIOLATION;
    } catch { /* EIP itself unreadable */ }
  }
  return EXCEPTION_STATUS[vector] ?? S.STATUS_ILLEGAL_INSTRUCTION;
}

function dispatchException(k: Kernel): void {
  const vector = k.vm.read32(k.cpu.regs[ESP]);
  const frame = KTRAP_FRAME.at(k.vm, k.cpu.regs[EBP]);
  const eip = frame.get('Eip'), errorCode = frame.get('ErrCode');
  const fromUser = (frame.get('SegCs') & 1) === UserMode;
  const code = exceptionStatus(k, vector, eip);
  k.emit({ kind: 'exception', vector, code, eip, previousMode: fromUser ? 1 : 0, errorCode });

  if (fromUser) {
    // int3 is a trap: NT reports (and resumes) at the int3 itself, as KiTrap03 does.
    const address = vector === BP ? eip - INT3_LENGTH : eip;
    if (vector === BP) frame.set('Eip', address);
    const params = vector === PF_VEC ? accessViolationParams(errorCode, k.cpu.mmu.cr2) : [];
    dispatchUserException(k, frame.address, { code, address, params });
    return;
  }
  if (vector === PF_VEC && eip === k.sym('KiSystemServiceCopyArguments')) {
    frame.set('Eip', k.sym('KiSystemServiceAccessViolation'));
    return;
  }
  bugCheck(k, vector === DF_VEC ? UNEXPECTED_KERNEL_MODE_TRAP : KMODE_EXCEPTION_NOT_HANDLED,
    vector === DF_VEC ? [vector, 0, 0, 0] : [code, eip, errorCode, vector === PF_VEC ? k.cpu.mmu.cr2 >>> 0 : 0]);
}

/** A vector with no handler: hardware IRQs are dropped (no device driver claims them yet);
 *  anything else in kernel mode is a bug check. */
function unexpectedInterrupt(k: Kernel): void {
  const frame = KTRAP_FRAME.at(k.vm, k.cpu.regs[EBP]);
  const vector = frame.get('ErrCode');
  k.emit({ kind: 'interrupt', vector, source: vector >= PRIMARY_VECTOR_BASE ? 'external' : 'software', eip: frame.get('Eip') });
  if (vector < PRIMARY_VECTOR_BASE) bugCheck(k, TRAP_CAUSE_UNKNOWN, [vector, frame.get('Eip'), 0, 0]);
}

export function registerTrapHandlers(k: Kernel): void {
  k.hostCalls.register(HC_KI_DISPATCH_EXCEPTION, () => dispatchException(k));
  k.hostCalls.register(HC_KI_UNEXPECTED_INTERRUPT, () => unexpectedInterrupt(k));
  k.hostCalls.register(HC_KI_GET_TICK_COUNT, () => { k.cpu.regs[EAX] = tickCount(k) | 0; });
  k.hostCalls.register(HC_KI_TRACE_IRQL, () => k.emit({ kind: 'irql', from: k.cpu.regs[EDX] & 0xff, to: k.cpu.regs[ECX] & 0xff }));
}
