// Bit operations: bt, bts, btr, btc (test a bit into CF, then set/reset/complement it) and
// bsf, bsr (scan for the lowest/highest set bit).
//
// bt* with a register bit offset and a memory operand address a bit string: the offset is
// signed and may reach far beyond the operand, so the address moves by whole operands
// (offset >> 5 dwords, or >> 4 words) and only the low bits pick the bit. With an immediate
// or a register operand, the offset is taken modulo the operand size.
//
// Flags: bt* set CF to the bit, leave ZF alone (OF, SF, AF, PF are undefined: kept here).
// bsf/bsr set ZF when the source is zero, and then leave the destination unchanged (what
// Intel and AMD processors do, though the manual calls it undefined).
import { Mnemonic } from 'iced-x86';
import { Gen, type Emitter } from '../codegen.ts';
import { OperandKind } from '../decode.ts';
import type { Flags } from '../flags.ts';
import * as T from '../types.ts';

// Module-local copies of constants from types.ts: V8 does not fold an imported binding
// into the code that uses it (it loads the module's cell and checks it is initialised on
// every use; measured 1.5-2x slower in a tight loop), and these run per instruction.
const CF = T.CF, ZF = T.ZF;

/** CF = bit; the other arithmetic flags stay as they are. */
function setCarry(f: Flags, bit: number): void {
  f.materialize();
  f.bits = (f.bits & ~CF) | bit;
}

function setZero(f: Flags, zero: boolean): void {
  f.materialize();
  f.bits = zero ? f.bits | ZF : f.bits & ~ZF;
}

/** How each bt* changes the tested bit (`v` the operand, `x` the mask), as JS source. */
const UPDATE: Record<string, string | null> = { bt: null, bts: 'v|x', btr: 'v&~x', btc: 'v^x' };

function bitTest(name: keyof typeof UPDATE): Emitter {
  return (g: Gen) => {
    const s = g.size(0), o = g.op(0), off = g.op(1), update = UPDATE[name];
    const sizeMask = s - 1;
    if (o.kind === OperandKind.Mem && off.kind === OperandKind.Reg) {
      // The bit string: move the address by whole operands, signed.
      const shift = s === 32 ? 5 : 4, scale = s / 8;
      const sext = s === 32 ? `r[${off.reg}]` : `(r[${off.reg}]<<16>>16)`;
      g.emit(`t=${sext};`);
      const ea = `(${g.offset()}+((t>>${shift})*${scale}))`;
      g.linear(g.insn.mem!.seg, g.insn.mem!.asize === 16 ? `(${ea}&0xffff)` : `(${ea}|0)`, update !== null, scale);
      g.emit(`u=t&${sizeMask};`);
    } else {
      g.prepare(update !== null);
      g.emit(`u=${g.read(1, s)}&${sizeMask};`);
    }
    g.emit(`v=${g.read(0)};x=1<<u;h.setCarry(f,(v>>>u)&1);`);
    if (update !== null) g.write(0, s === 32 ? `((${update})|0)` : `((${update})&${s === 16 ? 0xffff : 0xff})`);
  };
}

function bitScan(reverse: boolean): Emitter {
  return (g: Gen) => {
    const s = g.size(0);
    g.prepare(false);
    g.emit(`v=${g.read(1, s)};h.setZero(f,v===0);`);
    const index = reverse ? '31-Math.clz32(v)' : '31-Math.clz32(v&-v)';
    g.emit('if(v!==0){');
    g.write(0, `(${index})`);
    g.emit('}');
  };
}

export const emitters: Partial<Record<Mnemonic, Emitter>> = {
  [Mnemonic.Bt]: bitTest('bt'),
  [Mnemonic.Bts]: bitTest('bts'),
  [Mnemonic.Btr]: bitTest('btr'),
  [Mnemonic.Btc]: bitTest('btc'),
  [Mnemonic.Bsf]: bitScan(false),
  [Mnemonic.Bsr]: bitScan(true),
};

export const helpers = { setCarry, setZero };
