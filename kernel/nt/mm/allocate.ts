// NtAllocateVirtualMemory: reserving a region of a process's address space (a VAD, at a
// 64 KiB boundary) and committing pages in it (zeroed physical pages, page by page).
import type { ServiceBody } from '../ke/services.ts';
import type { Kernel } from '../kernel.ts';
import { PAGE_MASK, PAGE_SHIFT, PAGE_SIZE } from '../../cpu/types.ts';
import { MM_LOWEST_USER_ADDRESS, MM_HIGHEST_USER_ADDRESS } from '../memmap.ts';
import { UserMode } from '../ke/irql.ts';
import { dereferenceObject } from '../ob/object.ts';
import { PROCESS_VM_OPERATION } from '../ob/access.ts';
import {
  STATUS_SUCCESS, STATUS_INVALID_PARAMETER_2, STATUS_INVALID_PARAMETER_3, STATUS_INVALID_PARAMETER_4,
  STATUS_INVALID_PARAMETER_5, STATUS_INVALID_PAGE_PROTECTION, STATUS_CONFLICTING_ADDRESSES, STATUS_NO_MEMORY,
} from '../ex/status.ts';
import { mmProtection } from './protect.ts';
import { findVad, insertVad, vadsInOrder } from './vad.ts';
import { canCommit, commitPages, firstCommitted, referenceAddressSpace, type AddressSpace } from './space.ts';

export const MEM_COMMIT = 0x1000, MEM_RESERVE = 0x2000, MEM_DECOMMIT = 0x4000, MEM_RELEASE = 0x8000;
export const MEM_FREE = 0x10000, MEM_PRIVATE = 0x20000, MEM_TOP_DOWN = 0x100000;
/** Regions are reserved at multiples of this (MM_ALLOCATION_GRANULARITY). */
export const MM_ALLOCATION_GRANULARITY = 0x10000;
/** ZeroBits above this leave no address (NT: MAXIMUM_ZERO_BITS). */
const MAXIMUM_ZERO_BITS = 21;
const VALID_ALLOCATION_TYPES = MEM_COMMIT | MEM_RESERVE | MEM_TOP_DOWN;
/** One past the highest address a region may reach. */
const USER_LIMIT = MM_HIGHEST_USER_ADDRESS + 1;

export const pageDown = (va: number) => (va & ~PAGE_MASK) >>> 0;
export const pageUp = (va: number) => (va + PAGE_MASK) & ~PAGE_MASK;
const granuleDown = (va: number) => Math.floor(va / MM_ALLOCATION_GRANULARITY) * MM_ALLOCATION_GRANULARITY;
const granuleUp = (va: number) => Math.ceil(va / MM_ALLOCATION_GRANULARITY) * MM_ALLOCATION_GRANULARITY;
const vpn = (va: number) => Math.floor(va / PAGE_SIZE);

/** NtAllocateVirtualMemory(ProcessHandle, *BaseAddress, ZeroBits, *RegionSize,
 *  AllocationType, Protect). */
export const NtAllocateVirtualMemory: ServiceBody = ({ kernel, mem, previousMode, args: [process, baseOut, zeroBits, sizeOut, type, protect] }) => {
  if (zeroBits > MAXIMUM_ZERO_BITS) return STATUS_INVALID_PARAMETER_3;
  if (!(type & (MEM_COMMIT | MEM_RESERVE)) || type & ~VALID_ALLOCATION_TYPES) return STATUS_INVALID_PARAMETER_5;
  const mm = mmProtection(protect);
  if (mm < 0) return STATUS_INVALID_PAGE_PROTECTION;
  if (previousMode === UserMode) { mem.probe(baseOut, 4, true); mem.probe(sizeOut, 4, true); }
  const base = mem.read32(baseOut) >>> 0, size = mem.read32(sizeOut) >>> 0;
  if (base >= USER_LIMIT) return STATUS_INVALID_PARAMETER_2;
  if (size === 0 || size > USER_LIMIT - base) return STATUS_INVALID_PARAMETER_4;
  const { status, space } = referenceAddressSpace(kernel, process, PROCESS_VM_OPERATION, previousMode);
  if (!space) return status;
  try {
    // MEM_COMMIT at no particular address reserves the region too, as on NT.
    const reserve = !!(type & MEM_RESERVE) || base === 0;
    const r = reserve ? reserveRegion(kernel, space, base, size, mm, !!(type & MEM_COMMIT)) : commitRegion(kernel, space, base, size, mm);
    if (r.status !== STATUS_SUCCESS) return r.status;
    mem.write32(baseOut, r.start);
    mem.write32(sizeOut, r.end - r.start);
    return STATUS_SUCCESS;
  } finally {
    dereferenceObject(kernel, space.eprocess);
  }
};

interface Region { status: number; start: number; end: number }

/** MEM_RESERVE: a new VAD at `base` rounded down to the granularity, or at the lowest free
 *  granule; its pages committed as well with MEM_COMMIT. */
function reserveRegion(k: Kernel, s: AddressSpace, base: number, size: number, mm: number, commit: boolean): Region {
  const start = base ? granuleDown(base) : findEmptyRange(k, s, pageUp(size));
  if (start < 0) return { status: STATUS_NO_MEMORY, start: 0, end: 0 };
  const end = base ? pageUp(base + size) : start + pageUp(size);
  if (start < MM_LOWEST_USER_ADDRESS || end > USER_LIMIT) return { status: STATUS_INVALID_PARAMETER_2, start: 0, end: 0 };
  if (!isFree(k, s, start, end)) return { status: STATUS_CONFLICTING_ADDRESSES, start: 0, end: 0 };
  if (commit && !canCommit(k, end - start)) return { status: STATUS_NO_MEMORY, start: 0, end: 0 };
  insertVad(k, s.eprocess, vpn(start), vpn(end) - 1, mm, commit);
  if (commit) commitPages(k, s, start, end, mm);
  return { status: STATUS_SUCCESS, start, end };
}

/** MEM_COMMIT alone: the pages must lie in one reserved region. */
function commitRegion(k: Kernel, s: AddressSpace, base: number, size: number, mm: number): Region {
  const start = pageDown(base), end = pageUp(base + size);
  const vad = findVad(k, s.eprocess, vpn(start));
  if (!vad || vpn(end) - 1 > vad.endingVpn) return { status: STATUS_CONFLICTING_ADDRESSES, start: 0, end: 0 };
  if (!canCommit(k, end - start)) return { status: STATUS_NO_MEMORY, start: 0, end: 0 };
  commitPages(k, s, start, end, mm);
  return { status: STATUS_SUCCESS, start, end };
}

/** No VAD and no mapped page (the loader's images, stacks, TEBs have PTEs but no VAD). */
function isFree(k: Kernel, s: AddressSpace, start: number, end: number): boolean {
  for (const v of vadsInOrder(k, s.eprocess))
    if (v.startingVpn < vpn(end) && v.endingVpn >= vpn(start)) return false;
  return firstCommitted(k, s, start, end) === end;
}

/** MiFindEmptyAddressRange: the lowest granule-aligned address with `size` bytes free,
 *  or -1. Jumps past each VAD or mapped page in the way. */
function findEmptyRange(k: Kernel, s: AddressSpace, size: number): number {
  const vads = vadsInOrder(k, s.eprocess);
  for (let start = MM_LOWEST_USER_ADDRESS; start + size <= USER_LIMIT;) {
    const end = start + size;
    const vad = vads.find(v => v.startingVpn < vpn(end) && v.endingVpn >= vpn(start));
    if (vad) { start = granuleUp((vad.endingVpn + 1) << PAGE_SHIFT >>> 0); continue; }
    const used = firstCommitted(k, s, start, end);
    if (used === end) return start;
    start = granuleUp(used + PAGE_SIZE);
  }
  return -1;
}
