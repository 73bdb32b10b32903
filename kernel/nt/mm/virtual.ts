// Guest virtual memory as the host sees it: reads and writes at virtual addresses of one
// address space (a page directory), walking the page tables in guest RAM the way the MMU
// does, but raising a host-side AccessViolation instead of a #PF. Host service bodies use
// it to touch user buffers (after probing them, as NT's ProbeForRead/ProbeForWrite do), the
// loader to fill a process that is not running yet, and panels to show memory.
import type { Cpu } from '../../cpu/cpu.ts';
import { PTE_P, PTE_RW, PTE_US, PTE_PS, PAGE_MASK, PAGE_SHIFT, PAGE_SIZE } from '../../cpu/types.ts';
import { MM_USER_PROBE_ADDRESS } from '../memmap.ts';
import type { GuestAccess } from '../struct.ts';

/** A guest address the host could not access: the host-side STATUS_ACCESS_VIOLATION. */
export class AccessViolation extends Error {
  constructor(readonly address: number, readonly write: boolean) {
    super(`access violation ${write ? 'writing' : 'reading'} 0x${(address >>> 0).toString(16)}`);
  }
}

const LARGE_PAGE_MASK = 0x3FFFFF;

/** Translations remembered by a VirtualMemory of the current address space: a direct-mapped
 *  table of this many pages. */
const TLB_SLOTS = 64;
/** Up to this many bytes, writeFrom copies byte by byte (see there). */
const SMALL_COPY = 16;
/** A remembered translation: the frame, and the U/S and R/W bits of both levels combined. */
const TLB_BITS = PTE_US | PTE_RW;

export class VirtualMemory implements GuestAccess {
  // Host service bodies touch the same few pages (the IRP, the thread, the object headers)
  // many times per call; like the CPU, the VirtualMemory of the current address space keeps
  // the translations it walked, and drops them when the CPU drops its own (a CR3 load,
  // invlpg, a flush: Mmu.translationGeneration), which is when software has told the CPU
  // that page tables changed. A VirtualMemory of another space (given `cr3`) always walks.
  private readonly tlbPage = new Int32Array(TLB_SLOTS).fill(-1);
  private readonly tlbEntry = new Int32Array(TLB_SLOTS);
  private tlbGeneration = -1;

  /** `cr3`: the page directory to use; by default the CPU's current one. */
  constructor(private readonly cpu: Cpu, private readonly cr3?: number) {}

  private get pd(): number { return (this.cr3 ?? this.cpu.mmu.cr3) & ~PAGE_MASK; }

  /** The physical address of `va`, or throws AccessViolation. `user`: check as a ring-3
   *  access (U/S on both levels); `write`: R/W on both levels. */
  translate(va: number, write = false, user = false): number {
    let e = this.rememberedEntry(va);
    if (e < 0) {
      e = this.walk(va, write);
      this.remember(va, e);
    }
    if ((user && !(e & PTE_US)) || (write && !(e & PTE_RW))) throw new AccessViolation(va, write);
    return ((e & ~PAGE_MASK) | (va & PAGE_MASK)) >>> 0;
  }

  /** The remembered entry of `va`'s page (frame | U/S, R/W), or -1. Only the current
   *  space's VirtualMemory remembers, and only until the CPU drops its translations. */
  private rememberedEntry(va: number): number {
    const vpn = va >>> PAGE_SHIFT, slot = vpn & (TLB_SLOTS - 1);
    return this.cr3 === undefined && this.tlbPage[slot] === vpn && this.tlbGeneration === this.cpu.mmu.translationGeneration
      ? this.tlbEntry[slot] : -1;
  }

  /** Remembers a walked entry (the current space only). Only frames in RAM are kept: the
   *  fast paths below index RAM directly. */
  private remember(va: number, e: number): void {
    if (this.cr3 !== undefined || !this.cpu.mem.has(e & ~PAGE_MASK, PAGE_SIZE)) return;
    const generation = this.cpu.mmu.translationGeneration;
    if (generation !== this.tlbGeneration) { this.tlbPage.fill(-1); this.tlbGeneration = generation; }
    const vpn = va >>> PAGE_SHIFT, slot = vpn & (TLB_SLOTS - 1);
    this.tlbPage[slot] = vpn;
    this.tlbEntry[slot] = e;
  }

  /** Walks the page tables for `va`: the frame with the U/S and R/W bits both levels
   *  allow, or throws AccessViolation when the page is not present. */
  private walk(va: number, write: boolean): number {
    const mem = this.cpu.mem;
    const pde = mem.read32(this.pd + ((va >>> 22) << 2));
    if (!(pde & PTE_P)) throw new AccessViolation(va, write);
    if (pde & PTE_PS) return ((pde & ~LARGE_PAGE_MASK) | (va & LARGE_PAGE_MASK & ~PAGE_MASK) | (pde & TLB_BITS)) | 0;
    const pte = mem.read32((pde & ~PAGE_MASK) + (((va >>> PAGE_SHIFT) & 0x3FF) << 2));
    if (!(pte & PTE_P)) throw new AccessViolation(va, write);
    return ((pte & ~PAGE_MASK) | (pde & pte & TLB_BITS)) | 0;
  }

  /** The frame of `va`'s page when this (current-space) VirtualMemory remembers it, else
   *  -1: the fast path of the accessors below, which then need no walk and no bounds
   *  check (a remembered frame is in RAM). Kernel-view accesses check nothing else. */
  private remembered(va: number): number {
    const e = this.rememberedEntry(va);
    return e < 0 ? -1 : e & ~PAGE_MASK;
  }

  /** True when `va` is mapped (for any access). */
  isMapped(va: number): boolean {
    try { this.translate(va); return true; } catch { return false; }
  }

  read8(va: number): number {
    const frame = this.remembered(va);
    if (frame >= 0) return this.cpu.mem.u8[frame | (va & PAGE_MASK)];
    return this.cpu.mem.read8(this.translate(va));
  }
  read16(va: number): number { return this.read8(va) | (this.read8(va + 1) << 8); }
  read32(va: number): number {
    if ((va & 3) === 0) {
      const frame = this.remembered(va);
      if (frame >= 0) return this.cpu.mem.i32[(frame | (va & PAGE_MASK)) >>> 2];
    }
    if ((va & PAGE_MASK) <= PAGE_SIZE - 4) return this.cpu.mem.read32(this.translate(va));
    return (this.read16(va) | (this.read16(va + 2) << 16)) | 0;
  }

  write8(va: number, v: number): void {
    const frame = this.remembered(va);
    if (frame >= 0 && !this.cpu.mmu.codePages[frame >>> PAGE_SHIFT]) { this.cpu.mem.u8[frame | (va & PAGE_MASK)] = v; return; }
    this.writeWithin(this.translate(va), 1).u8[this.lastPa] = v;
  }
  write16(va: number, v: number): void {
    if ((va & PAGE_MASK) <= PAGE_SIZE - 2) { this.writeWithin(this.translate(va), 2).write16(this.lastPa, v); return; }
    this.writeBytes(va, Uint8Array.of(v & 0xff, (v >>> 8) & 0xff));
  }
  private lastPa = 0;
  /** A write of `n` bytes at `pa` inside one page: the code cache hears of it first. */
  private writeWithin(pa: number, n: number) {
    const mmu = this.cpu.mmu;
    if (mmu.codePages[pa >>> PAGE_SHIFT]) mmu.onCodeWrite(pa, n);
    this.lastPa = pa;
    return this.cpu.mem;
  }
  write32(va: number, v: number): void {
    if ((va & 3) === 0) {
      const frame = this.remembered(va);
      if (frame >= 0 && !this.cpu.mmu.codePages[frame >>> PAGE_SHIFT]) { this.cpu.mem.i32[(frame | (va & PAGE_MASK)) >>> 2] = v; return; }
    }
    // Within one page (the usual case: struct fields), one translation and no copies.
    if ((va & PAGE_MASK) <= PAGE_SIZE - 4) {
      const pa = this.translate(va), mmu = this.cpu.mmu;
      if (mmu.codePages[pa >>> PAGE_SHIFT]) mmu.onCodeWrite(pa, 4);
      this.cpu.mem.write32(pa, v);
      return;
    }
    this.writeBytes(va, Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff));
  }

  readBytes(va: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let done = 0; done < length;) {
      const pa = this.translate((va + done) | 0);
      const n = Math.min(length - done, PAGE_SIZE - (pa & PAGE_MASK));
      out.set(this.cpu.mem.u8.subarray(pa, pa + n), done);
      done += n;
    }
    return out;
  }

  /** `writeBytes(dst, readBytes(src, length))` without the intermediate array: every
   *  source page is translated, then every destination page (the same faults, in the same
   *  order, before any byte is written), then the bytes are copied page piece by piece. */
  copy(dst: number, src: number, length: number): void {
    for (let at = 0; at < length; at = (at + PAGE_SIZE - ((src + at) & PAGE_MASK)) | 0) this.translate((src + at) | 0);
    for (let at = 0; at < length; at = (at + PAGE_SIZE - ((dst + at) & PAGE_MASK)) | 0) this.translate((dst + at) | 0);
    for (let done = 0; done < length;) {
      const s = this.translate((src + done) | 0), d = this.translate((dst + done) | 0);
      const n = Math.min(length - done, PAGE_SIZE - (s & PAGE_MASK), PAGE_SIZE - (d & PAGE_MASK));
      this.writeWithin(d, n).u8.copyWithin(d, s, s + n);
      done += n;
    }
  }

  /** Writes through the kernel's view (no R/W check on user pages: the loader fills
   *  read-only image pages too). Every page is translated before any byte is written. The
   *  CPU's code cache hears about writes to pages that hold compiled code. */
  writeBytes(va: number, bytes: Uint8Array): void {
    if ((va & PAGE_MASK) + bytes.length <= PAGE_SIZE) {      // one page: one translation
      this.writeWithin(this.translate(va), bytes.length).u8.set(bytes, this.lastPa);
      return;
    }
    const pieces: [number, number, number][] = [];
    for (let done = 0; done < bytes.length;) {
      const pa = this.translate((va + done) | 0);
      const n = Math.min(bytes.length - done, PAGE_SIZE - (pa & PAGE_MASK));
      pieces.push([pa, done, n]);
      done += n;
    }
    const mmu = this.cpu.mmu;
    for (const [pa, from, n] of pieces) {
      if (mmu.codePages[pa >>> PAGE_SHIFT]) mmu.onCodeWrite(pa, n);
      this.cpu.mem.u8.set(bytes.subarray(from, from + n), pa);
    }
  }

  /** `writeBytes(va, src.subarray(start, start + n))`, without making the view when a few
   *  bytes land in one page: a one-byte ReadFile's copy is then a store, not a new typed
   *  array and a TypedArray.set. */
  writeFrom(va: number, src: Uint8Array, start: number, n: number): void {
    if (n > SMALL_COPY || (va & PAGE_MASK) + n > PAGE_SIZE) { this.writeBytes(va, src.subarray(start, start + n)); return; }
    const pa = this.translate(va), u8 = this.writeWithin(pa, n).u8;
    for (let i = 0; i < n; i++) u8[pa + i] = src[start + i];
  }

  /** Sets `length` bytes at `va` to `value`, through the kernel's view like writeBytes
   *  (every page is translated before any byte is written). */
  fill(va: number, length: number, value: number): void {
    if ((va & PAGE_MASK) + length > PAGE_SIZE) { this.writeBytes(va, new Uint8Array(length).fill(value)); return; }
    const pa = this.translate(va);
    this.writeWithin(pa, length).u8.fill(value, pa, pa + length);
  }

  /** A NUL-terminated byte string (at most `max` bytes). */
  readCString(va: number, max = 256): string {
    let s = '';
    for (let i = 0; i < max; i++) {
      const b = this.read8(va + i);
      if (b === 0) break;
      s += String.fromCharCode(b);
    }
    return s;
  }

  /** ProbeForRead/ProbeForWrite: the range must lie below MM_USER_PROBE_ADDRESS and be
   *  mapped for a user-mode access of that kind. A zero length always passes. */
  probe(va: number, length: number, write: boolean): void {
    if (length === 0) return;
    const start = va >>> 0, end = start + length;
    if (end > MM_USER_PROBE_ADDRESS || end < start) throw new AccessViolation(va, write);
    for (let p = start & ~PAGE_MASK; p < end; p += PAGE_SIZE) this.translate(Math.max(p, start), write, true);
  }
}
