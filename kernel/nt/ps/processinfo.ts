// NtQueryInformationProcess and NtSetInformationProcess (ps/query.c on NT), for the classes
// NT Lab knows: ProcessBasicInformation (GetExitCodeProcess reads its ExitStatus) and
// ProcessBasePriority. Same order of checks as the thread classes (threadinfo.ts).
import type { ServiceBody } from '../ke/services.ts';
import type { Kernel } from '../kernel.ts';
import type { VirtualMemory } from '../mm/virtual.ts';
import { EPROCESS } from '../layouts.ts';
import { PROCESS_QUERY_INFORMATION, PROCESS_SET_INFORMATION } from '../ob/access.ts';
import { keSetPriorityProcess, LOW_PRIORITY, HIGH_PRIORITY } from '../ke/priority.ts';
import { readUlongArgument, probeQueryBuffers, withObject } from './infoargs.ts';
import { STATUS_SUCCESS, STATUS_INVALID_INFO_CLASS, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_PARAMETER } from '../ex/status.ts';

/** PROCESSINFOCLASS values (ntddk.h). */
export const ProcessBasicInformation = 0;
export const ProcessBasePriority = 5;

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

/** NtQueryInformationProcess(ProcessHandle, ProcessInformationClass, ProcessInformation,
 *  ProcessInformationLength, ReturnLength). */
export const NtQueryInformationProcess: ServiceBody = ({ kernel, mem, previousMode, args: [handle, infoClass, info, length, returnLength] }) => {
  probeQueryBuffers(mem, previousMode, info, length, returnLength);
  if (infoClass !== ProcessBasicInformation) return STATUS_INVALID_INFO_CLASS;
  if (length !== PROCESS_BASIC_INFORMATION_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  return withObject(kernel, handle, PROCESS_QUERY_INFORMATION, 'Process', previousMode, eprocess => {
    writeBasicInformation(kernel, mem, eprocess, info);
    if (returnLength) mem.write32(returnLength, PROCESS_BASIC_INFORMATION_SIZE);
    return STATUS_SUCCESS;
  });
};

/** NtSetInformationProcess(ProcessHandle, ProcessInformationClass, ProcessInformation,
 *  ProcessInformationLength): ProcessBasePriority, 1..31; every thread keeps its increment
 *  over the new base (KeSetPriorityProcess). */
export const NtSetInformationProcess: ServiceBody = ({ kernel, mem, previousMode, args: [handle, infoClass, info, length] }) => {
  if (infoClass !== ProcessBasePriority) return STATUS_INVALID_INFO_CLASS;
  const arg = readUlongArgument(mem, previousMode, info, length);
  if (arg.status !== STATUS_SUCCESS) return arg.status;
  const base = (arg.value & ~MEMORY_PRIORITY_FOREGROUND) | 0;
  if (base <= LOW_PRIORITY || base > HIGH_PRIORITY) return STATUS_INVALID_PARAMETER;
  return withObject(kernel, handle, PROCESS_SET_INFORMATION, 'Process', previousMode, eprocess => {
    const threads = kernel.processes.find(p => p.eprocess === eprocess)?.threads ?? [];
    keSetPriorityProcess(kernel, eprocess, threads, base);
    return STATUS_SUCCESS;
  });
};
