// Which native services have a host body: every other SSDT entry returns
// STATUS_NOT_IMPLEMENTED (and says so in the trace).
import type { ServiceBody } from './ke/services.ts';
import { NtWriteFile, NtReadFile } from './io/rw.ts';
import { NtClose } from './ob/close.ts';
import { NtTerminateProcess } from './ps/terminate.ts';
import { NtGetTickCount } from './ke/misc.ts';
import { NtDelayExecution, NtYieldExecution, NtWaitForSingleObject } from './ke/wait.ts';
import { NtCreateThread, NtTerminateThread } from './ps/threads.ts';
import { NtQueueApcThread, NtTestAlert, NtContinue } from './ke/apc.ts';

export const NATIVE_BODIES: Record<string, ServiceBody> = {
  NtClose, NtContinue, NtCreateThread, NtDelayExecution, NtGetTickCount, NtQueueApcThread, NtReadFile,
  NtTerminateProcess, NtTerminateThread, NtTestAlert, NtWaitForSingleObject, NtWriteFile, NtYieldExecution,
};
