// Shifts and rotates: shl/sal, shr, sar, rol, ror, rcl, rcr, shld, shrd.
//
// The count is masked to 5 bits (the 386 and later; the 8086 used all 8), and a masked
// count of 0 changes nothing, not even the flags. Shifts leave CF = the last bit shifted
// out, SF/ZF/PF from the result (lazy), OF defined only for a count of 1. Rotates touch
// only CF and OF: ZF, SF, PF and AF keep what the previous instruction left.
//
// The semantics are plain functions of (flags, size, value, count) in the helper table, so
// the exact path and the fast path share them; the emitter only reads the operand and the
// count and writes the result back.
import { Mnemonic } from 'iced-x86';
import { Gen, type Emitter, type Size } from '../codegen.ts';
import { OperandKind } from '../decode.ts';
import { lazyOp, LAZY_RESULT, type Flags } from '../flags.ts';
import * as T from '../types.ts';

// Module-local copies of constants from types.ts: V8 does not fold an imported binding
// into the code that uses it (it loads the module's cell and checks it is initialised on
// every use; measured 1.5-2x slower in a tight loop), and these run per instruction.
const CF = T.CF, OF = T.OF, OF_SHIFT = Math.log2(T.OF);
const COUNT_MASK = 31;

const MASK: Record<number, number> = { 8: 0xff, 16: 0xffff, 32: -1 };

function trunc(v: number, s: number): number { return s === 32 ? v | 0 : v & MASK[s]; }
function msb(v: number, s: number): number { return (v >>> (s - 1)) & 1; }
function sext(v: number, s: number): number { return s === 32 ? v | 0 : (v << (32 - s)) >> (32 - s); }

/** Shifts set CF and OF themselves; ZF, SF, PF follow the result; AF is undefined (0). */
function shifted(f: Flags, s: number, r: number, cf: number, of: number): number {
  f.setResult(s as Size, r, cf | (of << OF_SHIFT));
  return r;
}

/** Rotates replace only CF and OF. */
function rotated(f: Flags, r: number, cf: number, of: number): number {
  f.replaceCarryOverflow(cf | (of << OF_SHIFT));
  return r;
}

// ---- the operations: x is the operand (masked, or int32), c the masked count, 1..31 -------

function shl(f: Flags, s: number, x: number, c: number): number {
  // Bits move out of bit s-1; past the operand's width only zeros remain to move out.
  const cf = c <= s ? (x >>> (s - c)) & 1 : 0;
  const r = c < s ? trunc(x << c, s) : 0;
  return shifted(f, s, r, cf, msb(r, s) ^ cf);
}

function shr(f: Flags, s: number, x: number, c: number): number {
  const u = s === 32 ? x >>> 0 : x;
  const cf = c <= s ? (u >>> (c - 1)) & 1 : 0;
  const r = c < s ? trunc(u >>> c, s) : 0;
  return shifted(f, s, r, cf, msb(x, s));
}

function sar(f: Flags, s: number, x: number, c: number): number {
  const w = sext(x, s);
  const cf = (w >> Math.min(c - 1, 31)) & 1;
  return shifted(f, s, trunc(w >> Math.min(c, 31), s), cf, 0);
}

function rol(f: Flags, s: number, x: number, c: number): number {
  const n = c & (s - 1);
  const r = n === 0 ? x : trunc((x << n) | ((s === 32 ? x >>> 0 : x) >>> (s - n)), s);
  const cf = r & 1;
  return rotated(f, r, cf, msb(r, s) ^ cf);
}

function ror(f: Flags, s: number, x: number, c: number): number {
  const n = c & (s - 1);
  const r = n === 0 ? x : trunc(((s === 32 ? x >>> 0 : x) >>> n) | (x << (s - n)), s);
  return rotated(f, r, msb(r, s), msb(r, s) ^ ((r >>> (s - 2)) & 1));
}

/** rcl/rcr rotate s+1 bits (the operand and CF): the count is taken modulo s+1. */
function rcl(f: Flags, s: number, x: number, c: number): number {
  const n = s === 32 ? c : c % (s + 1);
  if (n === 0) return x;
  const u = s === 32 ? x >>> 0 : x, cin = f.cf();
  const r = trunc((u << n) | (cin << (n - 1)) | (n > 1 ? u >>> (s + 1 - n) : 0), s);
  const cf = (u >>> (s - n)) & 1;
  return rotated(f, r, cf, msb(r, s) ^ cf);
}

function rcr(f: Flags, s: number, x: number, c: number): number {
  const n = s === 32 ? c : c % (s + 1);
  if (n === 0) return x;
  const u = s === 32 ? x >>> 0 : x, cin = f.cf();
  const r = trunc((u >>> n) | (cin << (s - n)) | (n > 1 ? u << (s + 1 - n) : 0), s);
  return rotated(f, r, (u >>> (n - 1)) & 1, msb(r, s) ^ ((r >>> (s - 2)) & 1));
}

/** shld: x shifted left, the vacated bits filled from the top of y. A 16-bit count above
 *  16 is undefined; the 32-bit concatenation used here gives a deterministic answer. */
function shld(f: Flags, s: number, x: number, y: number, c: number): number {
  let r: number, cf: number;
  if (s === 32) {
    r = (x << c) | (y >>> (32 - c));
    cf = (x >>> (32 - c)) & 1;
  } else {
    const cat = ((x << 16) | y) >>> 0;
    r = ((cat << c) >>> 16) & 0xffff;
    cf = c <= 16 ? (cat >>> (32 - c)) & 1 : (y >>> (32 - c)) & 1;
  }
  return shifted(f, s, r | 0, cf, msb(r, s) ^ msb(x, s));
}

function shrd(f: Flags, s: number, x: number, y: number, c: number): number {
  let r: number, cf: number;
  if (s === 32) {
    r = (x >>> c) | (y << (32 - c));
    cf = (x >>> (c - 1)) & 1;
  } else {
    const cat = ((y << 16) | x) >>> 0;
    r = (cat >>> c) & 0xffff;
    cf = (cat >>> (c - 1)) & 1;
  }
  return shifted(f, s, r | 0, cf, msb(r, s) ^ msb(x, s));
}

// ---- emitters ------------------------------------------------------------------------------

/** JS source for the masked count of operand i (an immediate is masked at compile time). */
function countOf(g: Gen, i: number): { expr: string; known: number } {
  const o = g.op(i);
  if (o.kind === OperandKind.Imm) return { expr: String(o.imm & COUNT_MASK), known: o.imm & COUNT_MASK };
  return { expr: `(${g.read(i, 8)}&${COUNT_MASK})`, known: -1 };
}

/** rol/ror r/m32 by a constant, inline (checksums and hashes rotate in their inner loops):
 *  the same result and flags as the helpers above. */
function rotate32(g: Gen, left: boolean, n: number): void {
  const x = g.read(0);
  g.emit(left ? `x=${x};v=(x<<${n})|(x>>>${32 - n});` : `x=${x};v=(x>>>${n})|(x<<${32 - n});`);
  g.write(0, 'v');
  const cf = left ? 'v&1' : 'v>>>31', of = left ? '((v>>>31)^v)&1' : '((v>>>31)^(v>>>30))&1';
  g.emit(`f.replaceCarryOverflow((${cf})|((${of})<<${OF_SHIFT}));`);
}

/** dst = op(dst, count): nothing at all happens for a masked count of 0. */
function shift(name: string, isRotate: boolean): Emitter {
  return (g: Gen) => {
    const s = g.size(0), { expr, known } = countOf(g, 1);
    g.prepare(true);
    if (known === 0) { g.keepsFlags(); return; }
    if (s === 32 && known > 0 && (name === 'rol' || name === 'ror')) { rotate32(g, name === 'rol', known); return; }
    g.emit(`u=${expr};`);
    if (known < 0) g.emit('if(u!==0){');
    g.emit(`v=h.${name}(f,${s},${g.read(0)},u);`);
    g.write(0, 'v');
    if (known < 0) g.emit('}');
    if (!isRotate && known > 0) g.setsFlags(lazyOp(LAZY_RESULT, s as Size));
  };
}

/** shld/shrd dst, src, count. */
function doubleShift(name: string): Emitter {
  return (g: Gen) => {
    const s = g.size(0), { expr, known } = countOf(g, 2);
    g.prepare(true);
    if (known === 0) { g.keepsFlags(); return; }
    g.emit(`u=${expr};`);
    if (known < 0) g.emit('if(u!==0){');
    g.emit(`v=h.${name}(f,${s},${g.read(0)},${g.read(1, s)},u);`);
    g.write(0, 'v');
    if (known < 0) g.emit('}');
    if (known > 0) g.setsFlags(lazyOp(LAZY_RESULT, s as Size));
  };
}

export const emitters: Partial<Record<Mnemonic, Emitter>> = {
  [Mnemonic.Shl]: shift('shl', false),
  [Mnemonic.Sal]: shift('shl', false),
  [Mnemonic.Shr]: shift('shr', false),
  [Mnemonic.Sar]: shift('sar', false),
  [Mnemonic.Rol]: shift('rol', true),
  [Mnemonic.Ror]: shift('ror', true),
  [Mnemonic.Rcl]: shift('rcl', true),
  [Mnemonic.Rcr]: shift('rcr', true),
  [Mnemonic.Shld]: doubleShift('shld'),
  [Mnemonic.Shrd]: doubleShift('shrd'),
};

export const helpers = { shl, shr, sar, rol, ror, rcl, rcr, shld, shrd };
