// The case generator: one small piece of code per case (usually one instruction), with
// random registers, flags and scratch bytes, from a seeded PRNG. Every family of the
// integer instruction set gets cases; undefined results stay out (the conformance
// README's list: SHLD/SHRD counts above the operand size, shift counts at or above the size
// of 8/16-bit SHL/SHR/SAR, BSF/BSR of zero, bswap r16, division overflow except in the
// fault family where #DE is the point). Flags the manuals leave undefined are masked at
// compare time from iced's rflagsUndefined.
import { Rng, fillPage } from './prng.ts';
import { PAGE, PAGE_SIZE, OPERANDS, OPERANDS_END, STACK_TOP } from './layout.ts';

export interface Case {
  family: string;
  /** nasm lines; labels local to the case start with a dot. */
  lines: string[];
  /** eax..edi at entry (ESP is always STACK_TOP). */
  regs: number[];
  /** Arithmetic flags and DF at entry (the driver adds IF and bit 1). */
  flags: number;
  /** Seed of the scratch page's bytes. */
  seed: number;
}

type Bits = 8 | 16 | 32;
const R32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const R16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const R8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'];
const SIZE_WORD: Record<Bits, string> = { 8: 'byte', 16: 'word', 32: 'dword' };
const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
const CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, DF = 0x400, OF = 0x800;
const ARITH = CF | PF | AF | ZF | SF | OF;
const hex = (v: number) => '0x' + (v >>> 0).toString(16);

/** Builds one case: registers in use are reserved so operands do not collide by accident. */
class B {
  readonly regs: number[];
  flags: number;
  readonly seed: number;
  private readonly used = new Set<number>([4]);
  private pageBytes: Uint8Array | null = null;

  constructor(readonly rng: Rng) {
    this.regs = Array.from({ length: 8 }, () => rng.value(32));
    this.regs[4] = STACK_TOP;
    this.flags = (rng.u32() & ARITH) | (rng.chance(0.5) ? DF : 0);
    this.seed = rng.u32() || 1;
  }

  /** The scratch page as the case will find it. */
  page(): Uint8Array {
    if (!this.pageBytes) { this.pageBytes = new Uint8Array(PAGE_SIZE); fillPage(this.pageBytes, this.seed); }
    return this.pageBytes;
  }

  /** The value at a scratch address (as uint). */
  peek(addr: number, bits: Bits): number {
    const p = this.page(), o = addr - PAGE;
    let v = 0;
    for (let i = bits / 8 - 1; i >= 0; i--) v = v * 256 + p[o + i];
    return v;
  }

  /** A free register number (never ESP); for 8 bits, the encoding number (AH = 4). */
  regNum(bits: Bits): number {
    for (;;) {
      const n = this.rng.int(0, 7);
      if (bits === 8) { if (!this.used.has(n & 3)) { this.used.add(n & 3); return n; } continue; }
      if (!this.used.has(n)) { this.used.add(n); return n; }
    }
  }

  reg(bits: Bits): string { return regName(this.regNum(bits), bits); }

  /** Claims a register by number (32-bit numbering) so later picks avoid it. */
  claim(n: number): void { this.used.add(n); }

  /** Sets the low `bits` of a register (by encoding number), keeping the rest random. */
  setReg(n: number, bits: Bits, v: number): void {
    if (bits === 32) this.regs[n] = v | 0;
    else if (bits === 16) this.regs[n] = (this.regs[n] & ~0xffff) | (v & 0xffff);
    else if (n < 4) this.regs[n] = (this.regs[n] & ~0xff) | (v & 0xff);
    else this.regs[n - 4] = (this.regs[n - 4] & ~0xff00) | ((v & 0xff) << 8);
  }

  getReg(n: number, bits: Bits): number {
    if (bits === 32) return this.regs[n] >>> 0;
    if (bits === 16) return this.regs[n] & 0xffff;
    return n < 4 ? this.regs[n] & 0xff : (this.regs[n - 4] >> 8) & 0xff;
  }

  /** A memory operand of `bits` at a random address in the operand window (or `at`),
   *  reached through base/index/displacement registers set to match. */
  mem(bits: Bits, at?: number): { text: string; addr: number } {
    const bytes = bits / 8;
    const addr = at ?? this.rng.int(OPERANDS, OPERANDS_END - bytes);
    const rng = this.rng;
    const form = rng.int(0, 5);
    // A segment override now and then (flat in both processes; CS only for reads, so none).
    const seg = rng.chance(0.1) ? rng.pick(['es:', 'ss:', 'ds:']) : '';
    if (form === 0) return { text: `${SIZE_WORD[bits]} [${seg}${hex(addr)}]`, addr };
    if (form === 1) return { text: `${SIZE_WORD[bits]} [${seg}esp${sgn(addr - STACK_TOP)}]`, addr };
    const disp = form === 2 ? 0 : rng.int(-128, 127) * (rng.chance(0.2) ? 1000 : 1);
    const base = this.regNum(32);
    if (form <= 3) {
      this.regs[base] = (addr - disp) | 0;
      return { text: `${SIZE_WORD[bits]} [${seg}${R32[base]}${sgn(disp)}]`, addr };
    }
    const index = this.regNum(32), scale = rng.pick([1, 2, 4, 8]);
    const iv = rng.int(-40, 40);
    this.regs[index] = iv;
    this.regs[base] = (addr - disp - iv * scale) | 0;
    return { text: `${SIZE_WORD[bits]} [${seg}${R32[base]}+${R32[index]}*${scale}${sgn(disp)}]`, addr };
  }

  /** Either a register or a memory operand of `bits`. */
  rm(bits: Bits): { text: string; reg: number; addr: number } {
    if (this.rng.chance(0.6)) { const n = this.regNum(bits); return { text: regName(n, bits), reg: n, addr: -1 }; }
    const m = this.mem(bits);
    return { text: m.text, reg: -1, addr: m.addr };
  }

  done(family: string, lines: string[]): Case {
    return { family, lines, regs: this.regs.map(v => v | 0), flags: this.flags, seed: this.seed };
  }
}

function regName(n: number, bits: Bits): string { return bits === 32 ? R32[n] : bits === 16 ? R16[n] : R8[n]; }
function sgn(v: number): string { return v === 0 ? '' : v < 0 ? `-${-v}` : `+${v}`; }
function imm(v: number, bits: Bits): string { return hex(bits === 32 ? v : v & ((1 << bits) - 1)); }

type Gen = (b: B) => Case;

/** `lock ` now and then when the destination is memory (the lockable forms). */
function lock(b: B, dst: string): string { return dst.includes('[') && b.rng.chance(0.15) ? 'lock ' : ''; }
const sizes: Bits[] = [8, 16, 32];

// ---- families ----------------------------------------------------------------------------

/** add/adc/sub/sbb/cmp/and/or/xor/test in every operand form. */
function binaryOp(family: string, ops: string[]): Gen {
  return b => {
    const r = b.rng, op = r.pick(ops), bits = r.pick(sizes);
    const form = r.int(0, 4);
    let line: string;
    const lockable = op !== 'cmp' && op !== 'test';
    if (form === 0) { const d = b.rm(bits).text; line = `${lockable ? lock(b, d) : ''}${op} ${d}, ${b.reg(bits)}`; }
    else if (form === 1) line = `${op} ${b.reg(bits)}, ${b.mem(bits).text}`;
    else if (form === 2) line = `${op} ${b.rm(bits).text}, ${imm(r.value(bits), bits)}`;
    else if (form === 3 && bits !== 8) line = `${op} ${b.rm(bits).text}, byte ${r.int(-128, 127)}`;
    else { b.claim(0); line = `${op} ${regName(0, bits)}, ${imm(r.value(bits), bits)}`; }
    if (op === 'test' && form === 3) line = `test ${b.rm(bits).text}, ${imm(r.value(bits), bits)}`;
    return b.done(family, [line]);
  };
}

function unaryOp(family: string, ops: string[]): Gen {
  return b => {
    const bits = b.rng.pick(sizes), d = b.rm(bits).text;
    return b.done(family, [`${lock(b, d)}${b.rng.pick(ops)} ${d}`]);
  };
}

function shift(b: B): Case {
  const r = b.rng, op = r.pick(['shl', 'shr', 'sar', 'rol', 'ror', 'rcl', 'rcr', 'sal']);
  const bits = r.pick(sizes), form = r.int(0, 2);
  if (form === 2) b.claim(1); // CL holds the count: the operand must not use ECX
  const dst = b.rm(bits).text;
  // 8/16-bit shl/shr/sar at counts >= the size leave CF undefined: stay below.
  const limited = bits < 32 && !['rol', 'ror', 'rcl', 'rcr'].includes(op);
  const count = (limited ? r.int(0, bits - 1) : r.int(0, 31)) + 32 * r.int(0, 7);
  if (form === 0) return b.done('shift', [`${op} ${dst}, 1`]);
  if (form === 1) return b.done('shift', [`${op} ${dst}, ${count}`]);
  b.setReg(1, 8, count);
  return b.done('shift', [`${op} ${dst}, cl`]);
}

function doubleShift(b: B): Case {
  const r = b.rng, op = r.pick(['shld', 'shrd']), bits = r.pick([16, 32] as Bits[]);
  b.claim(1);
  const dst = b.rm(bits).text, src = b.reg(bits);
  const count = (bits === 16 ? r.int(0, 16) : r.int(0, 31)) + 32 * r.int(0, 7);
  if (r.chance(0.5)) return b.done('shift', [`${op} ${dst}, ${src}, ${count}`]);
  b.setReg(1, 8, count);
  return b.done('shift', [`${op} ${dst}, ${src}, cl`]);
}

function bitTest(b: B): Case {
  const r = b.rng, op = r.pick(['bt', 'bts', 'btr', 'btc']), bits = r.pick([16, 32] as Bits[]);
  if (r.chance(0.4)) { const d = b.rm(bits).text; return b.done('bit', [`${op === 'bt' ? '' : lock(b, d)}${op} ${d}, ${r.int(0, 255)}`]); }
  if (r.chance(0.5)) { const d = b.reg(bits); return b.done('bit', [`${op} ${d}, ${b.reg(bits)}`]); }
  // bt m, r: the bit offset is signed and reaches beyond the operand; keep it in the window.
  const n = b.regNum(bits), off = r.int(-200, 200);
  b.setReg(n, bits, off);
  const m = b.mem(bits, r.int(OPERANDS + 32, OPERANDS_END - 36));
  return b.done('bit', [`${op} ${m.text}, ${regName(n, bits)}`]);
}

function bitScan(b: B): Case {
  const r = b.rng, op = r.pick(['bsf', 'bsr']), bits = r.pick([16, 32] as Bits[]);
  const dst = b.reg(bits);
  for (;;) {
    const src = b.rm(bits);
    const v = src.reg >= 0 ? b.getReg(src.reg, bits) : b.peek(src.addr, bits);
    if (v === 0 && src.reg >= 0) b.setReg(src.reg, bits, 1 << r.int(0, bits - 1));
    if (v === 0 && src.reg < 0) continue; // a zero source leaves the destination undefined
    return b.done('bit', [`${op} ${dst}, ${src.text}`]);
  }
}

function bcd(b: B): Case {
  const r = b.rng, op = r.pick(['daa', 'das', 'aaa', 'aas', 'aam', 'aad']);
  if (r.chance(0.5)) b.setReg(0, 8, r.int(0, 0x9f)); // mostly valid BCD-ish inputs, some not
  // Where AL +/- 6 carries out of AL, CPUs disagree about AH: the 386 manual adjusts AL
  // and AH separately, later parts (this host too) adjust AX as a whole. Keep those out.
  if (op === 'aaa' && b.getReg(0, 8) > 0xf9) b.setReg(0, 8, r.int(0, 0xf9));
  if (op === 'aas' && b.getReg(0, 8) < 6) b.setReg(0, 8, r.int(6, 0xff));
  if (op === 'aam') return b.done('bcd', [r.chance(0.5) ? 'aam' : `aam ${r.int(1, 255)}`]);
  if (op === 'aad') return b.done('bcd', [r.chance(0.5) ? 'aad' : `aad ${r.int(0, 255)}`]);
  return b.done('bcd', [op]);
}

function mul(b: B): Case {
  const r = b.rng, bits = r.pick(sizes), form = r.int(0, 3);
  b.claim(0); b.claim(2);
  if (form === 0) return b.done('muldiv', [`${r.pick(['mul', 'imul'])} ${b.rm(bits).text}`]);
  if (bits === 8) return b.done('muldiv', [`imul ${b.rm(8).text}`]);
  const dst = b.reg(bits);
  if (form === 1) return b.done('muldiv', [`imul ${dst}, ${b.rm(bits).text}`]);
  const k = form === 2 ? r.int(-128, 127) : r.value(bits);
  return b.done('muldiv', [`imul ${dst}, ${b.rm(bits).text}, ${form === 2 ? k : imm(k, bits)}`]);
}

/** div/idiv with a quotient that fits: dividend = q*d + r, built backwards. */
function div(b: B): Case {
  const r = b.rng, bits = r.pick(sizes), signed = r.chance(0.5);
  b.claim(0); b.claim(2);
  const src = b.rm(bits);
  let d = BigInt(src.reg >= 0 ? b.getReg(src.reg, bits) : b.peek(src.addr, bits));
  if (d === 0n) {
    if (src.reg < 0) return div(new B(r)); // memory zero: try a fresh case
    d = 1n; b.setReg(src.reg, bits, 1);
  }
  const n = BigInt(bits), half = 1n << (n - 1n), full = 1n << n;
  if (signed && d >= half) d -= full;
  const u = () => BigInt(r.u32()) & (full - 1n);
  let q = u(); if (signed && q >= half) q -= full;
  if (signed && r.chance(0.5)) q = q / 256n; // small quotients too
  const ad = d < 0n ? -d : d;
  let rem = ad > 1n ? BigInt(r.u32()) % ad : 0n;
  if (signed && q * d < 0n) rem = -rem;
  if (signed && q * d === 0n && r.chance(0.5)) rem = -rem;
  const dividend = BigInt.asUintN(2 * bits, q * d + rem);
  if (bits === 8) b.setReg(0, 16, Number(dividend));
  else {
    b.setReg(0, bits, Number(dividend & (full - 1n)));
    b.setReg(2, bits, Number(dividend >> n));
  }
  return b.done('muldiv', [`${signed ? 'idiv' : 'div'} ${src.text}`]);
}

function movx(b: B): Case {
  const r = b.rng, op = r.pick(['movzx', 'movsx']);
  const [to, from] = r.pick([[16, 8], [32, 8], [32, 16]] as [Bits, Bits][]);
  return b.done('movx', [`${op} ${b.reg(to)}, ${b.rm(from).text}`]);
}

function setcc(b: B): Case { return b.done('setcc', [`set${b.rng.pick(CC)} ${b.rm(8).text}`]); }

function cmovcc(b: B): Case {
  const bits = b.rng.pick([16, 32] as Bits[]);
  return b.done('cmovcc', [`cmov${b.rng.pick(CC)} ${b.reg(bits)}, ${b.rm(bits).text}`]);
}

function bswap(b: B): Case { return b.done('bswap', [`bswap ${b.reg(32)}`]); }

function xadd(b: B): Case {
  const bits = b.rng.pick(sizes);
  const d = b.rm(bits).text;
  return b.done('xadd', [`${lock(b, d)}xadd ${d}, ${b.reg(bits)}`]);
}

function cmpxchg(b: B): Case {
  const r = b.rng, bits = r.pick(sizes);
  b.claim(0);
  const dst = b.rm(bits), src = b.reg(bits);
  if (r.chance(0.5)) b.setReg(0, bits, dst.reg >= 0 ? b.getReg(dst.reg, bits) : b.peek(dst.addr, bits));
  return b.done('cmpxchg', [`${lock(b, dst.text)}cmpxchg ${dst.text}, ${src}`]);
}

function xchg(b: B): Case {
  const bits = b.rng.pick(sizes);
  if (bits !== 8 && b.rng.chance(0.3)) { b.claim(0); return b.done('xchg', [`xchg ${regName(0, bits)}, ${b.reg(bits)}`]); }
  return b.done('xchg', [`xchg ${b.rm(bits).text}, ${b.reg(bits)}`]);
}

function lea(b: B): Case {
  const r = b.rng, bits = r.pick([16, 32] as Bits[]);
  const dst = b.reg(bits);
  if (r.chance(0.25)) {
    const f = r.pick(['bx+si', 'bx+di', 'bp+si', 'bp+di', 'si', 'di', 'bx', 'bp']);
    return b.done('lea', [`lea ${dst}, [${f}${sgn(r.int(-200, 200) * (r.chance(0.3) ? 100 : 1))}]`]);
  }
  const base = R32[r.int(0, 7)], index = R32[r.pick([0, 1, 2, 3, 5, 6, 7])];
  return b.done('lea', [`lea ${dst}, [${base}+${index}*${r.pick([1, 2, 4, 8])}${sgn(r.value(32) | 0)}]`]);
}

function mov(b: B): Case {
  const r = b.rng, bits = r.pick(sizes), form = r.int(0, 4);
  if (form === 0) return b.done('mov', [`mov ${b.rm(bits).text}, ${b.reg(bits)}`]);
  if (form === 1) return b.done('mov', [`mov ${b.reg(bits)}, ${b.rm(bits).text}`]);
  if (form === 2) return b.done('mov', [`mov ${b.rm(bits).text}, ${imm(r.value(bits), bits)}`]);
  if (form === 3) {
    b.claim(0);
    const at = hex(r.int(OPERANDS, OPERANDS_END - 4));
    return b.done('mov', [r.chance(0.5) ? `mov ${regName(0, bits)}, [${at}]` : `mov [${at}], ${regName(0, bits)}`]);
  }
  // xlat: [EBX + AL]
  b.claim(3);
  b.regs[3] = OPERANDS;
  return b.done('mov', ['xlatb']);
}

function stack(b: B): Case {
  const r = b.rng;
  switch (r.int(0, 11)) {
    case 0: return b.done('stack', [`push ${b.reg(r.pick([16, 32] as Bits[]))}`]);
    case 1: return b.done('stack', [`pop ${b.reg(r.pick([16, 32] as Bits[]))}`]);
    case 2: return b.done('stack', [r.pick([`push dword ${imm(r.value(32), 32)}`, `push byte ${r.int(-128, 127)}`, `push word ${imm(r.value(16), 16)}`])]);
    case 3: { const bits = r.pick([16, 32] as Bits[]); return b.done('stack', [`push ${b.mem(bits).text}`]); }
    case 4: { const bits = r.pick([16, 32] as Bits[]); return b.done('stack', [`pop ${b.mem(bits).text}`]); }
    case 5: return b.done('stack', [r.pick(['pop dword [esp]', 'pop dword [esp+4]', 'pop dword [esp-4]', 'pop word [esp+2]'])]);
    case 6: return b.done('stack', [r.pick(['pushad', 'popad', 'pushaw', 'popaw'])]);
    case 7: return b.done('stack', [r.pick(['pushfd', 'pushfw'])]);
    case 8: {
      // popfd of a value we choose: arithmetic flags and DF only (TF would trap, AC fault).
      const v = r.u32() & (ARITH | DF);
      return b.done('stack', [`push dword ${hex(v)}`, r.pick(['popfd', 'popfw'])]);
    }
    case 9: return b.done('stack', [r.pick(['push esp', 'push sp'])]);
    case 10: {
      b.claim(5);
      b.regs[5] = STACK_TOP - r.int(0, 6) * 4;
      return b.done('stack', [`enter ${r.int(0, 40)}, ${r.int(0, 3)}`]);
    }
    default: {
      b.claim(5);
      b.regs[5] = STACK_TOP - r.int(-4, 20) * 4;
      return b.done('stack', [r.pick(['leave', 'o16 leave'])]);
    }
  }
}

function convert(b: B): Case { return b.done('convert', [b.rng.pick(['cbw', 'cwde', 'cwd', 'cdq'])]); }

function flagsReg(b: B): Case {
  return b.done('flags', [b.rng.pick(['lahf', 'sahf', 'clc', 'stc', 'cmc', 'cld', 'std', 'nop'])]);
}

/** rep/repe/repne string ops, DF both ways, source overrides, counts that run off the
 *  scratch page (into the read-only page above, the unmapped one below: faults mid-way),
 *  overlapping movs, 16-bit addressing. */
function string(b: B): Case {
  const r = b.rng;
  const op = r.pick(['movs', 'cmps', 'scas', 'lods', 'stos']), sfx = r.pick(['b', 'w', 'd']);
  const bytes = sfx === 'b' ? 1 : sfx === 'w' ? 2 : 4;
  b.claim(1); b.claim(6); b.claim(7);
  const big = (op === 'movs' || op === 'stos') && r.chance(0.3);
  const n = big ? r.int(0, 1100) : r.pick([0, 1, 2, 3, r.int(0, 20), r.int(0, 40)]);
  const span = n * bytes;
  const down = (b.flags & DF) !== 0;
  // Start so the run stays in the page, or (sometimes) runs off either end.
  const place = (): number => {
    if (r.chance(0.1)) return PAGE + (down ? r.int(0, 64) : PAGE_SIZE - r.int(1, 64));
    return down ? PAGE + r.int(Math.min(span, PAGE_SIZE - bytes), PAGE_SIZE - bytes) : PAGE + r.int(0, Math.max(0, PAGE_SIZE - bytes - span));
  };
  const esi = place();
  const edi = op === 'movs' && r.chance(0.3) ? esi + r.int(-9, 9) : op === 'cmps' && r.chance(0.4) ? esi : place();
  b.regs[6] = esi; b.regs[7] = edi;
  b.regs[1] = r.chance(0.2) ? (r.u32() & 0xffff0000) | n : n;
  const prefix = r.pick(['', 'rep ', 'rep ', op === 'cmps' || op === 'scas' ? 'repne ' : 'rep ']);
  if (op === 'scas' && r.chance(0.5)) {
    // Make the searched value appear somewhere ahead.
    const k = r.int(0, Math.max(0, n - 1)), at = edi + (down ? -k : k) * bytes;
    if (at >= PAGE && at + bytes <= PAGE + PAGE_SIZE) b.setReg(0, (bytes * 8) as Bits, b.peek(at, (bytes * 8) as Bits));
  } else b.claim(0);
  const seg = op === 'movs' || op === 'cmps' || op === 'lods' ? r.pick(['', '', '', 'es ', 'cs ', 'ss ', 'ds ']) : '';
  if (r.chance(0.05)) {
    // 16-bit addressing: SI/DI point into the first 64 KiB, which ring 3 cannot touch, so
    // CX = 0 (with ECX's upper half set) must do nothing and any other count must #PF at
    // the address SI/DI give (CR2 compared). Not for cmps: both its reads fault, and which
    // one a CPU tries first is its own business (this AMD host reads ES:DI first).
    b.regs[1] = (r.u32() & 0xffff0000) | (r.chance(0.5) || op === 'cmps' ? 0 : r.int(1, 9));
    return b.done('string', [`${seg}a16 rep ${op}${sfx}`]);
  }
  return b.done('string', [`${seg}${prefix}${op}${sfx}`]);
}

function control(b: B): Case {
  const r = b.rng;
  switch (r.int(0, 5)) {
    case 0: return b.done('control', [`j${r.pick(CC)} .t`, 'lea ebp, [ebp+1]', '.t:']);
    case 1: {
      b.claim(1);
      b.regs[1] = r.pick([0, 1, 2, r.value(32)]);
      const op = r.pick(['loop', 'loope', 'loopne', 'jecxz', 'jcxz', 'a16 loop']);
      return b.done('control', [`${op} .t`, 'lea ebp, [ebp+1]', '.t:']);
    }
    case 2: return b.done('control', ['call .f', 'lea ebp, [ebp+1]', 'jmp .e', `.f: lea esi, [esi+3]`, r.pick(['ret', 'ret 8', 'ret 0']), '.e:']);
    case 3: return b.done('control', ['mov eax, .t', r.pick(['jmp eax', 'call eax']), 'lea ebp, [ebp+1]', '.t:']);
    case 4: return b.done('control', [`call .n`, '.n: pop eax']);
    default: return b.done('control', ['jmp short .t', 'lea ebp, [ebp+1]', '.t:']);
  }
}

/** Flag producers followed by consumers in one block: exercises the lazy-flag shortcuts
 *  (conditions read from a known cmp/sub, inc/dec keeping CF in place). */
function pairs(b: B): Case {
  const r = b.rng, bits = r.pick(sizes);
  const x = b.reg(bits), y = b.reg(bits);
  const producers = ['add', 'sub', 'cmp', 'adc', 'sbb', 'and', 'or', 'xor', 'test'];
  const lines = [`${r.pick(producers)} ${x}, ${y}`];
  if (r.chance(0.4)) lines.push(`${r.pick(['inc', 'dec', 'neg', 'not'])} ${x}`);
  const z = b.reg(32);
  switch (r.int(0, 3)) {
    case 0: lines.push(`set${r.pick(CC)} ${regName(b.regNum(8), 8)}`); break;
    case 1: lines.push(`cmov${r.pick(CC)} ${z}, ${b.reg(32)}`); break;
    case 2: lines.push(`j${r.pick(CC)} .t`, 'lea ebp, [ebp+1]', '.t:'); break;
    default: lines.push(`${r.pick(['adc', 'sbb'])} ${z}, ${r.int(-3, 3)}`);
  }
  return b.done('pairs', lines);
}

/** Faults the native CPU and the emulator must raise alike, with the state unchanged. */
function faults(b: B): Case {
  const r = b.rng;
  b.claim(0); b.claim(2);
  switch (r.int(0, 6)) {
    case 0: { // #DE: divide by zero or quotient overflow (filed under muldiv: gated with it)
      const bits = r.pick(sizes), n = b.regNum(bits);
      b.setReg(n, bits, r.chance(0.5) ? 0 : 1);
      if (bits === 8) b.setReg(0, 16, 0x7fff); else { b.setReg(0, bits, 0xffffffff); b.setReg(2, bits, 0x7fffffff); }
      return b.done('muldiv', [`${r.pick(['div', 'idiv'])} ${regName(n, bits)}`]);
    }
    case 1: return b.done('fault', [r.chance(0.5) ? `mov ${r.pick(['eax', 'al', 'ax'])}, [${hex(PAGE + 2 * PAGE_SIZE - r.int(1, 3))}]`
      : `${r.pick(['mov', 'add', 'or'])} ${r.pick(['byte', 'dword'])} [${hex(PAGE + PAGE_SIZE + r.int(0, 100))}], 1`]);
    case 2: return b.done('fault', [`mov dword [${hex(PAGE + PAGE_SIZE - r.int(1, 3))}], ${r.value(32)}`]);
    case 3: return b.done('fault', [r.pick(['hlt', 'cli', 'sti', 'ud2', 'int3', 'into', 'in al, dx', 'out 0x80, al', 'rep insb', 'outsd',
      'lock add eax, ebx', 'lock mov [esp], eax', 'lock cmp [esp], eax',
      `mov [cs:${hex(OPERANDS)}], eax`, `mov eax, [cs:${hex(OPERANDS)}]`, `add [cs:esp], al`])]);
    case 4: { // an address mapped in neither process
      const v = b.regNum(32);
      b.regs[v] = r.int(0x10000000, 0x1fffffff);
      return b.done('fault', [`mov eax, [${R32[v]}]`]);
    }
    case 5: return b.done('fault', [r.chance(0.2) ? `a16 mov eax, [bx+si]` : writeToReadOnly(b)]);
    default: return b.done('bcd', ['aam 0']);
  }
}

/** A write (or a read-modify-write that writes whatever it finds) to the read-only page:
 *  #PF with P|W|U and nothing changed, including ESP for `pop m`. */
function writeToReadOnly(b: B): string {
  const r = b.rng, at = `[${hex(PAGE + PAGE_SIZE + 4 * r.int(0, 60))}]`;
  b.claim(1);
  return r.pick([`cmpxchg dword ${at}, ecx`, `xadd ${at}, ecx`, `xchg ${at}, ecx`, `sete byte ${at}`, `pop dword ${at}`,
    `inc word ${at}`, `not byte ${at}`, `add ${at}, ecx`, `cmova ecx, ${at}`]);
}

// ---- the mix -----------------------------------------------------------------------------

/** Families written in other files that may not be registered yet: a case of these is
 *  skipped (and counted) only while the CPU raises #UD for its instruction. */
export const PENDING_FAMILIES = new Set<string>([]);

const MIX: [Gen, number][] = [
  [binaryOp('arith', ['add', 'adc', 'sub', 'sbb', 'cmp']), 10],
  [unaryOp('arith', ['inc', 'dec', 'neg']), 4],
  [binaryOp('logic', ['and', 'or', 'xor', 'test']), 5],
  [unaryOp('logic', ['not']), 1],
  [shift, 8], [doubleShift, 3],
  [bitTest, 4], [bitScan, 2],
  [bcd, 3],
  [mul, 4], [div, 4],
  [movx, 3], [setcc, 3], [cmovcc, 3], [bswap, 1], [xadd, 2], [cmpxchg, 3], [xchg, 2], [lea, 3],
  [mov, 4], [stack, 6], [convert, 1], [flagsReg, 2],
  [string, 12], [control, 4], [pairs, 6], [faults, 2],
];
const TOTAL = MIX.reduce((n, [, w]) => n + w, 0);

/** `count` cases from `seed`. */
export function generate(seed: number, count: number): Case[] {
  const rng = new Rng(seed);
  const out: Case[] = [];
  for (let i = 0; i < count; i++) {
    let k = rng.int(0, TOTAL - 1), g = MIX[0][0];
    for (const [gen, w] of MIX) { if (k < w) { g = gen; break; } k -= w; }
    out.push(g(new B(rng)));
  }
  return out;
}
