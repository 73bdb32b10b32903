// NtTerminateProcess and the end of a process. With one thread in the machine, the end of
// its process is the end of the run: the machine stops with the exit status.
// HOOK (issue 4/5): run down the handle table, signal the process object, switch to
// another thread instead of stopping.
import type { Kernel } from '../kernel.ts';
import type { ServiceBody } from '../ke/services.ts';
import { EPROCESS } from '../layouts.ts';
import { NtCurrentProcess } from '../ke/constants.ts';
import { STATUS_INVALID_HANDLE, STATUS_SUCCESS } from '../ex/status.ts';

export function terminateProcess(k: Kernel, status: number): void {
  const p = k.currentProcess();
  if (p) {
    EPROCESS.at(k.vm, p.eprocess).set('ExitStatus', status);
    p.exitStatus = status >>> 0;
    k.emit({ kind: 'process-exit', process: p.eprocess, status: status >>> 0 });
  }
  k.stop({ kind: 'process-exit', status: status >>> 0 });
}

/** NtTerminateProcess(ProcessHandle, ExitStatus). Only the current process can be named
 *  yet (NtCurrentProcess, -1); a NULL handle (every other thread of this process) has
 *  nothing to do while processes have one thread. */
export const NtTerminateProcess: ServiceBody = ({ kernel, args: [handle, status] }) => {
  if (handle === 0) return STATUS_SUCCESS;
  if (handle !== NtCurrentProcess) return STATUS_INVALID_HANDLE;
  terminateProcess(kernel, status);
  return STATUS_SUCCESS;
};
