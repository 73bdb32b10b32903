// Page directories and tables in guest RAM, the i386 two-level format.
//
// Every address space shares the kernel half (PDEs 0x200-0x3FF): KSEG0 as 4 MiB
// supervisor-only pages mapping physical memory at 0x80000000, the page directory mapped
// into itself at PTE_BASE (so PDE_BASE = 0xC0300000 is the directory, as on NT), and one
// page table for the top 4 MiB holding the KPCR and the kernel's view of
// KUSER_SHARED_DATA. The user half is per process, in 4 KiB pages.
import type { PhysicalMemory } from '../../cpu/memory.ts';
import { PTE_P, PTE_RW, PTE_US, PTE_PS, PAGE_MASK, PAGE_SHIFT, PAGE_SIZE } from '../../cpu/types.ts';
import type { PageAllocator } from './pfn.ts';
import {
  KSEG0_BASE, PTE_BASE, KIP0PCRADDRESS, KI_USER_SHARED_DATA, PHYS_PCR, PHYS_SHARED_USER_DATA,
  PHYS_SYSTEM_PD, PHYS_HIGH_PT,
} from '../memmap.ts';

const LARGE_PAGE = 0x400000;
const PDE_SHIFT = 22;
const ENTRIES = 1024;
/** The first PDE of kernel space. */
const KERNEL_PDE_FIRST = KSEG0_BASE >>> PDE_SHIFT;

const pdeIndex = (va: number) => va >>> PDE_SHIFT;
const pteIndex = (va: number) => (va >>> PAGE_SHIFT) & (ENTRIES - 1);

/** PTE flags for the three kinds of page NT Lab maps. */
export const PAGE_KERNEL_RW = PTE_P | PTE_RW;
export const PAGE_USER_RO = PTE_P | PTE_US;
export const PAGE_USER_RW = PTE_P | PTE_RW | PTE_US;

/** Builds the system page directory (the kernel half every process copies). */
export function buildSystemPageDirectory(mem: PhysicalMemory): number {
  const pd = PHYS_SYSTEM_PD;
  mem.u8.fill(0, pd, pd + PAGE_SIZE);
  mem.u8.fill(0, PHYS_HIGH_PT, PHYS_HIGH_PT + PAGE_SIZE);
  for (let pa = 0; pa < mem.size; pa += LARGE_PAGE)
    mem.write32(pd + (pdeIndex(KSEG0_BASE + pa) << 2), pa | PTE_PS | PAGE_KERNEL_RW);
  mem.write32(pd + (pdeIndex(KIP0PCRADDRESS) << 2), PHYS_HIGH_PT | PAGE_KERNEL_RW);
  mem.write32(PHYS_HIGH_PT + (pteIndex(KIP0PCRADDRESS) << 2), PHYS_PCR | PAGE_KERNEL_RW);
  mem.write32(PHYS_HIGH_PT + (pteIndex(KI_USER_SHARED_DATA) << 2), PHYS_SHARED_USER_DATA | PAGE_KERNEL_RW);
  selfMap(mem, pd);
  return pd;
}

/** A new address space: an empty user half and the system's kernel half. */
export function createPageDirectory(mem: PhysicalMemory, pages: PageAllocator): number {
  const pd = pages.allocPage();
  for (let i = KERNEL_PDE_FIRST; i < ENTRIES; i++) mem.write32(pd + (i << 2), mem.read32(PHYS_SYSTEM_PD + (i << 2)));
  selfMap(mem, pd);
  return pd;
}

function selfMap(mem: PhysicalMemory, pd: number): void {
  mem.write32(pd + (pdeIndex(PTE_BASE) << 2), pd | PAGE_KERNEL_RW);
}

/** Maps one 4 KiB page, making the page table if needed (user page tables are user-
 *  accessible and writable at the PDE level; the PTE decides). */
export function mapPage(mem: PhysicalMemory, pages: PageAllocator, pd: number, va: number, pa: number, flags: number): void {
  const pdeAddr = pd + (pdeIndex(va) << 2);
  let pde = mem.read32(pdeAddr);
  if (!(pde & PTE_P)) {
    pde = pages.allocPage() | PAGE_USER_RW;
    mem.write32(pdeAddr, pde);
  }
  mem.write32((pde & ~PAGE_MASK) + (pteIndex(va) << 2), (pa & ~PAGE_MASK) | flags);
}

/** Maps [va, va+size) to fresh zeroed pages; returns the physical pages in order. */
export function mapFreshPages(mem: PhysicalMemory, pages: PageAllocator, pd: number, va: number, size: number, flags: number): number[] {
  const out: number[] = [];
  for (let p = va & ~PAGE_MASK; p < va + size; p += PAGE_SIZE) {
    const pa = pages.allocPage();
    mapPage(mem, pages, pd, p, pa, flags);
    out.push(pa);
  }
  return out;
}

/** Changes the flags of an already mapped page. */
export function protectPage(mem: PhysicalMemory, pd: number, va: number, flags: number): void {
  const pde = mem.read32(pd + (pdeIndex(va) << 2));
  const pteAddr = (pde & ~PAGE_MASK) + (pteIndex(va) << 2);
  mem.write32(pteAddr, (mem.read32(pteAddr) & ~PAGE_MASK) | flags);
}
