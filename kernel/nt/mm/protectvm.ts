// NtProtectVirtualMemory: a new protection for committed pages; the old one (of the first
// page) goes back to the caller. Probes of user buffers then see it: a PAGE_NOACCESS page
// is not present, a read-only one fails ProbeForWrite.
import type { ServiceBody } from '../ke/services.ts';
import { PAGE_SIZE } from '../../cpu/types.ts';
import { MM_SHARED_USER_DATA_VA } from '../memmap.ts';
import { UserMode } from '../ke/irql.ts';
import { dereferenceObject } from '../ob/object.ts';
import { PROCESS_VM_OPERATION } from '../ob/access.ts';
import { STATUS_SUCCESS, STATUS_INVALID_PAGE_PROTECTION, STATUS_NOT_COMMITTED, STATUS_INVALID_PARAMETER_2, STATUS_INVALID_PARAMETER_3 } from '../ex/status.ts';
import { mmProtection, pageProtection } from './protect.ts';
import { pteProtection } from './pte.ts';
import { pteOf, protectPages, referenceAddressSpace } from './space.ts';
import { pageDown, pageUp } from './allocate.ts';

/** KUSER_SHARED_DATA and above stay as the kernel mapped them (read-only). */
const USER_LIMIT = MM_SHARED_USER_DATA_VA;

/** NtProtectVirtualMemory(ProcessHandle, *BaseAddress, *NumberOfBytesToProtect,
 *  NewAccessProtection, *OldAccessProtection). */
export const NtProtectVirtualMemory: ServiceBody = ({ kernel, mem, previousMode, args: [process, baseOut, sizeOut, protect, oldOut] }) => {
  const mm = mmProtection(protect);
  if (mm < 0) return STATUS_INVALID_PAGE_PROTECTION;
  if (previousMode === UserMode) { mem.probe(baseOut, 4, true); mem.probe(sizeOut, 4, true); mem.probe(oldOut, 4, true); }
  const base = mem.read32(baseOut) >>> 0, size = mem.read32(sizeOut) >>> 0;
  if (base >= USER_LIMIT) return STATUS_INVALID_PARAMETER_2;
  if (size === 0 || size > USER_LIMIT - base) return STATUS_INVALID_PARAMETER_3;
  const start = pageDown(base), end = pageUp(base + size);
  const { status, space } = referenceAddressSpace(kernel, process, PROCESS_VM_OPERATION, previousMode);
  if (!space) return status;
  try {
    for (let va = start; va < end; va += PAGE_SIZE) if (!pteOf(kernel, space, va)) return STATUS_NOT_COMMITTED;
    const old = pageProtection(pteProtection(pteOf(kernel, space, start)));
    protectPages(kernel, space, start, end, mm);
    mem.write32(baseOut, start);
    mem.write32(sizeOut, end - start);
    mem.write32(oldOut, old);
    return STATUS_SUCCESS;
  } finally {
    dereferenceObject(kernel, space.eprocess);
  }
};
