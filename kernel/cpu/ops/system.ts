// System instructions and the flag instructions with privilege rules: hlt, cli/sti,
// pushf/popf, int/int3/into, iret, sysenter/sysexit, in/out, moves to and from control and
// debug registers, descriptor-table loads and stores, ltr/lldt, invlpg, rdmsr/wrmsr, rdtsc,
// cpuid, clts, lmsw/smsw, segment loads (lds...), ud2, and the x87 escapes and fwait.
import { Mnemonic } from 'iced-x86';
import { Gen, writeReg, type Emitter } from '../codegen.ts';
import { OperandKind } from '../decode.ts';
import type { Cpu } from '../cpu.ts';
import {
  CpuFault, GP, UD, NM, NP, OF_VEC, BP, IF, IOPL, DF, CF, VM, RF,
  CR0_PG, CR0_WP, CR0_TS, CR0_EM, CR0_MP, CR0_PE, CR0_ET, CR4_TSD, CR4_PSE,
  MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_TSC,
} from '../types.ts';
import { loadSegment, readDescriptor, checkSegment, systemType, gpFault, ATTR_PRESENT } from '../segments.ts';
import { softwareInterrupt } from '../interrupts.ts';
import { interruptReturn, sysenter, sysexit, writableFlags } from '../transfers.ts';

/** System descriptor types (S = 0) for ltr and lldt; the busy bit turns 0x9 into 0xB. */
const TSS_AVAILABLE = 0x9, TSS_BUSY_BIT = 0x2, LDT_TYPE = 0x2;

/** Ring 0 only: #GP(0) otherwise. */
function privileged(g: Gen): void {
  g.emit(`if(c.cpl!==0)h.fault(${GP},0);`);
  g.mayFault = true;
}

/** cli/sti/in/out without I/O privilege. */
function ioPrivileged(g: Gen): void {
  g.emit(`if(c.cpl>((f.bits&${IOPL})>>12))h.fault(${GP},0);`);
  g.mayFault = true;
}

function hlt(g: Gen): void {
  g.keepsFlags();
  privileged(g);
  g.emit(`c.halted=true;c.eip=${g.next};`);
  g.branches = true;
  g.endsBlock = true;
}

function cli(g: Gen): void { g.keepsFlags(); ioPrivileged(g); g.emit(`f.bits&=${~IF};`); }

function sti(g: Gen): void {
  g.keepsFlags();
  ioPrivileged(g);
  // Interrupts wait until after the next instruction (so `sti; hlt` cannot miss one, even
  // when the request arrives just after the sti: a timer deadline, a device between two
  // runs). With none waiting yet, the block chain goes on; the next block's first
  // instruction is the shadowed one (Cpu.execChained).
  g.emit(`if(!(f.bits&${IF})){f.bits|=${IF};c.interruptShadow=true;if(c.pic!==null&&c.pic.pending())c.attention=true;}`);
  g.endsBlock = true;
  g.attentionSelf = true;
}

function flagOp(g: Gen): void {
  switch (g.insn.mnemonic) {
    case Mnemonic.Clc: g.emit(`f.setFlag(${CF},0);`); break;
    case Mnemonic.Stc: g.emit(`f.setFlag(${CF},1);`); break;
    case Mnemonic.Cmc: g.emit(`f.setFlag(${CF},f.cf()^1);`); break;
    case Mnemonic.Cld: g.keepsFlags(); g.emit(`f.bits&=${~DF};`); break;
    case Mnemonic.Std: g.keepsFlags(); g.emit(`f.bits|=${DF};`); break;
  }
}

function pushf(g: Gen): void {
  g.keepsFlags();
  const w = g.insn.osize === 16 ? 2 : 4;
  // VM and RF read as 0 in the pushed image.
  g.push(w === 2 ? '(f.get()&0xffff)' : `(f.get()&${~(VM | RF)})`, w);
}

function popf(g: Gen): void {
  const w = g.insn.osize === 16 ? 2 : 4;
  g.peek(w);
  g.call(`h.popf(c,v,${w})`);
  g.emit(`r[4]=(r[4]+${w})|0;`);
  // IF or TF may have changed: the run loop looks only when that matters now (an
  // interrupt became deliverable, TF set: it traps after the next instruction).
  g.emit('if(c.wantsAttention())c.attention=true;');
  g.endsBlock = true;
  g.attentionSelf = true;
}

function int(g: Gen): void {
  g.keepsFlags();
  const m = g.insn.mnemonic;
  const v = m === Mnemonic.Int3 ? BP : m === Mnemonic.Into ? OF_VEC : g.op(0).imm & 0xff;
  if (m === Mnemonic.Into) g.emit(`if(f.of()){`);
  g.call(`h.softwareInterrupt(c,${v},${g.next})`);
  if (m === Mnemonic.Into) g.emit(`}else c.eip=${g.next};`);
  g.emit('if(c.wantsAttention())c.attention=true;');
  g.branches = true;
  g.endsBlock = true; // IF/TF change, vector breakpoints
  g.attentionSelf = true;
}

function iret(g: Gen): void {
  g.call(`h.interruptReturn(c,${g.insn.osize === 16 ? 2 : 4})`);
  g.emit('if(c.wantsAttention())c.attention=true;');
  g.branches = true;
  g.endsBlock = true; // IF and TF come back from the stack
  g.attentionSelf = true;
}

function sysenterOp(g: Gen): void { g.call('h.sysenter(c)'); g.branches = true; }
function sysexitOp(g: Gen): void { g.call('h.sysexit(c)'); g.branches = true; }

/** in/out: the port is imm8 or DX; the size from AL/AX/EAX. */
function io(write: boolean): Emitter {
  return (g: Gen) => {
    g.keepsFlags();
    const accIdx = write ? 1 : 0, portIdx = write ? 0 : 1;
    const size = g.size(accIdx);
    const port = g.op(portIdx).kind === OperandKind.Imm ? String(g.op(portIdx).imm & 0xff) : '(r[2]&0xffff)';
    g.readsClock = true; // devices (the PIT) see the instruction count at the access
    if (write) g.call(`h.out(c,${port},${size / 8},r[0])`);
    else { g.call(`v=h.in(c,${port},${size / 8})`); g.emit(writeReg(0, size as 8, false, size === 32 ? 'v' : `(v&${size === 8 ? 0xff : 0xffff})`)); }
    // A device may raise an interrupt, move the timer's deadline or ask to stop: only then
    // does the run loop need to look (the host-call port does this on every system call).
    g.emit('if(c.wantsAttention())c.attention=true;');
    g.endsBlock = true;
    g.attentionSelf = true;
  };
}

function movCr(g: Gen): void {
  privileged(g);
  const o0 = g.op(0), o1 = g.op(1);
  if (o0.kind === OperandKind.CtrlReg) { g.call(`h.writeCr(c,${o0.reg},r[${o1.reg}])`); g.endsBlock = true; }
  else if (o1.kind === OperandKind.CtrlReg) { g.call(`r[${o0.reg}]=h.readCr(c,${o1.reg})`); }
  else if (o0.kind === OperandKind.DebugReg) g.emit(`c.dr[${o0.reg}]=r[${o1.reg}];`);
  else g.emit(`r[${o0.reg}]=c.dr[${o1.reg}];`);
}

/** lgdt/lidt m16&32; sgdt/sidt. */
function descTable(load: boolean, which: 'gdtr' | 'idtr'): Emitter {
  return (g: Gen) => {
    g.keepsFlags();
    if (load) privileged(g);
    g.ea(!load, 6);
    if (load) g.emit(`x=m.rd16(a);y=m.rd32((a+2)|0);c.${which}={base:${g.insn.osize === 16 ? 'y&0xffffff' : 'y'},limit:x};`);
    else g.emit(`m.wr16(a,c.${which}.limit);m.wr32((a+2)|0,c.${which}.base);`);
  };
}

function ltrLldt(which: 'ltr' | 'lldt'): Emitter {
  return (g: Gen) => {
    g.keepsFlags();
    privileged(g);
    g.prepare(false);
    g.call(`h.${which}(c,${g.read(0, 16)})`);
  };
}

function strSldt(which: 'tr' | 'ldtr'): Emitter {
  return (g: Gen) => {
    g.keepsFlags();
    g.prepare(true);
    g.write(0, `c.${which}.sel`, g.op(0).kind === OperandKind.Mem ? 16 : g.size(0));
  };
}

function invlpg(g: Gen): void {
  g.keepsFlags();
  privileged(g);
  g.ea(false, 1);
  g.emit('m.invalidate(a);');
  g.endsBlock = true; // our own code may have been remapped
}

function msr(write: boolean): Emitter {
  return (g: Gen) => {
    g.keepsFlags();
    privileged(g);
    g.readsClock = !write; // the TSC is an MSR too
    g.call(write ? 'h.wrmsr(c)' : 'h.rdmsr(c)');
  };
}

function rdtsc(g: Gen): void {
  g.keepsFlags();
  g.readsClock = true;
  g.emit(`if((m.cr4&${CR4_TSD})&&c.cpl!==0)h.fault(${GP},0);`);
  g.mayFault = true;
  // The time-stamp counter is the instruction count: deterministic.
  g.emit('r[0]=c.icount|0;r[2]=(c.icount/4294967296)|0;');
}

function cpuid(g: Gen): void { g.keepsFlags(); g.emit('h.cpuid(c);'); }

function clts(g: Gen): void { g.keepsFlags(); privileged(g); g.emit(`m.cr0&=${~CR0_TS};`); }

function lmsw(g: Gen): void {
  g.keepsFlags();
  privileged(g);
  g.prepare(false);
  // lmsw sets PE, MP, EM, TS; it can set PE but never clear it.
  g.call(`h.writeCr(c,0,(m.cr0&~0xe)|(m.cr0&1)|(${g.read(0, 16)}&0xf))`);
  g.endsBlock = true;
}

function smsw(g: Gen): void {
  g.keepsFlags();
  g.prepare(true);
  g.write(0, g.op(0).kind === OperandKind.Mem ? '(m.cr0&0xffff)' : g.size(0) === 32 ? 'm.cr0' : '(m.cr0&0xffff)', g.op(0).kind === OperandKind.Mem ? 16 : g.size(0));
}

/** lds/les/lfs/lgs/lss r, m16:32. */
function loadFar(seg: number): Emitter {
  return (g: Gen) => {
    g.keepsFlags();
    const w = g.size(0) / 8;
    g.ea(false, w + 2);
    g.emit(`x=${w === 4 ? 'm.rd32(a)' : 'm.rd16(a)'};y=m.rd16((a+${w})|0);`);
    g.call(`h.loadSegment(c,${seg},y)`);
    g.emit(writeReg(g.op(0).reg, g.size(0), false, 'x'));
    if (seg === 2) { g.emit('c.interruptShadow=true;c.noStepTrap=true;'); g.endsBlock = true; }
  };
}

function ud(g: Gen): void { g.fault(UD); g.branches = true; }

/** x87 escapes: there is no FPU. With CR0.EM or CR0.TS set the CPU raises #NM (so an OS
 *  could emulate it); otherwise #UD. */
function fpu(g: Gen): void {
  g.emit(`h.fault((m.cr0&${CR0_EM | CR0_TS})?${NM}:${UD},undefined);`);
  g.mayFault = true;
  g.branches = true;
}

/** fwait checks for pending x87 exceptions; with no FPU its only effect is #NM when
 *  CR0.MP and CR0.TS are both set (a task switch left the FPU state to be reloaded). */
function fwait(g: Gen): void {
  g.keepsFlags();
  g.emit(`if((m.cr0&${CR0_MP | CR0_TS})===${CR0_MP | CR0_TS})h.fault(${NM},undefined);`);
  g.mayFault = true;
}

function privilegedNop(g: Gen): void { g.keepsFlags(); privileged(g); }

export const emitters: Partial<Record<Mnemonic, Emitter>> = {
  [Mnemonic.Hlt]: hlt,
  [Mnemonic.Cli]: cli, [Mnemonic.Sti]: sti,
  [Mnemonic.Clc]: flagOp, [Mnemonic.Stc]: flagOp, [Mnemonic.Cmc]: flagOp, [Mnemonic.Cld]: flagOp, [Mnemonic.Std]: flagOp,
  [Mnemonic.Pushf]: pushf, [Mnemonic.Pushfd]: pushf,
  [Mnemonic.Popf]: popf, [Mnemonic.Popfd]: popf,
  [Mnemonic.Int]: int, [Mnemonic.Int3]: int, [Mnemonic.Into]: int,
  [Mnemonic.Iret]: iret, [Mnemonic.Iretd]: iret,
  [Mnemonic.Sysenter]: sysenterOp, [Mnemonic.Sysexit]: sysexitOp,
  [Mnemonic.In]: io(false), [Mnemonic.Out]: io(true),
  [Mnemonic.Lgdt]: descTable(true, 'gdtr'), [Mnemonic.Lidt]: descTable(true, 'idtr'),
  [Mnemonic.Sgdt]: descTable(false, 'gdtr'), [Mnemonic.Sidt]: descTable(false, 'idtr'),
  [Mnemonic.Ltr]: ltrLldt('ltr'), [Mnemonic.Lldt]: ltrLldt('lldt'),
  [Mnemonic.Str]: strSldt('tr'), [Mnemonic.Sldt]: strSldt('ldtr'),
  [Mnemonic.Invlpg]: invlpg,
  [Mnemonic.Rdmsr]: msr(false), [Mnemonic.Wrmsr]: msr(true),
  [Mnemonic.Rdtsc]: rdtsc,
  [Mnemonic.Cpuid]: cpuid,
  [Mnemonic.Clts]: clts, [Mnemonic.Lmsw]: lmsw, [Mnemonic.Smsw]: smsw,
  [Mnemonic.Lds]: loadFar(3), [Mnemonic.Les]: loadFar(0), [Mnemonic.Lfs]: loadFar(4),
  [Mnemonic.Lgs]: loadFar(5), [Mnemonic.Lss]: loadFar(2),
  [Mnemonic.Ud0]: ud, [Mnemonic.Ud1]: ud, [Mnemonic.Ud2]: ud,
  [Mnemonic.Wait]: fwait,
  [Mnemonic.Wbinvd]: privilegedNop, [Mnemonic.Invd]: privilegedNop,
};
// `mov cr/dr` share the Mov mnemonic; datamove.ts hands those forms here.
export const movControl = movCr;
export const fpuEscape = fpu;

export const helpers = {
  loadSegment,
  checkSegment,
  softwareInterrupt,
  interruptReturn,
  sysenter,
  sysexit,

  popf(c: Cpu, v: number, w: 2 | 4): void {
    const mask = writableFlags(c) & (w === 2 ? 0xffff : -1);
    c.flags.set((c.flags.get() & ~mask) | (v & mask));
  },

  in(c: Cpu, port: number, size: 1 | 2 | 4): number {
    checkIoPermission(c, port, size);
    const v = c.ports.read(port, size);
    if (c.portBreaks.has(port)) c.pendingStop = { kind: 'port', port, write: false };
    return v;
  },

  out(c: Cpu, port: number, size: 1 | 2 | 4, value: number): void {
    checkIoPermission(c, port, size);
    c.ports.write(port, size, size === 1 ? value & 0xff : size === 2 ? value & 0xffff : value);
    if (c.portBreaks.has(port)) c.pendingStop = { kind: 'port', port, write: true };
  },

  readCr(c: Cpu, n: number): number {
    switch (n) {
      case 0: return c.mmu.cr0;
      case 2: return c.mmu.cr2;
      case 3: return c.mmu.cr3;
      case 4: return c.mmu.cr4;
    }
    throw new CpuFault(UD, undefined);
  },

  writeCr(c: Cpu, n: number, v: number): void {
    const m = c.mmu;
    switch (n) {
      case 0: {
        // Paging without protection is invalid; ET is hard-wired to 1 on a 486+.
        if ((v & CR0_PG) && !(v & CR0_PE)) gpFault(0);
        if (!(v & CR0_PE)) gpFault(0); // real mode is not emulated
        const old = m.cr0;
        m.cr0 = (v | CR0_ET) | 0;
        if ((old ^ m.cr0) & (CR0_PG | CR0_WP)) { m.flush(); c.invalidateCode(); }
        return;
      }
      case 2: m.cr2 = v; return;
      case 3: m.cr3 = v; m.flush(); return;
      case 4:
        if (v & ~(CR4_PSE | CR4_TSD)) gpFault(0); // only the features we report
        if ((m.cr4 ^ v) & CR4_PSE) m.flush();
        m.cr4 = v;
        return;
    }
    throw new CpuFault(UD, undefined);
  },

  ltr(c: Cpu, sel: number): void {
    if ((sel & 0xfffc) === 0 || (sel & 4)) gpFault(sel);
    const d = readDescriptor(c, sel);
    const t = systemType(d.attr);
    if (t !== TSS_AVAILABLE) gpFault(sel);
    if (!(d.attr & ATTR_PRESENT)) throw new CpuFault(NP, sel & 0xfffc);
    // Mark it busy, as the hardware does.
    c.mmu.wrSys((d.addr + 5) | 0, 1, (d.attr | TSS_BUSY_BIT) & 0xff);
    c.tr = { sel, base: d.base, limit: d.limit, attr: d.attr | TSS_BUSY_BIT };
  },

  lldt(c: Cpu, sel: number): void {
    if ((sel & 0xfffc) === 0) { c.ldtr = { sel: 0, base: 0, limit: 0, attr: 0 }; return; }
    if (sel & 4) gpFault(sel);
    const d = readDescriptor(c, sel);
    if (systemType(d.attr) !== LDT_TYPE) gpFault(sel);
    if (!(d.attr & ATTR_PRESENT)) throw new CpuFault(NP, sel & 0xfffc);
    c.ldtr = { sel, base: d.base, limit: d.limit, attr: d.attr };
  },

  rdmsr(c: Cpu): void {
    const v = msrValue(c, c.regs[1] >>> 0);
    c.regs[0] = v | 0;
    c.regs[2] = (v / 4294967296) | 0;
  },

  wrmsr(c: Cpu): void {
    const v = c.regs[0];
    switch (c.regs[1] >>> 0) {
      case MSR_SYSENTER_CS: c.sysenterCs = v & 0xffff; return;
      case MSR_SYSENTER_ESP: c.sysenterEsp = v; return;
      case MSR_SYSENTER_EIP: c.sysenterEip = v; return;
      case MSR_TSC: return; // the clock is the instruction count; writes are ignored
    }
    gpFault(0);
  },

  /** A Pentium Pro-class identity (family 6 model 3, so SEP means sysenter works), with
   *  only the features we emulate: TSC, MSR, CX8 is not claimed, SEP, CMOV, PSE, VME no. */
  cpuid(c: Cpu): void {
    const r = c.regs;
    const leaf = r[0] >>> 0;
    if (leaf === 0) {
      r[0] = 1;
      // "NTLabVirtCPU" in EBX, EDX, ECX order.
      r[3] = 0x614c544e; r[2] = 0x72695662; r[1] = 0x55504374;
    } else if (leaf === 1) {
      r[0] = 0x633;          // family 6, model 3, stepping 3
      r[3] = 0; r[1] = 0;
      r[2] = (1 << 3) | (1 << 4) | (1 << 5) | (1 << 11) | (1 << 15); // PSE TSC MSR SEP CMOV
    } else {
      r[0] = r[1] = r[2] = r[3] = 0;
    }
  },
};

function msrValue(c: Cpu, n: number): number {
  switch (n) {
    case MSR_SYSENTER_CS: return c.sysenterCs;
    case MSR_SYSENTER_ESP: return c.sysenterEsp >>> 0;
    case MSR_SYSENTER_EIP: return c.sysenterEip >>> 0;
    case MSR_TSC: return c.icount;
  }
  gpFault(0);
}

/** With CPL > IOPL, the TSS I/O permission bitmap decides (all `size` bits must be 0). */
export function checkIoPermission(c: Cpu, port: number, size: number): void {
  if (c.cpl <= ((c.flags.bits & IOPL) >> 12)) return;
  const tr = c.tr;
  if (tr.sel === 0 || tr.limit < 0x67) gpFault(0);
  const mapBase = c.mmu.rdSys((tr.base + 0x66) | 0, 2);
  const byte = mapBase + (port >> 3);
  if (byte + 1 > tr.limit) gpFault(0);
  const bits = c.mmu.rdSys((tr.base + byte) | 0, 2);
  if ((bits >> (port & 7)) & ((1 << size) - 1)) gpFault(0);
}

