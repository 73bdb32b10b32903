// The code generator's vocabulary. Every instruction's semantics is written once, as an
// emitter that produces JavaScript source through a `Gen`; the compiler strings emitters
// together into one function per basic block, and single-stepping compiles blocks of one
// instruction from the same emitters. So the fast path and the exact path cannot drift.
//
// Inside a block function these names are in scope:
//   c  the Cpu            r  c.regs (Int32Array, eax..edi)     m  c.mmu (memory access)
//   f  c.flags (lazy)     h  the helper table (ops/helpers.ts) for work too big to inline
//   a, v, x, y, t, u      scratch locals, fresh for each instruction
//   tr, tw, M, U, pe, pv  the inline memory fast path (see `load`/`store`): the MMU's TLB
//                         tables for this CPL, RAM as dwords and bytes, two scratch locals
// Values of 8- and 16-bit operands are unsigned and masked; 32-bit values are int32.
import { OperandKind, type Insn, type Operand } from './decode.ts';

export type Size = 8 | 16 | 32;

export const MASK: Record<Size, number> = { 8: 0xff, 16: 0xffff, 32: -1 };

/** JS source for truncating `expr` to an operand size (int32 for 32 bits). */
export function trunc(expr: string, size: Size): string {
  return size === 32 ? `((${expr})|0)` : `((${expr})&${MASK[size]})`;
}

/** JS source for the sign-extension of an operand-size value to int32. */
export function sext(expr: string, size: Size): string {
  return size === 32 ? `(${expr}|0)` : size === 16 ? `((${expr})<<16>>16)` : `((${expr})<<24>>24)`;
}

/** The declarations at the top of every block function. The TLB tables are those of the
 *  block's CPL, which no instruction changes without ending the block. */
export const BLOCK_PROLOGUE = 'let a=0,v=0,x=0,y=0,t=0,u=0,pe=0,pv=0;const tr=m.tr,tw=m.tw,M=c.mem.i32,U=c.mem.u8;';

/**
 * JS expression: the value of `size` bits at linear address `a`. A TLB hit on a byte or
 * an aligned dword reads RAM right here (an entry is the physical page | 1, made only
 * after the page walk allowed the access); anything else goes through the MMU, which
 * walks, faults or splits the access. This is the hot path of every guest memory read.
 */
export function load(size: Size): string {
  if (size === 32) return '((pe=tr[a>>>12])!==0&&(a&3)===0?M[((pe&-4096)|(a&4095))>>>2]:m.rd32(a))';
  if (size === 8) return '((pe=tr[a>>>12])!==0?U[(pe&-4096)|(a&4095)]:m.rd8(a))';
  return 'm.rd16(a)';
}

/** JS statement: stores `expr` (already truncated) at linear address `a`, like `load`.
 *  The write tables never map a page holding compiled code, so a store that could
 *  modify code still reaches the MMU's slow path and the code cache. */
export function store(size: Size, expr: string): string {
  if (size === 32) return `pv=${expr};if((pe=tw[a>>>12])!==0&&(a&3)===0)M[((pe&-4096)|(a&4095))>>>2]=pv;else m.wr32(a,pv);`;
  if (size === 8) return `pv=${expr};if((pe=tw[a>>>12])!==0)U[(pe&-4096)|(a&4095)]=pv;else m.wr8(a,pv);`;
  return `m.wr16(a,${expr});`;
}

export class Gen {
  readonly insn: Insn;
  readonly out: string[] = [];
  /** The instruction touches memory or calls a helper that may raise an exception: the
   *  block stores its EIP first so a fault reports the right instruction. */
  mayFault = false;
  /** The instruction changed EIP itself (a branch): the block ends after it, unless it
   *  is `conditional`. */
  branches = false;
  /** A conditional branch to a fixed target: when not taken it goes on to the next
   *  instruction, so the block can go on past it, leaving early when it is taken. */
  conditional = false;
  /** The instruction changes state the compiler assumed (mode, segments, IF, paging, TF):
   *  the block ends after it so the run loop looks again. */
  endsBlock = false;
  /** With endsBlock: the emitted code sets `c.attention` itself, only when the run loop
   *  really has something to do (an interrupt became deliverable, TF, a stop), so the
   *  common case chains straight on to the next block. */
  attentionSelf = false;
  /** The instruction reads the clock (c.icount): rdtsc, and in/out, whose devices
   *  schedule against it. The compiler starts a new block before it, because a block
   *  adds its instruction count only at its end: at a block's first instruction
   *  c.icount is exact. */
  readsClock = false;
  /** The instruction may store to memory (directly, by a push, or in a helper): if the
   *  store lands in the running block, the block must stop after this instruction. */
  writesMemory = false;
  /** The lazy-flags op the previous instruction in this block left, if known (or -1). */
  readonly flagsIn: number;
  /** The lazy-flags op this instruction leaves: -1 (unknown) unless the emitter says. */
  flagsOut = -1;

  constructor(insn: Insn, flagsIn = -1) {
    this.insn = insn;
    this.flagsIn = flagsIn;
  }

  /** The instruction does not touch the flags: what the block knew stays known. */
  keepsFlags(): void { this.flagsOut = this.flagsIn; }

  /** The instruction leaves this lazy op (flags.ts) with its operands in f.a/f.b/f.r. */
  setsFlags(op: number): void { this.flagsOut = op; }

  emit(line: string): void { this.out.push(line); }

  get next(): number { return (this.insn.eip + this.insn.len) | 0; }

  op(i: number): Operand { return this.insn.ops[i]; }

  /** The size of operand i in bits (immediates take the instruction's operand size). */
  size(i: number): Size {
    const o = this.insn.ops[i];
    if (o.kind === OperandKind.Reg || o.kind === OperandKind.Mem) return o.size as Size;
    if (o.kind === OperandKind.SegReg) return 16;
    return (this.insn.osize || o.size || 32) as Size;
  }

  /** The effective address (offset within the segment), as JS source, without the segment. */
  offset(): string {
    const m = this.insn.mem!;
    const parts: string[] = [];
    if (m.base >= 0) parts.push(`r[${m.base}]`);
    if (m.index >= 0) parts.push(m.scale === 1 ? `r[${m.index}]` : `(r[${m.index}]<<${Math.log2(m.scale)})`);
    if (m.disp !== 0 || parts.length === 0) parts.push(String(m.disp | 0));
    const sum = parts.join('+');
    return m.asize === 16 ? `((${sum})&0xffff)` : parts.length === 1 && m.base < 0 && m.index < 0 ? String(m.disp | 0) : `((${sum})|0)`;
  }

  /** Emits `a = linear address of the memory operand` (with the segment-limit check when
   *  the segment is not flat) and returns "a". */
  ea(write: boolean, bytes: number): string {
    const m = this.insn.mem!;
    this.mayFault = true;
    this.linear(m.seg, this.offset(), write, bytes);
    return 'a';
  }

  /** Emits `a = seg:offset` as a linear address, checking limit and rights when needed:
   *  inline against the segment's last usable offset (Cpu.segReadEnd/segWriteEnd), and
   *  through the full check only when that says no. */
  linear(seg: number, offset: string, write: boolean, bytes: number): void {
    this.mayFault = true;
    const end = write ? 'segWriteEnd' : 'segReadEnd';
    this.emit(`a=${offset};if((c.segCheck&${1 << seg})!==0&&(a>>>0)+${bytes - 1}>c.${end}[${seg}])h.checkSegment(c,${seg},a,${bytes},${write});a=(a+c.segBase[${seg}])|0;`);
  }

  /** JS expression reading operand i (registers, memory via `a`, immediates). Memory
   *  operands must have had `ea()` emitted first. */
  read(i: number, size: Size = this.size(i)): string {
    const o = this.insn.ops[i];
    switch (o.kind) {
      case OperandKind.Reg: return readReg(o.reg, size, o.high);
      case OperandKind.Mem: return load(size);
      case OperandKind.Imm: return String(size === 32 ? o.imm | 0 : o.imm & MASK[size]);
      case OperandKind.SegReg: return `c.seg[${o.reg}]`;
    }
    throw new Error(`cannot read operand ${i} of ${this.insn.text}`);
  }

  /** Emits a write of `expr` (already truncated to the size) to operand i. */
  write(i: number, expr: string, size: Size = this.size(i)): void {
    const o = this.insn.ops[i];
    switch (o.kind) {
      case OperandKind.Reg: this.emit(writeReg(o.reg, size, o.high, expr)); return;
      case OperandKind.Mem: this.writesMemory = true; this.emit(store(size, expr)); return;
    }
    throw new Error(`cannot write operand ${i} of ${this.insn.text}`);
  }

  /** For instructions with a memory operand: emit the address once, checked for the access. */
  prepare(write: boolean): void {
    const i = this.insn.ops.findIndex(o => o.kind === OperandKind.Mem);
    if (i >= 0) this.ea(write, this.size(i) / 8);
  }

  /** Calls a helper (ops/helpers.ts) that may raise an exception. */
  call(expr: string): void {
    this.mayFault = true;
    this.writesMemory = true;
    this.emit(`${expr};`);
  }

  /** Sets EIP and ends the block (branches). */
  jump(target: string): void {
    this.branches = true;
    this.emit(`c.eip=${target};`);
  }

  /** Emits a push of `expr` (a value of `bytes` bytes) on SS:ESP. ESP changes only after
   *  the write succeeded. Stacks are 32-bit (SS.B = 1), as in NT. */
  push(expr: string, bytes: 2 | 4 = 4): void {
    this.writesMemory = true;
    this.emit(`v=${expr};t=(r[4]-${bytes})|0;`);
    this.linear(2, 't', true, bytes);
    this.emit(bytes === 4 ? `${store(32, 'v')}r[4]=t;` : 'm.wr16(a,v);r[4]=t;');
  }

  /** Emits `v = the value at SS:ESP` (without moving ESP). */
  peek(bytes: 2 | 4 = 4, skip = 0): void {
    this.linear(2, skip ? `(r[4]+${skip})|0` : 'r[4]', false, bytes);
    this.emit(bytes === 4 ? `v=${load(32)};` : 'v=m.rd16(a);');
  }

  /** Raises an exception from generated code. */
  fault(vector: number, errorCode?: number): void {
    this.mayFault = true;
    this.emit(`h.fault(${vector},${errorCode === undefined ? 'undefined' : errorCode});`);
  }
}

export function readReg(n: number, size: Size, high = false): string {
  if (size === 32) return `r[${n}]`;
  if (size === 16) return `(r[${n}]&0xffff)`;
  return high ? `((r[${n}]>>8)&0xff)` : `(r[${n}]&0xff)`;
}

export function writeReg(n: number, size: Size, high: boolean, expr: string): string {
  if (size === 32) return `r[${n}]=${expr};`;
  if (size === 16) return `r[${n}]=(r[${n}]&-65536)|(${expr});`;
  return high ? `r[${n}]=(r[${n}]&-65281)|((${expr})<<8);` : `r[${n}]=(r[${n}]&-256)|(${expr});`;
}

/** An emitter: writes one instruction's semantics into a Gen. */
export type Emitter = (g: Gen) => void;
