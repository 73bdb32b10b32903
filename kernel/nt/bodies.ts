// Which native services have a host body: every other SSDT entry returns
// STATUS_NOT_IMPLEMENTED (and says so in the trace).
import type { ServiceBody } from './ke/services.ts';
import { NtWriteFile, NtReadFile } from './io/rw.ts';
import { NtCreateFile, NtOpenFile } from './io/file.ts';
import { NtQueryInformationFile, NtSetInformationFile } from './io/info.ts';
import { NtQueryVolumeInformationFile, NtFlushBuffersFile } from './io/volume.ts';
import { NtQueryDirectoryFile } from './io/dir.ts';
import { NtQueryAttributesFile, NtDeleteFile } from './io/byname.ts';
import { NtCancelIoFile } from './io/cancel.ts';
import {
  NtClose, NtDuplicateObject, NtQueryObject, NtCreateDirectoryObject, NtOpenDirectoryObject, NtCreateSymbolicLinkObject,
  NtOpenSymbolicLinkObject, NtQuerySymbolicLinkObject,
} from './ob/services.ts';
import { NtWaitForSingleObject, NtWaitForMultipleObjects } from './ob/wait.ts';
import { NtCreateEvent, NtOpenEvent, NtSetEvent, NtResetEvent, NtClearEvent, NtPulseEvent } from './ex/event.ts';
import { NtTerminateProcess } from './ps/terminate.ts';
import { NtGetTickCount } from './ke/misc.ts';
import { NtDelayExecution, NtYieldExecution } from './ke/wait.ts';
import { NtCreateThread, NtTerminateThread } from './ps/threads.ts';
import { NtQueueApcThread, NtTestAlert, NtContinue } from './ke/apc.ts';
import { NtRaiseException } from './ke/except.ts';
import { NtQueryInformationThread, NtSetInformationThread } from './ps/threadinfo.ts';
import { NtQueryInformationProcess, NtSetInformationProcess } from './ps/processinfo.ts';
import { NtSuspendThread, NtResumeThread } from './ps/suspend.ts';
import { NtAllocateVirtualMemory } from './mm/allocate.ts';
import { NtFreeVirtualMemory } from './mm/free.ts';
import { NtQueryVirtualMemory } from './mm/query.ts';
import { NtProtectVirtualMemory } from './mm/protectvm.ts';

export const NATIVE_BODIES: Record<string, ServiceBody> = {
  NtClose, NtContinue, NtCreateThread, NtDelayExecution, NtGetTickCount, NtQueueApcThread, NtReadFile,
  NtRaiseException, NtTerminateProcess, NtTerminateThread, NtTestAlert, NtWaitForSingleObject, NtWriteFile,
  NtYieldExecution, NtCreateFile, NtOpenFile, NtDuplicateObject, NtQueryObject, NtCreateDirectoryObject,
  NtOpenDirectoryObject, NtCreateSymbolicLinkObject, NtOpenSymbolicLinkObject, NtQuerySymbolicLinkObject,
  NtWaitForMultipleObjects, NtCreateEvent, NtOpenEvent, NtSetEvent, NtResetEvent, NtClearEvent, NtPulseEvent,
  NtQueryInformationFile, NtSetInformationFile, NtQueryVolumeInformationFile, NtFlushBuffersFile, NtQueryDirectoryFile,
  NtQueryAttributesFile, NtDeleteFile, NtCancelIoFile,
  NtAllocateVirtualMemory, NtFreeVirtualMemory, NtQueryVirtualMemory, NtProtectVirtualMemory,
  NtQueryInformationThread, NtSetInformationThread, NtQueryInformationProcess, NtSetInformationProcess,
  NtSuspendThread, NtResumeThread,
};
