// Segmentation: descriptors in the GDT/LDT, the checks a segment-register load makes
// (Intel SDM vol. 3, 5.5-5.8), and the limit/rights check on accesses through a segment
// that is not flat.
import type { Cpu } from './cpu.ts';
import { CpuFault, type Selector } from './types.ts';
import * as T from './types.ts';

// Module-local copies (see mmu.ts): these run on every segment load and every access
// through a segment that is not flat.
const GP = T.GP, NP = T.NP, SS_VEC = T.SS_VEC, UD = T.UD, CS = T.CS, SS = T.SS;

/** A decoded segment descriptor. */
export interface Descriptor {
  readonly base: number;
  /** Effective limit (granularity applied). */
  readonly limit: number;
  /** Access byte (P, DPL, S, type) | flags nibble (G, D/B, L, AVL) << 8. */
  readonly attr: number;
  /** Linear address of the descriptor in its table (to set the accessed bit). */
  readonly addr: number;
  /** What a load of it leaves in the register's hidden part besides base, limit and
   *  attributes (Cpu.setSegmentCache), worked out once per decode: whether a data
   *  register loaded with it is flat, and the last offsets a read and a write may touch. */
  readonly flatData: boolean;
  readonly readEnd: number;
  readonly writeEnd: number;
}

export const ATTR_PRESENT = 0x80, ATTR_S = 0x10, ATTR_CODE = 0x08, ATTR_CONFORMING = 0x04,
  ATTR_EXPAND_DOWN = 0x04, ATTR_READABLE = 0x02, ATTR_WRITABLE = 0x02, ATTR_ACCESSED = 0x01,
  ATTR_DB = 0x400;

export const dpl = (attr: number): number => (attr >> 5) & 3;
export const isCode = (attr: number): boolean => (attr & (ATTR_S | ATTR_CODE)) === (ATTR_S | ATTR_CODE);
export const isData = (attr: number): boolean => (attr & (ATTR_S | ATTR_CODE)) === ATTR_S;
/** System descriptor type (S = 0): 0x9/0xB 32-bit TSS, 0xC call gate, 0xE int gate, 0xF trap gate. */
export const systemType = (attr: number): number => ((attr & ATTR_S) ? -1 : attr & 0xf);

export function gpFault(sel: number): never { throw new CpuFault(GP, sel & 0xfffc); }

/** Where readSystemEntry leaves the two dwords it read (low first): scratch, not kept. */
const systemEntry = new Int32Array(2);

/** A dword and the 4 (or 2: `highBytes`) bytes after it in a system structure (a GDT/LDT
 *  descriptor, an IDT gate, a TSS's ESPn and SSn) at linear `addr`, read as supervisor:
 *  with one translation when they are dword-aligned in one page, else access by access
 *  (faulting exactly where the hardware's reads would). Returns the shared scratch pair;
 *  read it before the next call. */
export function readSystemEntry(c: Cpu, addr: number, highBytes: 2 | 4 = 4): Int32Array {
  const p = c.mmu.sysReadPhys(addr, 8);
  if (p >= 0) {
    systemEntry[0] = c.mem.i32[p >>> 2];
    systemEntry[1] = highBytes === 4 ? c.mem.i32[(p >>> 2) + 1] : c.mem.i32[(p >>> 2) + 1] & 0xffff;
  } else {
    systemEntry[0] = c.mmu.rdSys(addr, 4);
    systemEntry[1] = c.mmu.rdSys((addr + 4) | 0, highBytes);
  }
  return systemEntry;
}

/** Reads the descriptor a selector names, or raises `vector`(selector) when it lies beyond
 *  its table's limit. The caller handles the null selector. */
export function readDescriptor(c: Cpu, sel: Selector, vector = GP): Descriptor {
  const ldt = (sel & 4) !== 0;
  const table = ldt ? c.ldtr : c.gdtr;
  const off = sel & 0xfff8;
  if ((ldt && c.ldtr.sel === 0) || off + 7 > table.limit) throw new CpuFault(vector, sel & 0xfffc);
  const addr = (table.base + off) | 0;
  const entry = readSystemEntry(c, addr), lo = entry[0], hi = entry[1];
  // The table in memory is the truth and is read every time; only the decoding of the
  // same eight bytes at the same place is remembered (NT loads a handful of selectors
  // over and over, on every system call and interrupt).
  const slot = (sel >>> 3) & DECODED_MASK;
  const memo = decoded[slot];
  if (memo !== null && decodedLo[slot] === lo && decodedHi[slot] === hi && memo.addr === addr) return memo;
  const d = decodeDescriptor(lo, hi, addr);
  decodedLo[slot] = lo; decodedHi[slot] = hi; decoded[slot] = d;
  return d;
}

/** Recently decoded descriptors by selector index, with the bytes they came from (typed
 *  arrays: the dwords are int32s, which would be boxed in a plain array). Shared by every
 *  CPU: an entry is used only when its address and bytes match. */
const DECODED_MASK = 0xff;
const decodedLo = new Int32Array(DECODED_MASK + 1);
const decodedHi = new Int32Array(DECODED_MASK + 1);
const decoded: (Descriptor | null)[] = new Array<Descriptor | null>(DECODED_MASK + 1).fill(null);

export function decodeDescriptor(lo: number, hi: number, addr = 0): Descriptor {
  const base = ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) | 0;
  let limit = (lo & 0xffff) | (hi & 0xf0000);
  const attr = ((hi >>> 8) & 0xff) | (((hi >>> 20) & 0xf) << 8);
  if (hi & 0x800000) limit = ((limit << 12) | 0xfff) >>> 0;
  limit >>>= 0;
  const loaded = attr | ATTR_ACCESSED;
  return { base, limit, attr, addr, flatData: isFlatData(base, limit, loaded), readEnd: readEndOf(limit, loaded), writeEnd: writeEndOf(limit, loaded) };
}

/** A data register with this hidden part needs no checks: base 0, limit 4 GiB, present,
 *  writable expand-up data. (CS is always checked: writes through cs: must #GP.) */
export function isFlatData(base: number, limit: number, attr: number): boolean {
  return base === 0 && limit >>> 0 === 0xffffffff && (attr & ATTR_PRESENT) !== 0 && (attr & 0x1e) === (ATTR_S | ATTR_WRITABLE);
}

/** The highest offset a read through the segment may touch that passes every check (the
 *  limit of an expand-up segment that can be read), or -1: checkSegment must decide
 *  (null, not readable, expand-down). Compiled code compares against it inline. */
export function readEndOf(limit: number, attr: number): number {
  return usableInline(attr) && (!isCode(attr) || (attr & ATTR_READABLE)) ? limit >>> 0 : -1;
}

/** The same for a write: writable expand-up data only. */
export function writeEndOf(limit: number, attr: number): number {
  return usableInline(attr) && !isCode(attr) && (attr & ATTR_WRITABLE) ? limit >>> 0 : -1;
}

const usableInline = (attr: number): boolean => attr !== 0 && !(isData(attr) && (attr & ATTR_EXPAND_DOWN) !== 0);

/** Loads segment register `s` from a descriptor that passed the checks for it: the
 *  accessed bit set in the table, as the hardware does, and the hidden part filled. */
export function loadDescriptor(c: Cpu, s: number, sel: Selector, d: Descriptor): void {
  markAccessed(c, d);
  c.setSegmentImage(s, sel, d.base, d.limit, d.attr | ATTR_ACCESSED, d.flatData, d.readEnd, d.writeEnd);
}

/** Sets the accessed bit in the descriptor table, as the hardware does on a load. */
function markAccessed(c: Cpu, d: Descriptor): void {
  if (!(d.attr & ATTR_ACCESSED)) c.mmu.wrSys((d.addr + 5) | 0, 1, (d.attr | ATTR_ACCESSED) & 0xff);
}

/** `mov sreg`, `pop sreg`, `lds`...: loads a data or stack segment register with checks. */
export function loadSegment(c: Cpu, s: number, sel: Selector): void {
  sel &= 0xffff;
  const rpl = sel & 3;
  if (s === CS) throw new CpuFault(UD, undefined); // mov cs is not an instruction
  if ((sel & 0xfffc) === 0) {
    if (s === SS) gpFault(0);
    c.setSegmentCache(s, sel, 0, 0, 0);
    return;
  }
  const d = readDescriptor(c, sel);
  if (s === SS) {
    if (rpl !== c.cpl || dpl(d.attr) !== c.cpl || !isData(d.attr) || !(d.attr & ATTR_WRITABLE)) gpFault(sel);
    if (!(d.attr & ATTR_PRESENT)) throw new CpuFault(SS_VEC, sel & 0xfffc);
  } else {
    const readable = isData(d.attr) || (isCode(d.attr) && (d.attr & ATTR_READABLE));
    if (!readable) gpFault(sel);
    const conformingCode = isCode(d.attr) && (d.attr & ATTR_CONFORMING);
    if (!conformingCode && (rpl > dpl(d.attr) || c.cpl > dpl(d.attr))) gpFault(sel);
    if (!(d.attr & ATTR_PRESENT)) throw new CpuFault(NP, sel & 0xfffc);
  }
  loadDescriptor(c, s, sel, d);
}

/** Loads CS for a far transfer to a code segment already checked by the caller. */
export function loadCodeSegment(c: Cpu, sel: Selector, d: Descriptor, cpl: number): void {
  loadDescriptor(c, CS, (sel & 0xfffc) | cpl, d);
  c.setCpl(cpl);
}

/** The check on an access through a segment that is not flat: null, rights, limit. Raises
 *  #GP(0), or #SS(0) for the stack segment, like the hardware. */
export function checkSegment(c: Cpu, s: number, off: number, bytes: number, write: boolean): void {
  const attr = c.segAttr[s];
  const vec = s === SS ? SS_VEC : GP;
  if (attr === 0) throw new CpuFault(vec, 0);
  if (write ? isCode(attr) || !(attr & ATTR_WRITABLE) : isCode(attr) && !(attr & ATTR_READABLE))
    throw new CpuFault(vec, 0);
  const last = ((off >>> 0) + bytes - 1);
  const limit = c.segLimit[s];
  if (isData(attr) && (attr & ATTR_EXPAND_DOWN)) {
    const upper = attr & ATTR_DB ? 0xffffffff : 0xffff;
    if ((off >>> 0) <= limit || last > upper) throw new CpuFault(vec, 0);
  } else if (last > limit) {
    throw new CpuFault(vec, 0);
  }
}
