// String instructions: movs, cmps, scas, lods, stos, ins, outs (byte, word, dword), with
// rep/repe/repne, DF, a segment override on the source (the destination is always ES), and
// 16-bit addressing (SI/DI/CX) under the 0x67 prefix.
//
// Each instruction is one helper call, so a single element and a rep loop share one
// definition. A rep loop updates ESI/EDI/ECX after every element it finishes, so a fault
// mid-way leaves them counting the elements done while EIP still names the instruction:
// the handler returns to it and it resumes. `rep movs` and `rep stos` with flat segments
// and 32-bit addressing go a page at a time through the MMU's translation instead of one
// element at a time, with the same result and the same fault points.
//
// With TF set a rep instruction is single-stepped one iteration at a time, as the hardware
// does: the helper runs one element and reports that iterations remain; the block then
// leaves with EIP still on the instruction, and the single-step trap follows.
import { Mnemonic, Code } from 'iced-x86';
import type { Gen, Emitter } from '../codegen.ts';
import type { Cpu } from '../cpu.ts';
import type { Mmu } from '../mmu.ts';
import { lazyOp, LAZY_SUB } from '../flags.ts';
import { checkSegment } from '../segments.ts';
import { checkIoPermission } from './system.ts';
import * as types from '../types.ts';

// Module-local copies of constants from types.ts: V8 does not fold an imported binding
// into the code that uses it (it loads the module's cell and checks it is initialised on
// every use; measured 1.5-2x slower in a tight loop), and these run per instruction.
const DF = types.DF, ES = types.ES, UD = types.UD, PAGE_MASK = types.PAGE_MASK, PAGE_SHIFT = types.PAGE_SHIFT,
  TF = types.TF, RF = types.RF;
const ESI = 6, EDI = 7, ECX = 1, EAX = 0, EDX = 2;

type Kind = 'movs' | 'cmps' | 'scas' | 'lods' | 'stos' | 'ins' | 'outs';
type Bytes = 1 | 2 | 4;

/** The string forms by iced Code: the mnemonics Movsd and Cmpsd also name SSE2 forms. */
const FORMS = new Map<Code, [Kind, Bytes]>([
  [Code.Movsb_m8_m8, ['movs', 1]], [Code.Movsw_m16_m16, ['movs', 2]], [Code.Movsd_m32_m32, ['movs', 4]],
  [Code.Cmpsb_m8_m8, ['cmps', 1]], [Code.Cmpsw_m16_m16, ['cmps', 2]], [Code.Cmpsd_m32_m32, ['cmps', 4]],
  [Code.Scasb_AL_m8, ['scas', 1]], [Code.Scasw_AX_m16, ['scas', 2]], [Code.Scasd_EAX_m32, ['scas', 4]],
  [Code.Lodsb_AL_m8, ['lods', 1]], [Code.Lodsw_AX_m16, ['lods', 2]], [Code.Lodsd_EAX_m32, ['lods', 4]],
  [Code.Stosb_m8_AL, ['stos', 1]], [Code.Stosw_m16_AX, ['stos', 2]], [Code.Stosd_m32_EAX, ['stos', 4]],
  [Code.Insb_m8_DX, ['ins', 1]], [Code.Insw_m16_DX, ['ins', 2]], [Code.Insd_m32_DX, ['ins', 4]],
  [Code.Outsb_DX_m8, ['outs', 1]], [Code.Outsw_DX_m16, ['outs', 2]], [Code.Outsd_DX_m32, ['outs', 4]],
]);

const HELPER: Record<Kind, string> = {
  movs: 'strMovs', cmps: 'strCmps', scas: 'strScas', lods: 'strLods', stos: 'strStos', ins: 'strIns', outs: 'strOuts',
};

function stringOp(g: Gen): void {
  const form = FORMS.get(g.insn.code);
  if (!form) { g.fault(UD); g.branches = true; return; } // SSE2 movsd/cmpsd: no SSE here
  const [kind, bytes] = form;
  const seg = g.insn.mem ? g.insn.mem.seg : 3;
  const a16 = g.insn.asize === 16 ? 1 : 0;
  const call = `h.${HELPER[kind]}(c,${bytes},${seg},${a16},${g.insn.rep})`;
  // A rep helper returns true when it stopped after one iteration for TF: EIP (stored
  // before the call) stays on the instruction, which has not retired yet.
  if (g.insn.rep) g.call(`if(${call})return`); else g.call(call);
  if (kind === 'cmps' || kind === 'scas') {
    // With a rep prefix and a zero count the flags stay as they were: unknown to the block.
    if (g.insn.rep === 0) g.setsFlags(lazyOp(LAZY_SUB, (bytes * 8) as 8));
  } else {
    g.keepsFlags();
  }
  if (kind === 'ins' || kind === 'outs') {
    g.endsBlock = true; // a device may interrupt or stop
    g.readsClock = true; // and it sees the instruction count
  }
}

// ---- the element machinery ---------------------------------------------------------------

/** An index register's offset (SI/DI under 16-bit addressing). */
function index(c: Cpu, reg: number, a16: number): number {
  return a16 ? c.regs[reg] & 0xffff : c.regs[reg];
}

function advance(c: Cpu, reg: number, a16: number, delta: number): void {
  const r = c.regs;
  r[reg] = a16 ? (r[reg] & -65536) | ((r[reg] + delta) & 0xffff) : (r[reg] + delta) | 0;
}

function count(c: Cpu, a16: number): number {
  return a16 ? c.regs[ECX] & 0xffff : c.regs[ECX] >>> 0;
}

function setCount(c: Cpu, a16: number, n: number): void {
  c.regs[ECX] = a16 ? (c.regs[ECX] & -65536) | (n & 0xffff) : n | 0;
}

function step(c: Cpu, bytes: number): number {
  return (c.flags.bits & DF) ? -bytes : bytes;
}

/** The linear address of seg:off for an access, with the segment check when not flat. */
function linear(c: Cpu, seg: number, off: number, bytes: number, write: boolean): number {
  if (c.segCheck & (1 << seg)) checkSegment(c, seg, off, bytes, write);
  return (off + c.segBase[seg]) | 0;
}

function read(m: Mmu, a: number, bytes: number): number {
  return bytes === 1 ? m.rd8(a) : bytes === 2 ? m.rd16(a) : m.rd32(a);
}

function write(m: Mmu, a: number, bytes: number, v: number): void {
  if (bytes === 1) m.wr8(a, v); else if (bytes === 2) m.wr16(a, v); else m.wr32(a, v);
}

function accumulator(c: Cpu, bytes: number): number {
  const v = c.regs[EAX];
  return bytes === 1 ? v & 0xff : bytes === 2 ? v & 0xffff : v;
}

function setAccumulator(c: Cpu, bytes: number, v: number): void {
  const r = c.regs;
  r[EAX] = bytes === 1 ? (r[EAX] & -256) | v : bytes === 2 ? (r[EAX] & -65536) | v : v;
}

/** cmps/scas leave the flags of `x - y`. */
function compare(c: Cpu, bytes: number, x: number, y: number): void {
  const f = c.flags, size = (bytes * 8) as 8 | 16 | 32;
  f.op = lazyOp(LAZY_SUB, size);
  f.a = x;
  f.b = y;
  f.r = bytes === 4 ? (x - y) | 0 : (x - y) & (bytes === 1 ? 0xff : 0xffff);
}

/** One element of a string instruction: its accesses, then the index registers. */
type Element = (c: Cpu, bytes: number, seg: number, a16: number) => void;

/**
 * Runs an element once, or with a rep prefix ECX times, counting down after each element
 * it finished. With `zf`, repe (rep = 1) stops when ZF is clear and repne when it is set.
 * Returns true when it stopped early for a single-step trap (see `stepIteration`).
 */
function repeat(c: Cpu, bytes: number, seg: number, a16: number, rep: number, one: Element, zf: boolean): boolean {
  if (!rep) { one(c, bytes, seg, a16); return false; }
  if (c.flags.bits & TF) return stepIteration(c, bytes, seg, a16, rep, one, zf);
  for (let n = count(c, a16); n !== 0;) {
    one(c, bytes, seg, a16);
    n = (n - 1) >>> 0;
    setCount(c, a16, n);
    if (zf && (c.flags.r === 0) !== (rep === 1)) return false;
  }
  return false;
}

/**
 * Under TF, one iteration of a rep instruction: the single-step trap comes after each
 * iteration. While iterations remain, the instruction restarts after the trap handler,
 * and the EFLAGS image pushed for the trap has RF set (SDM 17.3.1.1). Returns true then.
 */
function stepIteration(c: Cpu, bytes: number, seg: number, a16: number, rep: number, one: Element, zf: boolean): boolean {
  const n = count(c, a16);
  if (n === 0) return false;
  one(c, bytes, seg, a16);
  setCount(c, a16, n - 1);
  const more = n - 1 !== 0 && !(zf && (c.flags.r === 0) !== (rep === 1));
  if (more) c.flags.bits |= RF;
  return more;
}

// ---- the instructions --------------------------------------------------------------------

function movsOne(c: Cpu, bytes: number, seg: number, a16: number): void {
  const m = c.mmu;
  const v = read(m, linear(c, seg, index(c, ESI, a16), bytes, false), bytes);
  write(m, linear(c, ES, index(c, EDI, a16), bytes, true), bytes, v);
  const d = step(c, bytes);
  advance(c, ESI, a16, d);
  advance(c, EDI, a16, d);
}

function stosOne(c: Cpu, bytes: number, _seg: number, a16: number): void {
  write(c.mmu, linear(c, ES, index(c, EDI, a16), bytes, true), bytes, accumulator(c, bytes));
  advance(c, EDI, a16, step(c, bytes));
}

function cmpsOne(c: Cpu, bytes: number, seg: number, a16: number): void {
  const m = c.mmu;
  const x = read(m, linear(c, seg, index(c, ESI, a16), bytes, false), bytes);
  const y = read(m, linear(c, ES, index(c, EDI, a16), bytes, false), bytes);
  const d = step(c, bytes);
  advance(c, ESI, a16, d);
  advance(c, EDI, a16, d);
  compare(c, bytes, x, y);
}

function scasOne(c: Cpu, bytes: number, _seg: number, a16: number): void {
  const y = read(c.mmu, linear(c, ES, index(c, EDI, a16), bytes, false), bytes);
  advance(c, EDI, a16, step(c, bytes));
  compare(c, bytes, accumulator(c, bytes), y);
}

function lodsOne(c: Cpu, bytes: number, seg: number, a16: number): void {
  const v = read(c.mmu, linear(c, seg, index(c, ESI, a16), bytes, false), bytes);
  advance(c, ESI, a16, step(c, bytes));
  setAccumulator(c, bytes, v);
}

/** ins: the destination is checked before the port is read (a read has side effects and
 *  cannot be undone when the write faults). */
function insOne(c: Cpu, bytes: number, _seg: number, a16: number): void {
  const m = c.mmu, port = c.regs[EDX] & 0xffff;
  const a = linear(c, ES, index(c, EDI, a16), bytes, true);
  m.probeWrite(a, bytes);
  const v = c.ports.read(port, bytes as Bytes);
  write(m, a, bytes, bytes === 4 ? v : v & (bytes === 1 ? 0xff : 0xffff));
  advance(c, EDI, a16, step(c, bytes));
  if (c.portBreaks.has(port)) c.pendingStop = { kind: 'port', port, write: false };
}

function outsOne(c: Cpu, bytes: number, seg: number, a16: number): void {
  const port = c.regs[EDX] & 0xffff;
  const v = read(c.mmu, linear(c, seg, index(c, ESI, a16), bytes, false), bytes);
  c.ports.write(port, bytes as Bytes, v);
  advance(c, ESI, a16, step(c, bytes));
  if (c.portBreaks.has(port)) c.pendingStop = { kind: 'port', port, write: true };
}

function strMovs(c: Cpu, bytes: number, seg: number, a16: number, rep: number): boolean {
  if (!rep) { movsOne(c, bytes, seg, a16); return false; }
  if (c.flags.bits & TF) return stepIteration(c, bytes, seg, a16, rep, movsOne, false);
  const bulk = !a16 && (c.segCheck & ((1 << seg) | (1 << ES))) === 0;
  while (count(c, a16) !== 0) {
    if (bulk && movsBulk(c, bytes, seg) !== 0) continue;
    movsOne(c, bytes, seg, a16);
    setCount(c, a16, count(c, a16) - 1);
  }
  return false;
}

function strStos(c: Cpu, bytes: number, seg: number, a16: number, rep: number): boolean {
  if (!rep) { stosOne(c, bytes, seg, a16); return false; }
  if (c.flags.bits & TF) return stepIteration(c, bytes, seg, a16, rep, stosOne, false);
  const bulk = !a16 && (c.segCheck & (1 << ES)) === 0;
  while (count(c, a16) !== 0) {
    if (bulk && stosBulk(c, bytes) !== 0) continue;
    stosOne(c, bytes, seg, a16);
    setCount(c, a16, count(c, a16) - 1);
  }
  return false;
}

function strCmps(c: Cpu, bytes: number, seg: number, a16: number, rep: number): boolean { return repeat(c, bytes, seg, a16, rep, cmpsOne, true); }
function strScas(c: Cpu, bytes: number, seg: number, a16: number, rep: number): boolean { return repeat(c, bytes, seg, a16, rep, scasOne, true); }
function strLods(c: Cpu, bytes: number, seg: number, a16: number, rep: number): boolean { return repeat(c, bytes, seg, a16, rep, lodsOne, false); }

/** ins/outs check I/O permission first, even for a zero count: the hardware checks it
 *  before the rep loop (a native `rep insb` with ECX = 0 at ring 3 raises #GP). DX does
 *  not change in the loop, so once is enough. */
function strIns(c: Cpu, bytes: number, seg: number, a16: number, rep: number): boolean {
  checkIoPermission(c, c.regs[EDX] & 0xffff, bytes);
  return repeat(c, bytes, seg, a16, rep, insOne, false);
}

function strOuts(c: Cpu, bytes: number, seg: number, a16: number, rep: number): boolean {
  checkIoPermission(c, c.regs[EDX] & 0xffff, bytes);
  return repeat(c, bytes, seg, a16, rep, outsOne, false);
}

// ---- bulk rep movs / rep stos ------------------------------------------------------------

/**
 * How many whole elements starting at linear `lin` stay inside its page going in the
 * direction of `d` (0 when the first element straddles two pages).
 */
function elementsInPage(lin: number, bytes: number, d: number): number {
  const off = lin & PAGE_MASK;
  if (off + bytes > PAGE_MASK + 1) return 0;
  return d > 0 ? Math.floor((PAGE_MASK + 1 - off) / bytes) : Math.floor(off / bytes) + 1;
}

/** Physical address of the first element's page chunk, or -1 when the chunk is not plain
 *  RAM (then the element path does it). Translating raises #PF as the first element would. */
function chunkPhys(c: Cpu, lin: number, write: boolean, len: number, d: number): number {
  const pa = c.mmu.translate(lin, write, c.mmu.user);
  const low = d > 0 ? pa : pa - (len - Math.abs(d));
  return c.mem.has(low, len) ? low : -1;
}

/** The part of one rep stos that fits in the destination's page: returns the elements done. */
function stosBulk(c: Cpu, bytes: number): number {
  const d = step(c, bytes);
  const lin = (c.regs[EDI] + c.segBase[ES]) | 0;
  const n = Math.min(elementsInPage(lin, bytes, d), count(c, 0));
  if (n < 2) return 0;
  const len = n * bytes;
  const low = chunkPhys(c, lin, true, len, d);
  if (low < 0) return 0;
  if (c.mmu.codePages[low >>> PAGE_SHIFT]) c.mmu.onCodeWrite(low, len);
  fill(c, low, len, bytes, accumulator(c, bytes));
  commit(c, n, d, false);
  return n;
}

function fill(c: Cpu, pa: number, len: number, bytes: number, v: number): void {
  const mem = c.mem;
  if (bytes === 1) { mem.u8.fill(v, pa, pa + len); return; }
  if (bytes === 4 && (pa & 3) === 0) { mem.i32.fill(v, pa >>> 2, (pa + len) >>> 2); return; }
  for (let p = pa; p < pa + len; p += bytes) {
    if (bytes === 2) mem.dv.setUint16(p, v, true); else mem.dv.setInt32(p, v, true);
  }
}

/** The part of one rep movs that fits in both the source's and the destination's page. */
function movsBulk(c: Cpu, bytes: number, seg: number): number {
  const d = step(c, bytes);
  const src = (c.regs[ESI] + c.segBase[seg]) | 0;
  const dst = (c.regs[EDI] + c.segBase[ES]) | 0;
  let n = Math.min(elementsInPage(src, bytes, d), elementsInPage(dst, bytes, d), count(c, 0));
  if (n < 2) return 0;
  // Translate the source first, then the destination: the element path's fault order.
  const srcPa = c.mmu.translate(src, false, c.mmu.user);
  const dstPa = c.mmu.translate(dst, true, c.mmu.user);
  // Element order matters when the ranges overlap the "wrong" way (a forward copy onto a
  // higher overlapping address repeats a pattern): copy at most the distance at a time.
  const gap = d > 0 ? dstPa - srcPa : srcPa - dstPa;
  if (gap > 0 && gap < n * bytes) n = Math.floor(gap / bytes);
  if (n < 2) return 0;
  const len = n * bytes, back = len - bytes;
  const srcLow = d > 0 ? srcPa : srcPa - back, dstLow = d > 0 ? dstPa : dstPa - back;
  if (!c.mem.has(srcLow, len) || !c.mem.has(dstLow, len)) return 0;
  if (c.mmu.codePages[dstLow >>> PAGE_SHIFT]) c.mmu.onCodeWrite(dstLow, len);
  c.mem.u8.copyWithin(dstLow, srcLow, srcLow + len);
  commit(c, n, d, true);
  return n;
}

/** After a bulk chunk: the index registers and the count, as if n elements ran. */
function commit(c: Cpu, n: number, d: number, source: boolean): void {
  const r = c.regs;
  r[EDI] = (r[EDI] + n * d) | 0;
  if (source) r[ESI] = (r[ESI] + n * d) | 0;
  r[ECX] = (r[ECX] - n) | 0;
}

export const emitters: Partial<Record<Mnemonic, Emitter>> = {
  [Mnemonic.Movsb]: stringOp, [Mnemonic.Movsw]: stringOp, [Mnemonic.Movsd]: stringOp,
  [Mnemonic.Cmpsb]: stringOp, [Mnemonic.Cmpsw]: stringOp, [Mnemonic.Cmpsd]: stringOp,
  [Mnemonic.Scasb]: stringOp, [Mnemonic.Scasw]: stringOp, [Mnemonic.Scasd]: stringOp,
  [Mnemonic.Lodsb]: stringOp, [Mnemonic.Lodsw]: stringOp, [Mnemonic.Lodsd]: stringOp,
  [Mnemonic.Stosb]: stringOp, [Mnemonic.Stosw]: stringOp, [Mnemonic.Stosd]: stringOp,
  [Mnemonic.Insb]: stringOp, [Mnemonic.Insw]: stringOp, [Mnemonic.Insd]: stringOp,
  [Mnemonic.Outsb]: stringOp, [Mnemonic.Outsw]: stringOp, [Mnemonic.Outsd]: stringOp,
};

export const helpers = { strMovs, strCmps, strScas, strLods, strStos, strIns, strOuts };
