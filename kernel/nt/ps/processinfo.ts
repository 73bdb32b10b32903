// NtQueryInformationProcess and NtSetInformationProcess (ps/query.c on NT), for the classes
// NT Lab knows: ProcessBasicInformation (GetExitCodeProcess reads its ExitStatus),
// ProcessBasePriority and ProcessPriorityClass (kernel32's Set/GetPriorityClass). Same
// order of checks as the thread classes (threadinfo.ts).
import type { ServiceBody } from '../ke/services.ts';
import type { Kernel } from '../kernel.ts';
import type { VirtualMemory } from '../mm/virtual.ts';
import { EPROCESS } from '../layouts.ts';
import { PROCESS_QUERY_INFORMATION, PROCESS_SET_INFORMATION } from '../ob/access.ts';
import { keSetPriorityProcess, LOW_PRIORITY, HIGH_PRIORITY } from '../ke/priority.ts';
import { readUlongArgument, probeQueryBuffers, withObject } from './infoargs.ts';
import { UserMode } from '../ke/irql.ts';
import { STATUS_SUCCESS, STATUS_INVALID_INFO_CLASS, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_PARAMETER } from '../ex/status.ts';

/** PROCESSINFOCLASS values (ntddk.h). */
export const ProcessBasicInformation = 0;
export const ProcessBasePriority = 5;
export const ProcessPriorityClass = 0x12;

/** PROCESS_PRIORITY_CLASS { BOOLEAN Foreground; UCHAR PriorityClass; }. */
export const PROCESS_PRIORITY_CLASS_SIZE = 2;
/** PROCESS_PRIORITY_CLASS_* and the base priority each gives the process (PspPriorityTable). */
export const PRIORITY_CLASS_BASES: Record<number, number> = {
  1: 4,     // IDLE
  2: 8,     // NORMAL
  3: 13,    // HIGH
  4: 24,    // REALTIME (NT asks for SeIncreaseBasePriorityPrivilege; NT Lab has none to ask)
  5: 6,     // BELOW_NORMAL
  6: 10,    // ABOVE_NORMAL
};
const PROCESS_PRIORITY_CLASS_NORMAL = 2;

/** PROCESS_BASIC_INFORMATION: ExitStatus, PebBaseAddress, AffinityMask, BasePriority,
 *  UniqueProcessId, InheritedFromUniqueProcessId. */
export const PROCESS_BASIC_INFORMATION_SIZE = 0x18;
/** ProcessBasePriority's top bit asks for the foreground memory priority (ignored here). */
const MEMORY_PRIORITY_FOREGROUND = 0x80000000;

function writeBasicInformation(k: Kernel, mem: VirtualMemory, eprocess: number, at: number): void {
  const ep = EPROCESS.at(k.vm, eprocess);
  const noParent = 0;                  // processes are started by the host, not by a parent
  const values = [
    ep.get('ExitStatus'), ep.get('Peb'), ep.get('Pcb.Affinity'), ep.get('Pcb.BasePriority'), ep.get('UniqueProcessId'), noParent,
  ];
  values.forEach((v, i) => mem.write32(at + 4 * i, v));
}

/** The class is not kept apart from the base priority (NT keeps EPROCESS.PriorityClass):
 *  it is the class whose base the process has, NORMAL for a base set by number. */
function writePriorityClass(k: Kernel, mem: VirtualMemory, eprocess: number, at: number): void {
  const base = EPROCESS.at(k.vm, eprocess).get('Pcb.BasePriority');
  const cls = Object.entries(PRIORITY_CLASS_BASES).find(([, b]) => b === base)?.[0];
  mem.write8(at, 0);                                     // Foreground
  mem.write8(at + 1, cls ? Number(cls) : PROCESS_PRIORITY_CLASS_NORMAL);
}

const QUERY_CLASSES: Record<number, { size: number; write: typeof writeBasicInformation }> = {
  [ProcessBasicInformation]: { size: PROCESS_BASIC_INFORMATION_SIZE, write: writeBasicInformation },
  [ProcessPriorityClass]: { size: PROCESS_PRIORITY_CLASS_SIZE, write: writePriorityClass },
};

/** NtQueryInformationProcess(ProcessHandle, ProcessInformationClass, ProcessInformation,
 *  ProcessInformationLength, ReturnLength). */
export const NtQueryInformationProcess: ServiceBody = ({ kernel, mem, previousMode, args: [handle, infoClass, info, length, returnLength] }) => {
  probeQueryBuffers(mem, previousMode, info, length, returnLength);
  const c = QUERY_CLASSES[infoClass];
  if (!c) return STATUS_INVALID_INFO_CLASS;
  if (length !== c.size) return STATUS_INFO_LENGTH_MISMATCH;
  return withObject(kernel, handle, PROCESS_QUERY_INFORMATION, 'Process', previousMode, eprocess => {
    c.write(kernel, mem, eprocess, info);
    if (returnLength) mem.write32(returnLength, c.size);
    return STATUS_SUCCESS;
  });
};

/** The base priority a Set call asks for, or a status: ProcessBasePriority passes it (1..31),
 *  ProcessPriorityClass a PROCESS_PRIORITY_CLASS whose class names it. */
function requestedBase(mem: VirtualMemory, previousMode: number, infoClass: number, info: number, length: number): { status: number; base: number } {
  if (infoClass === ProcessPriorityClass) {
    if (length !== PROCESS_PRIORITY_CLASS_SIZE) return { status: STATUS_INFO_LENGTH_MISMATCH, base: 0 };
    if (previousMode === UserMode) mem.probe(info, PROCESS_PRIORITY_CLASS_SIZE, false);
    const base = PRIORITY_CLASS_BASES[mem.readBytes(info + 1, 1)[0]];
    return base ? { status: STATUS_SUCCESS, base } : { status: STATUS_INVALID_PARAMETER, base: 0 };
  }
  const arg = readUlongArgument(mem, previousMode, info, length);
  if (arg.status !== STATUS_SUCCESS) return { status: arg.status, base: 0 };
  const base = (arg.value & ~MEMORY_PRIORITY_FOREGROUND) | 0;
  return base <= LOW_PRIORITY || base > HIGH_PRIORITY ? { status: STATUS_INVALID_PARAMETER, base: 0 } : { status: STATUS_SUCCESS, base };
}

/** NtSetInformationProcess(ProcessHandle, ProcessInformationClass, ProcessInformation,
 *  ProcessInformationLength): ProcessBasePriority (1..31) or ProcessPriorityClass; every
 *  thread keeps its increment over the new base (KeSetPriorityProcess). */
export const NtSetInformationProcess: ServiceBody = ({ kernel, mem, previousMode, args: [handle, infoClass, info, length] }) => {
  if (infoClass !== ProcessBasePriority && infoClass !== ProcessPriorityClass) return STATUS_INVALID_INFO_CLASS;
  const { status, base } = requestedBase(mem, previousMode, infoClass, info, length);
  if (status !== STATUS_SUCCESS) return status;
  return withObject(kernel, handle, PROCESS_SET_INFORMATION, 'Process', previousMode, eprocess => {
    const threads = kernel.processes.find(p => p.eprocess === eprocess)?.threads ?? [];
    keSetPriorityProcess(kernel, eprocess, threads, base);
    return STATUS_SUCCESS;
  });
};
