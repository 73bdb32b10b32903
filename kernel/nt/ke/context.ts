// Making a thread current, as KiSwapContext does: KPRCB.CurrentThread, TSS.Esp0 (where the
// next ring-3 interrupt will build its trap frame), the TEB's GDT descriptor (selector
// 0x3B), the KPCR's copy of the stack limits, and the address space (CR3). Then the CPU
// starts in KiThreadStartup with ESP at the thread's initial trap frame, at ring 0.
// HOOK (issue 4): the scheduler calls this on context switches, saving the old thread's
// state on its kernel stack (KTHREAD.KernelStack) first.
import type { Kernel } from '../kernel.ts';
import type { Thread } from '../ps/thread.ts';
import { KGDTENTRY, KTHREAD, KTSS } from '../layouts.ts';
import { kseg0, PHYS_GDT, PHYS_TSS } from '../memmap.ts';
import { KGDT_R0_CODE, KGDT_R0_DATA, KGDT_R0_PCR, KGDT_R3_TEB, FLAT_R0_CODE_ATTR } from './selectors.ts';
import { NPX_FRAME_LENGTH, KTRAP_FRAME_V86_LENGTH, EFLAGS_RESERVED_ONE } from './constants.ts';
import { CS, SS, DS, ES, FS, GS, ESP } from '../../cpu/types.ts';
import { loadSegment } from '../../cpu/segments.ts';

/** Points a GDT descriptor's base at `base` (the TEB selector follows the thread). */
export function setDescriptorBase(k: Kernel, selector: number, base: number): void {
  const d = KGDTENTRY.at(k.vm, kseg0(PHYS_GDT) + selector);
  d.set('BaseLow', base & 0xFFFF);
  d.set('BaseMid', (base >>> 16) & 0xFF);
  d.set('BaseHi', (base >>> 24) & 0xFF);
}

export function makeCurrent(k: Kernel, t: Thread): void {
  const pcr = k.pcr();
  const th = KTHREAD.at(k.vm, t.ethread);
  pcr.set('PrcbData.CurrentThread', t.ethread);
  pcr.set('NtTib.StackBase', th.get('InitialStack'));
  pcr.set('NtTib.StackLimit', th.get('StackLimit'));
  KTSS.at(k.vm, kseg0(PHYS_TSS)).set('Esp0', t.initialStack - NPX_FRAME_LENGTH - KTRAP_FRAME_V86_LENGTH);
  setDescriptorBase(k, KGDT_R3_TEB, t.teb);
  const cpu = k.cpu;
  cpu.mmu.cr3 = t.process.pd;
  cpu.mmu.flush();
}

/** Starts the current thread from its initial frame (the CPU at KiThreadStartup). */
export function startThread(k: Kernel, t: Thread): void {
  makeCurrent(k, t);
  const cpu = k.cpu;
  cpu.setCpl(0);
  cpu.setSegmentCache(CS, KGDT_R0_CODE, 0, 0xFFFFFFFF, FLAT_R0_CODE_ATTR);
  for (const s of [SS, DS, ES]) loadSegment(cpu, s, KGDT_R0_DATA);
  loadSegment(cpu, FS, KGDT_R0_PCR);
  loadSegment(cpu, GS, 0);
  cpu.flags.set(EFLAGS_RESERVED_ONE);       // IF clear, as after an interrupt gate
  cpu.regs[ESP] = t.initialFrame;
  cpu.eip = k.sym('KiThreadStartup');
  cpu.halted = false;
}
