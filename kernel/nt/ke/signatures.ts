// Parameter names and kinds of the services whose arguments the trace decodes (the native
// API prototypes). A service without an entry shows its arguments as hex.

export type ParamKind = 'handle' | 'ptr' | 'ulong' | 'access' | 'bool' | 'status';

export type Signature = readonly (readonly [name: string, kind: ParamKind])[];

const IO: Signature = [
  ['FileHandle', 'handle'], ['Event', 'handle'], ['ApcRoutine', 'ptr'], ['ApcContext', 'ptr'],
  ['IoStatusBlock', 'ptr'], ['Buffer', 'ptr'], ['Length', 'ulong'], ['ByteOffset', 'ptr'], ['Key', 'ptr'],
];

/** NtQuery/SetInformationFile(FileHandle, IoStatusBlock, FileInformation, Length, FileInformationClass). */
const FILE_INFORMATION: Signature = [
  ['FileHandle', 'handle'], ['IoStatusBlock', 'ptr'], ['FileInformation', 'ptr'], ['Length', 'ulong'], ['FileInformationClass', 'ulong'],
];

/** NtCreate/Open<Object>(Handle out, DesiredAccess, ObjectAttributes). */
const OPEN_BY_NAME: Signature = [['Handle', 'ptr'], ['DesiredAccess', 'access'], ['ObjectAttributes', 'ptr']];

export const SIGNATURES: Record<string, Signature> = {
  NtReadFile: IO,
  NtWriteFile: IO,
  NtClose: [['Handle', 'handle']],
  NtTerminateProcess: [['ProcessHandle', 'handle'], ['ExitStatus', 'status']],
  NtTerminateThread: [['ThreadHandle', 'handle'], ['ExitStatus', 'status']],
  NtTestAlert: [],
  NtYieldExecution: [],
  NtGetTickCount: [],
  NtContinue: [['Context', 'ptr'], ['TestAlert', 'bool']],
  NtCreateFile: [
    ['FileHandle', 'ptr'], ['DesiredAccess', 'access'], ['ObjectAttributes', 'ptr'], ['IoStatusBlock', 'ptr'],
    ['AllocationSize', 'ptr'], ['FileAttributes', 'ulong'], ['ShareAccess', 'ulong'], ['CreateDisposition', 'ulong'],
    ['CreateOptions', 'ulong'], ['EaBuffer', 'ptr'], ['EaLength', 'ulong'],
  ],
  NtOpenFile: [
    ['FileHandle', 'ptr'], ['DesiredAccess', 'access'], ['ObjectAttributes', 'ptr'], ['IoStatusBlock', 'ptr'],
    ['ShareAccess', 'ulong'], ['OpenOptions', 'ulong'],
  ],
  NtCreateEvent: [['EventHandle', 'ptr'], ['DesiredAccess', 'access'], ['ObjectAttributes', 'ptr'], ['EventType', 'ulong'], ['InitialState', 'bool']],
  NtSetEvent: [['EventHandle', 'handle'], ['PreviousState', 'ptr']],
  NtWaitForSingleObject: [['Handle', 'handle'], ['Alertable', 'bool'], ['Timeout', 'ptr']],
  NtDelayExecution: [['Alertable', 'bool'], ['DelayInterval', 'ptr']],
  NtQueueApcThread: [['ThreadHandle', 'handle'], ['ApcRoutine', 'ptr'], ['ApcContext', 'ptr'], ['Argument1', 'ptr'], ['Argument2', 'ptr']],
  NtQueryInformationThread: [['ThreadHandle', 'handle'], ['ThreadInformationClass', 'ulong'], ['ThreadInformation', 'ptr'], ['ThreadInformationLength', 'ulong'], ['ReturnLength', 'ptr']],
  NtSetInformationThread: [['ThreadHandle', 'handle'], ['ThreadInformationClass', 'ulong'], ['ThreadInformation', 'ptr'], ['ThreadInformationLength', 'ulong']],
  NtQueryInformationProcess: [['ProcessHandle', 'handle'], ['ProcessInformationClass', 'ulong'], ['ProcessInformation', 'ptr'], ['ProcessInformationLength', 'ulong'], ['ReturnLength', 'ptr']],
  NtSetInformationProcess: [['ProcessHandle', 'handle'], ['ProcessInformationClass', 'ulong'], ['ProcessInformation', 'ptr'], ['ProcessInformationLength', 'ulong']],
  NtSuspendThread: [['ThreadHandle', 'handle'], ['PreviousSuspendCount', 'ptr']],
  NtResumeThread: [['ThreadHandle', 'handle'], ['PreviousSuspendCount', 'ptr']],
  NtQueryDirectoryFile: [
    ['FileHandle', 'handle'], ['Event', 'handle'], ['ApcRoutine', 'ptr'], ['ApcContext', 'ptr'], ['IoStatusBlock', 'ptr'],
    ['FileInformation', 'ptr'], ['Length', 'ulong'], ['FileInformationClass', 'ulong'], ['ReturnSingleEntry', 'bool'],
    ['FileName', 'ptr'], ['RestartScan', 'bool'],
  ],
  NtQueryInformationFile: FILE_INFORMATION,
  NtSetInformationFile: FILE_INFORMATION,
  NtQueryVolumeInformationFile: [['FileHandle', 'handle'], ['IoStatusBlock', 'ptr'], ['FsInformation', 'ptr'], ['Length', 'ulong'], ['FsInformationClass', 'ulong']],
  NtFlushBuffersFile: [['FileHandle', 'handle'], ['IoStatusBlock', 'ptr']],
  NtCancelIoFile: [['FileHandle', 'handle'], ['IoStatusBlock', 'ptr']],
  NtDeleteFile: [['ObjectAttributes', 'ptr']],
  NtQueryAttributesFile: [['ObjectAttributes', 'ptr'], ['FileInformation', 'ptr']],
  NtDuplicateObject: [
    ['SourceProcessHandle', 'handle'], ['SourceHandle', 'handle'], ['TargetProcessHandle', 'handle'], ['TargetHandle', 'ptr'],
    ['DesiredAccess', 'access'], ['HandleAttributes', 'ulong'], ['Options', 'ulong'],
  ],
  NtQueryObject: [['Handle', 'handle'], ['ObjectInformationClass', 'ulong'], ['ObjectInformation', 'ptr'], ['ObjectInformationLength', 'ulong'], ['ReturnLength', 'ptr']],
  NtCreateDirectoryObject: OPEN_BY_NAME,
  NtOpenDirectoryObject: OPEN_BY_NAME,
  NtCreateSymbolicLinkObject: [...OPEN_BY_NAME, ['LinkTarget', 'ptr']],
  NtOpenSymbolicLinkObject: OPEN_BY_NAME,
  NtQuerySymbolicLinkObject: [['LinkHandle', 'handle'], ['LinkTarget', 'ptr'], ['ReturnedLength', 'ptr']],
  NtOpenEvent: OPEN_BY_NAME,
  NtResetEvent: [['EventHandle', 'handle'], ['PreviousState', 'ptr']],
  NtPulseEvent: [['EventHandle', 'handle'], ['PreviousState', 'ptr']],
  NtClearEvent: [['EventHandle', 'handle']],
  NtWaitForMultipleObjects: [['Count', 'ulong'], ['Handles', 'ptr'], ['WaitType', 'ulong'], ['Alertable', 'bool'], ['Timeout', 'ptr']],
  NtCreateThread: [
    ['ThreadHandle', 'ptr'], ['DesiredAccess', 'access'], ['ObjectAttributes', 'ptr'], ['ProcessHandle', 'handle'],
    ['ClientId', 'ptr'], ['ThreadContext', 'ptr'], ['InitialTeb', 'ptr'], ['CreateSuspended', 'bool'],
  ],
  NtRaiseException: [['ExceptionRecord', 'ptr'], ['Context', 'ptr'], ['FirstChance', 'bool']],
  NtAllocateVirtualMemory: [
    ['ProcessHandle', 'handle'], ['BaseAddress', 'ptr'], ['ZeroBits', 'ulong'], ['RegionSize', 'ptr'], ['AllocationType', 'ulong'], ['Protect', 'ulong'],
  ],
  NtFreeVirtualMemory: [['ProcessHandle', 'handle'], ['BaseAddress', 'ptr'], ['RegionSize', 'ptr'], ['FreeType', 'ulong']],
  NtProtectVirtualMemory: [
    ['ProcessHandle', 'handle'], ['BaseAddress', 'ptr'], ['NumberOfBytesToProtect', 'ptr'], ['NewAccessProtection', 'ulong'], ['OldAccessProtection', 'ptr'],
  ],
  NtQueryVirtualMemory: [
    ['ProcessHandle', 'handle'], ['BaseAddress', 'ptr'], ['MemoryInformationClass', 'ulong'], ['MemoryInformation', 'ptr'],
    ['MemoryInformationLength', 'ulong'], ['ReturnLength', 'ptr'],
  ],
  NtUserGetThreadState: [['Routine', 'ulong']],
  NtUserGetTickCount: [],
  NtGdiFlush: [],
};
