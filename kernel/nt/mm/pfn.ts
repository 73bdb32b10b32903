// Physical pages: a bump allocator over the RAM above the kernel image, with a free list.
// (NT keeps a PFN database; NT Lab needs only "give me a zeroed page" and "take it back".)
// When RAM runs out the allocator asks `reclaim` (the reaper: ended processes' memory)
// once before giving up.
import type { PhysicalMemory } from '../../cpu/memory.ts';
import { PAGE_SIZE } from '../../cpu/types.ts';

export class PageAllocator {
  private next: number;
  private readonly free: number[] = [];
  /** Frees what is no longer in use (set by the kernel once it can tell). */
  reclaim: (() => void) | null = null;
  private reclaiming = false;

  constructor(private readonly mem: PhysicalMemory, first: number) { this.next = first; }

  /** A zeroed physical page. */
  allocPage(): number {
    const pa = this.free.pop() ?? this.fromFreshOrReclaimed(1);
    this.mem.u8.fill(0, pa, pa + PAGE_SIZE);
    return pa;
  }

  /** `count` physically contiguous zeroed pages (kernel stacks, images). */
  allocContiguous(count: number): number {
    const pa = this.fromFreshOrReclaimed(count);
    this.mem.u8.fill(0, pa, pa + count * PAGE_SIZE);
    return pa;
  }

  freePage(pa: number): void { this.free.push(pa); }

  /** Pages never handed out yet plus freed ones. */
  get available(): number { return (this.mem.size - this.next) / PAGE_SIZE + this.free.length; }

  /** Never-used pages; when there are not enough, reclaimed ones (a single page, or a run
   *  of `count` adjacent pages on the free list). */
  private fromFreshOrReclaimed(count: number): number {
    if (this.next + count * PAGE_SIZE <= this.mem.size) return this.bump(count);
    if (this.reclaim && !this.reclaiming) {
      this.reclaiming = true;
      try { this.reclaim(); } finally { this.reclaiming = false; }
    }
    const run = this.takeFreeRun(count);
    if (run < 0) throw new Error('out of physical memory');
    return run;
  }

  private bump(count: number): number {
    const pa = this.next;
    this.next += count * PAGE_SIZE;
    return pa;
  }

  /** Removes `count` adjacent pages from the free list: the lowest address, or -1. */
  private takeFreeRun(count: number): number {
    this.free.sort((a, b) => b - a);         // highest first: pop() hands out low pages
    for (let i = this.free.length - 1; i - count + 1 >= 0; i--) {
      let ok = true;
      for (let j = 1; j < count && ok; j++) ok = this.free[i - j] === this.free[i] + j * PAGE_SIZE;
      if (ok) return this.free.splice(i - count + 1, count)[count - 1];
    }
    return -1;
  }
}
