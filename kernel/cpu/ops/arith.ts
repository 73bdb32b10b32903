// Integer arithmetic: add, adc, sub, sbb, cmp, inc, dec, neg. Results go to the destination;
// flags are left lazy (flags.ts) with the operands, so CF/OF/AF are derived only if read.
import { Mnemonic } from 'iced-x86';
import { Gen, trunc, type Emitter } from '../codegen.ts';
import { lazyOp, LAZY_ADD, LAZY_ADC, LAZY_SUB, LAZY_SBB, LAZY_INC, LAZY_DEC, LAZY_RESULT } from '../flags.ts';

/** dst = dst op src for add/sub (and cmp, which only sets flags). */
function binary(kind: number, sign: '+' | '-', store: boolean): Emitter {
  return (g: Gen) => {
    const s = g.size(0);
    g.prepare(store);
    g.emit(`x=${g.read(0)};y=${g.read(1, s)};v=${trunc(`x${sign}y`, s)};`);
    if (store) g.write(0, 'v');
    g.emit(`f.op=${lazyOp(kind, s)};f.a=x;f.b=y;f.r=v;`);
    g.setsFlags(lazyOp(kind, s));
  };
}

/** adc/sbb: the carry in picks the lazy op, so CF comes out right either way. */
function withCarry(plain: number, carried: number, sign: '+' | '-'): Emitter {
  return (g: Gen) => {
    const s = g.size(0);
    g.prepare(true);
    g.emit(`x=${g.read(0)};y=${g.read(1, s)};u=f.cf();v=${trunc(`x${sign}y${sign}u`, s)};`);
    g.write(0, 'v');
    g.emit(`f.op=u?${lazyOp(carried, s)}:${lazyOp(plain, s)};f.a=x;f.b=y;f.r=v;`);
  };
}

/** inc/dec: like add/sub 1, but CF is kept. */
function incdec(kind: number, sign: '+' | '-'): Emitter {
  return (g: Gen) => {
    const s = g.size(0);
    g.prepare(true);
    g.emit(`x=${g.read(0)};v=${trunc(`x${sign}1`, s)};`);
    g.write(0, 'v');
    // After inc/dec/logic/shift CF already sits in f.bits: no need to fold it in again.
    const k = g.flagsIn >> 2;
    const carryInBits = g.flagsIn > 0 && (k === LAZY_INC || k === LAZY_DEC || k === LAZY_RESULT);
    g.emit(`${carryInBits ? '' : 'f.keepCarry();'}f.op=${lazyOp(kind, s)};f.a=x;f.b=1;f.r=v;`);
    g.setsFlags(lazyOp(kind, s));
  };
}

function neg(g: Gen): void {
  const s = g.size(0);
  g.prepare(true);
  g.emit(`y=${g.read(0)};v=${trunc('-y', s)};`);
  g.write(0, 'v');
  g.emit(`f.op=${lazyOp(LAZY_SUB, s)};f.a=0;f.b=y;f.r=v;`);
  g.setsFlags(lazyOp(LAZY_SUB, s));
}

export const emitters: Partial<Record<Mnemonic, Emitter>> = {
  [Mnemonic.Add]: binary(LAZY_ADD, '+', true),
  [Mnemonic.Sub]: binary(LAZY_SUB, '-', true),
  [Mnemonic.Cmp]: binary(LAZY_SUB, '-', false),
  [Mnemonic.Adc]: withCarry(LAZY_ADD, LAZY_ADC, '+'),
  [Mnemonic.Sbb]: withCarry(LAZY_SUB, LAZY_SBB, '-'),
  [Mnemonic.Inc]: incdec(LAZY_INC, '+'),
  [Mnemonic.Dec]: incdec(LAZY_DEC, '-'),
  [Mnemonic.Neg]: neg,
};

export const helpers = {};
