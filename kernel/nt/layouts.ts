// NT's structures at their Windows 2000 / 2005-ReactOS offsets (the layout NT Lab
// implements; see ../shared/reference/nt-i386.md). Every host component, the generated
// ks386.inc for the guest assembly and the UI panels use these definitions and nothing else.
//
// Where the reference table gives an offset, it is used as given (test/nt/struct.test.ts
// checks them). The other fields are the Windows 2000 ones as the public symbol files
// describe them; parts NT Lab does not model yet are opaque `bytes` so sizes stay right.
import { defineStruct, array, bytes } from './struct.ts';

// ---- lists and dispatcher objects -------------------------------------------------------

export const LIST_ENTRY = defineStruct('LIST_ENTRY', 0x8, {
  Flink: [0x0, 'ptr'],
  Blink: [0x4, 'ptr'],
});

export const DISPATCHER_HEADER = defineStruct('DISPATCHER_HEADER', 0x10, {
  Type: [0x0, 'u8'],
  Absolute: [0x1, 'u8'],
  Size: [0x2, 'u8'],
  Inserted: [0x3, 'u8'],
  SignalState: [0x4, 'i32'],
  WaitListHead: [0x8, LIST_ENTRY],
});

export const KAPC_STATE = defineStruct('KAPC_STATE', 0x18, {
  ApcListHead: [0x0, array(LIST_ENTRY, 2)],   // [KernelMode], [UserMode]
  Process: [0x10, 'ptr'],
  KernelApcInProgress: [0x14, 'u8'],
  KernelApcPending: [0x15, 'u8'],
  UserApcPending: [0x16, 'u8'],
});

export const KAPC = defineStruct('KAPC', 0x30, {
  Type: [0x0, 'i16'],
  Size: [0x2, 'i16'],
  Spare0: [0x4, 'u32'],
  Thread: [0x8, 'ptr'],
  ApcListEntry: [0xC, LIST_ENTRY],
  KernelRoutine: [0x14, 'ptr'],
  RundownRoutine: [0x18, 'ptr'],
  NormalRoutine: [0x1C, 'ptr'],
  NormalContext: [0x20, 'ptr'],
  SystemArgument1: [0x24, 'ptr'],
  SystemArgument2: [0x28, 'ptr'],
  ApcStateIndex: [0x2C, 'i8'],
  ApcMode: [0x2D, 'i8'],
  Inserted: [0x2E, 'u8'],
});

/** A semaphore: KTHREAD.SuspendSemaphore is one (SignalState is its count). */
export const KSEMAPHORE = defineStruct('KSEMAPHORE', 0x14, {
  Header: [0x0, DISPATCHER_HEADER],
  Limit: [0x10, 'i32'],
});

export const KDPC = defineStruct('KDPC', 0x20, {
  Type: [0x0, 'i16'],
  Number: [0x2, 'u8'],
  Importance: [0x3, 'u8'],
  DpcListEntry: [0x4, LIST_ENTRY],
  DeferredRoutine: [0xC, 'ptr'],
  DeferredContext: [0x10, 'ptr'],
  SystemArgument1: [0x14, 'ptr'],
  SystemArgument2: [0x18, 'ptr'],
  Lock: [0x1C, 'ptr'],
});

// ---- processor --------------------------------------------------------------------------

/** The processor's private block. NT Lab models its first fields, at Windows 2000's
 *  offsets, and the DPC queue, which it places itself at +0x3C0 (the reference does not
 *  give Windows 2000's offsets for it; the real block is larger). */
export const KPRCB = defineStruct('KPRCB', 0x400, {
  MinorVersion: [0x0, 'u16'],
  MajorVersion: [0x2, 'u16'],
  CurrentThread: [0x4, 'ptr'],
  NextThread: [0x8, 'ptr'],
  IdleThread: [0xC, 'ptr'],
  Number: [0x10, 'i8'],
  SetMember: [0x14, 'u32'],
  DpcListHead: [0x3C0, LIST_ENTRY],
  DpcQueueDepth: [0x3C8, 'u32'],
  DpcCount: [0x3CC, 'u32'],
  DpcRoutineActive: [0x3D0, 'u32'],
});

export const NT_TIB = defineStruct('NT_TIB', 0x1C, {
  ExceptionList: [0x0, 'ptr'],
  StackBase: [0x4, 'ptr'],
  StackLimit: [0x8, 'ptr'],
  SubSystemTib: [0xC, 'ptr'],
  Version: [0x10, 'u32'],              // FiberData in a TEB
  ArbitraryUserPointer: [0x14, 'ptr'],
  Self: [0x18, 'ptr'],
});

/** The processor control region, at 0xFFDFF000 (fs:0 in ring 0). */
export const KPCR = defineStruct('KPCR', 0x120 + 0x400, {
  NtTib: [0x0, NT_TIB],
  SelfPcr: [0x1C, 'ptr'],
  Prcb: [0x20, 'ptr'],
  Irql: [0x24, 'u8'],
  IRR: [0x28, 'u32'],
  IrrActive: [0x2C, 'u32'],
  IDR: [0x30, 'u32'],
  KdVersionBlock: [0x34, 'ptr'],
  IDT: [0x38, 'ptr'],
  GDT: [0x3C, 'ptr'],
  TSS: [0x40, 'ptr'],
  MajorVersion: [0x44, 'u16'],
  MinorVersion: [0x46, 'u16'],
  SetMember: [0x48, 'u32'],
  StallScaleFactor: [0x4C, 'u32'],
  DebugActive: [0x50, 'u8'],
  Number: [0x51, 'u8'],
  PrcbData: [0x120, KPRCB],
});

/** The i386 task-state segment as NT declares it. */
export const KTSS = defineStruct('KTSS', 0x68, {
  Backlink: [0x0, 'u16'],
  Esp0: [0x4, 'ptr'],
  Ss0: [0x8, 'u16'],
  Esp1: [0xC, 'ptr'], Ss1: [0x10, 'u16'],
  Esp2: [0x14, 'ptr'], Ss2: [0x18, 'u16'],
  CR3: [0x1C, 'u32'],
  Eip: [0x20, 'u32'], EFlags: [0x24, 'u32'],
  Eax: [0x28, 'u32'], Ecx: [0x2C, 'u32'], Edx: [0x30, 'u32'], Ebx: [0x34, 'u32'],
  Esp: [0x38, 'u32'], Ebp: [0x3C, 'u32'], Esi: [0x40, 'u32'], Edi: [0x44, 'u32'],
  Es: [0x48, 'u16'], Cs: [0x4C, 'u16'], Ss: [0x50, 'u16'], Ds: [0x54, 'u16'], Fs: [0x58, 'u16'], Gs: [0x5C, 'u16'],
  LDT: [0x60, 'u16'],
  Flags: [0x64, 'u16'],
  IoMapBase: [0x66, 'u16'],
});

/** A GDT entry (segment descriptor), NT's KGDTENTRY. */
export const KGDTENTRY = defineStruct('KGDTENTRY', 0x8, {
  LimitLow: [0x0, 'u16'],
  BaseLow: [0x2, 'u16'],
  BaseMid: [0x4, 'u8'],
  Flags1: [0x5, 'u8'],    // type, S, DPL, P
  Flags2: [0x6, 'u8'],    // limit 19:16, AVL, D, G
  BaseHi: [0x7, 'u8'],
});

/** An IDT entry (gate), NT's KIDTENTRY. */
export const KIDTENTRY = defineStruct('KIDTENTRY', 0x8, {
  Offset: [0x0, 'u16'],
  Selector: [0x2, 'u16'],
  Access: [0x4, 'u16'],   // 0x8E00 interrupt gate, 0x8F00 trap gate, | DPL << 13
  ExtendedOffset: [0x6, 'u16'],
});

// ---- the trap frame and the service tables ----------------------------------------------

/** What KiSystemService and the trap handlers build on the kernel stack (0x8C bytes). */
export const KTRAP_FRAME = defineStruct('KTRAP_FRAME', 0x8C, {
  DbgEbp: [0x00, 'u32'],
  DbgEip: [0x04, 'u32'],
  DbgArgMark: [0x08, 'u32'],
  DbgArgPointer: [0x0C, 'u32'],
  TempSegCs: [0x10, 'u32'],
  TempEsp: [0x14, 'u32'],
  Dr0: [0x18, 'u32'], Dr1: [0x1C, 'u32'], Dr2: [0x20, 'u32'], Dr3: [0x24, 'u32'],
  Dr6: [0x28, 'u32'], Dr7: [0x2C, 'u32'],
  SegGs: [0x30, 'u32'],
  SegEs: [0x34, 'u32'],
  SegDs: [0x38, 'u32'],
  Edx: [0x3C, 'u32'],
  Ecx: [0x40, 'u32'],
  Eax: [0x44, 'u32'],
  PreviousPreviousMode: [0x48, 'u32'],
  ExceptionList: [0x4C, 'ptr'],
  SegFs: [0x50, 'u32'],
  Edi: [0x54, 'u32'],
  Esi: [0x58, 'u32'],
  Ebx: [0x5C, 'u32'],
  Ebp: [0x60, 'u32'],
  ErrCode: [0x64, 'u32'],
  Eip: [0x68, 'u32'],
  SegCs: [0x6C, 'u32'],
  EFlags: [0x70, 'u32'],
  HardwareEsp: [0x74, 'u32'],
  HardwareSegSs: [0x78, 'u32'],
  V86Es: [0x7C, 'u32'], V86Ds: [0x80, 'u32'], V86Fs: [0x84, 'u32'], V86Gs: [0x88, 'u32'],
});

/** One entry of KeServiceDescriptorTable[4] / KeServiceDescriptorTableShadow[4]. */
export const KSERVICE_TABLE_DESCRIPTOR = defineStruct('KSERVICE_TABLE_DESCRIPTOR', 0x10, {
  Base: [0x0, 'ptr'],     // the SSDT: handler addresses
  Count: [0x4, 'ptr'],    // per-service call counters, or NULL
  Limit: [0x8, 'u32'],    // number of services
  Number: [0xC, 'ptr'],   // the SSPT: argument bytes per service
});

// ---- threads and processes --------------------------------------------------------------

export const KTHREAD = defineStruct('KTHREAD', 0x1B0, {
  Header: [0x000, DISPATCHER_HEADER],
  MutantListHead: [0x010, LIST_ENTRY],
  InitialStack: [0x018, 'ptr'],
  StackLimit: [0x01C, 'ptr'],
  Teb: [0x020, 'ptr'],
  TlsArray: [0x024, 'ptr'],
  KernelStack: [0x028, 'ptr'],
  DebugActive: [0x02C, 'u8'],
  State: [0x02D, 'u8'],
  Alerted: [0x02E, array('u8', 2)],
  Iopl: [0x030, 'u8'],
  NpxState: [0x031, 'u8'],
  Saturation: [0x032, 'i8'],
  Priority: [0x033, 'i8'],
  ApcState: [0x034, KAPC_STATE],
  ContextSwitches: [0x04C, 'u32'],
  WaitStatus: [0x050, 'i32'],
  WaitIrql: [0x054, 'u8'],
  WaitMode: [0x055, 'i8'],
  WaitNext: [0x056, 'u8'],
  WaitReason: [0x057, 'u8'],
  WaitBlockList: [0x058, 'ptr'],
  WaitListEntry: [0x05C, LIST_ENTRY],
  WaitTime: [0x064, 'u32'],
  BasePriority: [0x068, 'i8'],
  DecrementCount: [0x069, 'u8'],
  PriorityDecrement: [0x06A, 'i8'],
  Quantum: [0x06B, 'i8'],
  WaitBlock: [0x06C, bytes(0x60)],        // KWAIT_BLOCK[4]
  LegoData: [0x0CC, 'ptr'],
  KernelApcDisable: [0x0D0, 'u32'],
  UserAffinity: [0x0D4, 'u32'],
  SystemAffinityActive: [0x0D8, 'u8'],
  PowerState: [0x0D9, 'u8'],
  NpxIrql: [0x0DA, 'u8'],
  ServiceTable: [0x0DC, 'ptr'],
  Queue: [0x0E0, 'ptr'],
  ApcQueueLock: [0x0E4, 'u32'],
  Timer: [0x0E8, bytes(0x28)],            // KTIMER
  QueueListEntry: [0x110, LIST_ENTRY],
  Affinity: [0x118, 'u32'],
  Preempted: [0x11C, 'u8'],
  ProcessReadyQueue: [0x11D, 'u8'],
  KernelStackResident: [0x11E, 'u8'],
  NextProcessor: [0x11F, 'u8'],
  CallbackStack: [0x120, 'ptr'],
  Win32Thread: [0x124, 'ptr'],
  TrapFrame: [0x128, 'ptr'],
  ApcStatePointer: [0x12C, array('ptr', 2)],
  EnableStackSwap: [0x134, 'u8'],
  LargeStack: [0x135, 'u8'],
  ResourceIndex: [0x136, 'u8'],
  PreviousMode: [0x137, 'i8'],
  KernelTime: [0x138, 'u32'],
  UserTime: [0x13C, 'u32'],
  SavedApcState: [0x140, KAPC_STATE],
  Alertable: [0x158, 'u8'],
  ApcStateIndex: [0x159, 'u8'],
  ApcQueueable: [0x15A, 'u8'],
  AutoAlignment: [0x15B, 'u8'],
  StackBase: [0x15C, 'ptr'],
  SuspendApc: [0x160, KAPC],
  SuspendSemaphore: [0x190, bytes(0x14)], // KSEMAPHORE
  ThreadListEntry: [0x1A4, LIST_ENTRY],
  FreezeCount: [0x1AC, 'i8'],
  SuspendCount: [0x1AD, 'i8'],
  IdealProcessor: [0x1AE, 'u8'],
  DisableBoost: [0x1AF, 'u8'],
});

export const KPROCESS = defineStruct('KPROCESS', 0x6C, {
  Header: [0x00, DISPATCHER_HEADER],
  ProfileListHead: [0x10, LIST_ENTRY],
  DirectoryTableBase: [0x18, array('u32', 2)],   // [0] = CR3 (physical page directory)
  LdtDescriptor: [0x20, KGDTENTRY],
  Int21Descriptor: [0x28, KIDTENTRY],
  IopmOffset: [0x30, 'u16'],
  Iopl: [0x32, 'u8'],
  VdmFlag: [0x33, 'u8'],
  ActiveProcessors: [0x34, 'u32'],
  KernelTime: [0x38, 'u32'],
  UserTime: [0x3C, 'u32'],
  ReadyListHead: [0x40, LIST_ENTRY],
  SwapListEntry: [0x48, LIST_ENTRY],
  ThreadListHead: [0x50, LIST_ENTRY],
  ProcessLock: [0x58, 'u32'],
  Affinity: [0x5C, 'u32'],
  StackCount: [0x60, 'u16'],
  BasePriority: [0x62, 'i8'],
  ThreadQuantum: [0x63, 'i8'],
  AutoAlignment: [0x64, 'u8'],
  State: [0x65, 'u8'],
  ThreadSeed: [0x66, 'u8'],
  DisableBoost: [0x67, 'u8'],
});

export const CLIENT_ID = defineStruct('CLIENT_ID', 0x8, {
  UniqueProcess: [0x0, 'u32'],
  UniqueThread: [0x4, 'u32'],
});

/** The executive's process: KPROCESS first (Pcb), then what Ps/Ob/Mm keep. NT Lab models the
 *  fields it uses so far; the I/O and object issue adds the handle table here. */
export const EPROCESS = defineStruct('EPROCESS', 0x290, {
  Pcb: [0x000, KPROCESS],
  ExitStatus: [0x06C, 'i32'],
  UniqueProcessId: [0x09C, 'u32'],
  ActiveProcessLinks: [0x0A0, LIST_ENTRY],
  ObjectTable: [0x128, 'ptr'],
  VadRoot: [0x194, 'ptr'],              // the MMVAD tree of the user address space
  VadHint: [0x198, 'ptr'],
  SectionBaseAddress: [0x1AC, 'ptr'],
  Peb: [0x1B0, 'ptr'],
  ImageFileName: [0x1FC, array('u8', 16)],
});

/** The executive's thread: KTHREAD first (Tcb). */
export const ETHREAD = defineStruct('ETHREAD', 0x240, {
  Tcb: [0x000, KTHREAD],
  ExitStatus: [0x1C0, 'i32'],
  Cid: [0x1E0, CLIENT_ID],
  ThreadsProcess: [0x22C, 'ptr'],
  StartAddress: [0x230, 'ptr'],
});

// ---- user-mode structures ---------------------------------------------------------------

export const UNICODE_STRING = defineStruct('UNICODE_STRING', 0x8, {
  Length: [0x0, 'u16'],
  MaximumLength: [0x2, 'u16'],
  Buffer: [0x4, 'ptr'],
});

export const RTL_USER_PROCESS_PARAMETERS = defineStruct('RTL_USER_PROCESS_PARAMETERS', 0x290, {
  MaximumLength: [0x00, 'u32'],
  Length: [0x04, 'u32'],
  Flags: [0x08, 'u32'],
  DebugFlags: [0x0C, 'u32'],
  ConsoleHandle: [0x10, 'u32'],
  ConsoleFlags: [0x14, 'u32'],
  StandardInput: [0x18, 'u32'],
  StandardOutput: [0x1C, 'u32'],
  StandardError: [0x20, 'u32'],
  CurrentDirectory: [0x24, bytes(0xC)],   // CURDIR
  DllPath: [0x30, UNICODE_STRING],
  ImagePathName: [0x38, UNICODE_STRING],
  CommandLine: [0x40, UNICODE_STRING],
  Environment: [0x48, 'ptr'],
});

export const PEB = defineStruct('PEB', 0x1E8, {
  InheritedAddressSpace: [0x00, 'u8'],
  ReadImageFileExecOptions: [0x01, 'u8'],
  BeingDebugged: [0x02, 'u8'],
  SpareBool: [0x03, 'u8'],
  Mutant: [0x04, 'u32'],
  ImageBaseAddress: [0x08, 'ptr'],
  Ldr: [0x0C, 'ptr'],
  ProcessParameters: [0x10, 'ptr'],
  SubSystemData: [0x14, 'ptr'],
  ProcessHeap: [0x18, 'ptr'],
  NumberOfProcessors: [0x64, 'u32'],
  NtGlobalFlag: [0x68, 'u32'],
  OSMajorVersion: [0xA4, 'u32'],
  OSMinorVersion: [0xA8, 'u32'],
  OSBuildNumber: [0xAC, 'u16'],
  OSCSDVersion: [0xAE, 'u16'],
  OSPlatformId: [0xB0, 'u32'],
  ImageSubsystem: [0xB4, 'u32'],
  ImageSubsystemMajorVersion: [0xB8, 'u32'],
  ImageSubsystemMinorVersion: [0xBC, 'u32'],
});

/** The thread environment block (fs:0 in ring 3, selector 0x3B), one page per thread. */
export const TEB = defineStruct('TEB', 0x1000, {
  NtTib: [0x000, NT_TIB],
  EnvironmentPointer: [0x01C, 'ptr'],
  ClientId: [0x020, CLIENT_ID],
  ActiveRpcHandle: [0x028, 'ptr'],
  ThreadLocalStoragePointer: [0x02C, 'ptr'],
  ProcessEnvironmentBlock: [0x030, 'ptr'],
  LastErrorValue: [0x034, 'u32'],
  CountOfOwnedCriticalSections: [0x038, 'u32'],
  CsrClientThread: [0x03C, 'ptr'],
  Win32ThreadInfo: [0x040, 'ptr'],
  CurrentLocale: [0x0C4, 'u32'],
  LastStatusValue: [0xBF4, 'u32'],
  DeallocationStack: [0xE0C, 'ptr'],
  TlsSlots: [0xE10, array('ptr', 64)],
});

/** Shared between the kernel (0xFFDF0000, writable) and every process (0x7FFE0000, read-only). */
export const KUSER_SHARED_DATA = defineStruct('KUSER_SHARED_DATA', 0x320, {
  TickCountLow: [0x000, 'u32'],
  TickCountMultiplier: [0x004, 'u32'],
  InterruptTime: [0x008, bytes(0xC)],     // KSYSTEM_TIME
  SystemTime: [0x014, bytes(0xC)],        // KSYSTEM_TIME
  TimeZoneBias: [0x020, bytes(0xC)],
  ImageNumberLow: [0x02C, 'u16'],
  ImageNumberHigh: [0x02E, 'u16'],
  NtSystemRoot: [0x030, array('u16', 260)],
  NtProductType: [0x264, 'u32'],
  ProductTypeIsValid: [0x268, 'u8'],
  NtMajorVersion: [0x26C, 'u32'],
  NtMinorVersion: [0x270, 'u32'],
  SystemCall: [0x300, 'ptr'],             // -> ntdll!KiFastSystemCall
  SystemCallReturn: [0x304, 'ptr'],       // -> ntdll!KiFastSystemCallRet
});

// ---- a few argument structures (for decoding system-call arguments) ----------------------

export const IO_STATUS_BLOCK = defineStruct('IO_STATUS_BLOCK', 0x8, {
  Status: [0x0, 'i32'],
  Information: [0x4, 'u32'],
});

export const OBJECT_ATTRIBUTES = defineStruct('OBJECT_ATTRIBUTES', 0x18, {
  Length: [0x00, 'u32'],
  RootDirectory: [0x04, 'u32'],
  ObjectName: [0x08, 'ptr'],
  Attributes: [0x0C, 'u32'],
  SecurityDescriptor: [0x10, 'ptr'],
  SecurityQualityOfService: [0x14, 'ptr'],
});

export const EXCEPTION_RECORD = defineStruct('EXCEPTION_RECORD', 0x50, {
  ExceptionCode: [0x00, 'u32'],
  ExceptionFlags: [0x04, 'u32'],
  ExceptionRecord: [0x08, 'ptr'],
  ExceptionAddress: [0x0C, 'ptr'],
  NumberParameters: [0x10, 'u32'],
  ExceptionInformation: [0x14, array('u32', 15)],
});

export const CONTEXT = defineStruct('CONTEXT', 0x2CC, {
  ContextFlags: [0x00, 'u32'],
  Dr0: [0x04, 'u32'], Dr1: [0x08, 'u32'], Dr2: [0x0C, 'u32'], Dr3: [0x10, 'u32'],
  Dr6: [0x14, 'u32'], Dr7: [0x18, 'u32'],
  FloatSave: [0x1C, bytes(0x70)],
  SegGs: [0x8C, 'u32'], SegFs: [0x90, 'u32'], SegEs: [0x94, 'u32'], SegDs: [0x98, 'u32'],
  Edi: [0x9C, 'u32'], Esi: [0xA0, 'u32'], Ebx: [0xA4, 'u32'], Edx: [0xA8, 'u32'],
  Ecx: [0xAC, 'u32'], Eax: [0xB0, 'u32'], Ebp: [0xB4, 'u32'], Eip: [0xB8, 'u32'],
  SegCs: [0xBC, 'u32'], EFlags: [0xC0, 'u32'], Esp: [0xC4, 'u32'], SegSs: [0xC8, 'u32'],
  ExtendedRegisters: [0xCC, bytes(512)],
});

/** Every structure, dependencies first: the order ks386.inc is written in. */
export const ALL_STRUCTS = [
  LIST_ENTRY, DISPATCHER_HEADER, KAPC_STATE, KAPC, KDPC, KPRCB, NT_TIB, KPCR, KTSS, KGDTENTRY,
  KIDTENTRY, KTRAP_FRAME, KSERVICE_TABLE_DESCRIPTOR, KTHREAD, KPROCESS, CLIENT_ID, EPROCESS, ETHREAD,
  UNICODE_STRING, RTL_USER_PROCESS_PARAMETERS, PEB, TEB, KUSER_SHARED_DATA, IO_STATUS_BLOCK,
  OBJECT_ATTRIBUTES, EXCEPTION_RECORD, CONTEXT,
];
