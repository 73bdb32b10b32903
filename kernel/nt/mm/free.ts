// NtFreeVirtualMemory: MEM_DECOMMIT gives pages of a region back (the region stays
// reserved), MEM_RELEASE gives the whole region back (its VAD goes).
import type { ServiceBody } from '../ke/services.ts';
import { PAGE_SIZE } from '../../cpu/types.ts';
import { UserMode } from '../ke/irql.ts';
import { dereferenceObject } from '../ob/object.ts';
import { PROCESS_VM_OPERATION } from '../ob/access.ts';
import {
  STATUS_SUCCESS, STATUS_INVALID_PARAMETER_4, STATUS_MEMORY_NOT_ALLOCATED, STATUS_FREE_VM_NOT_AT_BASE,
  STATUS_UNABLE_TO_FREE_VM,
} from '../ex/status.ts';
import { findVad, removeVad, type Vad } from './vad.ts';
import { decommitPages, referenceAddressSpace } from './space.ts';
import { MEM_DECOMMIT, MEM_RELEASE, pageDown, pageUp } from './allocate.ts';

const vadStart = (v: Vad) => v.startingVpn * PAGE_SIZE;
const vadEnd = (v: Vad) => (v.endingVpn + 1) * PAGE_SIZE;

/** NtFreeVirtualMemory(ProcessHandle, *BaseAddress, *RegionSize, FreeType). */
export const NtFreeVirtualMemory: ServiceBody = ({ kernel, mem, previousMode, args: [process, baseOut, sizeOut, freeType] }) => {
  if (freeType !== MEM_DECOMMIT && freeType !== MEM_RELEASE) return STATUS_INVALID_PARAMETER_4;
  if (previousMode === UserMode) { mem.probe(baseOut, 4, true); mem.probe(sizeOut, 4, true); }
  const base = mem.read32(baseOut) >>> 0, size = mem.read32(sizeOut) >>> 0;
  const { status, space } = referenceAddressSpace(kernel, process, PROCESS_VM_OPERATION, previousMode);
  if (!space) return status;
  try {
    const vad = findVad(kernel, space.eprocess, Math.floor(base / PAGE_SIZE));
    if (!vad) return STATUS_MEMORY_NOT_ALLOCATED;
    // Size 0: from the base to the end of the region (which, to release, must be the
    // region's own base).
    const start = size ? pageDown(base) : base;
    const end = size ? pageUp(base + size) : vadEnd(vad);
    if (end > vadEnd(vad)) return STATUS_UNABLE_TO_FREE_VM;
    if (freeType === MEM_RELEASE) {
      if (!size && base !== vadStart(vad)) return STATUS_FREE_VM_NOT_AT_BASE;
      // NT splits a region released in part; NT Lab releases whole regions only.
      if (start !== vadStart(vad) || end !== vadEnd(vad)) return STATUS_UNABLE_TO_FREE_VM;
      decommitPages(kernel, space, start, end);
      removeVad(kernel, space.eprocess, vad.address);
    } else {
      decommitPages(kernel, space, start, end);
    }
    mem.write32(baseOut, start);
    mem.write32(sizeOut, end - start);
    return STATUS_SUCCESS;
  } finally {
    dereferenceObject(kernel, space.eprocess);
  }
};
