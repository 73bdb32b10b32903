// Pushing and popping from host code (interrupt delivery, far transfers, iret). Every push
// of a multi-value frame is checked before anything is written, so a fault mid-frame
// leaves the machine as it was, as the hardware guarantees.
import type { Cpu } from './cpu.ts';
import { SS, ESP } from './types.ts';
import { checkSegment } from './segments.ts';

/** Writes `values` (dwords or words) below `esp` on the stack segment `ss` described by
 *  base/check, as the given privilege; returns the new ESP. Does not touch registers. */
export function pushFrame(c: Cpu, base: number, esp: number, values: number[], size: 2 | 4, user: boolean, check?: () => void): number {
  const total = values.length * size;
  const newEsp = (esp - total) | 0;
  check?.();
  const lin = (base + newEsp) | 0;
  c.mmu.probeWrite(lin, total, user);
  // values[0] is pushed first, so it ends up highest.
  for (let i = 0; i < values.length; i++) {
    const at = (lin + (values.length - 1 - i) * size) | 0;
    if (user) { if (size === 4) c.mmu.wr32(at, values[i]); else c.mmu.wr16(at, values[i]); }
    else c.mmu.wrSys(at, size, values[i]);
  }
  return newEsp;
}

/** Pushes on the current stack (SS:ESP) with the current privilege and segment checks. */
export function push(c: Cpu, values: number[], size: 2 | 4 = 4): void {
  const esp = c.regs[ESP];
  const newEsp = pushFrame(c, c.segBase[SS], esp, values, size, c.cpl === 3, () => {
    if (c.segCheck & (1 << SS)) checkSegment(c, SS, (esp - values.length * size) | 0, values.length * size, true);
  });
  c.regs[ESP] = newEsp;
}

/** Reads `count` stack slots starting at SS:ESP+skip without popping (the caller commits
 *  ESP once every check has passed). */
export function peek(c: Cpu, count: number, size: 2 | 4 = 4, skip = 0): number[] {
  const off = (c.regs[ESP] + skip) | 0;
  if (c.segCheck & (1 << SS)) checkSegment(c, SS, off, count * size, false);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const lin = (c.segBase[SS] + off + i * size) | 0;
    out.push(size === 4 ? c.mmu.rd32(lin) : c.mmu.rd16(lin));
  }
  return out;
}
