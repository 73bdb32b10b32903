// NtCreateThread and NtTerminateThread: threads of the current process, named by handles
// of the object manager's handle table.
import type { ServiceBody } from '../ke/services.ts';
import type { Kernel } from '../kernel.ts';
import { CONTEXT, ETHREAD, KTHREAD, CLIENT_ID } from '../layouts.ts';
import { createThread } from './thread.ts';
import { createHandle, referenceObjectByHandle } from '../ob/handle.ts';
import { dereferenceObject } from '../ob/object.ts';
import { obType, mapAccess } from '../ob/types.ts';
import { THREAD_TERMINATE } from '../ob/access.ts';
import { readyThread, switchAway } from '../ke/scheduler.ts';
import { terminateProcess, endThread } from './terminate.ts';
import { UserMode } from '../ke/irql.ts';
import { NtCurrentProcess, NtCurrentThread, THREAD_STATE_TERMINATED } from '../ke/constants.ts';
import { STATUS_SUCCESS, STATUS_INVALID_HANDLE, STATUS_INVALID_PARAMETER } from '../ex/status.ts';
import { keSuspendThread } from '../ke/suspend.ts';

/** INITIAL_TEB: where the creator put the new thread's stack. */
const INITIAL_TEB_STACK_BASE = 0x8, INITIAL_TEB_STACK_LIMIT = 0xC, INITIAL_TEB_SIZE = 0x14;

/** NtCreateThread(ThreadHandle, DesiredAccess, ObjectAttributes, ProcessHandle, ClientId,
 *  ThreadContext, InitialTeb, CreateSuspended): the thread starts with ThreadContext's
 *  registers on the stack InitialTeb describes, and is ready to run at once (or once it
 *  is resumed). */
export const NtCreateThread: ServiceBody = ({ kernel, mem, previousMode, args }) => {
  const [handleOut, , , process, clientId, context, initialTeb, suspended] = args;
  if (process !== NtCurrentProcess) return STATUS_INVALID_HANDLE;
  if (!context || !initialTeb) return STATUS_INVALID_PARAMETER;
  if (previousMode === UserMode) {
    mem.probe(handleOut, 4, true);
    mem.probe(context, CONTEXT.size, false);
    mem.probe(initialTeb, INITIAL_TEB_SIZE, false);
    if (clientId) mem.probe(clientId, CLIENT_ID.size, true);
  }
  const c = CONTEXT.at(mem, context);
  const p = kernel.currentProcess()!;
  const t = createThread(kernel, p, {
    eip: c.get('Eip'), esp: c.get('Esp'),
    regs: { Eax: c.get('Eax'), Ebx: c.get('Ebx'), Ecx: c.get('Ecx'), Edx: c.get('Edx'), Esi: c.get('Esi'), Edi: c.get('Edi'), Ebp: c.get('Ebp') },
    stack: { base: mem.read32(initialTeb + INITIAL_TEB_STACK_BASE) >>> 0, limit: mem.read32(initialTeb + INITIAL_TEB_STACK_LIMIT) >>> 0 },
  });
  mem.write32(handleOut, createHandle(kernel, p.eprocess, t.ethread, mapAccess(kernel, obType(kernel, 'Thread'), args[1])));
  dereferenceObject(kernel, t.ethread);   // the creation's reference: the handle and the scheduler hold it now
  if (clientId) {
    const cid = ETHREAD.at(kernel.vm, t.ethread);
    mem.write32(clientId, cid.get('Cid.UniqueProcess'));
    mem.write32(clientId + 4, cid.get('Cid.UniqueThread'));
  }
  // CreateSuspended: suspended before it can run (PspCreateThread's KeSuspendThread), so
  // its first act is the suspend APC's wait, before it ever reaches user mode.
  if (suspended) keSuspendThread(kernel, t.ethread);
  readyThread(kernel, t.ethread);
  return STATUS_SUCCESS;
};

function liveThreads(k: Kernel): number[] {
  return (k.currentProcess()?.threads ?? []).filter(t => KTHREAD.at(k.vm, t).get('State') !== THREAD_STATE_TERMINATED);
}

/** Ends `thread` with `status`; the last thread of a process ends the process. */
export function terminateThread(k: Kernel, thread: number, status: number): void {
  if (liveThreads(k).length <= 1) { terminateProcess(k, status); return; }
  ETHREAD.at(k.vm, thread).set('ExitStatus', status);
  endThread(k, thread);
  if (thread === k.currentThread()) switchAway(k);
}

/** NtTerminateThread(ThreadHandle, ExitStatus): NULL or NtCurrentThread() is the caller. */
export const NtTerminateThread: ServiceBody = ({ kernel, thread, previousMode, args: [handle, status] }) => {
  let target = thread;
  if (handle !== 0 && handle !== NtCurrentThread) {
    const r = referenceObjectByHandle(kernel, handle, THREAD_TERMINATE, obType(kernel, 'Thread'), previousMode);
    if (r.status !== STATUS_SUCCESS) return r.status;
    target = r.body;
    dereferenceObject(kernel, r.body);
  }
  if (KTHREAD.at(kernel.vm, target).get('State') !== THREAD_STATE_TERMINATED) terminateThread(kernel, target, status);
  return STATUS_SUCCESS;
};
