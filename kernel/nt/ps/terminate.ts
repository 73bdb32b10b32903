// NtTerminateProcess and the end of a process: every thread of it ends (waiters on them
// wake), the exit status goes in EPROCESS.ExitStatus, and if the current thread was one of
// them the CPU switches away (through the DISPATCH_LEVEL software interrupt the caller's
// trap path runs before returning). When the last process has ended the machine stops; its
// result is the first process's exit status (the program `ntlab run` started).
// The process's handles close (ObKillProcess) and its object is signalled.
import type { Kernel } from '../kernel.ts';
import type { ServiceBody } from '../ke/services.ts';
import type { Process } from './process.ts';
import { EPROCESS, ETHREAD, KTHREAD } from '../layouts.ts';
import { NtCurrentProcess, THREAD_STATE_READY, THREAD_STATE_TERMINATED } from '../ke/constants.ts';
import { STATUS_INVALID_HANDLE, STATUS_PENDING, STATUS_SUCCESS } from '../ex/status.ts';
import { switchAway, threadEnded, unreadyThread } from '../ke/scheduler.ts';
import { closeAllHandles } from '../ob/handle.ts';
import { setSignalState } from '../ke/dispatcher.ts';
import { forgetInterruptedWait } from '../ke/kernelapcwait.ts';

/** Marks a thread ended: off the ready queue, signalled, its waiters woken. */
export function endThread(k: Kernel, thread: number): void {
  const t = KTHREAD.at(k.vm, thread);
  if (t.get('State') === THREAD_STATE_TERMINATED) return;
  if (t.get('State') === THREAD_STATE_READY) unreadyThread(k, thread);
  t.set('State', THREAD_STATE_TERMINATED);
  t.set('Header.SignalState', 1);
  threadEnded(k, thread);
  forgetInterruptedWait(k, thread);    // suspended in the middle of a wait, say
}

export function terminateProcess(k: Kernel, status: number, p: Process | undefined = k.currentProcess()): void {
  if (!p || p.exitStatus !== null) return;
  EPROCESS.at(k.vm, p.eprocess).set('ExitStatus', status);
  p.exitStatus = status >>> 0;
  k.emit({ kind: 'process-exit', process: p.eprocess, status: status >>> 0 });
  for (const thread of p.threads) {
    const et = ETHREAD.at(k.vm, thread);
    if (et.get('ExitStatus') >>> 0 === STATUS_PENDING) et.set('ExitStatus', status);   // ended with their process
    endThread(k, thread);
  }
  closeAllHandles(k, p.eprocess);
  setSignalState(k, p.eprocess, 1);
  if (k.processes.every(q => q.exitStatus !== null)) {
    k.stop({ kind: 'process-exit', status: k.processes[0].exitStatus! });
    return;
  }
  if (p.threads.includes(k.currentThread())) switchAway(k);
}

/** NtTerminateProcess(ProcessHandle, ExitStatus). Only the current process can be named
 *  yet (NtCurrentProcess, -1; process handles come with the object manager); a NULL handle
 *  ends every other thread of the current process. */
export const NtTerminateProcess: ServiceBody = ({ kernel, thread, args: [handle, status] }) => {
  if (handle === 0) {
    for (const t of kernel.currentProcess()?.threads ?? []) if (t !== thread) endThread(kernel, t);
    return STATUS_SUCCESS;
  }
  if (handle !== NtCurrentProcess) return STATUS_INVALID_HANDLE;
  terminateProcess(kernel, status);
  return STATUS_SUCCESS;
};
