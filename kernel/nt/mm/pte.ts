// User PTEs as the memory manager reads them. A PTE of private memory is one of:
//   0                      not committed (free, or reserved: the VAD says which);
//   valid (P = 1)          committed and accessible: the frame, U/S, R/W, and the MM_*
//                          protection in the three bits the CPU leaves to software (9-11),
//                          so NtQueryVirtualMemory can tell EXECUTE_READ from READONLY;
//   not valid, not 0       committed PAGE_NOACCESS: the frame (its contents survive a later
//                          NtProtectVirtualMemory) and MM_NOACCESS in bits 5-9, where NT's
//                          software PTE (MMPTE_SOFTWARE.Protection) keeps it.
// Pages the loader and the thread code map (PAGE_USER_RW/RO, no software bits) read as
// READWRITE or READONLY.
import type { PhysicalMemory } from '../../cpu/memory.ts';
import { PTE_P, PTE_RW, PAGE_MASK, PAGE_SHIFT } from '../../cpu/types.ts';
import type { PageAllocator } from './pfn.ts';
import { hardwareBits, MM_NOACCESS, MM_READONLY, MM_READWRITE } from './protect.ts';

const PDE_SHIFT = 22;
const PTES_PER_TABLE = 1024;
const VALID_PROTECTION_SHIFT = 9, VALID_PROTECTION_MASK = 0x7;
const SOFTWARE_PROTECTION_SHIFT = 5, SOFTWARE_PROTECTION_MASK = 0x1F;
/** A new user page table: the PDE lets user mode through, each PTE decides. */
const USER_PDE_BITS = 0x7;

const pdeAddress = (pd: number, va: number) => pd + ((va >>> PDE_SHIFT) << 2);
const pteOffset = (va: number) => ((va >>> PAGE_SHIFT) & (PTES_PER_TABLE - 1)) << 2;

/** The PTE mapping `va` in the address space `pd` (0 when it has no page table). */
export function readPte(mem: PhysicalMemory, pd: number, va: number): number {
  const pde = mem.read32(pdeAddress(pd, va));
  if (!(pde & PTE_P)) return 0;
  return mem.read32((pde & ~PAGE_MASK) + pteOffset(va)) >>> 0;
}

/** True when the page table covering `va` exists (a missing one means 1024 empty PTEs). */
export function hasPageTable(mem: PhysicalMemory, pd: number, va: number): boolean {
  return !!(mem.read32(pdeAddress(pd, va)) & PTE_P);
}

export function writePte(mem: PhysicalMemory, pages: PageAllocator, pd: number, va: number, pte: number): void {
  let pde = mem.read32(pdeAddress(pd, va));
  if (!(pde & PTE_P)) {
    if (!pte) return;                  // nothing to clear
    pde = pages.allocPage() | USER_PDE_BITS;
    mem.write32(pdeAddress(pd, va), pde);
  }
  mem.write32((pde & ~PAGE_MASK) + pteOffset(va), pte);
}

/** A committed page's PTE: frame `pa` with MM protection `mm`. */
export function makePte(pa: number, mm: number): number {
  if (mm === MM_NOACCESS) return ((pa & ~PAGE_MASK) | (MM_NOACCESS << SOFTWARE_PROTECTION_SHIFT)) >>> 0;
  return ((pa & ~PAGE_MASK) | hardwareBits(mm) | (mm << VALID_PROTECTION_SHIFT)) >>> 0;
}

export const pteFrame = (pte: number) => (pte & ~PAGE_MASK) >>> 0;

/** The MM protection of a committed page's PTE. */
export function pteProtection(pte: number): number {
  if (!(pte & PTE_P)) return (pte >>> SOFTWARE_PROTECTION_SHIFT) & SOFTWARE_PROTECTION_MASK;
  const mm = (pte >>> VALID_PROTECTION_SHIFT) & VALID_PROTECTION_MASK;
  if (mm) return mm;
  return pte & PTE_RW ? MM_READWRITE : MM_READONLY;
}
