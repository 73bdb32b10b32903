// Helpers for the protected-mode rule tests (protection, paging, interrupts, sysenter, pic,
// debug), on top of fixture.ts: assemble and place code, edit IDT gates and GDT entries,
// map pages, and read what a handler left on its stack.
import { Cpu } from '../../kernel/cpu/cpu.ts';
import { GDT, IDT, PD, descriptor } from './fixture.ts';
import { nasm } from './nasm.ts';
import { SS, ESP } from '../../kernel/cpu/types.ts';

/** Gate types (SDM vol. 3, 6.11). */
export const INT_GATE = 0xe, TRAP_GATE = 0xf;
/** Where tests put their own handlers, records and page tables. */
export const HANDLERS = 0x200000, RECORD = 0x7000, PAGE_TABLES = 0x380000;

/** Assembles `source` for address `at` and loads it there (physical = linear below 4 MiB). */
export function place(c: Cpu, at: number, source: string): Uint8Array {
  const bytes = nasm(source, at);
  c.mem.load(at, bytes);
  return bytes;
}

export interface GateOptions { type?: number; dpl?: number; selector?: number; present?: boolean }

/** Points IDT entry `vector` at `handler`. */
export function setGate(c: Cpu, vector: number, handler: number, o: GateOptions = {}): void {
  const sel = o.selector ?? 0x08, type = o.type ?? INT_GATE, dpl = o.dpl ?? 0, present = o.present ?? true;
  const lo = (sel << 16) | (handler & 0xffff);
  const hi = (handler & 0xffff0000) | (present ? 0x8000 : 0) | (dpl << 13) | (type << 8);
  c.mem.write32(IDT + vector * 8, lo);
  c.mem.write32(IDT + vector * 8 + 4, hi);
}

/** Writes GDT entry `sel >> 3` and grows the GDT limit to include it. */
export function setDescriptor(c: Cpu, sel: number, base: number, limit: number, access: number, flags = 0xc): void {
  const [lo, hi] = descriptor(base, limit, access, flags);
  const at = GDT + (sel & ~7);
  c.mem.write32(at, lo);
  c.mem.write32(at + 4, hi);
  c.gdtr = { base: GDT, limit: Math.max(c.gdtr.limit, (sel & ~7) + 7) };
}

let nextTable = PAGE_TABLES;

/** Maps linear page `lin` to physical page `phys` with PTE `flags` (paging must be on, with
 *  fixture.ts's page directory); makes a page table when the 4 MiB region has none. The
 *  PDE gets P|RW|US so the PTE alone decides, unless `pdeFlags` says otherwise. */
export function mapPage(c: Cpu, lin: number, phys: number, flags: number, pdeFlags = 7): void {
  const pdeAt = PD + (lin >>> 22) * 4;
  let pde = c.mem.read32(pdeAt);
  if (!(pde & 1)) {
    const pt = nextTable;
    nextTable += 0x1000;
    if (nextTable > PAGE_TABLES + 0x40000) nextTable = PAGE_TABLES;
    c.mem.u8.fill(0, pt, pt + 0x1000);
    pde = pt;
  }
  c.mem.write32(pdeAt, (pde & ~0xfff) | pdeFlags);
  c.mem.write32((pde & ~0xfff) + ((lin >>> 12) & 0x3ff) * 4, (phys & ~0xfff) | flags);
  c.mmu.flush();
}

/** The dwords at SS:ESP (what a handler sees on its stack), read as the supervisor. */
export function stack(c: Cpu, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(c.mmu.rdSys((c.segBase[SS] + c.regs[ESP] + 4 * i) | 0, 4) >>> 0);
  return out;
}

/** A dword of guest memory at a linear address, as the supervisor sees it. */
export function peek32(c: Cpu, lin: number): number {
  return c.mmu.rdSys(lin | 0, 4) >>> 0;
}
