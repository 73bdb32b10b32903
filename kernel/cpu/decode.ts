// Decoding: iced-x86 turns bytes into an Instruction once; we copy what execution needs into
// a plain object (an `Insn`) so the code generator never touches iced's WebAssembly objects
// again. Decoding is slow (about 2 M/s through the JS bridge) and happens once per block.
import { Decoder, DecoderError, DecoderOptions, Instruction, MemorySizeExt, OpKind, Register, Mnemonic, Code } from 'iced-x86';

export const enum OperandKind { None, Reg, Mem, Imm, SegReg, CtrlReg, DebugReg, Far }

/** One operand. For Reg: `reg` 0..7 in encoding order; `high` for AH/CH/DH/BH. */
export interface Operand {
  kind: OperandKind;
  size: 8 | 16 | 32 | 48 | 64 | 0;
  reg: number;
  high: boolean;
  imm: number;
}

/** A memory operand: base/index are register numbers or -1. */
export interface MemRef {
  seg: number;
  base: number;
  index: number;
  scale: number;
  disp: number;
  /** 16 or 32: 16-bit addressing wraps the effective address at 64 KiB. */
  asize: 16 | 32;
  /** Explicit segment prefix, for the disassembly and for string sources. */
  hasSegPrefix: boolean;
}

export interface Insn {
  eip: number;
  len: number;
  code: Code;
  mnemonic: Mnemonic;
  ops: Operand[];
  mem: MemRef | null;
  /** The operand size of the instruction (from iced's op-code info; 0 where none). */
  osize: 16 | 32 | 8 | 0;
  asize: 16 | 32;
  rep: 0 | 1 | 2; // none, rep/repe, repne
  lock: boolean;
  /** Near branch target (absolute), far target offset, or 0. */
  target: number;
  farSel: number;
  /** iced's ConditionCode for jcc/setcc/cmovcc/loopcc (0: none). */
  cc: number;
  /** The string form, for errors and the disassembly panel. */
  text: string;
  /** The raw bytes. */
  bytes: Uint8Array;
}

const scratch = new Instruction();

/** Maps an iced register to [kind, number, size, high]. */
function mapRegister(r: Register): { kind: OperandKind; reg: number; size: 8 | 16 | 32; high: boolean } {
  if (r >= Register.AL && r <= Register.BL) return { kind: OperandKind.Reg, reg: r - Register.AL, size: 8, high: false };
  if (r >= Register.AH && r <= Register.BH) return { kind: OperandKind.Reg, reg: r - Register.AH, size: 8, high: true };
  if (r >= Register.AX && r <= Register.DI) return { kind: OperandKind.Reg, reg: r - Register.AX, size: 16, high: false };
  if (r >= Register.EAX && r <= Register.EDI) return { kind: OperandKind.Reg, reg: r - Register.EAX, size: 32, high: false };
  if (r >= Register.ES && r <= Register.GS) return { kind: OperandKind.SegReg, reg: r - Register.ES, size: 16, high: false };
  if (r >= Register.CR0 && r <= Register.CR0 + 15) return { kind: OperandKind.CtrlReg, reg: r - Register.CR0, size: 32, high: false };
  if (r >= Register.DR0 && r <= Register.DR0 + 15) return { kind: OperandKind.DebugReg, reg: r - Register.DR0, size: 32, high: false };
  return { kind: OperandKind.None, reg: -1, size: 0 as 32, high: false };
}

function gpr(r: Register): number {
  if (r === Register.None) return -1;
  if (r >= Register.EAX && r <= Register.EDI) return r - Register.EAX;
  if (r >= Register.AX && r <= Register.DI) return r - Register.AX;
  return -1;
}


/**
 * Decodes one instruction from `bytes` (which start at linear `eip`). Returns null when the
 * bytes run out before the instruction ends (the caller fetches more and retries).
 */
export function decodeOne(bytes: Uint8Array, eip: number): Insn | null {
  const d = new Decoder(32, bytes, DecoderOptions.None);
  try {
    d.ip = BigInt(eip >>> 0);
    d.decodeOut(scratch);
    if (scratch.isInvalid && d.lastError === DecoderError.NoMoreBytes && bytes.length < 15) return null;
    return toInsn(scratch, bytes, eip);
  } finally {
    d.free();
  }
}

function toInsn(ins: Instruction, bytes: Uint8Array, eip: number): Insn {
  const len = ins.length;
  const opInfo = ins.isInvalid ? null : ins.opCode;
  let osize = (opInfo ? opInfo.operandSize : 0) as Insn['osize'];
  const ops: Operand[] = [];
  let mem: MemRef | null = null;
  let target = 0, farSel = 0;
  for (let i = 0; i < ins.opCount; i++) {
    const k = ins.opKind(i);
    switch (k) {
      case OpKind.Register: {
        const m = mapRegister(ins.opRegister(i));
        ops.push({ kind: m.kind, size: m.size, reg: m.reg, high: m.high, imm: 0 });
        break;
      }
      case OpKind.Memory: {
        const base = ins.memoryBase;
        mem = {
          seg: ins.memorySegment - Register.ES,
          base: gpr(base),
          index: gpr(ins.memoryIndex),
          scale: ins.memoryIndexScale,
          disp: Number(BigInt.asIntN(32, ins.memoryDisplacement)),
          asize: (base >= Register.AX && base <= Register.DI) || (ins.memoryIndex >= Register.AX && ins.memoryIndex <= Register.DI)
            || (base === Register.None && ins.memoryIndex === Register.None && ins.memoryDisplSize === 2) ? 16 : 32,
          hasSegPrefix: ins.segmentPrefix !== Register.None,
        };
        ops.push({ kind: OperandKind.Mem, size: 0, reg: -1, high: false, imm: 0 });
        break;
      }
      case OpKind.NearBranch16: case OpKind.NearBranch32:
        target = ins.nearBranch32 | 0;
        ops.push({ kind: OperandKind.Imm, size: 32, reg: -1, high: false, imm: target });
        break;
      case OpKind.FarBranch16: case OpKind.FarBranch32:
        target = k === OpKind.FarBranch16 ? ins.farBranch16 : ins.farBranch32 | 0;
        farSel = ins.farBranchSelector;
        ops.push({ kind: OperandKind.Far, size: 32, reg: -1, high: false, imm: target });
        break;
      case OpKind.Immediate8: ops.push(imm(ins.immediate8, 8)); break;
      case OpKind.Immediate8_2nd: ops.push(imm(ins.immediate8_2nd, 8)); break;
      case OpKind.Immediate16: ops.push(imm(ins.immediate16, 16)); break;
      case OpKind.Immediate32: ops.push(imm(ins.immediate32 | 0, 32)); break;
      case OpKind.Immediate8to16: ops.push(imm(ins.immediate8to16 & 0xffff, 16)); break;
      case OpKind.Immediate8to32: ops.push(imm(ins.immediate8to32 | 0, 32)); break;
      default:
        // String operands (MemorySegESI, MemoryESEDI, ...): implied by the mnemonic.
        ops.push({ kind: OperandKind.None, size: 0, reg: -1, high: false, imm: 0 });
        if (k === OpKind.MemorySegSI || k === OpKind.MemorySegESI || k === OpKind.MemorySegDI || k === OpKind.MemorySegEDI) {
          mem = { seg: ins.memorySegment - Register.ES, base: -1, index: -1, scale: 1, disp: 0,
            asize: k === OpKind.MemorySegSI || k === OpKind.MemorySegDI ? 16 : 32,
            hasSegPrefix: ins.segmentPrefix !== Register.None };
        } else if ((k === OpKind.MemoryESDI || k === OpKind.MemoryESEDI) && !mem) {
          mem = { seg: 0, base: -1, index: -1, scale: 1, disp: 0, asize: k === OpKind.MemoryESDI ? 16 : 32, hasSegPrefix: false };
        }
    }
  }
  // Sizes of memory operands: from the instruction's operand size, or the register beside it.
  for (const op of ops) if (op.kind === OperandKind.Mem) op.size = memOperandSize(ins, ops, osize);
  if (osize === 0 || (osize as number) === 64) osize = (ops[0] && ops[0].kind === OperandKind.Reg ? ops[0].size : 0) as Insn['osize'];
  const asize = ins.isInvalid ? 32 : (opInfo && opInfo.addressSize === 16 ? 16 : (hasPrefix(bytes, len, 0x67) ? 16 : 32));
  return {
    eip, len, code: ins.code, mnemonic: ins.mnemonic, ops, mem, osize, asize,
    rep: ins.hasRepnePrefix ? 2 : ins.hasRepPrefix || ins.hasRepePrefix ? 1 : 0,
    lock: ins.hasLockPrefix, target, farSel, cc: ins.isInvalid ? 0 : ins.conditionCode,
    text: ins.isInvalid ? '(bad)' : ins.toString(),
    bytes: bytes.slice(0, len),
  };
}

function imm(v: number, size: 8 | 16 | 32): Operand {
  return { kind: OperandKind.Imm, size, reg: -1, high: false, imm: v };
}

/** Whether a legacy prefix byte appears before the opcode. */
function hasPrefix(bytes: Uint8Array, len: number, prefix: number): boolean {
  for (let i = 0; i < len; i++) {
    const b = bytes[i];
    if (b === prefix) return true;
    if (![0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3].includes(b)) return false;
  }
  return false;
}

/** The size in bits of a memory operand. */
function memOperandSize(ins: Instruction, ops: Operand[], osize: number): 8 | 16 | 32 | 48 | 64 {
  const ms = MemorySizeExt.size(ins.memorySize);
  if (ms) return (ms * 8) as 8 | 16 | 32 | 48 | 64;
  const reg = ops.find(o => o.kind === OperandKind.Reg);
  return (reg ? reg.size : osize || 32) as 8 | 16 | 32;
}
