// The state boot leaves, read back through the struct layer (as a debugger would): GDT, IDT,
// TSS, the sysenter MSRs, the KPCR, KUSER_SHARED_DATA, and the first thread's structures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { boot, load } from './machine.ts';
import { Machine } from '../../kernel/machine.ts';
import { KGDTENTRY, KIDTENTRY, KPCR, KTSS, KUSER_SHARED_DATA, KTHREAD, TEB, PEB, EPROCESS } from '../../kernel/nt/layouts.ts';
import { kseg0, PHYS_GDT, PHYS_IDT, PHYS_TSS, KIP0PCRADDRESS, KI_USER_SHARED_DATA, MM_SHARED_USER_DATA_VA, MM_PEB_VA, MM_FIRST_TEB_VA } from '../../kernel/nt/memmap.ts';
import { NPX_FRAME_LENGTH, KTRAP_FRAME_V86_LENGTH } from '../../kernel/nt/ke/constants.ts';
import { findModule } from '../../kernel/nt/ps/loader.ts';
import { CS, FS } from '../../kernel/cpu/types.ts';

function descriptor(m: Machine, sel: number) {
  const d = KGDTENTRY.at(m.kernel.vm, kseg0(PHYS_GDT) + sel);
  const base = (d.get('BaseLow') | (d.get('BaseMid') << 16) | (d.get('BaseHi') << 24)) >>> 0;
  let limit = d.get('LimitLow') | ((d.get('Flags2') & 0xF) << 16);
  if (d.get('Flags2') & 0x80) limit = ((limit << 12) | 0xFFF) >>> 0;
  return { base, limit, access: d.get('Flags1') };
}

function gate(m: Machine, v: number) {
  const g = KIDTENTRY.at(m.kernel.vm, kseg0(PHYS_IDT) + 8 * v);
  return { handler: (g.get('Offset') | (g.get('ExtendedOffset') << 16)) >>> 0, selector: g.get('Selector'), access: g.get('Access') };
}

test('boots quickly (diagnostic only: the first boot in a process includes assembling the guest code)', t => {
  const first = boot();
  const second = boot();
  t.diagnostic(`boot: first ${first.bootMs.toFixed(1)} ms, second ${second.bootMs.toFixed(1)} ms`);
});

test('GDT: NT\'s selectors', () => {
  const m = boot();
  // (the CPU sets the accessed bit, bit 0 of the access byte, of segments it loads)
  const accessed = (sel: number) => { const d = descriptor(m, sel); return { ...d, access: d.access & ~1 }; };
  assert.deepEqual(accessed(0x08), { base: 0, limit: 0xFFFFFFFF, access: 0x9A });
  assert.deepEqual(accessed(0x10), { base: 0, limit: 0xFFFFFFFF, access: 0x92 });
  assert.deepEqual(accessed(0x18), { base: 0, limit: 0xFFFFFFFF, access: 0xFA });
  assert.deepEqual(accessed(0x20), { base: 0, limit: 0xFFFFFFFF, access: 0xF2 });
  assert.deepEqual(descriptor(m, 0x28), { base: kseg0(PHYS_TSS), limit: KTSS.size - 1, access: 0x8B }, 'busy TSS');
  assert.deepEqual(accessed(0x30), { base: 0xFFDFF000, limit: 0xFFF, access: 0x92 });
  assert.equal(accessed(0x38).access, 0xF2);
  assert.equal(m.cpu.gdtr.base >>> 0, kseg0(PHYS_GDT));
  assert.equal(m.cpu.tr.sel, 0x28);
  assert.equal(m.cpu.seg[FS], 0x30);
  assert.equal(m.cpu.seg[CS], 0x08);
});

test('IDT as KeInitExceptions: trap gates for exceptions, DPL-3 0x2A-0x2E, the clock at 0x30, the keyboard at 0x31, the rest DPL 0', () => {
  const m = boot();
  const k = m.kernel;
  assert.deepEqual(gate(m, 0x2E), { handler: k.sym('KiSystemService'), selector: 0x08, access: 0xEE00 });
  for (const [v, name] of [[0x2A, 'KiGetTickCount'], [0x2B, 'KiCallbackReturn'], [0x2C, 'KiRaiseAssertion'], [0x2D, 'KiDebugService']] as const)
    assert.deepEqual(gate(m, v), { handler: k.sym(name), selector: 0x08, access: 0xEE00 }, name);
  assert.deepEqual(gate(m, 0x0E), { handler: k.sym('KiTrap0E'), selector: 0x08, access: 0x8F00 });
  assert.deepEqual(gate(m, 0x00), { handler: k.sym('KiTrap00'), selector: 0x08, access: 0x8F00 });
  assert.equal(gate(m, 0x03).access, 0xEF00, 'int3 callable from ring 3');
  assert.equal(gate(m, 0x04).access, 0xEF00, 'into callable from ring 3');
  assert.deepEqual(gate(m, 0x30), { handler: k.sym('HalpClockInterrupt'), selector: 0x08, access: 0x8E00 }, 'IRQ 0: the clock');
  assert.deepEqual(gate(m, 0x31), { handler: k.sym('I8042KeyboardInterrupt'), selector: 0x08, access: 0x8E00 }, 'IRQ 1: the keyboard');
  for (const v of [0x14, 0x29, 0x2F, 0x32, 0x3F, 0x40, 0xFF]) {
    assert.equal(gate(m, v).access, 0x8E00, `vector ${v}`);
    assert.equal(gate(m, v).handler, k.sym('KiUnexpectedInterrupt') + v * k.sym('KI_UNEXPECTED_STUB_SIZE'));
  }
  assert.equal(m.cpu.idtr.base >>> 0, kseg0(PHYS_IDT));
  assert.equal(m.cpu.idtr.limit, 0x7FF);
});

test('TSS, sysenter MSRs, KPCR and KUSER_SHARED_DATA', () => {
  const m = boot({ syscall: 'sysenter' });
  const k = m.kernel;
  const tss = KTSS.at(k.vm, kseg0(PHYS_TSS));
  assert.equal(tss.get('Ss0'), 0x10);
  assert.ok(tss.get('IoMapBase') > KTSS.size - 1, 'no I/O bitmap inside the limit');
  assert.equal(m.cpu.sysenterCs, 0x08);
  assert.equal(m.cpu.sysenterEip >>> 0, k.sym('KiFastCallEntry'));
  assert.equal(k.vm.read32(k.sym('KiFastSystemCallDisable')), 0);
  const pcr = KPCR.at(k.vm, KIP0PCRADDRESS);
  assert.equal(pcr.get('SelfPcr'), KIP0PCRADDRESS);
  assert.equal(pcr.get('Prcb'), KIP0PCRADDRESS + 0x120);
  assert.equal(pcr.get('Irql'), 0);
  assert.equal(pcr.get('NtTib.ExceptionList'), 0xFFFFFFFF);
  assert.equal(pcr.get('IDT'), kseg0(PHYS_IDT));
  assert.equal(pcr.get('GDT'), kseg0(PHYS_GDT));
  assert.equal(pcr.get('TSS'), kseg0(PHYS_TSS));
  const sud = KUSER_SHARED_DATA.at(k.vm, KI_USER_SHARED_DATA);
  assert.equal(sud.get('NtMajorVersion'), 5);
  assert.equal(boot({ syscall: 'int2e' }).kernel.vm.read32(k.sym('KiFastSystemCallDisable')), 1);
});

test('a started program: KTHREAD, TEB, PEB, EPROCESS, TSS.Esp0, and SharedUserData->SystemCall', () => {
  const m = load(readFileSync(new URL('../../guest/hello.asm', import.meta.url), 'utf8'), { syscall: 'sysenter' });
  const k = m.kernel, { process: p, thread: t } = m.program!;
  const pcr = KPCR.at(k.vm, KIP0PCRADDRESS);
  assert.equal(pcr.get('PrcbData.CurrentThread'), t.ethread);
  const th = KTHREAD.at(k.vm, t.ethread);
  assert.equal(th.get('ServiceTable'), k.sym('KeServiceDescriptorTable'));
  assert.equal(th.get('Teb'), MM_FIRST_TEB_VA);
  assert.equal(th.get('ApcState.Process'), p.eprocess);
  assert.equal(th.get('ApcState.ApcListHead[1].Flink'), th.addressOf('ApcState.ApcListHead[1]'), 'empty user APC list');
  assert.equal(KTSS.at(k.vm, kseg0(PHYS_TSS)).get('Esp0'), th.get('InitialStack') - NPX_FRAME_LENGTH - KTRAP_FRAME_V86_LENGTH);
  assert.equal(EPROCESS.at(k.vm, p.eprocess).get('Pcb.DirectoryTableBase[0]'), m.cpu.mmu.cr3 >>> 0);
  assert.equal(EPROCESS.at(k.vm, p.eprocess).get('Peb'), MM_PEB_VA);
  const teb = TEB.at(p.vm, MM_FIRST_TEB_VA);
  assert.equal(teb.get('NtTib.Self'), MM_FIRST_TEB_VA);
  assert.equal(teb.get('ProcessEnvironmentBlock'), MM_PEB_VA);
  assert.equal(descriptor(m, 0x38).base, MM_FIRST_TEB_VA, 'the TEB selector points at this thread\'s TEB');
  const peb = PEB.at(p.vm, MM_PEB_VA);
  assert.equal(peb.get('ImageBaseAddress'), 0x400000);
  assert.equal(peb.get('OSMajorVersion'), 5);
  const ntdll = findModule(p, 'ntdll.dll')!;
  const user = KUSER_SHARED_DATA.at(p.vm, MM_SHARED_USER_DATA_VA);
  assert.equal(user.get('SystemCall'), ntdll.exports.get('KiFastSystemCall'));
  assert.equal(user.get('SystemCallReturn'), ntdll.exports.get('KiFastSystemCallRet'));
  assert.throws(() => p.vm.probe(MM_SHARED_USER_DATA_VA, 4, true), /access violation/, 'read-only for user mode');
  p.vm.probe(MM_SHARED_USER_DATA_VA, 4, false);
  assert.throws(() => p.vm.probe(kseg0(0x1000), 4, false), /access violation/, 'kernel space is not user-accessible');
  assert.equal(m.cpu.eip >>> 0, k.sym('KiThreadStartup'));
});

test('hello.asm from DESIGN.md prints hello, through int 0x2e and through sysenter', () => {
  const source = readFileSync(new URL('../../guest/hello.asm', import.meta.url), 'utf8');
  for (const syscall of ['int2e', 'sysenter'] as const) {
    const m = load(source, { syscall });
    assert.deepEqual(m.run(1_000_000), { kind: 'exited', status: 0 });
    assert.equal(m.outputText, 'hello\r\n');
    const calls = m.trace!.since(0).filter(e => e.kind === 'syscall-enter').map(e => e.kind === 'syscall-enter' ? `${e.name} ${e.path}` : '');
    assert.deepEqual(calls, [`NtWriteFile ${syscall}`, `NtTerminateProcess ${syscall}`]);
  }
});
