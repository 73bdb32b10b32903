// Nonpaged pool: kernel memory for KTHREADs, EPROCESSes, objects, IRPs. Carved out of
// physical pages and addressed through KSEG0, 8-byte aligned. Freed blocks go on a free
// list per rounded size and are handed out again (zeroed) for the same size: objects and
// IRPs come in a few sizes, so this keeps a long run's pool from growing.
import type { PageAllocator } from '../mm/pfn.ts';
import { kseg0 } from '../memmap.ts';
import { PAGE_SIZE } from '../../cpu/types.ts';
import type { GuestAccess } from '../struct.ts';

const POOL_ALIGN = 8;

export class NonPagedPool {
  private page = 0;
  private used = PAGE_SIZE;
  /** Free blocks by rounded size (host-side bookkeeping: a cache of what is unused). */
  private readonly free = new Map<number, number[]>();
  /** Bytes handed out and not released yet (rounded sizes): what NT's pool tagging
   *  reports, for finding leaks. */
  inUse = 0;

  constructor(private readonly pages: PageAllocator) {}

  /** ExAllocatePoolWithTag(NonPagedPool, size, tag): zeroed memory, its kernel address.
   *  `mem` (for zeroing a reused block) is needed only once blocks are freed. */
  allocate(size: number, mem?: GuestAccess): number {
    const rounded = round(size);
    this.inUse += rounded;
    const reuse = this.free.get(rounded)?.pop();
    // A reused block is zeroed in one fill (a word at a time costs a translation each).
    if (reuse !== undefined && mem) { zero(mem, reuse, rounded); return reuse; }
    if (reuse !== undefined) this.free.get(rounded)!.push(reuse);
    if (rounded > PAGE_SIZE) return kseg0(this.pages.allocContiguous(Math.ceil(rounded / PAGE_SIZE)));
    if (this.used + rounded > PAGE_SIZE) { this.page = this.pages.allocPage(); this.used = 0; }
    const pa = this.page + this.used;
    this.used += rounded;
    return kseg0(pa);
  }

  /** ExFreePool: the block (of the size it was allocated with) can be handed out again. */
  release(address: number, size: number): void {
    const rounded = round(size);
    this.inUse -= rounded;
    let list = this.free.get(rounded);
    if (!list) this.free.set(rounded, list = []);
    list.push(address >>> 0);
  }
}

function zero(mem: GuestAccess & { fill?(va: number, length: number, value: number): void }, at: number, size: number): void {
  if (mem.fill) mem.fill(at, size, 0);
  else for (let i = 0; i < size; i += 4) mem.write32(at + i, 0);
}

function round(size: number): number { return (size + POOL_ALIGN - 1) & ~(POOL_ALIGN - 1); }
