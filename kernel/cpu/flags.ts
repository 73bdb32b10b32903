// Lazy arithmetic flags. An ALU instruction does not compute CF, PF, AF, ZF, SF and OF; it
// records what it did (the operation with its size, the operands, the result) and the
// flags are derived only when something reads them — a jcc, pushf, an interrupt. Most
// results are overwritten before anyone looks, so this saves most of the flag work.
//
// `op` encodes kind << 2 | size index (0: 8 bits, 1: 16, 2: 32); 0 means "no lazy state:
// the arithmetic flags are in `bits`". Operands and results are stored truncated to the
// operand size (unsigned for 8 and 16 bits, int32 for 32).
import * as T from './types.ts';

// Module-local copies of constants from types.ts: V8 does not fold an imported binding
// into the code that uses it (it loads the module's cell and checks it is initialised on
// every use; measured 1.5-2x slower in a tight loop), and these run per instruction.
const CF = T.CF, PF = T.PF, AF = T.AF, ZF = T.ZF, SF = T.SF, OF = T.OF;
const ARITH_FLAGS = T.ARITH_FLAGS, EFLAGS_FIXED = T.EFLAGS_FIXED;

/** What the last flag-setting instruction did. */
export const LAZY_ADD = 1, LAZY_ADC = 2, LAZY_SUB = 3, LAZY_SBB = 4,
  /** inc/dec: like add/sub of 1, but CF stays what it was (it is in `bits`). */
  LAZY_INC = 5, LAZY_DEC = 6,
  /** Only ZF, SF, PF come from the result; CF, OF, AF were set in `bits` by the instruction
   *  (logic ops, shifts, rotates through the result). */
  LAZY_RESULT = 7;

export const SIZE_INDEX: Record<number, number> = { 8: 0, 16: 1, 32: 2 };
/** The lazy op code for a kind at an operand size. */
export function lazyOp(kind: number, size: 8 | 16 | 32): number { return (kind << 2) | SIZE_INDEX[size]; }

const SIGN = [0x80, 0x8000, 0x80000000 | 0];

const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let p = 1;
  for (let b = i; b; b >>= 1) p ^= b & 1;
  PARITY[i] = p ? PF : 0;
}

export class Flags {
  /** EFLAGS with the arithmetic flags valid only when op === 0. */
  bits = EFLAGS_FIXED;
  op = 0;
  a = 0;
  b = 0;
  r = 0;

  cf(): number {
    const op = this.op;
    switch (op >> 2) {
      case 0: case LAZY_INC: case LAZY_DEC: case LAZY_RESULT: return this.bits & CF;
      case LAZY_ADD: return (this.r >>> 0) < (this.a >>> 0) ? 1 : 0;
      case LAZY_ADC: return (this.r >>> 0) <= (this.a >>> 0) ? 1 : 0;
      case LAZY_SUB: return (this.a >>> 0) < (this.b >>> 0) ? 1 : 0;
      case LAZY_SBB: return (this.a >>> 0) <= (this.b >>> 0) ? 1 : 0;
    }
    return 0;
  }

  zf(): number { return this.op === 0 ? (this.bits & ZF) >> 6 : this.r === 0 ? 1 : 0; }

  sf(): number { return this.op === 0 ? (this.bits & SF) >> 7 : (this.r & SIGN[this.op & 3]) !== 0 ? 1 : 0; }

  pf(): number { return this.op === 0 ? (this.bits & PF) >> 2 : PARITY[this.r & 0xff] >> 2; }

  of(): number {
    const op = this.op, sign = SIGN[op & 3];
    switch (op >> 2) {
      case 0: case LAZY_RESULT: return (this.bits & OF) >> 11;
      case LAZY_ADD: case LAZY_ADC: case LAZY_INC: return ((this.a ^ this.r) & (this.b ^ this.r) & sign) !== 0 ? 1 : 0;
      case LAZY_SUB: case LAZY_SBB: case LAZY_DEC: return ((this.a ^ this.b) & (this.a ^ this.r) & sign) !== 0 ? 1 : 0;
    }
    return 0;
  }

  af(): number {
    const k = this.op >> 2;
    if (k === 0 || k === LAZY_RESULT) return (this.bits & AF) >> 4;
    return ((this.a ^ this.b ^ this.r) & AF) >> 4;
  }

  /** EFLAGS as the hardware would show it now. */
  get(): number {
    if (this.op === 0) return this.bits;
    return (this.bits & ~ARITH_FLAGS) | this.cf() | (this.pf() << 2) | (this.af() << 4) |
      (this.zf() << 6) | (this.sf() << 7) | (this.of() << 11);
  }

  /** Replaces all of EFLAGS (popf, iret, sahf...): the lazy state is dropped. */
  set(v: number): void {
    this.bits = (v | EFLAGS_FIXED) >>> 0;
    this.op = 0;
  }

  /** Folds the lazy state into `bits`; then single flags can be changed in `bits`. */
  materialize(): void {
    if (this.op !== 0) { this.bits = this.get(); this.op = 0; }
  }

  /** Sets or clears one arithmetic flag, keeping the others. */
  setFlag(flag: number, on: boolean | number): void {
    this.materialize();
    this.bits = on ? this.bits | flag : this.bits & ~flag;
  }

  /** Rotates: CF and OF become `cfOf`; ZF, SF, PF and AF stay as the lazy state says. The
   *  old CF and OF are not derived at all, which is most of what materialize() costs. */
  replaceCarryOverflow(cfOf: number): void {
    const op = this.op;
    if (op === 0) { this.bits = (this.bits & ~(CF | OF)) | cfOf; return; }
    const r = this.r, k = op >> 2;
    const af = k === LAZY_RESULT ? this.bits & AF : (this.a ^ this.b ^ r) & AF;
    this.bits = (this.bits & ~ARITH_FLAGS) | cfOf | af | PARITY[r & 0xff] |
      (r === 0 ? ZF : 0) | ((r & SIGN[op & 3]) !== 0 ? SF : 0);
    this.op = 0;
  }

  /** Before inc/dec: CF must survive in `bits` while the rest goes lazy. */
  keepCarry(): void {
    if (this.op !== 0) { const cf = this.cf(); this.bits = (this.bits & ~CF) | cf; }
  }

  /** Before an op that sets CF/OF/AF itself and leaves ZF/SF/PF to the result. */
  setResult(size: 8 | 16 | 32, r: number, cfOfAf: number): void {
    this.bits = (this.bits & ~(CF | OF | AF)) | cfOfAf;
    this.op = (LAZY_RESULT << 2) | SIZE_INDEX[size];
    this.r = r;
  }
}
