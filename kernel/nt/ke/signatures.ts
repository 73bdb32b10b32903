// Parameter names and kinds of the services whose arguments the trace decodes (the native
// API prototypes). A service without an entry shows its arguments as hex.

export type ParamKind = 'handle' | 'ptr' | 'ulong' | 'access' | 'bool' | 'status';

export type Signature = readonly (readonly [name: string, kind: ParamKind])[];

const IO: Signature = [
  ['FileHandle', 'handle'], ['Event', 'handle'], ['ApcRoutine', 'ptr'], ['ApcContext', 'ptr'],
  ['IoStatusBlock', 'ptr'], ['Buffer', 'ptr'], ['Length', 'ulong'], ['ByteOffset', 'ptr'], ['Key', 'ptr'],
];

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
  NtUserGetThreadState: [['Routine', 'ulong']],
  NtUserGetTickCount: [],
  NtGdiFlush: [],
};
