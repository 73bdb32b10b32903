// Which native services have a host body: every other SSDT entry returns
// STATUS_NOT_IMPLEMENTED (and says so in the trace).
import type { ServiceBody } from './ke/services.ts';
import { NtWriteFile, NtReadFile } from './io/rw.ts';
import { NtClose } from './ob/close.ts';
import { NtTerminateProcess } from './ps/terminate.ts';
import { NtGetTickCount, NtYieldExecution } from './ke/misc.ts';
import { NtQueueApcThread, NtTestAlert, NtContinue } from './ke/apc.ts';

export const NATIVE_BODIES: Record<string, ServiceBody> = {
  NtClose, NtContinue, NtGetTickCount, NtQueueApcThread, NtReadFile, NtTerminateProcess, NtTestAlert, NtWriteFile,
  NtYieldExecution,
};
