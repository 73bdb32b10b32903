// Multiplication and division: mul, imul (one, two and three operands), div, idiv.
//
// One-operand forms work on the accumulator pair: AL*src → AX, AX*src → DX:AX,
// EAX*src → EDX:EAX; div/idiv divide that pair and leave the quotient in AL/AX/EAX and the
// remainder in AH/DX/EDX. A zero divisor or a quotient that does not fit raises #DE, a
// fault: nothing is written and EIP stays at the instruction.
//
// Flags: mul/imul set CF = OF = "the high half carries information" (for imul: the result
// is not the sign extension of the low half); SF, ZF, PF, AF are undefined and follow the
// low half here. After div/idiv every arithmetic flag is undefined: they are left alone.
import { Mnemonic } from 'iced-x86';
import { Gen, sext, type Emitter, type Size } from '../codegen.ts';
import { lazyOp, LAZY_RESULT, type Flags } from '../flags.ts';
import { CpuFault } from '../types.ts';
import * as T from '../types.ts';

// Module-local copies of constants from types.ts: V8 does not fold an imported binding
// into the code that uses it (it loads the module's cell and checks it is initialised on
// every use; measured 1.5-2x slower in a tight loop), and these run per instruction.
const CF = T.CF, OF = T.OF;
const DE = T.DE;
const EAX = T.EAX, EDX = T.EDX;

function overflowed(f: Flags, s: Size, low: number, wide: boolean): void {
  f.setResult(s, low, wide ? CF | OF : 0);
}

/** The high 32 bits of the unsigned 64-bit product of two uint32 values. */
function mulHigh(a: number, b: number): number {
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const lh = al * bh, hl = ah * bl;
  const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + Math.floor(lh / 0x10000) + Math.floor(hl / 0x10000) + Math.floor(mid / 0x10000)) | 0;
}

// ---- one-operand multiply ------------------------------------------------------------------

function mul8(r: Int32Array, f: Flags, src: number): void {
  const p = (r[EAX] & 0xff) * src;
  r[EAX] = (r[EAX] & -65536) | p;
  overflowed(f, 8, p & 0xff, p > 0xff);
}

function mul16(r: Int32Array, f: Flags, src: number): void {
  const p = (r[EAX] & 0xffff) * src, hi = Math.floor(p / 0x10000);
  r[EAX] = (r[EAX] & -65536) | (p & 0xffff);
  r[EDX] = (r[EDX] & -65536) | hi;
  overflowed(f, 16, p & 0xffff, hi !== 0);
}

function mul32(r: Int32Array, f: Flags, src: number): void {
  const a = r[EAX] >>> 0, b = src >>> 0;
  const lo = Math.imul(a, b), hi = mulHigh(a, b);
  r[EAX] = lo;
  r[EDX] = hi;
  overflowed(f, 32, lo, hi !== 0);
}

function imul8(r: Int32Array, f: Flags, src: number): void {
  const p = ((r[EAX] << 24) >> 24) * ((src << 24) >> 24);
  r[EAX] = (r[EAX] & -65536) | (p & 0xffff);
  overflowed(f, 8, p & 0xff, p !== (p << 24) >> 24);
}

function imul16(r: Int32Array, f: Flags, src: number): void {
  const p = ((r[EAX] << 16) >> 16) * ((src << 16) >> 16);
  r[EAX] = (r[EAX] & -65536) | (p & 0xffff);
  r[EDX] = (r[EDX] & -65536) | ((p >> 16) & 0xffff);
  overflowed(f, 16, p & 0xffff, p !== (p << 16) >> 16);
}

function imul32(r: Int32Array, f: Flags, src: number): void {
  const a = r[EAX], b = src | 0;
  const lo = Math.imul(a, b);
  // The signed high half: the unsigned one, less b·2^32 for a negative a (and vice versa).
  const hi = (mulHigh(a >>> 0, b >>> 0) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
  r[EAX] = lo;
  r[EDX] = hi;
  overflowed(f, 32, lo, hi !== lo >> 31);
}

// ---- divide --------------------------------------------------------------------------------

function divideError(): never { throw new CpuFault(DE, undefined); }

function div8(r: Int32Array, src: number): void {
  const n = r[EAX] & 0xffff;
  if (src === 0) divideError();
  const q = Math.floor(n / src);
  if (q > 0xff) divideError();
  r[EAX] = (r[EAX] & -65536) | ((n % src) << 8) | q;
}

function div16(r: Int32Array, src: number): void {
  const n = ((r[EDX] & 0xffff) * 0x10000) + (r[EAX] & 0xffff);
  if (src === 0) divideError();
  const q = Math.floor(n / src);
  if (q > 0xffff) divideError();
  r[EAX] = (r[EAX] & -65536) | q;
  r[EDX] = (r[EDX] & -65536) | (n % src);
}

function div32(r: Int32Array, src: number): void {
  const d = src >>> 0, hi = r[EDX] >>> 0, lo = r[EAX] >>> 0;
  if (d === 0 || hi >= d) divideError();           // hi >= d: the quotient needs > 32 bits
  if (hi === 0) {
    r[EAX] = Math.floor(lo / d) | 0;
    r[EDX] = (lo % d) | 0;
    return;
  }
  const n = (BigInt(hi) << 32n) | BigInt(lo), bd = BigInt(d);
  r[EAX] = Number(n / bd) | 0;
  r[EDX] = Number(n % bd) | 0;
}

function idiv8(r: Int32Array, src: number): void {
  const n = (r[EAX] << 16) >> 16, d = (src << 24) >> 24;
  if (d === 0) divideError();
  const q = Math.trunc(n / d);
  if (q < -0x80 || q > 0x7f) divideError();
  r[EAX] = (r[EAX] & -65536) | (((n - q * d) & 0xff) << 8) | (q & 0xff);
}

function idiv16(r: Int32Array, src: number): void {
  const n = ((r[EDX] & 0xffff) << 16) | (r[EAX] & 0xffff), d = (src << 16) >> 16;
  if (d === 0) divideError();
  const q = Math.trunc(n / d);
  if (q < -0x8000 || q > 0x7fff) divideError();
  r[EAX] = (r[EAX] & -65536) | (q & 0xffff);
  r[EDX] = (r[EDX] & -65536) | ((n - q * d) & 0xffff);
}

function idiv32(r: Int32Array, src: number): void {
  const d = src | 0, hi = r[EDX], lo = r[EAX];
  if (d === 0) divideError();
  let q: number, rem: number;
  if (hi === lo >> 31) {
    // The dividend fits in 32 bits: doubles divide it exactly enough to truncate.
    q = Math.trunc(lo / d);
    rem = lo - q * d;
  } else {
    const n = (BigInt(hi) << 32n) | BigInt(lo >>> 0), bd = BigInt(d);
    q = Number(n / bd);
    rem = Number(n % bd);
  }
  if (q < -0x80000000 || q > 0x7fffffff) divideError();
  r[EAX] = q | 0;
  r[EDX] = rem | 0;
}

// ---- emitters ------------------------------------------------------------------------------

/** mul/imul/div/idiv r/m: the accumulator forms, one helper per operand size. */
function accumulator(name: string, setsFlags: boolean): Emitter {
  return (g: Gen) => {
    const s = g.size(0);
    g.prepare(false);
    g.call(setsFlags ? `h.${name}${s}(r,f,${g.read(0)})` : `h.${name}${s}(r,${g.read(0)})`);
    if (!setsFlags) g.keepsFlags();
  };
}

/** imul with two or three operands: dst = src1 * src2, truncated to the operand size. */
function imulTruncating(g: Gen): void {
  const s = g.size(0), three = g.insn.ops.length === 3;
  g.prepare(false);
  const a = three ? g.read(1, s) : g.read(0), b = three ? g.read(2, s) : g.read(1, s);
  g.emit(`x=${sext(a, s)};y=${sext(b, s)};`);
  if (s === 32) g.emit('v=Math.imul(x,y);t=(x*y)!==v;');   // an exact product differs: overflow
  else g.emit(`t=x*y;v=t&0xffff;t=t!==${sext('v', 16)};`);
  g.write(0, 'v');
  g.emit(`f.setResult(${s},v,t?${CF | OF}:0);`);
  g.setsFlags(lazyOp(LAZY_RESULT, s));
}

function imul(g: Gen): void {
  if (g.insn.ops.length === 1) accumulator('imul', true)(g);
  else imulTruncating(g);
}

export const emitters: Partial<Record<Mnemonic, Emitter>> = {
  [Mnemonic.Mul]: accumulator('mul', true),
  [Mnemonic.Imul]: imul,
  [Mnemonic.Div]: accumulator('div', false),
  [Mnemonic.Idiv]: accumulator('idiv', false),
};

export const helpers = { mul8, mul16, mul32, imul8, imul16, imul32, div8, div16, div32, idiv8, idiv16, idiv32 };
