// Comparing a native record with an emulated one: registers, EFLAGS under the mask of the
// flags the manuals leave undefined (from iced-x86, converted from its RflagsBits order to
// EFLAGS positions), the scratch windows and the page hash; for faults, the vector, the
// faulting EIP and (for #PF/#GP) the error code and CR2.
import { Decoder, DecoderOptions, Instruction, RflagsBits, FlowControl, Mnemonic, OpKind, Register } from 'iced-x86';
import { decodeOne } from '../../../kernel/cpu/decode.ts';
import { emitterFor } from '../../../kernel/cpu/ops/index.ts';
import {
  CASES, WINDOWS, HEADER_DWORDS, R_STATUS, R_TRAPNO, R_ERR, R_CR2, R_EIP, R_REGS, R_EFLAGS, R_HASH,
} from './layout.ts';
import { EMU_FAULT } from './emulate.ts';

const REGS = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
/** The flags a case's result is judged on. */
const COMPARED = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x400 | 0x800;
const ICED_TO_EFLAGS: [number, number][] = [
  [RflagsBits.OF, 0x800], [RflagsBits.SF, 0x80], [RflagsBits.ZF, 0x40], [RflagsBits.AF, 0x10],
  [RflagsBits.CF, 0x1], [RflagsBits.PF, 0x4], [RflagsBits.DF, 0x400], [RflagsBits.IF, 0x200], [RflagsBits.AC, 0x40000],
];

export function toEflags(iced: number): number {
  let v = 0;
  for (const [bit, ef] of ICED_TO_EFLAGS) if (iced & bit) v |= ef;
  return v;
}

/** The instructions of one case: from its entry to the jump back to the exit stub. */
export function caseInstructions(bytes: Uint8Array, entry: number): { ip: number; bytes: Uint8Array; insn: Instruction }[] {
  const out: { ip: number; bytes: Uint8Array; insn: Instruction }[] = [];
  let off = entry - CASES;
  for (let n = 0; n < 16; n++) {
    const chunk = bytes.subarray(off, off + 15);
    const d = new Decoder(32, chunk, DecoderOptions.None);
    d.ip = BigInt(CASES + off);
    const insn = d.decode();
    d.free();
    if (insn.flowControl === FlowControl.UnconditionalBranch && insn.nearBranch32 === CASES) break;
    out.push({ ip: CASES + off, bytes: chunk.slice(0, insn.length), insn });
    off += insn.length;
  }
  return out;
}

/** Flags left undefined at the end of the case: an instruction's undefined flags stay so
 *  until a later instruction defines them. `regs` (at entry) give CL for shift counts. */
export function undefinedFlags(insns: { insn: Instruction }[], regs: number[]): number {
  let u = 0;
  for (const { insn } of insns) {
    const defined = insn.rflagsWritten | insn.rflagsCleared | insn.rflagsSet;
    u = (u & ~toEflags(defined)) | toEflags(insn.rflagsUndefined) | shiftOverflowUndefined(insn, regs);
  }
  return u;
}

const SHIFTS = new Set([Mnemonic.Rol, Mnemonic.Ror, Mnemonic.Rcl, Mnemonic.Rcr, Mnemonic.Shl, Mnemonic.Sal,
  Mnemonic.Shr, Mnemonic.Sar, Mnemonic.Shld, Mnemonic.Shrd]);

/** OF after a shift or rotate is undefined unless the count masked to 5 bits is 1 (SDM).
 *  iced works from the count after the rotate's modulo (for RCL r/m8, 27 mod 9 = 0) and
 *  then calls the flags unaffected, but the hardware (AMD here) does change OF. */
function shiftOverflowUndefined(insn: Instruction, regs: number[]): number {
  if (!SHIFTS.has(insn.mnemonic)) return 0;
  const k = insn.opCount - 1, kind = insn.opKind(k);
  const count = kind === OpKind.Immediate8 ? insn.immediate8
    : kind === OpKind.Register && insn.opRegister(k) === Register.CL ? regs[1] & 0xff : 1;
  return (count & 31) !== 1 ? 0x800 : 0;
}

const UD_EMITTER = emitterFor(decodeOne(Uint8Array.of(0x0f, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0)!);

/** True when the CPU has no emitter yet for one of these instructions (it would #UD). */
export function unimplemented(insns: { ip: number; bytes: Uint8Array }[]): boolean {
  return insns.some(({ ip, bytes }) => {
    const padded = new Uint8Array(15);
    padded.set(bytes);
    return emitterFor(decodeOne(padded, ip)!) === UD_EMITTER;
  });
}

/** The differences between two records (empty when they agree). */
export function diffRecords(nat: DataView, emu: DataView, rec: number, undefinedMask: number): string[] {
  const n = (i: number) => nat.getUint32(rec + i * 4, true), e = (i: number) => emu.getUint32(rec + i * 4, true);
  const h = (v: number) => '0x' + v.toString(16).padStart(8, '0');
  const out: string[] = [];
  const nativeFault = n(R_STATUS) !== 0;
  if (e(R_STATUS) === 0xffffffff) return [`emulator did not finish (stopped at ${h(e(R_EIP))})`];
  if (nativeFault !== (e(R_STATUS) !== 0))
    return [nativeFault ? `native faulted (signal ${n(R_STATUS)}, vector ${n(R_TRAPNO)} at ${h(n(R_EIP))}), emulator did not`
      : `emulator raised vector ${e(R_TRAPNO)} at ${h(e(R_EIP))} (error ${h(e(R_ERR))}, cr2 ${h(e(R_CR2))}), native did not`];
  if (nativeFault) {
    const v = n(R_TRAPNO);
    if (e(R_TRAPNO) !== v) return [`vector: native ${v}, emulator ${e(R_TRAPNO)}`];
    if (n(R_EIP) !== e(R_EIP)) out.push(`fault eip: native ${h(n(R_EIP))}, emulator ${h(e(R_EIP))}`);
    // #PF: Linux reports P/W/U plus bits we do not model; compare write and user.
    if (v === 14 && (n(R_ERR) & 6) !== (e(R_ERR) & 6)) out.push(`#PF error: native ${h(n(R_ERR))}, emulator ${h(e(R_ERR))}`);
    if (v === 14 && n(R_CR2) !== e(R_CR2)) out.push(`cr2: native ${h(n(R_CR2))}, emulator ${h(e(R_CR2))}`);
    if (v === 13 && n(R_ERR) !== e(R_ERR)) out.push(`#GP error: native ${h(n(R_ERR))}, emulator ${h(e(R_ERR))}`);
  }
  for (let i = 0; i < 8; i++)
    if (n(R_REGS + i) !== e(R_REGS + i)) out.push(`${REGS[i]}: native ${h(n(R_REGS + i))}, emulator ${h(e(R_REGS + i))}`);
  const mask = COMPARED & ~undefinedMask;
  if ((n(R_EFLAGS) & mask) !== (e(R_EFLAGS) & mask))
    out.push(`eflags (mask ${h(mask)}): native ${h(n(R_EFLAGS) & mask)}, emulator ${h(e(R_EFLAGS) & mask)}`);
  let o = rec + HEADER_DWORDS * 4;
  for (const [a, b] of WINDOWS) {
    for (let i = 0; i < b - a; i++) {
      if (nat.getUint8(o + i) !== emu.getUint8(o + i)) {
        out.push(`memory at ${h(a + i)}: native 0x${nat.getUint8(o + i).toString(16)}, emulator 0x${emu.getUint8(o + i).toString(16)}`);
        break;
      }
    }
    o += b - a;
  }
  if (n(R_HASH) !== e(R_HASH) && !out.some(s => s.startsWith('memory'))) out.push('scratch page differs outside the compared windows');
  return out;
}
