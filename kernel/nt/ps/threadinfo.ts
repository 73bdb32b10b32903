// NtQueryInformationThread and NtSetInformationThread (ps/query.c on NT): the classes NT
// Lab knows, with NT's checks in NT's order -- the buffer probed first (query), then the
// length for the class (STATUS_INFO_LENGTH_MISMATCH), then the value (STATUS_INVALID_
// PARAMETER), then the handle with THREAD_QUERY_INFORMATION / THREAD_SET_INFORMATION.
// Any other class is STATUS_INVALID_INFO_CLASS.
import type { ServiceBody } from '../ke/services.ts';
import type { Kernel } from '../kernel.ts';
import type { VirtualMemory } from '../mm/virtual.ts';
import { ETHREAD, KTHREAD, KPROCESS, TEB } from '../layouts.ts';
import { THREAD_QUERY_INFORMATION, THREAD_SET_INFORMATION } from '../ob/access.ts';
import { keSetPriorityThread, keSetBasePriorityThread, keQueryBasePriorityThread, LOW_PRIORITY, HIGH_PRIORITY, SATURATION_INCREMENT } from '../ke/priority.ts';
import { readUlongArgument, probeQueryBuffers, withObject } from './infoargs.ts';
import { TIME_INCREMENT } from '../hal/hal.ts';
import { STATUS_SUCCESS, STATUS_INVALID_INFO_CLASS, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_PARAMETER } from '../ex/status.ts';

/** THREADINFOCLASS values (ntddk.h). */
export const ThreadBasicInformation = 0;
export const ThreadTimes = 1;
export const ThreadPriority = 2;
export const ThreadBasePriority = 3;
export const ThreadAffinityMask = 4;
export const ThreadZeroTlsCell = 10;

/** THREAD_BASIC_INFORMATION: ExitStatus, TebBaseAddress, ClientId (2), AffinityMask,
 *  Priority, BasePriority (the increment over the process's base). */
export const THREAD_BASIC_INFORMATION_SIZE = 0x1C;
/** KERNEL_USER_TIMES: CreateTime, ExitTime, KernelTime, UserTime (LARGE_INTEGERs). */
export const KERNEL_USER_TIMES_SIZE = 0x20;
/** The base-priority increments a thread may ask for, and the two saturating ones. */
export const THREAD_BASE_PRIORITY_MIN = -2;
export const THREAD_BASE_PRIORITY_MAX = 2;
/** TEB.TlsSlots entries. */
export const TLS_MINIMUM_AVAILABLE = 64;

const threadProcess = (k: Kernel, thread: number) => KTHREAD.at(k.vm, thread).get('ApcState.Process');

function writeBasicInformation(k: Kernel, mem: VirtualMemory, thread: number, at: number): void {
  const et = ETHREAD.at(k.vm, thread), t = KTHREAD.at(k.vm, thread);
  const values = [
    et.get('ExitStatus'), t.get('Teb'), et.get('Cid.UniqueProcess'), et.get('Cid.UniqueThread'),
    t.get('Affinity'), t.get('Priority'), keQueryBasePriorityThread(k, thread),
  ];
  values.forEach((v, i) => mem.write32(at + 4 * i, v));
}

/** Ticks of the clock as a LARGE_INTEGER of 100 ns units. */
function writeTicks(mem: VirtualMemory, at: number, ticks: number): void {
  const units = BigInt(ticks >>> 0) * BigInt(TIME_INCREMENT);
  mem.write32(at, Number(units & 0xFFFFFFFFn));
  mem.write32(at + 4, Number(units >> 32n));
}

/** KERNEL_USER_TIMES. NT Lab keeps no creation or exit time yet: both are 0. */
function writeTimes(k: Kernel, mem: VirtualMemory, thread: number, at: number): void {
  const t = KTHREAD.at(k.vm, thread);
  writeTicks(mem, at, 0);
  writeTicks(mem, at + 8, 0);
  writeTicks(mem, at + 16, t.get('KernelTime'));
  writeTicks(mem, at + 24, t.get('UserTime'));
}

const QUERY_CLASSES: Record<number, { size: number; write: typeof writeTimes }> = {
  [ThreadBasicInformation]: { size: THREAD_BASIC_INFORMATION_SIZE, write: writeBasicInformation },
  [ThreadTimes]: { size: KERNEL_USER_TIMES_SIZE, write: writeTimes },
};

/** NtQueryInformationThread(ThreadHandle, ThreadInformationClass, ThreadInformation,
 *  ThreadInformationLength, ReturnLength). */
export const NtQueryInformationThread: ServiceBody = ({ kernel, mem, previousMode, args: [handle, infoClass, info, length, returnLength] }) => {
  probeQueryBuffers(mem, previousMode, info, length, returnLength);
  const c = QUERY_CLASSES[infoClass];
  if (!c) return STATUS_INVALID_INFO_CLASS;
  if (length !== c.size) return STATUS_INFO_LENGTH_MISMATCH;
  return withObject(kernel, handle, THREAD_QUERY_INFORMATION, 'Thread', previousMode, thread => {
    c.write(kernel, mem, thread, info);
    if (returnLength) mem.write32(returnLength, c.size);
    return STATUS_SUCCESS;
  });
};

/** A Set class: checks its value (a status, or STATUS_SUCCESS) and applies it. */
interface SetClass { check(value: number): number; apply(k: Kernel, mem: VirtualMemory, thread: number, value: number): number }

const isBaseIncrement = (v: number) =>
  (v >= THREAD_BASE_PRIORITY_MIN && v <= THREAD_BASE_PRIORITY_MAX) || Math.abs(v) === SATURATION_INCREMENT;
const ok = (valid: boolean) => valid ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;

const SET_CLASSES: Record<number, SetClass> = {
  // An absolute priority 1..31. (NT also asks for SeIncreaseBasePriorityPrivilege to go
  // real time; NT Lab has no privileges.)
  [ThreadPriority]: {
    check: v => ok(v > LOW_PRIORITY && v <= HIGH_PRIORITY),
    apply: (k, _m, t, v) => { keSetPriorityThread(k, t, v); return STATUS_SUCCESS; },
  },
  // An increment over the process's base: -2..2, or +-16 to saturate (kernel32's
  // THREAD_PRIORITY_TIME_CRITICAL and THREAD_PRIORITY_IDLE).
  [ThreadBasePriority]: {
    check: v => ok(isBaseIncrement(v)),
    apply: (k, _m, t, v) => { keSetBasePriorityThread(k, t, v); return STATUS_SUCCESS; },
  },
  // One processor: the only mask a thread can have is the process's, CPU 0.
  [ThreadAffinityMask]: {
    check: v => ok(v !== 0),
    apply: (k, _m, t, v) => {
      if ((v & ~KPROCESS.at(k.vm, threadProcess(k, t)).get('Affinity')) !== 0) return STATUS_INVALID_PARAMETER;
      KTHREAD.at(k.vm, t).set('Affinity', v);
      KTHREAD.at(k.vm, t).set('UserAffinity', v);
      return STATUS_SUCCESS;
    },
  },
  // TlsFree's helper: the slot is cleared in every thread of the caller's process.
  [ThreadZeroTlsCell]: {
    check: v => ok(v >>> 0 < TLS_MINIMUM_AVAILABLE),
    apply: (k, mem, t, v) => {
      if (t !== k.currentThread()) return STATUS_INVALID_PARAMETER;
      for (const other of k.currentProcess()?.threads ?? []) TEB.at(mem, KTHREAD.at(k.vm, other).get('Teb')).set(`TlsSlots[${v}]`, 0);
      return STATUS_SUCCESS;
    },
  },
};

/** NtSetInformationThread(ThreadHandle, ThreadInformationClass, ThreadInformation,
 *  ThreadInformationLength). */
export const NtSetInformationThread: ServiceBody = ({ kernel, mem, previousMode, args: [handle, infoClass, info, length] }) => {
  const c = SET_CLASSES[infoClass];
  if (!c) return STATUS_INVALID_INFO_CLASS;
  const arg = readUlongArgument(mem, previousMode, info, length);
  if (arg.status !== STATUS_SUCCESS) return arg.status;
  const valid = c.check(arg.value);
  if (valid !== STATUS_SUCCESS) return valid;
  return withObject(kernel, handle, THREAD_SET_INFORMATION, 'Thread', previousMode, thread => c.apply(kernel, mem, thread, arg.value));
};
