// A bare protected-mode machine for CPU tests: a GDT with NT's selectors (0x08 ring-0
// code, 0x10 ring-0 data, 0x1B/0x23 ring-3 code/data, 0x28 TSS, 0x30 a small data
// segment at 0xFFDFF000 like the KPCR), an IDT whose every vector points at a tiny ring-0
// stub that records the vector and halts, optional paging with an identity map, and
// helpers to run code at ring 0 or ring 3.
import { Cpu } from '../../kernel/cpu/cpu.ts';
import { loadSegment } from '../../kernel/cpu/segments.ts';
import { CS, SS, DS, ES, FS, GS } from '../../kernel/cpu/types.ts';

export const GDT = 0x1000, IDT = 0x2000, TSS = 0x3000, STUBS = 0x4000, PD = 0x10000;
export const KSTACK_TOP = 0x9000, USTACK_TOP = 0x0f000;
export const CODE = 0x100000;
/** Where the exception stubs record what happened: vector, error code, count. */
export const LOG = 0x6000;

export function descriptor(base: number, limit: number, access: number, flags = 0xc): [number, number] {
  const g = limit > 0xfffff;
  const lim = g ? limit >>> 12 : limit;
  const lo = ((base & 0xffff) << 16) | (lim & 0xffff);
  const hi = (base & 0xff000000) | (((flags & (g ? 0xf : 0x7)) | (g ? 0x8 : 0)) << 20) | (lim & 0xf0000) | (access << 8) | ((base >>> 16) & 0xff);
  return [lo | 0, hi | 0];
}

export interface Options { memory?: number; paging?: boolean }

export function makeCpu(opts: Options = {}): Cpu {
  const c = new Cpu(opts.memory ?? 4 << 20);
  const m = c.mem;
  const gdt: [number, number][] = [
    [0, 0],
    descriptor(0, 0xffffffff, 0x9a),         // 0x08 ring-0 code
    descriptor(0, 0xffffffff, 0x92),         // 0x10 ring-0 data
    descriptor(0, 0xffffffff, 0xfa),         // 0x18 ring-3 code
    descriptor(0, 0xffffffff, 0xf2),         // 0x20 ring-3 data
    descriptor(TSS, 0x67 + 0x2000 / 8 + 1, 0x89, 0), // 0x28 TSS (with an I/O bitmap)
    descriptor(0xffdff000, 0xfff, 0x92, 0x4), // 0x30 KPCR-like
    descriptor(0x7ffde000, 0xfff, 0xf2, 0x4), // 0x38 TEB-like (ring 3)
  ];
  gdt.forEach(([lo, hi], i) => { m.write32(GDT + i * 8, lo); m.write32(GDT + i * 8 + 4, hi); });
  c.gdtr = { base: GDT, limit: gdt.length * 8 - 1 };
  // TSS: ESP0/SS0, I/O map base at 0x68 with every port denied.
  m.write32(TSS + 4, KSTACK_TOP);
  m.write32(TSS + 8, 0x10);
  m.write16(TSS + 0x66, 0x68);
  for (let i = 0; i < 0x2000 / 8 + 1; i++) m.write8(TSS + 0x68 + i, 0xff);
  // IDT: every vector → a stub: `push vector; jmp common`. Common: record and hlt.
  for (let v = 0; v < 256; v++) {
    const stub = STUBS + v * 16;
    m.write8(stub, 0x68); m.write32(stub + 1, v);           // push imm32 v
    m.write8(stub + 5, 0xe9); m.write32(stub + 6, (STUBS + 256 * 16) - (stub + 10)); // jmp common
    const lo = (0x08 << 16) | (stub & 0xffff), hi = (stub & 0xffff0000) | 0x8e00 | (v === 3 || v === 4 || v === 0x2d || v === 0x2e ? 0x6000 : 0);
    m.write32(IDT + v * 8, lo); m.write32(IDT + v * 8 + 4, hi);
  }
  // common: pop eax (vector) -> [LOG]; inc dword [LOG+8]; hlt; jmp $-1
  const common = [0x58, 0xa3, ...le32(LOG), 0xff, 0x05, ...le32(LOG + 8), 0xf4, 0xeb, 0xfd];
  m.load(STUBS + 256 * 16, new Uint8Array(common));
  c.idtr = { base: IDT, limit: 256 * 8 - 1 };
  c.tr = { sel: 0x28, base: TSS, limit: 0x67 + 0x2000 / 8 + 1, attr: 0x8b };
  for (const s of [SS, DS, ES, GS]) loadSegment(c, s, 0x10);
  c.setSegmentCache(CS, 0x08, 0, 0xffffffff, 0xc09b);
  c.setSegmentCache(FS, 0, 0, 0, 0);
  c.regs[4] = KSTACK_TOP;
  if (opts.paging) enablePaging(c);
  return c;
}

export function le32(v: number): number[] { return [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff]; }

/** Identity-maps the first `mb` MiB as user-writable 4 KiB pages and turns paging on. */
export function enablePaging(c: Cpu, mb = 4): void {
  const m = c.mem;
  for (let t = 0; t < mb / 4; t++) {
    const pt = PD + 0x1000 * (t + 1);
    m.write32(PD + t * 4, pt | 7);
    for (let i = 0; i < 1024; i++) m.write32(pt + i * 4, ((t << 22) + (i << 12)) | 7);
  }
  c.mmu.cr3 = PD;
  c.mmu.cr0 |= 0x80000000;
  c.mmu.flush();
}

/** Sets a page's PTE flags (identity map made by enablePaging). */
export function setPte(c: Cpu, lin: number, flags: number): void {
  const t = lin >>> 22, i = (lin >>> 12) & 0x3ff;
  const pt = PD + 0x1000 * (t + 1);
  c.mem.write32(pt + i * 4, ((lin & ~0xfff) | flags));
  c.mmu.invalidate(lin);
}

/** Drops to ring 3 (flat 0x1B/0x23 segments) at EIP with the user stack. */
export function enterRing3(c: Cpu, eip: number, esp = USTACK_TOP): void {
  c.setSegmentCache(CS, 0x1b, 0, 0xffffffff, 0xc0fb);
  c.setCpl(3);
  for (const s of [SS, DS, ES, GS]) loadSegment(c, s, 0x23);
  c.eip = eip;
  c.regs[4] = esp;
}

/** What the IDT stubs recorded: the last vector delivered and how many were. */
export function lastException(c: Cpu): { vector: number; count: number } | null {
  const count = c.mem.read32(LOG + 8);
  return count ? { vector: c.mem.read32(LOG), count } : null;
}

/** Loads code at CODE and runs until hlt (or the budget). */
export function runCode(c: Cpu, bytes: Uint8Array, budget = 1_000_000, at = CODE) {
  c.mem.load(at, bytes);
  if (c.cpl === 0) c.eip = at;
  return c.run(budget);
}
