// Pushing and popping from host code (interrupt delivery, far transfers, iret). Every push
// of a multi-value frame is checked before anything is written, so a fault mid-frame
// leaves the machine as it was, as the hardware guarantees.
//
// These run on every interrupt and system call, so they build frames in, and read them
// into, fixed scratch arrays instead of allocating: frame building never nests (a fault
// while delivering starts the next delivery from scratch).
import type { Cpu } from './cpu.ts';
import { SS, ESP } from './types.ts';
import { checkSegment } from './segments.ts';

/** The most slots a frame has: pusha's eight registers (an interrupt frame has six at
 *  most: SS, ESP, EFLAGS, CS, EIP and an error code). */
const MAX_FRAME = 8;
/** Where callers build a frame to push: slot 0 is pushed first (ends up highest). */
export const frame = new Int32Array(MAX_FRAME);
/** Where `peek` leaves the slots it read: slot 0 is at the lowest address (SS:ESP+skip). */
export const popped = new Int32Array(MAX_FRAME);

/** Writes the first `count` slots of `frame` (dwords or words) below `esp` on the stack
 *  segment whose base is `base`, as the given privilege; returns the new ESP. Does not
 *  touch registers. The caller has checked the segment limit. */
export function pushFrame(c: Cpu, base: number, esp: number, count: number, size: 2 | 4, user: boolean): number {
  const newEsp = (esp - count * size) | 0;
  const lin = (base + newEsp) | 0;
  const mmu = c.mmu;
  mmu.probeWrite(lin, count * size, user);
  // frame[0] is pushed first, so it ends up highest. A dword frame within one page (the
  // usual interrupt frame) is stored with one translation.
  const p = size === 4 ? mmu.writablePhys(lin, count * 4, user) : -1;
  if (p >= 0) {
    const i32 = c.mem.i32, at = p >>> 2;
    for (let i = 0; i < count; i++) i32[at + count - 1 - i] = frame[i];
    return newEsp;
  }
  for (let i = 0; i < count; i++) {
    const at = (lin + (count - 1 - i) * size) | 0;
    if (user) { if (size === 4) mmu.wr32(at, frame[i]); else mmu.wr16(at, frame[i]); }
    else mmu.wrSys(at, size, frame[i]);
  }
  return newEsp;
}

/** Pushes the first `count` slots of `frame` on the current stack (SS:ESP) with the
 *  current privilege and segment checks. */
export function pushCurrent(c: Cpu, count: number, size: 2 | 4 = 4): void {
  const esp = c.regs[ESP];
  if (c.segCheck & (1 << SS)) checkSegment(c, SS, (esp - count * size) | 0, count * size, true);
  c.regs[ESP] = pushFrame(c, c.segBase[SS], esp, count, size, c.cpl === 3);
}

/** Reads `count` stack slots starting at SS:ESP+skip into `popped`, without popping (the
 *  caller commits ESP once every check has passed). */
export function peek(c: Cpu, count: number, size: 2 | 4 = 4, skip = 0): Int32Array {
  const off = (c.regs[ESP] + skip) | 0;
  if (c.segCheck & (1 << SS)) checkSegment(c, SS, off, count * size, false);
  const base = c.segBase[SS], mmu = c.mmu;
  const first = (base + off) | 0;
  const p = size === 4 ? mmu.readablePhys(first, count * 4) : -1;
  if (p >= 0) {
    const i32 = c.mem.i32, at = p >>> 2;
    for (let i = 0; i < count; i++) popped[i] = i32[at + i];
    return popped;
  }
  for (let i = 0; i < count; i++) {
    const lin = (base + off + i * size) | 0;
    popped[i] = size === 4 ? mmu.rd32(lin) : mmu.rd16(lin);
  }
  return popped;
}
