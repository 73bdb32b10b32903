// The instruction table: iced-x86 mnemonic → emitter, gathered from the families (one
// file each, as Bochs splits its CPU), and the emitters for what we do not execute.
import { Mnemonic } from 'iced-x86';
import type { Emitter } from '../codegen.ts';
import { OperandKind, type Insn } from '../decode.ts';
import { UD } from '../types.ts';
import * as arith from './arith.ts';
import * as logic from './logic.ts';
import * as datamove from './datamove.ts';
import * as control from './control.ts';
import * as system from './system.ts';
import * as strings from './string.ts';
import * as shift from './shift.ts';
import * as bit from './bit.ts';
import * as bcd from './bcd.ts';
import * as muldiv from './muldiv.ts';

const families = [arith, logic, shift, bit, bcd, muldiv, datamove, control, system, strings];

const table = new Map<Mnemonic, Emitter>();
for (const fam of families)
  for (const [k, e] of Object.entries(fam.emitters)) {
    if (table.has(Number(k))) throw new Error(`two emitters for ${Mnemonic[Number(k)]}`);
    table.set(Number(k) as Mnemonic, e!);
  }

export function familyHelpers(): Record<string, (...args: any[]) => any> {
  const out: Record<string, (...args: any[]) => any> = {};
  for (const fam of families)
    for (const [k, fn] of Object.entries(fam.helpers as Record<string, (...args: any[]) => any>)) {
      if (k in out) throw new Error(`two helpers named ${k}`);
      out[k] = fn;
    }
  return out;
}

const undefinedOpcode: Emitter = g => { g.fault(UD); g.branches = true; };

/** The emitter for a decoded instruction: invalid encodings, x87 and anything this CPU
 *  does not implement (SSE, MMX, 64-bit only) raise #UD; x87 raises #NM under CR0.EM/TS. */
export function emitterFor(insn: Insn): Emitter {
  if (insn.text === '(bad)') return undefinedOpcode;
  if (isX87(insn)) return system.fpuEscape;
  if (insn.mnemonic === Mnemonic.Mov && insn.ops.some(o => o.kind === OperandKind.CtrlReg || o.kind === OperandKind.DebugReg))
    return system.movControl;
  return table.get(insn.mnemonic) ?? undefinedOpcode;
}

/** Escape opcodes D8–DF (after prefixes), and fwait. */
function isX87(insn: Insn): boolean {
  for (const b of insn.bytes) {
    if ([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3].includes(b)) continue;
    return b >= 0xd8 && b <= 0xdf;
  }
  return false;
}
