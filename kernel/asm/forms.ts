// The instruction-form index: for each mnemonic, every iced-x86 `Code` that exists in
// 32-bit mode with legacy encoding, with its operand kinds from iced's op-code info.
// Built lazily, once. This is the only "opcode table" the assembler has, and it is
// iced's.
import { Code, CodeExt, EncodingKind, MemorySizeExt, Mnemonic, OpCodeOperandKind as K } from 'iced-x86';

export interface Form {
  code: Code;
  name: string;          // iced's Code name, e.g. Add_rm32_imm8
  ops: K[];
  memSize: number;       // bytes of the memory operand (0 = none or unsized)
  operandSize: number;   // 16/32 when the form is tied to an operand size
  addressSize: number;
  implicit: boolean;     // string forms whose operands are all implied (movsd, lodsb...)
  lockable: boolean;     // iced: can take a LOCK prefix
  repeatable: boolean;   // iced: can take REP/REPE/REPNE
  text: string;          // iced's instruction string, for "valid forms are" messages
}

// NASM spellings that differ from iced's mnemonic names.
const ALIASES: Record<string, string> = {
  sal: 'shl', xlat: 'xlatb', retn: 'ret', icebp: 'int1',
  pusha: 'pushad', popa: 'popad', pushaw: 'pusha', popaw: 'popa',
  pushf: 'pushfd', popf: 'popfd', pushfw: 'pushf', popfw: 'popf',
  iret: 'iretd', iretw: 'iret', loopz: 'loope', loopnz: 'loopne',
  sysexitd: 'sysexit', sysretd: 'sysret', fwait: 'wait',
};
// Condition-code synonyms for jcc/setcc/cmovcc.
const CC: Record<string, string> = {
  z: 'e', nz: 'ne', c: 'b', nae: 'b', nc: 'ae', nb: 'ae', na: 'be', nbe: 'a',
  nge: 'l', nl: 'ge', ng: 'le', nle: 'g', pe: 'p', po: 'np',
};
// iced keeps a few redundant encodings NASM never emits (82 /n, F6 /1, F7 /1, and the
// early-486 cmpxchg at 0F A6/A7).
const REDUNDANT = /_82$|_F6r1$|_F7r1$|^Cmpxchg486_/;
const IMPLICIT = new Set([K.seg_rSI, K.es_rDI, K.seg_rDI, K.seg_rBX_al]);

let index: Map<string, Form[]> | undefined;

function build(): Map<string, Form[]> {
  const byMnemonic = new Map<number, Form[]>();
  const codes = Code as unknown as Record<string, number>;
  for (const name of Object.keys(codes)) {
    const code = codes[name];
    if (typeof code !== 'number' || REDUNDANT.test(name)) continue;
    const oc = CodeExt.opCode(code);
    try {
      if (!oc.isInstruction || !oc.mode32 || oc.encoding !== EncodingKind.Legacy) continue;
      const ops: K[] = [];
      for (let i = 0; i < oc.opCount; i++) ops.push(oc.opKind(i));
      if (ops.some(k => /64|rax/.test(K[k] ?? ''))) continue;
      const form: Form = {
        code, name, ops, memSize: MemorySizeExt.size(oc.memorySize),
        operandSize: oc.operandSize, addressSize: oc.addressSize,
        implicit: ops.some(k => IMPLICIT.has(k)), text: oc.instructionString,
        lockable: oc.canUseLockPrefix, repeatable: oc.canUseRepPrefix || oc.canUseRepnePrefix,
      };
      const list = byMnemonic.get(oc.mnemonic) ?? [];
      list.push(form);
      byMnemonic.set(oc.mnemonic, list);
    } finally {
      oc.free();
    }
  }
  const out = new Map<string, Form[]>();
  const mn = Mnemonic as unknown as Record<string, number>;
  for (const key of Object.keys(mn)) {
    const list = byMnemonic.get(mn[key]);
    if (list && typeof mn[key] === 'number') out.set(key.toLowerCase(), list);
  }
  return out;
}

/** Map a NASM mnemonic to iced's lower-case mnemonic name. */
export function canonicalMnemonic(nasm: string): string {
  const m = nasm.toLowerCase();
  if (ALIASES[m]) return ALIASES[m];
  const cc = m.match(/^(j|set|cmov)(.+)$/);
  if (cc && CC[cc[2]]) return cc[1] + CC[cc[2]];
  return m;
}

export function formsOf(nasm: string): Form[] | undefined {
  index ??= build();
  return index.get(canonicalMnemonic(nasm));
}

export function isMnemonic(nasm: string): boolean {
  return formsOf(nasm) !== undefined;
}
