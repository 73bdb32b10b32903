// Boot: what NTLDR and KiSystemStartup do before the first thread runs, done by the host in
// a few milliseconds. It loads the kernel image, builds the page tables, the GDT (NT's
// selectors), the TSS, the IDT the way KeInitExceptions fills it, the KPCR and
// KUSER_SHARED_DATA, points the sysenter MSRs at KiFastCallEntry, connects the host-call
// port, makes the idle thread, loads the demo win32k table with KeAddSystemServiceTable,
// and lets the HAL start the clock.
import type { Cpu } from '../../cpu/cpu.ts';
import { CR0_PG, CR0_WP, CR4_PSE, PAGE_SIZE, CS, SS, DS, ES, FS, GS, BP, OF_VEC } from '../../cpu/types.ts';
import { loadSegment } from '../../cpu/segments.ts';
import { Kernel, type KernelParts } from '../kernel.ts';
import { kernelImage, win32kImage } from './image.ts';
import { buildSystemPageDirectory } from '../mm/pagetables.ts';
import { PageAllocator } from '../mm/pfn.ts';
import { reapEndedProcesses } from '../mm/reaper.ts';
import { NonPagedPool } from '../ex/pool.ts';
import { KGDTENTRY, KIDTENTRY, KPCR, KTSS, KUSER_SHARED_DATA } from '../layouts.ts';
import {
  kseg0, PHYS_GDT, PHYS_IDT, PHYS_TSS, PHYS_KERNEL_IMAGE, PHYS_FIRST_FREE, PHYS_SYSTEM_PD, PHYS_SYSENTER_STACK,
  KIP0PCRADDRESS, KI_USER_SHARED_DATA,
} from '../memmap.ts';
import * as G from './selectors.ts';
import { DESC_DEFAULT_BIG, DESC_GRANULARITY, FLAT_R0_CODE_ATTR } from './selectors.ts';
import {
  EXCEPTION_CHAIN_END, EXCEPTION_VECTORS, VECTOR_GET_TICK_COUNT, VECTOR_CALLBACK_RETURN, VECTOR_RAISE_ASSERTION,
  VECTOR_DEBUG_SERVICE, VECTOR_SYSTEM_SERVICE,
} from './constants.ts';
import { PASSIVE_LEVEL } from './irql.ts';
import { HOSTCALL_PORT } from './hostcall.ts';
import { ServiceDispatcher } from './services.ts';
import { nativeServices, win32kServices } from './sysfuncs.ts';
import { registerTrapHandlers } from './trap.ts';
import { registerKeBugCheckEx } from './bugcheck-host.ts';
import { registerApcDelivery } from './apc.ts';
import { registerScheduler } from './scheduler.ts';
import { registerDpcs } from './dpc.ts';
import { createIdleThread } from './idle.ts';
import { halInitSystem } from '../hal/hal.ts';
import { CLOCK_VECTOR } from '../hal/pic.ts';
import { KEYBOARD_VECTOR } from '../hal/keyboard.ts';
import { KeAddSystemServiceTable } from './servicetables.ts';
import { NATIVE_BODIES } from '../bodies.ts';
import { WIN32K_BODIES } from '../win32k/services.ts';
import { NT_MAJOR_VERSION, NT_MINOR_VERSION } from '../ps/process.ts';
import { initObjectAndIoSystems } from '../io/init.ts';

const IDT_ENTRIES = 256;
const FLAT_LIMIT = 0xFFFFFFFF;
/** The busy bit of a TSS descriptor's type, which `ltr` sets. */
const TSS_BUSY = 0x2;
const NtProductWinNt = 1;
/** NT's TickCountMultiplier for a 10 ms tick: 10 << 24. */
const TICK_COUNT_MULTIPLIER = 10 << 24;

export interface BootResult { kernel: Kernel; services: ServiceDispatcher }

export function bootKernel(cpu: Cpu, parts: Omit<KernelParts, 'cpu' | 'pages' | 'pool' | 'image'>): BootResult {
  const image = kernelImage();
  cpu.mem.load(PHYS_KERNEL_IMAGE, image.bytes);
  enablePaging(cpu);
  const pages = new PageAllocator(cpu.mem, PHYS_FIRST_FREE);
  const k = new Kernel({ ...parts, cpu, pages, pool: new NonPagedPool(pages), image });
  pages.reclaim = () => reapEndedProcesses(k);

  initializeGdt(k);
  initializeTss(k);
  initializeIdt(k);
  loadProcessorState(k);
  initializePcr(k);
  initializeSharedUserData(k);
  loadFastSyscallMsrs(k);

  cpu.ports.register(HOSTCALL_PORT, 1, k.hostCalls);
  const services = new ServiceDispatcher(k);
  services.addTable(nativeServices(), NATIVE_BODIES);
  registerTrapHandlers(k);
  registerKeBugCheckEx(k);
  registerApcDelivery(k);
  registerDpcs(k);
  registerScheduler(k);
  createIdleThread(k);
  initObjectAndIoSystems(k, k.disk);
  loadWin32k(k, services);
  k.hal = halInitSystem(cpu);
  return { kernel: k, services };
}

/** KSEG0, the self map and the high pages; CR3, PSE for the 4 MiB KSEG0 pages, and WP so
 *  the kernel too respects read-only pages. */
function enablePaging(cpu: Cpu): void {
  buildSystemPageDirectory(cpu.mem);
  cpu.mmu.cr3 = PHYS_SYSTEM_PD;
  cpu.mmu.cr4 |= CR4_PSE;
  cpu.mmu.cr0 |= CR0_PG | CR0_WP;
  cpu.mmu.flush();
  cpu.invalidateCode();
}

function writeDescriptor(k: Kernel, selector: number, base: number, limit: number, access: number, flags: number): void {
  const d = KGDTENTRY.at(k.vm, kseg0(PHYS_GDT) + selector);
  const pages = limit > 0xFFFFF;
  const lim = pages ? limit >>> 12 : limit;
  d.set('LimitLow', lim & 0xFFFF);
  d.set('BaseLow', base & 0xFFFF);
  d.set('BaseMid', (base >>> 16) & 0xFF);
  d.set('Flags1', access);
  d.set('Flags2', ((lim >>> 16) & 0xF) | flags | (pages ? DESC_GRANULARITY : 0));
  d.set('BaseHi', (base >>> 24) & 0xFF);
}

/** NT's GDT: flat code and data for both rings, the TSS, the KPCR's segment and the TEB's
 *  (whose base follows the current thread). */
function initializeGdt(k: Kernel): void {
  writeDescriptor(k, G.KGDT_R0_CODE, 0, FLAT_LIMIT, G.ACCESS_R0_CODE, DESC_DEFAULT_BIG);
  writeDescriptor(k, G.KGDT_R0_DATA, 0, FLAT_LIMIT, G.ACCESS_R0_DATA, DESC_DEFAULT_BIG);
  writeDescriptor(k, G.KGDT_R3_CODE, 0, FLAT_LIMIT, G.ACCESS_R3_CODE, DESC_DEFAULT_BIG);
  writeDescriptor(k, G.KGDT_R3_DATA, 0, FLAT_LIMIT, G.ACCESS_R3_DATA, DESC_DEFAULT_BIG);
  writeDescriptor(k, G.KGDT_TSS, kseg0(PHYS_TSS), KTSS.size - 1, G.ACCESS_TSS32, 0);
  writeDescriptor(k, G.KGDT_R0_PCR, KIP0PCRADDRESS, PAGE_SIZE - 1, G.ACCESS_R0_DATA, DESC_DEFAULT_BIG);
  writeDescriptor(k, G.KGDT_R3_TEB, 0, PAGE_SIZE - 1, G.ACCESS_R3_DATA, DESC_DEFAULT_BIG);
}

/** The TSS is only used for SS0:ESP0 (set per thread). Its I/O map starts past its limit:
 *  no I/O permission bitmap, so ring 3 can touch no port. */
function initializeTss(k: Kernel): void {
  const tss = KTSS.at(k.vm, kseg0(PHYS_TSS));
  tss.set('Ss0', G.KGDT_R0_DATA);
  tss.set('IoMapBase', KTSS.size);
}

function setGate(k: Kernel, vector: number, handler: number, access: number): void {
  const e = KIDTENTRY.at(k.vm, kseg0(PHYS_IDT) + vector * KIDTENTRY.size);
  e.set('Offset', handler & 0xFFFF);
  e.set('Selector', G.KGDT_R0_CODE);
  e.set('Access', access);
  e.set('ExtendedOffset', handler >>> 16);
}

/**
 * As KeInitExceptions: trap gates for the CPU exceptions (int3 and into callable from ring
 * 3), DPL-3 interrupt gates for 0x2A-0x2E, and every other vector -- the hardware IRQs from
 * 0x30 included -- an interrupt gate to its KiUnexpectedInterrupt stub, DPL 0.
 * (NT routes #DF through a task gate; NT Lab has no task switching, so it is a trap gate.)
 */
function initializeIdt(k: Kernel): void {
  const stubSize = k.sym('KI_UNEXPECTED_STUB_SIZE');
  for (let v = 0; v < IDT_ENTRIES; v++) setGate(k, v, k.sym('KiUnexpectedInterrupt') + v * stubSize, G.GATE_INTERRUPT);
  for (let v = 0; v < EXCEPTION_VECTORS; v++) {
    const userCallable = v === BP || v === OF_VEC;      // int3 and into
    setGate(k, v, k.sym(`KiTrap${v.toString(16).toUpperCase().padStart(2, '0')}`), G.GATE_TRAP | (userCallable ? G.GATE_DPL3 : 0));
  }
  const user = G.GATE_INTERRUPT | G.GATE_DPL3;
  setGate(k, VECTOR_GET_TICK_COUNT, k.sym('KiGetTickCount'), user);
  setGate(k, VECTOR_CALLBACK_RETURN, k.sym('KiCallbackReturn'), user);
  setGate(k, VECTOR_RAISE_ASSERTION, k.sym('KiRaiseAssertion'), user);
  setGate(k, VECTOR_DEBUG_SERVICE, k.sym('KiDebugService'), user);
  setGate(k, VECTOR_SYSTEM_SERVICE, k.sym('KiSystemService'), user);
  setGate(k, CLOCK_VECTOR, k.sym('HalpClockInterrupt'), G.GATE_INTERRUPT);
  setGate(k, KEYBOARD_VECTOR, k.sym('I8042KeyboardInterrupt'), G.GATE_INTERRUPT);
}

/** lgdt, lidt, ltr and the segment registers, as the loader leaves them. */
function loadProcessorState(k: Kernel): void {
  const cpu = k.cpu;
  cpu.gdtr = { base: kseg0(PHYS_GDT), limit: G.KGDT_ENTRIES * KGDTENTRY.size - 1 };
  cpu.idtr = { base: kseg0(PHYS_IDT), limit: IDT_ENTRIES * KIDTENTRY.size - 1 };
  const tssDesc = KGDTENTRY.at(k.vm, kseg0(PHYS_GDT) + G.KGDT_TSS);
  tssDesc.set('Flags1', G.ACCESS_TSS32 | TSS_BUSY);
  cpu.tr = { sel: G.KGDT_TSS, base: kseg0(PHYS_TSS), limit: KTSS.size - 1, attr: G.ACCESS_TSS32 | TSS_BUSY };
  cpu.setSegmentCache(CS, G.KGDT_R0_CODE, 0, FLAT_LIMIT, FLAT_R0_CODE_ATTR);
  for (const s of [SS, DS, ES]) loadSegment(cpu, s, G.KGDT_R0_DATA);
  loadSegment(cpu, FS, G.KGDT_R0_PCR);
  loadSegment(cpu, GS, 0);
}

function initializePcr(k: Kernel): void {
  const pcr = KPCR.at(k.vm, KIP0PCRADDRESS);
  pcr.set('NtTib.ExceptionList', EXCEPTION_CHAIN_END);
  pcr.set('NtTib.Self', KIP0PCRADDRESS);
  pcr.set('SelfPcr', KIP0PCRADDRESS);
  pcr.set('Prcb', pcr.addressOf('PrcbData'));
  pcr.set('Irql', PASSIVE_LEVEL);
  pcr.set('IDT', kseg0(PHYS_IDT));
  pcr.set('GDT', kseg0(PHYS_GDT));
  pcr.set('TSS', kseg0(PHYS_TSS));
  pcr.set('MajorVersion', 1);
  pcr.set('MinorVersion', 1);
  pcr.set('SetMember', 1);
  pcr.set('PrcbData.MajorVersion', 1);
  pcr.set('PrcbData.MinorVersion', 1);
  pcr.set('PrcbData.SetMember', 1);
}

function initializeSharedUserData(k: Kernel): void {
  const sud = KUSER_SHARED_DATA.at(k.vm, KI_USER_SHARED_DATA);
  sud.set('TickCountMultiplier', TICK_COUNT_MULTIPLIER);
  sud.set('NtMajorVersion', NT_MAJOR_VERSION);
  sud.set('NtMinorVersion', NT_MINOR_VERSION);
  sud.set('NtProductType', NtProductWinNt);
  sud.set('ProductTypeIsValid', 1);
  const root = 'C:\\WINNT';
  for (let i = 0; i < root.length; i++) sud.set(`NtSystemRoot[${i}]`, root.charCodeAt(i));
  // SystemCall/SystemCallReturn are filled when ntdll is mapped (they are ntdll addresses).
}

/** KiLoadFastSyscallMachineSpecificRegisters: sysenter enters KiFastCallEntry at ring 0.
 *  SYSENTER_ESP only has to be valid for the first instructions, which switch to the
 *  thread's own stack; KiFastSystemCallDisable chooses how the kernel leaves. */
function loadFastSyscallMsrs(k: Kernel): void {
  const cpu = k.cpu;
  cpu.sysenterCs = G.KGDT_R0_CODE;
  cpu.sysenterEsp = kseg0(PHYS_SYSENTER_STACK + PAGE_SIZE);
  cpu.sysenterEip = k.sym('KiFastCallEntry');
  k.vm.write32(k.sym('KiFastSystemCallDisable'), k.syscall === 'sysenter' ? 0 : 1);
}

/** The demo win32k: its image in fresh kernel pages, its table added as slot 1. */
function loadWin32k(k: Kernel, services: ServiceDispatcher): void {
  const list = win32kServices();
  const size = win32kImage(0).bytes.length;
  const pa = k.pages.allocContiguous(Math.ceil(size / PAGE_SIZE));
  const img = win32kImage(kseg0(pa));
  k.cpu.mem.load(pa, img.bytes);
  const sym = (n: string) => img.symbols.get(n)!;
  if (!KeAddSystemServiceTable(k, sym('W32pServiceTable'), 0, list.length, sym('W32pArgumentTable'), 1))
    throw new Error('KeAddSystemServiceTable refused the win32k table');
  services.addTable(list, WIN32K_BODIES);
}
