// Far control transfers between code segments and privilege levels: far jmp/call/ret,
// iret, and the fast system-call pair sysenter/sysexit (SDM vol. 2 and vol. 3, 5.8).
// Call gates, task gates and task switches are not used by NT on i386 and raise #GP here.
import type { Cpu } from './cpu.ts';
import {
  CpuFault, GP, NP, SS_VEC, CS, SS, ESP, ECX, EDX, IF, RF, VM, NT, IOPL, EFLAGS_WRITABLE, AC, ID,
  type Selector,
} from './types.ts';
import {
  readDescriptor, isCode, isData, dpl, loadCodeSegment, loadDescriptor, gpFault,
  ATTR_PRESENT, ATTR_CONFORMING, ATTR_WRITABLE, type Descriptor,
} from './segments.ts';
import { frame, pushCurrent, peek } from './stack.ts';
import { nullInaccessibleSegments } from './interrupts.ts';

/** The checks for a far jmp/call straight to a code segment at the current privilege. */
function checkDirectCode(c: Cpu, sel: Selector): Descriptor {
  if ((sel & 0xfffc) === 0) gpFault(0);
  const d = readDescriptor(c, sel);
  if (!isCode(d.attr)) gpFault(sel); // a call gate, TSS or task gate: not supported
  const rpl = sel & 3;
  if (d.attr & ATTR_CONFORMING) { if (dpl(d.attr) > c.cpl) gpFault(sel); }
  else if (rpl > c.cpl || dpl(d.attr) !== c.cpl) gpFault(sel);
  if (!(d.attr & ATTR_PRESENT)) throw new CpuFault(NP, sel & 0xfffc);
  return d;
}

function checkOffset(d: Descriptor, offset: number): void {
  if ((offset >>> 0) > d.limit) gpFault(0);
}

export function farJump(c: Cpu, sel: Selector, offset: number): void {
  const d = checkDirectCode(c, sel);
  checkOffset(d, offset);
  loadCodeSegment(c, sel, d, c.cpl);
  c.eip = offset | 0;
}

export function farCall(c: Cpu, sel: Selector, offset: number, nextEip: number, size: 2 | 4): void {
  const d = checkDirectCode(c, sel);
  checkOffset(d, offset);
  frame[0] = c.seg[CS]; frame[1] = nextEip;
  pushCurrent(c, 2, size);
  loadCodeSegment(c, sel, d, c.cpl);
  c.eip = size === 2 ? offset & 0xffff : offset | 0;
}

/** Checks a CS popped by retf/iret: returns its descriptor. */
function checkReturnCode(c: Cpu, sel: Selector): Descriptor {
  if ((sel & 0xfffc) === 0) gpFault(0);
  const d = readDescriptor(c, sel);
  const rpl = sel & 3;
  if (!isCode(d.attr) || rpl < c.cpl) gpFault(sel);
  if (d.attr & ATTR_CONFORMING ? dpl(d.attr) > rpl : dpl(d.attr) !== rpl) gpFault(sel);
  if (!(d.attr & ATTR_PRESENT)) throw new CpuFault(NP, sel & 0xfffc);
  return d;
}

/** Checks an SS popped when returning to ring `rpl`. */
function checkReturnStack(c: Cpu, sel: Selector, rpl: number): Descriptor {
  if ((sel & 0xfffc) === 0) gpFault(0);
  const d = readDescriptor(c, sel);
  if ((sel & 3) !== rpl || dpl(d.attr) !== rpl || !isData(d.attr) || !(d.attr & ATTR_WRITABLE)) gpFault(sel);
  if (!(d.attr & ATTR_PRESENT)) throw new CpuFault(SS_VEC, sel & 0xfffc);
  return d;
}

/** retf [imm16]. */
export function farReturn(c: Cpu, release: number, size: 2 | 4): void {
  let p = peek(c, 2, size);
  const eip = p[0], sel = p[1] & 0xffff;
  const d = checkReturnCode(c, sel);
  const rpl = sel & 3;
  checkOffset(d, eip);
  if (rpl === c.cpl) {
    loadCodeSegment(c, sel, d, c.cpl);
    c.regs[ESP] = (c.regs[ESP] + 2 * size + release) | 0;
  } else {
    p = peek(c, 2, size, 2 * size + release);
    const esp = p[0], ss = p[1];
    const sd = checkReturnStack(c, ss & 0xffff, rpl);
    loadCodeSegment(c, sel, d, rpl);
    loadDescriptor(c, SS, ss & 0xffff, sd);
    c.regs[ESP] = (esp + release) | 0;
    nullInaccessibleSegments(c);
  }
  c.eip = size === 2 ? eip & 0xffff : eip;
}

/** Which EFLAGS bits a popf/iret at this CPL may change. */
export function writableFlags(c: Cpu): number {
  let mask = EFLAGS_WRITABLE & ~(IF | IOPL);
  if (c.cpl === 0) mask |= IOPL;
  if (c.cpl <= ((c.flags.bits & IOPL) >> 12)) mask |= IF;
  return mask | AC | ID;
}

/** iret / iretd, within a ring or back to an outer one. */
export function interruptReturn(c: Cpu, size: 2 | 4): void {
  if (c.flags.bits & NT) gpFault(0); // nested task return: no task switching
  let p = peek(c, 3, size);
  const eip = p[0], cs = p[1], fl = p[2];
  const newFlags = size === 2 ? (c.flags.get() & ~0xffff) | (fl & 0xffff) : fl;
  if ((newFlags & VM) && c.cpl === 0) gpFault(0); // virtual-8086 mode is not emulated
  const sel = cs & 0xffff;
  const d = checkReturnCode(c, sel);
  const rpl = sel & 3;
  checkOffset(d, eip);
  const mask = writableFlags(c) | RF;
  const flags = (c.flags.get() & ~mask) | (newFlags & mask);
  if (rpl === c.cpl) {
    loadCodeSegment(c, sel, d, c.cpl);
    c.regs[ESP] = (c.regs[ESP] + 3 * size) | 0;
  } else {
    p = peek(c, 2, size, 3 * size);
    const esp = p[0], ss = p[1];
    const sd = checkReturnStack(c, ss & 0xffff, rpl);
    loadCodeSegment(c, sel, d, rpl);
    loadDescriptor(c, SS, ss & 0xffff, sd);
    c.regs[ESP] = size === 2 ? (c.regs[ESP] & ~0xffff) | (esp & 0xffff) : esp;
    nullInaccessibleSegments(c);
  }
  c.flags.set(flags & ~RF);
  c.eip = size === 2 ? eip & 0xffff : eip;
}

/** sysenter: to ring 0 at IA32_SYSENTER_CS:EIP with stack SYSENTER_CS+8:ESP. The segment
 *  caches are loaded with fixed flat descriptors, not read from the GDT (SDM SYSENTER). */
export function sysenter(c: Cpu): void {
  const cs = c.sysenterCs & 0xfffc;
  if (cs === 0) gpFault(0);
  c.flags.set(c.flags.get() & ~(VM | IF | RF));
  c.setSegmentCache(CS, cs, 0, 0xffffffff, 0xc09b);
  c.setSegmentCache(SS, (cs + 8) & 0xfffc, 0, 0xffffffff, 0xc093);
  c.setCpl(0);
  c.regs[ESP] = c.sysenterEsp;
  c.eip = c.sysenterEip;
}

/** sysexit: to ring 3 at EDX with stack ECX, CS = SYSENTER_CS+16, SS = +24, RPL 3. */
export function sysexit(c: Cpu): void {
  const cs = c.sysenterCs & 0xfffc;
  if (cs === 0 || c.cpl !== 0) gpFault(0);
  c.setSegmentCache(CS, (cs + 16) | 3, 0, 0xffffffff, 0xc0fb);
  c.setSegmentCache(SS, (cs + 24) | 3, 0, 0xffffffff, 0xc0f3);
  c.setCpl(3);
  c.regs[ESP] = c.regs[ECX];
  c.eip = c.regs[EDX];
}
