// NtQueryVirtualMemory(MemoryBasicInformation): what lies at an address -- free, reserved
// or committed, with which protection, in which region -- as a MEMORY_BASIC_INFORMATION
// describing the run of pages from there that share that state.
import type { ServiceBody } from '../ke/services.ts';
import type { Kernel } from '../kernel.ts';
import { PAGE_SIZE } from '../../cpu/types.ts';
import { MM_HIGHEST_USER_ADDRESS } from '../memmap.ts';
import { UserMode } from '../ke/irql.ts';
import { dereferenceObject } from '../ob/object.ts';
import { PROCESS_QUERY_INFORMATION } from '../ob/access.ts';
import { STATUS_SUCCESS, STATUS_INVALID_PARAMETER_2, STATUS_INVALID_INFO_CLASS, STATUS_INFO_LENGTH_MISMATCH } from '../ex/status.ts';
import { pageProtection, PAGE_NOACCESS } from './protect.ts';
import { pteProtection } from './pte.ts';
import { findVad, vadsInOrder } from './vad.ts';
import { pteOf, referenceAddressSpace, runEnd, firstCommitted, type AddressSpace } from './space.ts';
import { MEM_COMMIT, MEM_RESERVE, MEM_FREE, MEM_PRIVATE, pageDown } from './allocate.ts';

export const MemoryBasicInformation = 0;
/** MEMORY_BASIC_INFORMATION: BaseAddress, AllocationBase, AllocationProtect, RegionSize,
 *  State, Protect, Type (seven ULONGs). */
export const MEMORY_BASIC_INFORMATION_SIZE = 0x1C;
const USER_LIMIT = MM_HIGHEST_USER_ADDRESS + 1;

interface BasicInformation {
  base: number; allocationBase: number; allocationProtect: number; size: number; state: number; protect: number; type: number;
}

/** NtQueryVirtualMemory(ProcessHandle, BaseAddress, MemoryInformationClass,
 *  MemoryInformation, MemoryInformationLength, ReturnLength). */
export const NtQueryVirtualMemory: ServiceBody = ({ kernel, mem, previousMode, args: [process, address, infoClass, buffer, length, returnLength] }) => {
  if (infoClass !== MemoryBasicInformation) return STATUS_INVALID_INFO_CLASS;
  if (length < MEMORY_BASIC_INFORMATION_SIZE) return STATUS_INFO_LENGTH_MISMATCH;
  if ((address >>> 0) >= USER_LIMIT) return STATUS_INVALID_PARAMETER_2;
  if (previousMode === UserMode) { mem.probe(buffer, MEMORY_BASIC_INFORMATION_SIZE, true); if (returnLength) mem.probe(returnLength, 4, true); }
  const { status, space } = referenceAddressSpace(kernel, process, PROCESS_QUERY_INFORMATION, previousMode);
  if (!space) return status;
  const info = basicInformation(kernel, space, pageDown(address >>> 0));
  dereferenceObject(kernel, space.eprocess);
  [info.base, info.allocationBase, info.allocationProtect, info.size, info.state, info.protect, info.type]
    .forEach((v, i) => mem.write32(buffer + 4 * i, v));
  if (returnLength) mem.write32(returnLength, MEMORY_BASIC_INFORMATION_SIZE);
  return STATUS_SUCCESS;
};

function basicInformation(k: Kernel, s: AddressSpace, page: number): BasicInformation {
  const vad = findVad(k, s.eprocess, page / PAGE_SIZE);
  if (vad) {
    const end = runEnd(k, s, page, (vad.endingVpn + 1) * PAGE_SIZE);
    const pte = pteOf(k, s, page);
    return {
      base: page, allocationBase: vad.startingVpn * PAGE_SIZE, allocationProtect: pageProtection(vad.protection),
      size: end - page, state: pte ? MEM_COMMIT : MEM_RESERVE, protect: pte ? pageProtection(pteProtection(pte)) : 0, type: MEM_PRIVATE,
    };
  }
  const nextVad = vadsInOrder(k, s.eprocess).find(v => v.startingVpn * PAGE_SIZE > page);
  const limit = nextVad ? nextVad.startingVpn * PAGE_SIZE : USER_LIMIT;
  const pte = pteOf(k, s, page);
  if (pte) {
    // Mapped by the loader or the thread code, without a VAD: committed, its own region.
    const end = runEnd(k, s, page, limit);
    const protect = pageProtection(pteProtection(pte));
    return { base: page, allocationBase: page, allocationProtect: protect, size: end - page, state: MEM_COMMIT, protect, type: MEM_PRIVATE };
  }
  const end = firstCommitted(k, s, page, limit);
  return { base: page, allocationBase: 0, allocationProtect: 0, size: end - page, state: MEM_FREE, protect: PAGE_NOACCESS, type: 0 };
}
