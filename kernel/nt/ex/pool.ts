// Nonpaged pool: kernel memory for KTHREADs, EPROCESSes and the like. Carved out of
// physical pages and addressed through KSEG0, 8-byte aligned. Nothing is freed yet (no
// object is ever deleted before the object manager exists).
import type { PageAllocator } from '../mm/pfn.ts';
import { kseg0 } from '../memmap.ts';
import { PAGE_SIZE } from '../../cpu/types.ts';

const POOL_ALIGN = 8;

export class NonPagedPool {
  private page = 0;
  private used = PAGE_SIZE;

  constructor(private readonly pages: PageAllocator) {}

  /** ExAllocatePoolWithTag(NonPagedPool, size, tag): zeroed memory, its kernel address. */
  allocate(size: number): number {
    const rounded = (size + POOL_ALIGN - 1) & ~(POOL_ALIGN - 1);
    if (rounded > PAGE_SIZE) return kseg0(this.pages.allocContiguous(Math.ceil(rounded / PAGE_SIZE)));
    if (this.used + rounded > PAGE_SIZE) { this.page = this.pages.allocPage(); this.used = 0; }
    const pa = this.page + this.used;
    this.used += rounded;
    return kseg0(pa);
  }
}
