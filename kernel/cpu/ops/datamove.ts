// Data transfer: mov, movzx/movsx, lea, xchg, push/pop (registers, memory, immediates,
// pusha/popa), sign extensions (cbw, cwde, cwd, cdq), setcc, cmovcc, bswap, xadd,
// cmpxchg, lahf/sahf, xlat, nop. Segment-register moves are in system.ts.
import { Mnemonic } from 'iced-x86';
import { Gen, trunc, sext, readReg, writeReg, type Emitter, type Size } from '../codegen.ts';
import { OperandKind } from '../decode.ts';
import { condition } from './conditions.ts';
import { lazyOp, LAZY_ADD, LAZY_SUB } from '../flags.ts';
import { SF, ZF, AF, PF, CF } from '../types.ts';
import { frame, pushCurrent } from '../stack.ts';
import type { Cpu } from '../cpu.ts';

function mov(g: Gen): void {
  g.keepsFlags();
  if (g.op(0).kind === OperandKind.SegReg || g.op(1).kind === OperandKind.SegReg) return movSeg(g);
  const s = g.size(0);
  g.prepare(g.op(0).kind === OperandKind.Mem);
  g.write(0, g.read(1, s));
}

/** mov sreg, r/m16 loads a descriptor (system rules); mov r/m, sreg stores the selector
 *  (zero-extended into a 32-bit register, as the Pentium and later do). */
function movSeg(g: Gen): void {
  if (g.op(0).kind === OperandKind.SegReg) {
    g.prepare(false);
    const seg = g.op(0).reg;
    g.call(`h.loadSegment(c,${seg},${g.read(1, 16)})`);
    // mov ss holds off interrupts and debug traps for one instruction (so mov esp can
    // follow before anything uses the new stack).
    if (seg === 2) { g.emit('c.interruptShadow=true;c.noStepTrap=true;'); g.endsBlock = true; }
    return;
  }
  g.prepare(true);
  const size = g.op(0).kind === OperandKind.Mem ? 16 : g.size(0);
  g.write(0, `c.seg[${g.op(1).reg}]`, size);
}

function movx(signed: boolean): Emitter {
  return (g: Gen) => {
    g.keepsFlags();
    const from = g.size(1), to = g.size(0);
    g.prepare(false);
    const v = g.read(1, from);
    g.write(0, signed ? trunc(sext(v, from), to) : v, to);
  };
}

function lea(g: Gen): void {
  g.keepsFlags();
  const s = g.size(0);
  g.write(0, trunc(g.offset(), s), s);
}

function xchg(g: Gen): void {
  g.keepsFlags();
  const s = g.size(0);
  g.prepare(true);
  // Memory goes first (operand 0 or 1), so a fault leaves the register alone.
  const memFirst = g.op(1).kind === OperandKind.Mem ? 1 : 0;
  const other = 1 - memFirst;
  g.emit(`x=${g.read(memFirst, s)};y=${g.read(other, s)};`);
  g.write(memFirst, 'y', s);
  g.write(other, 'x', s);
}

function push(g: Gen): void {
  g.keepsFlags();
  const o = g.op(0);
  if (o.kind === OperandKind.SegReg) return g.push(`c.seg[${o.reg}]`, g.insn.osize === 16 ? 2 : 4);
  const bytes = (g.insn.osize === 16 ? 2 : 4) as 2 | 4;
  g.prepare(false);
  const value = o.kind === OperandKind.Imm ? String(bytes === 2 ? o.imm & 0xffff : o.imm | 0) : g.read(0, (bytes * 8) as Size);
  g.push(value, bytes);
}

function pop(g: Gen): void {
  g.keepsFlags();
  const o = g.op(0);
  const bytes = (g.insn.osize === 16 ? 2 : 4) as 2 | 4;
  if (o.kind === OperandKind.SegReg) {
    g.peek(bytes);
    g.call(`h.loadSegment(c,${o.reg},v&0xffff)`);
    g.emit(`r[4]=(r[4]+${bytes})|0;`);
    if (o.reg === 2) { g.emit('c.interruptShadow=true;c.noStepTrap=true;'); g.endsBlock = true; }
    return;
  }
  if (o.kind === OperandKind.Reg) {
    g.peek(bytes);
    g.emit(`r[4]=(r[4]+${bytes})|0;`);
    g.write(0, 'v', (bytes * 8) as Size);
    return;
  }
  // pop m: the address is computed with ESP already incremented (SDM POP).
  g.peek(bytes);
  g.emit(`x=v;r[4]=(r[4]+${bytes})|0;`);
  g.emit(`try{`);
  g.ea(true, bytes);
  g.write(0, 'x', (bytes * 8) as Size);
  g.emit(`}catch(e){r[4]=(r[4]-${bytes})|0;throw e;}`);
}

function pusha(g: Gen): void {
  g.keepsFlags();
  g.call(`h.pusha(c,${g.insn.osize === 16 ? 2 : 4})`);
}

function popa(g: Gen): void {
  g.keepsFlags();
  const w = g.insn.osize === 16 ? 2 : 4;
  g.linear(2, 'r[4]', false, 8 * w);
  // Read all eight slots first; ESP's slot is skipped.
  const rd = w === 4 ? 'm.rd32' : 'm.rd16';
  g.emit(`x=${rd}((a+${7 * w})|0);y=${rd}((a+${6 * w})|0);t=${rd}((a+${5 * w})|0);u=${rd}((a+${4 * w})|0);`);
  g.emit(`v=[${rd}((a+${2 * w})|0),${rd}((a+${w})|0),${rd}(a)];`);
  const regs = ['x', 'y', 't', 'u', null, 'v[0]', 'v[1]', 'v[2]'];
  for (let i = 0; i < 8; i++) if (regs[i]) g.emit(writeReg(i, (w * 8) as Size, false, regs[i]!));
  g.emit(`r[4]=(r[4]+${8 * w})|0;`);
}

function convert(g: Gen): void {
  g.keepsFlags();
  switch (g.insn.mnemonic) {
    case Mnemonic.Cbw: g.emit(writeReg(0, 16, false, '((r[0]<<24>>24)&0xffff)')); break;
    case Mnemonic.Cwde: g.emit('r[0]=r[0]<<16>>16;'); break;
    case Mnemonic.Cwd: g.emit(writeReg(2, 16, false, '((r[0]<<16>>31)&0xffff)')); break;
    case Mnemonic.Cdq: g.emit('r[2]=r[0]>>31;'); break;
  }
}

function setcc(g: Gen): void {
  g.keepsFlags();
  g.prepare(true);
  g.write(0, `(${condition(g.insn.cc, g.flagsIn)}?1:0)`, 8);
}

/** cmovcc: the source is read (and may fault) whatever the condition; a 32-bit register
 *  destination is written either way (its upper half zeroed on x86-64 only: not here). */
function cmovcc(g: Gen): void {
  g.keepsFlags();
  const s = g.size(0);
  g.prepare(false);
  g.emit(`v=${g.read(1, s)};if(${condition(g.insn.cc, g.flagsIn)}){`);
  g.write(0, 'v', s);
  g.emit('}');
}

function bswap(g: Gen): void {
  g.keepsFlags();
  const n = g.op(0).reg;
  if (g.size(0) === 16) { g.emit(writeReg(n, 16, false, '0')); return; } // undefined: 0 like recent CPUs
  g.emit(`x=r[${n}];r[${n}]=((x>>>24)|((x>>8)&0xff00)|((x&0xff00)<<8)|(x<<24))|0;`);
}

function xadd(g: Gen): void {
  const s = g.size(0);
  g.prepare(true);
  g.emit(`x=${g.read(0)};y=${g.read(1, s)};v=${trunc('x+y', s)};`);
  g.write(0, 'v');
  g.write(1, 'x', s);
  g.emit(`f.op=${lazyOp(LAZY_ADD, s)};f.a=x;f.b=y;f.r=v;`);
  g.setsFlags(lazyOp(LAZY_ADD, s));
}

/** cmpxchg r/m, r: compare with the accumulator; the destination is written either way
 *  (with its old value when unequal), as the locked bus cycle does. */
function cmpxchg(g: Gen): void {
  const s = g.size(0);
  g.prepare(true);
  const acc = readReg(0, s);
  g.emit(`x=${acc};y=${g.read(0)};v=${trunc('x-y', s)};`);
  g.emit(`if(v===0){t=${g.read(1, s)};`);
  g.write(0, 't');
  g.emit(`}else{`);
  g.write(0, 'y');
  g.emit(writeReg(0, s, false, 'y'));
  g.emit('}');
  g.emit(`f.op=${lazyOp(LAZY_SUB, s)};f.a=x;f.b=y;f.r=v;`);
  g.setsFlags(lazyOp(LAZY_SUB, s));
}

function lahf(g: Gen): void {
  g.keepsFlags();
  g.emit(writeReg(0, 8, true, '(f.get()&0xff)'));
}

function sahf(g: Gen): void {
  const mask = SF | ZF | AF | PF | CF;
  g.emit(`f.set((f.get()&~${mask})|(((r[0]>>8)&0xff)&${mask}));`);
}

function xlat(g: Gen): void {
  g.keepsFlags();
  const m = g.insn.mem!;
  const base = m.asize === 16 ? '((r[3]+(r[0]&0xff))&0xffff)' : '((r[3]+(r[0]&0xff))|0)';
  g.linear(m.seg, base, false, 1);
  g.emit(writeReg(0, 8, false, 'm.rd8(a)'));
}

function nop(g: Gen): void { g.keepsFlags(); }

export const emitters: Partial<Record<Mnemonic, Emitter>> = {
  [Mnemonic.Mov]: mov,
  [Mnemonic.Movzx]: movx(false),
  [Mnemonic.Movsx]: movx(true),
  [Mnemonic.Lea]: lea,
  [Mnemonic.Xchg]: xchg,
  [Mnemonic.Push]: push,
  [Mnemonic.Pop]: pop,
  [Mnemonic.Pusha]: pusha, [Mnemonic.Pushad]: pusha,
  [Mnemonic.Popa]: popa, [Mnemonic.Popad]: popa,
  [Mnemonic.Cbw]: convert, [Mnemonic.Cwde]: convert, [Mnemonic.Cwd]: convert, [Mnemonic.Cdq]: convert,
  [Mnemonic.Seto]: setcc, [Mnemonic.Setno]: setcc, [Mnemonic.Setb]: setcc, [Mnemonic.Setae]: setcc,
  [Mnemonic.Sete]: setcc, [Mnemonic.Setne]: setcc, [Mnemonic.Setbe]: setcc, [Mnemonic.Seta]: setcc,
  [Mnemonic.Sets]: setcc, [Mnemonic.Setns]: setcc, [Mnemonic.Setp]: setcc, [Mnemonic.Setnp]: setcc,
  [Mnemonic.Setl]: setcc, [Mnemonic.Setge]: setcc, [Mnemonic.Setle]: setcc, [Mnemonic.Setg]: setcc,
  [Mnemonic.Cmovo]: cmovcc, [Mnemonic.Cmovno]: cmovcc, [Mnemonic.Cmovb]: cmovcc, [Mnemonic.Cmovae]: cmovcc,
  [Mnemonic.Cmove]: cmovcc, [Mnemonic.Cmovne]: cmovcc, [Mnemonic.Cmovbe]: cmovcc, [Mnemonic.Cmova]: cmovcc,
  [Mnemonic.Cmovs]: cmovcc, [Mnemonic.Cmovns]: cmovcc, [Mnemonic.Cmovp]: cmovcc, [Mnemonic.Cmovnp]: cmovcc,
  [Mnemonic.Cmovl]: cmovcc, [Mnemonic.Cmovge]: cmovcc, [Mnemonic.Cmovle]: cmovcc, [Mnemonic.Cmovg]: cmovcc,
  [Mnemonic.Bswap]: bswap,
  [Mnemonic.Xadd]: xadd,
  [Mnemonic.Cmpxchg]: cmpxchg,
  [Mnemonic.Lahf]: lahf,
  [Mnemonic.Sahf]: sahf,
  [Mnemonic.Xlatb]: xlat,
  [Mnemonic.Nop]: nop,
};

export const helpers = {
  pusha(c: Cpu, w: 2 | 4): void {
    const r = c.regs;
    for (let i = 0; i < 8; i++) frame[i] = w === 2 ? r[i] & 0xffff : r[i];
    // The shared frame pusher: checked whole, then written.
    pushCurrent(c, 8, w);
  },
};
