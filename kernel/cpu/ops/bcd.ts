// Decimal arithmetic: daa, das (packed BCD in AL after an add/sub), aaa, aas (unpacked BCD
// in AL/AH), aam, aad (unpacked multiply/divide helpers with an immediate base, 10 by
// default). Rare and irregular, so each is one helper function, written from the Intel
// manual's pseudo-code, with the flags it leaves stated beside it.
import { Mnemonic } from 'iced-x86';
import type { Emitter } from '../codegen.ts';
import { OperandKind } from '../decode.ts';
import { CpuFault } from '../types.ts';
import * as T from '../types.ts';
import type { Flags } from '../flags.ts';

// Module-local copies of constants from types.ts: V8 does not fold an imported binding
// into the code that uses it (it loads the module's cell and checks it is initialised on
// every use; measured 1.5-2x slower in a tight loop), and these run per instruction.
const CF = T.CF, PF = T.PF, AF = T.AF, ZF = T.ZF, SF = T.SF, OF = T.OF;
const ARITH = T.ARITH_FLAGS;
const DE = T.DE;

function parity(v: number): number {
  let p = 1;
  for (let b = v & 0xff; b; b >>= 1) p ^= b & 1;
  return p ? PF : 0;
}

/** ZF, SF and PF of an 8-bit result. */
function szp(al: number): number {
  return (al === 0 ? ZF : 0) | (al & 0x80 ? SF : 0) | parity(al);
}

function setArith(f: Flags, v: number): void {
  f.materialize();
  f.bits = (f.bits & ~ARITH) | v;
}

const AL = (r: Int32Array) => r[0] & 0xff;
const setAL = (r: Int32Array, v: number) => { r[0] = (r[0] & -256) | (v & 0xff); };

/** daa: adjust AL after adding two packed BCD bytes. OF is undefined (cleared). */
function daa(r: Int32Array, f: Flags): void {
  const old = AL(r), oldCf = f.cf();
  let al = old, cf = 0, af = 0;
  if ((al & 0xf) > 9 || f.af()) { al += 6; cf = oldCf | (al > 0xff ? 1 : 0); af = AF; }
  if (old > 0x99 || oldCf) { al += 0x60; cf = 1; } else cf = 0;
  setAL(r, al);
  setArith(f, cf | af | szp(al & 0xff));
}

/** das: adjust AL after subtracting packed BCD bytes. OF is undefined (cleared). */
function das(r: Int32Array, f: Flags): void {
  const old = AL(r), oldCf = f.cf();
  let al = old, cf = 0, af = 0;
  if ((al & 0xf) > 9 || f.af()) { cf = oldCf | (al < 6 ? 1 : 0); al -= 6; af = AF; }
  if (old > 0x99 || oldCf) { al -= 0x60; cf = 1; }
  setAL(r, al);
  setArith(f, cf | af | szp(al & 0xff));
}

/** aaa: adjust AL after adding unpacked BCD. AX + 0x106 carries from AL into AH (current
 *  Intel processors; some AMD add 1 to AH and 6 to AL separately). OF, SF, ZF, PF are
 *  undefined: they follow the final AL here. */
function aaa(r: Int32Array, f: Flags): void {
  let cf = 0;
  if ((AL(r) & 0xf) > 9 || f.af()) { r[0] = (r[0] & -65536) | ((r[0] + 0x106) & 0xffff); cf = CF | AF; }
  setAL(r, AL(r) & 0xf);
  setArith(f, cf | szp(AL(r)));
}

/** aas: adjust AL after subtracting unpacked BCD. */
function aas(r: Int32Array, f: Flags): void {
  let cf = 0;
  if ((AL(r) & 0xf) > 9 || f.af()) {
    const ax = ((r[0] & 0xffff) - 6) & 0xffff;
    r[0] = (r[0] & -65536) | ((ax - 0x100) & 0xffff);
    cf = CF | AF;
  }
  setAL(r, AL(r) & 0xf);
  setArith(f, cf | szp(AL(r)));
}

/** aam base: AH = AL / base, AL = AL % base; #DE when base is 0. SF, ZF, PF from AL;
 *  OF, AF, CF undefined (cleared). */
function aam(r: Int32Array, f: Flags, base: number): void {
  if (base === 0) throw new CpuFault(DE, undefined);
  const al = AL(r);
  r[0] = (r[0] & -65536) | (Math.floor(al / base) << 8) | (al % base);
  setArith(f, szp(AL(r)));
}

/** aad base: AL = AL + AH * base, AH = 0. The flags are those of that 8-bit addition
 *  (ZF, SF, PF defined; OF, AF, CF as the adder leaves them). */
function aad(r: Int32Array, f: Flags, base: number): void {
  const al = AL(r), product = (((r[0] >> 8) & 0xff) * base) & 0xff;
  const sum = (al + product) & 0xff;
  const cf = al + product > 0xff ? CF : 0;
  const af = ((al ^ product ^ sum) & 0x10) ? AF : 0;
  const of = ((al ^ sum) & (product ^ sum) & 0x80) ? OF : 0;
  r[0] = (r[0] & -65536) | sum;
  setArith(f, cf | af | of | szp(sum));
}

function simple(name: string): Emitter {
  return g => g.emit(`h.${name}(r,f);`);
}

/** aam/aad take their base from the immediate (0x0A when written without one). */
function withBase(name: string): Emitter {
  return g => {
    const o = g.op(0);
    const base = o && o.kind === OperandKind.Imm ? o.imm & 0xff : 10;
    g.call(`h.${name}(r,f,${base})`);
  };
}

export const emitters: Partial<Record<Mnemonic, Emitter>> = {
  [Mnemonic.Daa]: simple('daa'),
  [Mnemonic.Das]: simple('das'),
  [Mnemonic.Aaa]: simple('aaa'),
  [Mnemonic.Aas]: simple('aas'),
  [Mnemonic.Aam]: withBase('aam'),
  [Mnemonic.Aad]: withBase('aad'),
};

export const helpers = { daa, das, aaa, aas, aam, aad };
