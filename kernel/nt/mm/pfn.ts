// Physical pages: a bump allocator over the RAM above the kernel image, with a free list.
// (NT keeps a PFN database; NT Lab needs only "give me a zeroed page" and "take it back".)
import type { PhysicalMemory } from '../../cpu/memory.ts';
import { PAGE_SIZE } from '../../cpu/types.ts';

export class PageAllocator {
  private next: number;
  private readonly free: number[] = [];

  constructor(private readonly mem: PhysicalMemory, first: number) { this.next = first; }

  /** A zeroed physical page. */
  allocPage(): number {
    const pa = this.free.pop() ?? this.bump(1);
    this.mem.u8.fill(0, pa, pa + PAGE_SIZE);
    return pa;
  }

  /** `count` physically contiguous zeroed pages (kernel stacks, images). */
  allocContiguous(count: number): number {
    const pa = this.bump(count);
    this.mem.u8.fill(0, pa, pa + count * PAGE_SIZE);
    return pa;
  }

  freePage(pa: number): void { this.free.push(pa); }

  /** Pages never handed out yet plus freed ones. */
  get available(): number { return (this.mem.size - this.next) / PAGE_SIZE + this.free.length; }

  private bump(count: number): number {
    const pa = this.next;
    if (pa + count * PAGE_SIZE > this.mem.size) throw new Error('out of physical memory');
    this.next += count * PAGE_SIZE;
    return pa;
  }
}
