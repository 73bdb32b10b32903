// The host half of the kernel: what the TypeScript side of NT Lab knows about the running
// system, and the small services every host component needs (guest memory, the KPCR, the
// current thread, the trace, stopping the machine). The state itself lives in guest memory
// (principle 2); fields here are handles to it or caches that can be rebuilt.
import type { Cpu } from '../cpu/cpu.ts';
import type { TraceEvent, TraceSink } from '../trace/events.ts';
import { VirtualMemory } from './mm/virtual.ts';
import type { PageAllocator } from './mm/pfn.ts';
import type { NonPagedPool } from './ex/pool.ts';
import { HostCallPort } from './ke/hostcall.ts';
import type { KernelImage } from './ke/image.ts';
import type { StubForm } from './ke/genntdll.ts';
import { KPCR, KTHREAD } from './layouts.ts';
import { KIP0PCRADDRESS, PHYS_PCR } from './memmap.ts';
import type { StructView } from './struct.ts';
import type { Process } from './ps/process.ts';
import type { Hal } from './hal/hal.ts';
import type { VirtualDisk } from '../store/disk.ts';

const CURRENT_THREAD = KPCR.path('PrcbData.CurrentThread');

/** The console before the I/O manager exists: where NtWriteFile on a console handle goes
 *  and where NtReadFile on it reads from. Issue 5 puts a real device behind a real handle. */
export interface ConsoleDevice {
  write(bytes: Uint8Array): void;
  /** Up to `max` bytes of input; an empty array when there is none (end of input). */
  read(max: number): Uint8Array;
}

/** Why the machine stopped for good. */
export type StopCause =
  | { kind: 'process-exit'; status: number }
  | { kind: 'bugcheck'; code: number; params: number[] };

type EventBody = TraceEvent extends infer E ? E extends TraceEvent ? Omit<E, 'icount' | 'thread'> : never : never;

export interface KernelParts {
  cpu: Cpu;
  pages: PageAllocator;
  pool: NonPagedPool;
  image: KernelImage;
  syscall: StubForm;
  console: ConsoleDevice;
  trace: TraceSink | null;
  notice: (text: string) => void;
  /** The virtual disk behind \Device\HarddiskVolume1 (C:). */
  disk: VirtualDisk;
}

export class Kernel {
  readonly cpu: Cpu;
  /** The current address space, for host code running "in" the current thread. */
  readonly vm: VirtualMemory;
  readonly pages: PageAllocator;
  readonly pool: NonPagedPool;
  readonly image: KernelImage;
  readonly hostCalls = new HostCallPort();
  /** Which stub form this machine's ntdll uses. */
  readonly syscall: StubForm;
  console: ConsoleDevice;
  trace: TraceSink | null;
  /** Diagnostics for the person running the machine (stderr in the CLI). */
  notice: (text: string) => void;
  /** Host-side list of processes (a cache over the EPROCESSes in guest memory). */
  readonly processes: Process[] = [];
  stopCause: StopCause | null = null;
  /** The interrupt controller and the timer (set by the HAL at boot). */
  hal: Hal | null = null;
  readonly disk: VirtualDisk;

  constructor(p: KernelParts) {
    this.cpu = p.cpu;
    this.vm = new VirtualMemory(p.cpu);
    this.pages = p.pages;
    this.pool = p.pool;
    this.image = p.image;
    this.syscall = p.syscall;
    this.console = p.console;
    this.trace = p.trace;
    this.notice = p.notice;
    this.disk = p.disk;
  }

  /** The address of a kernel-image label (KiSystemService, KeServiceDescriptorTable...). */
  sym(name: string): number {
    const a = this.image.symbols.get(name);
    if (a === undefined) throw new Error(`the kernel image has no symbol '${name}'`);
    return a;
  }

  pcr(): StructView<keyof typeof KPCR.off & string> { return KPCR.at(this.vm, KIP0PCRADDRESS); }

  /** KPCR.PrcbData.CurrentThread. (Read straight from the KPCR's physical page: this is
   *  on the path of every host call and every trace event.) */
  currentThread(): number { return this.cpu.mem.read32(PHYS_PCR + CURRENT_THREAD) >>> 0; }

  thread(address = this.currentThread()) { return KTHREAD.at(this.vm, address); }

  /** The process the current thread belongs to (host record). */
  currentProcess(): Process | undefined {
    const eprocess = this.thread().get('ApcState.Process');
    return this.processes.find(p => p.eprocess === eprocess);
  }

  emit(e: EventBody): void {
    if (!this.trace) return;
    const stamped = e as TraceEvent;   // the caller's fresh object gets its stamp
    stamped.icount = this.cpu.icount;
    stamped.thread = this.currentThread();
    this.trace.push(stamped);
  }

  /** Ends the run: the run loop returns after the current instruction. */
  stop(cause: StopCause): void {
    this.stopCause ??= cause;
    this.cpu.pendingStop = { kind: 'stopped', why: cause.kind };
  }
}
