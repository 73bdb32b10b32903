// Interrupt and exception delivery through the IDT (Intel SDM vol. 3, 6.12): gate checks,
// the privilege check for `int n`, the ring-3 → ring-0 stack switch through the TSS, the
// frame the CPU pushes, and the double-fault/triple-fault rules.
import type { Cpu } from './cpu.ts';
import {
  CpuFault, TripleFault, GP, NP, TS, SS_VEC, DF_VEC, DE, PF_VEC, BR, UD, NM, MF, AC_VEC, CS, SS, ESP,
  DS, ES, FS, GS, TF, IF, NT, RF, VM, hasErrorCode, EXCEPTION_NAMES, type Vector,
} from './types.ts';
import { readDescriptor, readSystemEntry, isCode, isData, dpl, loadCodeSegment, loadDescriptor, ATTR_PRESENT, ATTR_CONFORMING, ATTR_WRITABLE } from './segments.ts';
import { frame, pushFrame, pushCurrent } from './stack.ts';

/** How the CPU came to the vector: its rules differ (gate DPL, EXT bit, error code). */
export const enum Source { Exception, Software, External }

const GATE_INT32 = 0xe, GATE_TRAP32 = 0xf;
const CONTRIBUTORY = new Set([DE, TS, NP, SS_VEC, GP]);
/** Fault-class exceptions (SDM table 6-1): the saved EIP names the faulting instruction,
 *  which restarts. (#DB is a fault only for instruction breakpoints, not emulated.) */
const FAULTS = new Set([DE, BR, UD, NM, TS, NP, SS_VEC, GP, PF_VEC, MF, AC_VEC]);

/** An exception raised by an instruction (or a trap after one). */
export function deliverException(c: Cpu, v: Vector, errorCode: number | undefined): void {
  const delivered = deliverWithDoubleFault(c, v, errorCode);
  if (c.vectorBreaks.has(delivered)) c.pendingStop = { kind: 'vector', vector: delivered };
}

/** Delivers `v`; an exception while doing so becomes #DF or is delivered in turn (SDM
 *  table 6-5), and one while delivering #DF shuts the machine down. Returns the vector
 *  whose handler was entered. */
function deliverWithDoubleFault(c: Cpu, v: Vector, errorCode: number | undefined): Vector {
  try {
    deliver(c, v, Source.Exception, hasErrorCode(v) ? errorCode ?? 0 : undefined, c.eip, FAULTS.has(v));
    return v;
  } catch (e) {
    if (!(e instanceof CpuFault)) throw e;
    if (v === DF_VEC) throw new TripleFault(`${EXCEPTION_NAMES[e.vector] ?? e.vector} while delivering #DF`);
    const second = e.vector;
    const double = (CONTRIBUTORY.has(v) && CONTRIBUTORY.has(second)) ||
      (v === PF_VEC && (CONTRIBUTORY.has(second) || second === PF_VEC));
    return double ? deliverWithDoubleFault(c, DF_VEC, 0) : deliverWithDoubleFault(c, second, e.errorCode);
  }
}

/** A hardware interrupt from the PIC. */
export function deliverInterrupt(c: Cpu, v: Vector): void {
  try {
    deliver(c, v, Source.External, undefined, c.eip, false);
  } catch (e) {
    if (!(e instanceof CpuFault)) throw e;
    deliverException(c, e.vector, e.errorCode);
  }
  if (c.vectorBreaks.has(v)) c.pendingStop = { kind: 'vector', vector: v };
}

/** `int n`, `int3`, `into`: EIP of the next instruction is the return address. */
export function softwareInterrupt(c: Cpu, v: Vector, nextEip: number): void {
  deliver(c, v, Source.Software, undefined, nextEip, false);
  c.noStepTrap = true; // the handler starts with TF clear: no single-step trap after int n
  if (c.vectorBreaks.has(v)) c.pendingStop = { kind: 'vector', vector: v };
}

/**
 * Enters the handler of vector `v`. `fault` marks a fault-class exception: the EFLAGS
 * image pushed for it has RF set (SDM 17.3.1.1), so an iret back to the faulting
 * instruction is not stopped again by an instruction breakpoint there.
 */
function deliver(c: Cpu, v: Vector, src: Source, errorCode: number | undefined, returnEip: number, fault: boolean): void {
  const ext = src === Source.Software ? 0 : 1;
  const idtErr = v * 8 + 2 + ext;
  if (v * 8 + 7 > c.idtr.limit) throw new CpuFault(GP, idtErr);
  const at = (c.idtr.base + v * 8) | 0;
  const gate = readSystemEntry(c, at), lo = gate[0], hi = gate[1];
  const type = (hi >>> 8) & 0x1f;
  if (type !== GATE_INT32 && type !== GATE_TRAP32) throw new CpuFault(GP, idtErr);
  if (src === Source.Software && ((hi >>> 13) & 3) < c.cpl) throw new CpuFault(GP, idtErr);
  if (!(hi & 0x8000)) throw new CpuFault(NP, idtErr);
  const sel = lo >>> 16;
  const offset = ((lo & 0xffff) | (hi & 0xffff0000)) | 0;
  if ((sel & 0xfffc) === 0) throw new CpuFault(GP, ext);
  const d = readDescriptor(c, sel);
  if (!isCode(d.attr) || dpl(d.attr) > c.cpl) throw new CpuFault(GP, (sel & 0xfffc) + ext);
  if (!(d.attr & ATTR_PRESENT)) throw new CpuFault(NP, (sel & 0xfffc) + ext);

  const newCpl = d.attr & ATTR_CONFORMING ? c.cpl : dpl(d.attr);
  const eflags = c.flags.get();
  // The frame, outermost slot first: [SS, ESP,] EFLAGS, CS, EIP[, error code].
  const outer = newCpl < c.cpl;
  let n = 0;
  if (outer) { frame[0] = c.seg[SS]; frame[1] = c.regs[ESP]; n = 2; }
  frame[n++] = fault ? eflags | RF : eflags;
  frame[n++] = c.seg[CS];
  frame[n++] = returnEip;
  if (errorCode !== undefined) frame[n++] = errorCode;

  if (outer) {
    // Inter-privilege: the new stack comes from the TSS (SS0:ESP0 for ring 0).
    const tssOff = 4 + newCpl * 8;
    if (c.tr.limit < tssOff + 5) throw new CpuFault(TS, (c.tr.sel & 0xfffc) + ext);
    const stack = readSystemEntry(c, (c.tr.base + tssOff) | 0, 2), newEsp = stack[0], newSs = stack[1];
    if ((newSs & 0xfffc) === 0) throw new CpuFault(TS, ext);
    const sd = readDescriptor(c, newSs, TS);
    if ((newSs & 3) !== newCpl || dpl(sd.attr) !== newCpl || !isData(sd.attr) || !(sd.attr & ATTR_WRITABLE))
      throw new CpuFault(TS, (newSs & 0xfffc) + ext);
    if (!(sd.attr & ATTR_PRESENT)) throw new CpuFault(SS_VEC, (newSs & 0xfffc) + ext);
    const esp = pushFrame(c, sd.base, newEsp, n, 4, false);
    loadDescriptor(c, SS, newSs, sd);
    c.regs[ESP] = esp;
  } else {
    pushCurrent(c, n);
  }
  loadCodeSegment(c, sel, d, newCpl);
  c.eip = offset;
  c.flags.set(eflags & ~(TF | NT | RF | VM | (type === GATE_INT32 ? IF : 0)));
  c.halted = false;
}

/** After a return to an outer ring, data segment registers the outer ring may not use are
 *  nulled (SDM: RET/IRET to a less privileged level). */
export function nullInaccessibleSegments(c: Cpu): void {
  nullIfInaccessible(c, ES);
  nullIfInaccessible(c, DS);
  nullIfInaccessible(c, FS);
  nullIfInaccessible(c, GS);
}

function nullIfInaccessible(c: Cpu, s: number): void {
  const attr = c.segAttr[s];
  if (attr === 0) return;
  const conformingCode = isCode(attr) && (attr & ATTR_CONFORMING);
  if (!conformingCode && dpl(attr) < c.cpl) c.setSegmentCache(s, 0, 0, 0, 0);
}
