// Control transfer: jmp, jcc, call, ret, loop/loope/loopne, jcxz/jecxz, enter, leave, and
// the far forms (which go to transfers.ts for the descriptor checks).
import { Mnemonic, ConditionCode } from 'iced-x86';
import { Gen, type Emitter } from '../codegen.ts';
import { OperandKind } from '../decode.ts';
import { condition } from './conditions.ts';
import { farJump, farCall, farReturn } from '../transfers.ts';
import type { Cpu } from '../cpu.ts';

/** A branch target of a 16-bit operand-size near branch wraps to 64 KiB. */
function target(g: Gen, expr: string): string {
  return g.insn.osize === 16 ? `((${expr})&0xffff)` : expr;
}

/** True when the branch is a far one (ptr16:32 immediate or m16:32 memory operand). */
function isFar(g: Gen): boolean {
  const o = g.insn.ops[0];
  return o.kind === OperandKind.Far || (o.kind === OperandKind.Mem && (o.size === 48 || o.size === 32 && g.insn.osize === 16));
}

function jmp(g: Gen): void {
  const o = g.op(0);
  g.keepsFlags();
  if (o.kind === OperandKind.Imm) return g.jump(String(g.insn.target));
  if (isFar(g)) return farIndirect(g, 'farJump');
  g.prepare(false);
  g.jump(target(g, g.read(0)));
}

/** Far jmp/call through ptr16:32 or m16:32: the helper checks and loads CS. */
function farIndirect(g: Gen, which: 'farJump' | 'farCall'): void {
  const o = g.op(0), w = g.insn.osize === 16 ? 2 : 4;
  if (o.kind === OperandKind.Far) {
    g.call(`h.${which}(c,${g.insn.farSel},${g.insn.target},${g.next},${w})`);
  } else {
    g.ea(false, w + 2);
    g.emit(`x=${w === 4 ? 'm.rd32(a)' : 'm.rd16(a)'};y=m.rd16((a+${w})|0);`);
    g.call(`h.${which}(c,y,x,${g.next},${w})`);
  }
  g.branches = true;
}

function jcc(g: Gen): void {
  g.keepsFlags();
  g.jump(`${condition(g.insn.cc, g.flagsIn)}?${g.insn.target}:${g.next}`);
  g.conditional = true;
}

function call(g: Gen): void {
  const o = g.op(0);
  g.keepsFlags();
  if (isFar(g)) return farIndirect(g, 'farCall');
  const bytes = g.insn.osize === 16 ? 2 : 4;
  if (o.kind === OperandKind.Imm) {
    g.push(String(g.next), bytes);
    return g.jump(String(g.insn.target));
  }
  g.prepare(false);
  g.emit(`u=${target(g, g.read(0))};`);
  g.push(String(g.next), bytes);
  g.jump('u');
}

function ret(g: Gen): void {
  g.keepsFlags();
  const bytes = g.insn.osize === 16 ? 2 : 4;
  const release = g.insn.ops.length ? g.insn.ops[0].imm & 0xffff : 0;
  g.peek(bytes);
  g.emit(`r[4]=(r[4]+${bytes + release})|0;`);
  g.jump('v');
}

function retf(g: Gen): void {
  const release = g.insn.ops.length ? g.insn.ops[0].imm & 0xffff : 0;
  g.call(`h.farReturn(c,${release},${g.insn.osize === 16 ? 2 : 4})`);
  g.branches = true;
  g.keepsFlags();
}

/** loop/loope/loopne: count in ECX (CX with a 16-bit address size), then the condition. */
function loop(extra: string | null): Emitter {
  return (g: Gen) => {
    g.keepsFlags();
    const cond = extra === null ? '' : `&&${extra === 'e' ? condition(ConditionCode.e, g.flagsIn) : condition(ConditionCode.ne, g.flagsIn)}`;
    if (g.insn.asize === 16) g.emit('x=(r[1]-1)&0xffff;r[1]=(r[1]&-65536)|x;');
    else g.emit('x=r[1]=(r[1]-1)|0;');
    g.jump(`x!==0${cond}?${g.insn.target}:${g.next}`);
  };
}

function jcxz(g: Gen): void {
  g.keepsFlags();
  const cx = g.insn.mnemonic === Mnemonic.Jcxz ? '(r[1]&0xffff)' : 'r[1]';
  g.jump(`${cx}===0?${g.insn.target}:${g.next}`);
}

/** enter imm16, imm8: the frame is probed whole before ESP/EBP change. */
function enter(g: Gen): void {
  g.keepsFlags();
  g.call(`h.enter(c,${g.insn.ops[0].imm & 0xffff},${g.insn.ops[1].imm & 31},${g.insn.osize === 16 ? 2 : 4})`);
}

function leave(g: Gen): void {
  g.keepsFlags();
  const bytes = g.insn.osize === 16 ? 2 : 4;
  // ESP = EBP, then pop EBP; the read happens before any register changes.
  g.linear(2, 'r[5]', false, bytes);
  g.emit(bytes === 4 ? 'v=m.rd32(a);r[4]=(r[5]+4)|0;r[5]=v;' : 'v=m.rd16(a);r[4]=(r[5]+2)|0;r[5]=(r[5]&-65536)|v;');
}

export const emitters: Partial<Record<Mnemonic, Emitter>> = {
  [Mnemonic.Jmp]: jmp,
  [Mnemonic.Call]: call,
  [Mnemonic.Ret]: ret,
  [Mnemonic.Retf]: retf,
  [Mnemonic.Jo]: jcc, [Mnemonic.Jno]: jcc, [Mnemonic.Jb]: jcc, [Mnemonic.Jae]: jcc,
  [Mnemonic.Je]: jcc, [Mnemonic.Jne]: jcc, [Mnemonic.Jbe]: jcc, [Mnemonic.Ja]: jcc,
  [Mnemonic.Js]: jcc, [Mnemonic.Jns]: jcc, [Mnemonic.Jp]: jcc, [Mnemonic.Jnp]: jcc,
  [Mnemonic.Jl]: jcc, [Mnemonic.Jge]: jcc, [Mnemonic.Jle]: jcc, [Mnemonic.Jg]: jcc,
  [Mnemonic.Loop]: loop(null), [Mnemonic.Loope]: loop('e'), [Mnemonic.Loopne]: loop('ne'),
  [Mnemonic.Jcxz]: jcxz, [Mnemonic.Jecxz]: jcxz,
  [Mnemonic.Enter]: enter,
  [Mnemonic.Leave]: leave,
};

export const helpers = {
  farJump: (c: Cpu, sel: number, off: number, _next: number, _w: number) => farJump(c, sel, off),
  farCall: (c: Cpu, sel: number, off: number, next: number, w: 2 | 4) => farCall(c, sel, off, next, w),
  farReturn,
  /** enter: push EBP, copy `level - 1` frame pointers, push the new frame pointer, then
   *  reserve `size` bytes. Everything is read and probed before anything is written. */
  enter(c: Cpu, size: number, level: number, w: 2 | 4): void {
    const r = c.regs, ss = c.segBase[2];
    const esp = r[4], ebp = r[5];
    const frameTemp = (esp - w) | 0;
    const values: number[] = [ebp];
    for (let i = 1; i < level; i++) {
      const at = (ss + ebp - i * w) | 0;
      values.push(w === 4 ? c.mmu.rd32(at) : c.mmu.rd16(at));
    }
    if (level > 0) values.push(frameTemp);
    const bottom = (esp - values.length * w - size) | 0;
    c.mmu.probeWrite((ss + bottom) | 0, esp - bottom, c.cpl === 3);
    for (let i = 0; i < values.length; i++) {
      const at = (ss + esp - (i + 1) * w) | 0;
      // The hardware reads each outer frame pointer just before pushing it, so it sees
      // what this enter already pushed when the frames overlap (EBP near ESP). The first
      // pass above read them all to raise any fault before a write.
      if (i > 0 && i < level) {
        const from = (ss + ebp - i * w) | 0;
        values[i] = w === 4 ? c.mmu.rd32(from) : c.mmu.rd16(from);
      }
      if (w === 4) c.mmu.wr32(at, values[i]); else c.mmu.wr16(at, values[i]);
    }
    r[5] = w === 4 ? frameTemp : (ebp & -65536) | (frameTemp & 0xffff);
    r[4] = bottom;
  },
};
