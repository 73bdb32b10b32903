// NtSuspendThread and NtResumeThread (ps/psctx.c on NT): the handle with
// THREAD_SUSPEND_RESUME, then KeSuspendThread / KeResumeThread (ke/suspend.ts), the
// previous suspend count written back if the caller asked for it.
import type { ServiceBody } from '../ke/services.ts';
import { KTHREAD } from '../layouts.ts';
import { THREAD_SUSPEND_RESUME } from '../ob/access.ts';
import { keSuspendThread, keResumeThread } from '../ke/suspend.ts';
import { withObject, ULONG_SIZE } from './infoargs.ts';
import { UserMode } from '../ke/irql.ts';
import { THREAD_STATE_TERMINATED } from '../ke/constants.ts';
import { STATUS_SUCCESS, STATUS_THREAD_IS_TERMINATING } from '../ex/status.ts';

/** NtSuspendThread(ThreadHandle, PreviousSuspendCount OPTIONAL). An ended thread cannot be
 *  suspended (STATUS_THREAD_IS_TERMINATING); past MAXIMUM_SUSPEND_COUNT,
 *  STATUS_SUSPEND_COUNT_EXCEEDED. */
export const NtSuspendThread: ServiceBody = ({ kernel, mem, previousMode, args: [handle, previousOut] }) => {
  if (previousOut && previousMode === UserMode) mem.probe(previousOut, ULONG_SIZE, true);
  return withObject(kernel, handle, THREAD_SUSPEND_RESUME, 'Thread', previousMode, thread => {
    if (KTHREAD.at(kernel.vm, thread).get('State') === THREAD_STATE_TERMINATED) return STATUS_THREAD_IS_TERMINATING;
    const r = keSuspendThread(kernel, thread);
    if (r.status === STATUS_SUCCESS && previousOut) mem.write32(previousOut, r.previous);
    return r.status;
  });
};

/** NtResumeThread(ThreadHandle, PreviousSuspendCount OPTIONAL). */
export const NtResumeThread: ServiceBody = ({ kernel, mem, previousMode, args: [handle, previousOut] }) => {
  if (previousOut && previousMode === UserMode) mem.probe(previousOut, ULONG_SIZE, true);
  return withObject(kernel, handle, THREAD_SUSPEND_RESUME, 'Thread', previousMode, thread => {
    const previous = keResumeThread(kernel, thread);
    if (previousOut) mem.write32(previousOut, previous);
    return STATUS_SUCCESS;
  });
};
