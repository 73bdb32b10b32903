// The address space a virtual-memory service works on: the process a handle names (the
// current process for NtCurrentProcess, -1), its page directory, and how its pages change
// -- committing fresh zeroed pages, decommitting, changing protection -- with the TLB told
// when the address space is the one the CPU is using.
import type { Kernel } from '../kernel.ts';
import { EPROCESS } from '../layouts.ts';
import { PAGE_MASK, PAGE_SHIFT, PAGE_SIZE } from '../../cpu/types.ts';
import { referenceObjectByHandle } from '../ob/handle.ts';
import { obType } from '../ob/types.ts';
import { STATUS_SUCCESS } from '../ex/status.ts';
import { makePte, pteFrame, pteProtection, readPte, writePte, hasPageTable } from './pte.ts';

const PAGES_PER_TABLE = 1024;
const TABLE_SPAN = PAGES_PER_TABLE * PAGE_SIZE;

export interface AddressSpace { eprocess: number; pd: number }

/** The process `handle` names, referenced (the caller dereferences `eprocess`). */
export function referenceAddressSpace(k: Kernel, handle: number, access: number, mode: number): { status: number; space?: AddressSpace } {
  const r = referenceObjectByHandle(k, handle, access, obType(k, 'Process'), mode);
  if (r.status !== STATUS_SUCCESS) return { status: r.status };
  const pd = EPROCESS.at(k.vm, r.body).get('Pcb.DirectoryTableBase[0]') & ~PAGE_MASK;
  return { status: STATUS_SUCCESS, space: { eprocess: r.body, pd } };
}

export const pteOf = (k: Kernel, s: AddressSpace, va: number) => readPte(k.cpu.mem, s.pd, va);

function setPte(k: Kernel, s: AddressSpace, va: number, pte: number): void {
  writePte(k.cpu.mem, k.pages, s.pd, va, pte);
  if ((k.cpu.mmu.cr3 & ~PAGE_MASK) === s.pd) k.cpu.mmu.invalidate(va);
}

/** Page tables a range may need beside its pages (one per 4 MiB it touches, plus one). */
const pageTablesFor = (bytes: number) => Math.ceil(bytes / TABLE_SPAN) + 1;

/** MiChargeCommitment, roughly: are there physical pages for committing `bytes` (after
 *  the reaper has given back what ended processes held)? */
export function canCommit(k: Kernel, bytes: number): boolean {
  const needed = bytes / PAGE_SIZE + pageTablesFor(bytes);
  if (k.pages.available >= needed) return true;
  k.pages.reclaim?.();
  return k.pages.available >= needed;
}

/** MiResolveDemandZeroFault, done at once: each uncommitted page of [start, end) gets a
 *  zeroed physical page; committed pages keep their contents. All take protection `mm`. */
export function commitPages(k: Kernel, s: AddressSpace, start: number, end: number, mm: number): void {
  for (let va = start; va < end; va += PAGE_SIZE) {
    const pte = pteOf(k, s, va);
    setPte(k, s, va, makePte(pte ? pteFrame(pte) : k.pages.allocPage(), mm));
  }
}

/** MiDecommitPages: the pages of [start, end) go back to the page allocator. */
export function decommitPages(k: Kernel, s: AddressSpace, start: number, end: number): void {
  for (let va = start; va < end; va += PAGE_SIZE) {
    const pte = pteOf(k, s, va);
    if (!pte) continue;
    setPte(k, s, va, 0);
    freePhysicalPage(k, pteFrame(pte));
  }
}

/** A freed page may hold code the CPU translated: that translation goes first. */
export function freePhysicalPage(k: Kernel, pa: number): void {
  const mmu = k.cpu.mmu, ppn = pa >>> PAGE_SHIFT;
  if (mmu.codePages[ppn]) { mmu.onCodeWrite(pa, PAGE_SIZE); mmu.unmarkCode(ppn); }
  k.pages.freePage(pa);
}

/** New protection `mm` for the committed pages of [start, end). */
export function protectPages(k: Kernel, s: AddressSpace, start: number, end: number, mm: number): void {
  for (let va = start; va < end; va += PAGE_SIZE) {
    const pte = pteOf(k, s, va);
    if (pte) setPte(k, s, va, makePte(pteFrame(pte), mm));
  }
}

/** The first committed page in [start, end) (end when none); skips missing page tables. */
export function firstCommitted(k: Kernel, s: AddressSpace, start: number, end: number): number {
  for (let va = start; va < end;) {
    if (!hasPageTable(k.cpu.mem, s.pd, va)) { va = Math.floor(va / TABLE_SPAN) * TABLE_SPAN + TABLE_SPAN; continue; }
    if (pteOf(k, s, va)) return va;
    va += PAGE_SIZE;
  }
  return end;
}

/** The end of the run of pages from `start` (below `limit`) in the same state as `start`:
 *  all uncommitted, or all committed with the same protection. */
export function runEnd(k: Kernel, s: AddressSpace, start: number, limit: number): number {
  const first = pteOf(k, s, start);
  if (!first) return firstCommitted(k, s, start, limit);
  const mm = pteProtection(first);
  let va = start + PAGE_SIZE;
  for (; va < limit; va += PAGE_SIZE) {
    const pte = pteOf(k, s, va);
    if (!pte || pteProtection(pte) !== mm) break;
  }
  return va;
}
