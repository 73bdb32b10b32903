// The bridge to iced-x86: match resolved operands against the forms iced knows,
// encode every candidate and keep the shortest (ties broken the way NASM breaks them).
import { Encoder, Instruction, OpCodeOperandKind as K, OpKind, Register, RegisterExt } from 'iced-x86';
import { AsmError } from './errors.ts';
import type { Value } from './expr.ts';
import { formsOf, canonicalMnemonic, type Form } from './forms.ts';
import { registerInfo, type RegInfo } from './registers.ts';

export type ROperand =
  | { k: 'reg'; info: RegInfo; name: string }
  | { k: 'mem'; base?: Register; index?: Register; scale: number; disp: Value | null; seg?: Register;
      size: number; far: boolean; dispSize?: number }
  | { k: 'imm'; v: Value; size: number; strict: boolean; jump?: 'short' | 'near' | 'far' }
  | { k: 'far'; seg: Value; off: Value; size: number };

export interface EncodeRequest {
  mnem: string;
  prefixes: string[];
  ops: ROperand[];
  ip: number;
  /** False once a short branch has been seen not to reach: it stays near from then on. */
  allowShort: boolean;
}

export interface Encoded {
  bytes: Uint8Array;
  /** Offsets of 32-bit fields holding absolute addresses (for PE base relocations). */
  relocs: number[];
  /** For relative branches: whether the short (rel8) form was chosen. */
  short?: boolean;
  /** A short branch form was rejected because the target is too far. */
  shortFailed: boolean;
  warnings: string[];
}

const IMM_KINDS = new Set([K.imm8, K.imm8_const_1, K.imm8sex16, K.imm8sex32, K.imm16, K.imm32]);
const BRANCH_KINDS = new Set([K.br16_1, K.br32_1, K.br16_2, K.br32_4]);
const FIXED_REGS: Partial<Record<K, string>> = {
  [K.al]: 'al', [K.cl]: 'cl', [K.ax]: 'ax', [K.dx]: 'dx', [K.eax]: 'eax', [K.st0]: 'st0',
  [K.es]: 'es', [K.cs]: 'cs', [K.ss]: 'ss', [K.ds]: 'ds', [K.fs]: 'fs', [K.gs]: 'gs',
};

const NO_66 = new Set(['lldt', 'ltr', 'lmsw', 'verr', 'verw', 'arpl']);

let encoder: Encoder | undefined;

const fits = (n: number, lo: number, hi: number) => n >= lo && n <= hi;
const simple = (v: Value) => !v.unknown && v.rel === null;
const sex8 = (n: number) => (n << 24) >> 24;

interface Candidate { form: Form; ops: ROperand[]; swapped: boolean; truncated: boolean }

const branchCache = new Map<string, boolean>();

/** Whether the mnemonic has relative-branch forms, whose bytes depend on the address. */
export function isRelativeBranch(mnem: string): boolean {
  let b = branchCache.get(mnem);
  if (b === undefined) {
    b = (formsOf(mnem) ?? []).some(f => f.ops.some(k => BRANCH_KINDS.has(k)));
    branchCache.set(mnem, b);
  }
  return b;
}

export function encodeInstruction(req: EncodeRequest): Encoded {
  const forms = formsOf(req.mnem);
  if (!forms) throw new AsmError(`unknown mnemonic '${req.mnem}'`);
  const candidates = matchForms(req, forms);
  const warnings: string[] = [];
  let best: { bytes: Uint8Array; relocs: number[]; short?: boolean; rank: number[] } | undefined;
  let shortFailed = false;
  let lastError = '';
  encoder ??= new Encoder(32);
  for (const [order, c] of candidates.entries()) {
    const ins = buildInstruction(c, req);
    try {
      encoder.encode(ins, BigInt(req.ip >>> 0));
    } catch (e) {
      encoder.takeBuffer(); // a failed encode may leave partial bytes behind
      const msg = String((e as Error).message ?? e);
      if (/Branch distance|too far/i.test(msg)) shortFailed = true;
      lastError = msg;
      continue;
    } finally {
      ins.free();
    }
    const bytes = nasmPrefixOrder(encoder.takeBuffer());
    const co = encoder.getConstantOffsets();
    const relocs = relocOffsets(c, co.displacementOffset, co.displacementSize, co.immediateOffset, co.immediateSize);
    co.free();
    // Rank: shortest; then NASM's habits (sign-extended imm8 over a wide immediate,
    // xchg with the register in the reg field); then iced's order (89 before 8B...).
    const rank = [bytes.length, c.form.ops.some(k => k === K.imm8sex16 || k === K.imm8sex32) ? 0 : 1,
      c.swapped === (canonicalMnemonic(req.mnem) === 'xchg') ? 0 : 1, order];
    if (!best || lessThan(rank, best.rank)) {
      const isShort = c.form.ops.some(k => k === K.br32_1 || k === K.br16_1);
      const isBranch = c.form.ops.some(k => BRANCH_KINDS.has(k));
      best = { bytes, relocs, short: isBranch ? isShort : undefined, rank };
      warnings.length = 0;
      if (c.truncated) warnings.push('value does not fit the byte-sized immediate; truncated');
      if (req.prefixes.includes('lock') && !c.form.lockable) warnings.push(`'${req.mnem}' with these operands is not lockable (#UD at run time)`);
      if (req.prefixes.some(p => p.startsWith('rep')) && !c.form.repeatable) warnings.push(`'${req.prefixes.find(p => p.startsWith('rep'))}' has no effect on '${req.mnem}'`);
    }
  }
  if (!best) {
    if (shortFailed) {
      const onlyShort = forms.every(f => !f.ops.some(k => k === K.br32_4 || k === K.br16_2));
      throw new AsmError(onlyShort ? 'short jump is out of range' : 'short jump is out of range (use near)');
    }
    throw new AsmError(lastError || 'cannot encode instruction');
  }
  return { bytes: best.bytes, relocs: best.relocs, short: best.short, shortFailed, warnings };
}

/** NASM puts rep/repne before the operand-size prefix (f3 66 a5); iced the other way. */
function nasmPrefixOrder(b: Uint8Array): Uint8Array {
  if (b.length > 2 && b[0] === 0x66 && (b[1] === 0xf3 || b[1] === 0xf2)) { b[0] = b[1]; b[1] = 0x66; }
  return b;
}

function lessThan(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

function relocOffsets(c: Candidate, dOff: number, dSize: number, iOff: number, iSize: number): number[] {
  const out: number[] = [];
  for (const op of c.ops) {
    if (op.k === 'mem' && op.disp?.rel && dSize === 4) out.push(dOff);
    if (op.k === 'imm' && op.v.rel && iSize === 4 && !c.form.ops.some(k => BRANCH_KINDS.has(k))) out.push(iOff);
    if (op.k === 'far' && op.off.rel && iSize === 4) out.push(iOff);
  }
  return out;
}

// ---------------------------------------------------------------- form matching

function matchForms(req: EncodeRequest, forms: Form[]): Candidate[] {
  const mnem = canonicalMnemonic(req.mnem);
  let ops = req.ops;
  if (mnem === 'imul' && ops.length === 2 && ops[1].k === 'imm' && ops[0].k === 'reg') ops = [ops[0], ops[0], ops[1]];
  if ((mnem === 'aam' || mnem === 'aad') && ops.length === 0) ops = [{ k: 'imm', v: { n: 10, rel: null, unknown: false }, size: 0, strict: false }];
  const tries: { ops: ROperand[]; swapped: boolean }[] = [{ ops, swapped: false }];
  if (mnem.startsWith('f')) tries.push(...fpuDefaults(mnem, ops).map(o => ({ ops: o, swapped: false })));
  if ((mnem === 'xchg' || mnem === 'test') && ops.length === 2) tries.push({ ops: [ops[1], ops[0]], swapped: true });
  const out: Candidate[] = [];
  for (const t of tries) {
    for (const form of forms) {
      const m = matchForm(form, t.ops, req, mnem);
      if (m) out.push({ form, ops: m.ops, swapped: t.swapped, truncated: m.truncated });
    }
  }
  if (out.length === 0) throw new AsmError(noMatchMessage(req, forms, ops));
  return resolveMemorySize(out, ops, mnem);
}

/** x87 shorthands: `fadd st1` is `fadd st0, st1`; `fxch` is `fxch st1`; `faddp` is `faddp st1, st0`. */
function fpuDefaults(mnem: string, ops: ROperand[]): ROperand[][] {
  const st = (n: number): ROperand => ({ k: 'reg', info: registerInfo(`st${n}`)!, name: `st${n}` });
  if (ops.length === 1 && ops[0].k === 'reg' && ops[0].info.cls === 'st') return [[st(0), ops[0]], [ops[0], st(0)]];
  if (ops.length === 0) return [[st(1)], [st(0), st(1)], [st(1), st(0)]];
  return [];
}

/** NASM needs a size for `inc [x]`; for near jmp/call through memory it assumes dword. */
function resolveMemorySize(cands: Candidate[], ops: ROperand[], mnem: string): Candidate[] {
  const memIdx = ops.findIndex(o => o.k === 'mem');
  if (memIdx < 0 || (ops[memIdx] as { size: number }).size !== 0) return cands;
  const sizes = new Set(cands.filter(c => c.form.memSize > 0 && !c.form.implicit).map(c => c.form.memSize));
  if (sizes.size <= 1) return cands;
  if ((mnem === 'jmp' || mnem === 'call') && sizes.has(4)) return cands.filter(c => c.form.memSize === 4);
  throw new AsmError('operation size not specified (add byte, word or dword)');
}

function noMatchMessage(req: EncodeRequest, forms: Form[], ops: ROperand[]): string {
  const sameCount = forms.filter(f => (f.implicit ? 0 : f.ops.length) === ops.length);
  const shapes = [...new Set((sameCount.length ? sameCount : forms).map(f => f.text.toLowerCase()))];
  const list = `${shapes.slice(0, 12).join(' | ')}${shapes.length > 12 ? ' | ...' : ''}`;
  const imm = ops.find(o => o.k === 'imm' && simple(o.v));
  if (imm && imm.k === 'imm' && sameCount.some(f => f.ops.some(k => IMM_KINDS.has(k)))) {
    // Would some form match if the immediate were small? Then the value is the problem.
    const small: ROperand = { ...imm, v: { n: 0, rel: null, unknown: false } };
    if (sameCount.some(f => matchForm(f, ops.map(o => (o === imm ? small : o)), req, canonicalMnemonic(req.mnem)))) {
      return `value ${imm.v.n} out of range for '${req.mnem}' (valid forms: ${list})`;
    }
  }
  return `invalid combination of operands for '${req.mnem}'; valid forms: ${list}`;
}

function has16BitOperand(ops: ROperand[]): boolean {
  return ops.some(o => (o.k === 'reg' && o.info.cls === 'r16') || (o.k === 'mem' && o.size === 2) ||
    ((o.k === 'imm' || o.k === 'far') && o.size === 2));
}

function matchForm(form: Form, ops: ROperand[], req: EncodeRequest, mnem: string):
    { ops: ROperand[]; truncated: boolean } | null {
  if (form.implicit) return ops.length === 0 ? { ops: [], truncated: false } : null;
  if (form.ops.length !== ops.length) return null;
  // Forms that carry a 66h prefix in 32-bit code are chosen only when an operand is 16-bit.
  const o16 = req.prefixes.includes('o16'), o32 = req.prefixes.includes('o32');
  if ((o16 && form.operandSize === 32) || (o32 && form.operandSize === 16)) return null;
  if (form.operandSize === 16 && ops.length > 0 && !o16 && !has16BitOperand(ops)) return null;
  let truncated = false;
  const out: ROperand[] = [];
  for (let i = 0; i < ops.length; i++) {
    const r = matchOperand(form, form.ops[i], ops[i], req, mnem);
    if (!r) return null;
    if (r === 'trunc') truncated = true;
    out.push(typeof r === 'object' ? r : ops[i]);
  }
  return { ops: out, truncated };
}

type OpMatch = boolean | 'trunc' | ROperand;

function matchOperand(form: Form, kind: K, op: ROperand, req: EncodeRequest, mnem: string): OpMatch {
  switch (op.k) {
    case 'reg': return matchReg(form, kind, op, mnem);
    case 'mem': return matchMem(form, kind, op, mnem);
    case 'imm': return matchImm(form, kind, op, req);
    case 'far': return (kind === K.farbr4_2 && op.size !== 2) || (kind === K.farbr2_2 && op.size === 2);
  }
}

function matchReg(form: Form, kind: K, op: Extract<ROperand, { k: 'reg' }>, mnem: string): OpMatch {
  const cls = op.info.cls;
  const fixed = FIXED_REGS[kind];
  if (fixed) return op.name === fixed;
  switch (kind) {
    case K.r8_or_mem: case K.r8_reg: case K.r8_opcode: return cls === 'r8';
    case K.r16_or_mem: case K.r16_reg: case K.r16_rm: case K.r16_opcode: case K.r16_reg_mem: return cls === 'r16';
    case K.r32_or_mem: case K.r32_reg: case K.r32_rm: case K.r32_opcode: case K.r32_reg_mem:
      // NASM writes `mov ds, ax`, `lldt ax`, `arpl ax, bx` without 66h: the r32/m16
      // form with the full register.
      if (cls === 'r16' && form.memSize === 2 && (NO_66.has(mnem) || (mnem === 'mov' && form.ops[0] === K.seg_reg))) {
        return { ...op, info: registerInfo('e' + op.name)!, name: 'e' + op.name };
      }
      return cls === 'r32';
    case K.seg_reg: return cls === 'sreg';
    case K.cr_reg: return cls === 'cr';
    case K.dr_reg: return cls === 'dr';
    case K.tr_reg: return cls === 'tr';
    case K.sti_opcode: return cls === 'st';
    case K.mm_reg: case K.mm_rm: case K.mm_or_mem: return cls === 'mm';
    case K.xmm_reg: case K.xmm_rm: case K.xmm_or_mem: return cls === 'xmm';
  }
  return false;
}

const MEM_KINDS = new Set([K.r8_or_mem, K.r16_or_mem, K.r32_or_mem, K.mem, K.mm_or_mem, K.xmm_or_mem, K.mem_offs]);

function matchMem(form: Form, kind: K, op: Extract<ROperand, { k: 'mem' }>, mnem: string): boolean {
  if (!MEM_KINDS.has(kind)) return false;
  if (kind === K.mem_offs && (op.base !== undefined || op.index !== undefined)) return false;
  const farForm = (mnem === 'jmp' || mnem === 'call') && kind === K.mem;
  if (farForm !== op.far) return false;
  if (op.size && form.memSize && op.size !== form.memSize && !(farForm && op.size === 4)) return false;
  return true;
}

function matchImm(form: Form, kind: K, op: Extract<ROperand, { k: 'imm' }>, req: EncodeRequest): OpMatch {
  const v = op.v;
  const n = v.n;
  const hint = op.size;
  if (BRANCH_KINDS.has(kind)) {
    if (op.jump === 'far') return false;
    const short = kind === K.br32_1 || kind === K.br16_1;
    const word = kind === K.br16_1 || kind === K.br16_2;
    if (word !== (hint === 2)) return false;
    if (short) {
      // Forms that only exist short (loop, jcxz) are always taken.
      const onlyShort = !formsOf(req.mnem)!.some(f => f.ops[0] === K.br32_4);
      return onlyShort || (op.jump !== 'near' && (op.jump === 'short' || req.allowShort));
    }
    return op.jump !== 'short';
  }
  if (op.jump) return false;
  switch (kind) {
    case K.imm8_const_1: return hint === 0 && simple(v) && n === 1;
    case K.imm8:
      if (hint !== 0 && hint !== 1) return false;
      if (!simple(v) || fits(n, -128, 255)) return true;
      return hint === 1 ? 'trunc' : false;
    case K.imm8sex16:
      if (!simple(v) || (op.strict && hint !== 1) || (hint !== 0 && hint !== 1 && hint !== 2)) return false;
      if (fits(n, -0x8000, 0xffff) && fits((n << 16) >> 16, -128, 127)) return true;
      return hint === 1 ? 'trunc' : false;
    case K.imm8sex32:
      if (!simple(v) || (op.strict && hint !== 1) || (hint !== 0 && hint !== 1 && hint !== 4)) return false;
      if (fits(n, -0x80000000, 0xffffffff) && fits(n | 0, -128, 127)) return true;
      return hint === 1 ? 'trunc' : false;
    case K.imm16:
      if (hint !== 0 && hint !== 2) return false;
      return !simple(v) || fits(n, -0x8000, 0xffff);
    case K.imm32:
      if (hint !== 0 && hint !== 4) return false;
      return !simple(v) || fits(n, -0x80000000, 0xffffffff);
  }
  return false;
}

// ---------------------------------------------------------------- instruction building

function buildInstruction(c: Candidate, req: EncodeRequest): Instruction {
  const ins = Instruction.create(c.form.code);
  if (c.form.implicit) fillImplicit(ins, c.form);
  let immCount = 0;
  c.ops.forEach((op, i) => {
    const kind = c.form.ops[i];
    switch (op.k) {
      case 'reg':
        ins.setOpKind(i, OpKind.Register);
        ins.setOpRegister(i, op.info.reg);
        break;
      case 'mem': setMemory(ins, i, op); break;
      case 'imm':
        if (BRANCH_KINDS.has(kind)) {
          const short16 = kind === K.br16_1 || kind === K.br16_2;
          ins.setOpKind(i, short16 ? OpKind.NearBranch16 : OpKind.NearBranch32);
          // An unknown target (forward reference in an early pass) is assumed near by.
          const target = op.v.unknown ? req.ip : op.v.n;
          if (short16) ins.nearBranch16 = target & 0xffff; else ins.nearBranch32 = target >>> 0;
        } else {
          setImmediate(ins, i, kind, op.v.n, immCount++);
        }
        break;
      case 'far':
        ins.setOpKind(i, kind === K.farbr2_2 ? OpKind.FarBranch16 : OpKind.FarBranch32);
        ins.farBranchSelector = op.seg.n & 0xffff;
        if (kind === K.farbr2_2) ins.farBranch16 = op.off.n & 0xffff; else ins.farBranch32 = op.off.n >>> 0;
        break;
    }
  });
  for (const p of req.prefixes) {
    if (p === 'lock') ins.hasLockPrefix = true;
    else if (p === 'rep' || p === 'repe' || p === 'repz') ins.hasRepePrefix = true;
    else if (p === 'repne' || p === 'repnz') ins.hasRepnePrefix = true;
  }
  return ins;
}

function setImmediate(ins: Instruction, i: number, kind: K, n: number, immIndex: number): void {
  switch (kind) {
    case K.imm8: case K.imm8_const_1:
      ins.setOpKind(i, immIndex > 0 ? OpKind.Immediate8_2nd : OpKind.Immediate8);
      ins.setImmediateU32(i, n & 0xff);
      break;
    case K.imm8sex16: ins.setOpKind(i, OpKind.Immediate8to16); ins.setImmediateI32(i, sex8(n)); break;
    case K.imm8sex32: ins.setOpKind(i, OpKind.Immediate8to32); ins.setImmediateI32(i, sex8(n)); break;
    case K.imm16: ins.setOpKind(i, OpKind.Immediate16); ins.setImmediateU32(i, n & 0xffff); break;
    default: ins.setOpKind(i, OpKind.Immediate32); ins.setImmediateU32(i, n >>> 0); break;
  }
}

function setMemory(ins: Instruction, i: number, op: Extract<ROperand, { k: 'mem' }>): void {
  ins.setOpKind(i, OpKind.Memory);
  const addr16 = [op.base, op.index].some(r => r !== undefined && RegisterExt.isGPR16(r));
  if (op.base !== undefined) ins.memoryBase = op.base;
  if (op.index !== undefined) { ins.memoryIndex = op.index; ins.memoryIndexScale = op.scale; }
  if (op.seg !== undefined) ins.segmentPrefix = op.seg;
  const d = op.disp;
  const n = d ? (addr16 ? d.n & 0xffff : d.n >>> 0) : 0;
  ins.memoryDisplacement = BigInt(n);
  // NASM: no displacement when there is none, disp8 when a plain number fits, and a
  // full-width displacement for addresses (labels) and absolute operands.
  const full = addr16 ? 2 : 4;
  if (op.base === undefined && op.index === undefined) ins.memoryDisplSize = full;
  else if (op.dispSize === 1 && (!d || simple(d))) ins.memoryDisplSize = 1;
  else if (op.dispSize && op.dispSize > 1) ins.memoryDisplSize = full;
  else if (!d) ins.memoryDisplSize = 0;
  else if (simple(d)) ins.memoryDisplSize = n === 0 ? 0 : 1;
  else ins.memoryDisplSize = full;
}

function fillImplicit(ins: Instruction, form: Form): void {
  form.ops.forEach((kind, i) => {
    const fixed = FIXED_REGS[kind];
    if (fixed) { ins.setOpKind(i, OpKind.Register); ins.setOpRegister(i, registerInfo(fixed)!.reg); return; }
    if (kind === K.seg_rSI) ins.setOpKind(i, OpKind.MemorySegESI);
    else if (kind === K.es_rDI) ins.setOpKind(i, OpKind.MemoryESEDI);
    else if (kind === K.seg_rDI) ins.setOpKind(i, OpKind.MemorySegEDI);
    else if (kind === K.seg_rBX_al) {
      ins.setOpKind(i, OpKind.Memory);
      ins.memoryBase = Register.EBX;
      ins.memoryIndex = Register.AL;
    }
  });
}
