// Logic: and, or, xor, test, not. CF and OF become 0; AF is undefined and we clear it;
// ZF, SF and PF follow the result (left lazy).
import { Mnemonic } from 'iced-x86';
import { Gen, trunc, type Emitter } from '../codegen.ts';
import { lazyOp, LAZY_RESULT } from '../flags.ts';
import { CF, OF, AF } from '../types.ts';

function logic(op: '&' | '|' | '^', store: boolean): Emitter {
  return (g: Gen) => {
    const s = g.size(0);
    g.prepare(store);
    g.emit(`v=${trunc(`${g.read(0)}${op}${g.read(1, s)}`, s)};`);
    if (store) g.write(0, 'v');
    g.emit(`f.bits&=${~(CF | OF | AF)};f.op=${lazyOp(LAZY_RESULT, s)};f.r=v;`);
    g.setsFlags(lazyOp(LAZY_RESULT, s));
  };
}

function not(g: Gen): void {
  const s = g.size(0);
  g.prepare(true);
  g.write(0, trunc(`~${g.read(0)}`, s));
  g.keepsFlags();
}

export const emitters: Partial<Record<Mnemonic, Emitter>> = {
  [Mnemonic.And]: logic('&', true),
  [Mnemonic.Or]: logic('|', true),
  [Mnemonic.Xor]: logic('^', true),
  [Mnemonic.Test]: logic('&', false),
  [Mnemonic.Not]: not,
};

export const helpers = {};
