// The Machine: the one API the CLI, the tests, and (later) the app drive. It owns the CPU
// and the kernel, boots, starts programs and runs them. Plain Node, no Electron, no DOM.
import { Cpu, type StopReason } from './cpu/cpu.ts';
import { TraceRing } from './trace/ring.ts';
import type { TraceSink } from './trace/events.ts';
import { bootKernel } from './nt/ke/boot.ts';
import type { Kernel, ConsoleDevice } from './nt/kernel.ts';
import type { ServiceDispatcher } from './nt/ke/services.ts';
import type { StubForm } from './nt/ke/genntdll.ts';
import { startProgram, type StartedProgram } from './nt/ps/create.ts';
import { assemble, formatDiagnostic } from './asm/index.ts';
import type { VirtualDisk } from './store/disk.ts';
import { defaultDiskInMemory } from './store/default-disk.ts';
import type { InputEvent } from './cpu/i8042.ts';

export interface MachineOptions {
  /** Physical memory in bytes (default 64 MiB). */
  memory?: number;
  /** The ntdll stub form (default int 0x2e). */
  syscall?: StubForm;
  /** The console; by default output is collected in `Machine.output` and there is no input. */
  console?: ConsoleDevice;
  /** Keep a trace: a ring of this capacity (`Machine.trace`), or events handed to a sink as
   *  they happen; default off. */
  trace?: number | false | TraceSink;
  /** Diagnostics (bug checks, unhandled exceptions); default: collected in `notices`. */
  notice?: (text: string) => void;
  /** The virtual disk (C:); default: a fresh default disk in memory. */
  disk?: VirtualDisk;
}

export type RunResult =
  | { kind: 'exited'; status: number }
  | { kind: 'bugcheck'; code: number; params: number[] }
  | { kind: 'budget' }
  | { kind: 'triple-fault'; reason: string }
  | { kind: 'halted' }
  | { kind: 'breakpoint'; eip: number };

const DEFAULT_MEMORY = 64 << 20;
/** run() hands the CPU at most this many instructions at a time. */
const RUN_SLICE = 1 << 20;

export class Machine {
  readonly cpu: Cpu;
  readonly kernel: Kernel;
  readonly services: ServiceDispatcher;
  readonly trace: TraceRing | null;
  /** Console output, when no console device was given. */
  readonly output: number[] = [];
  readonly notices: string[] = [];
  /** Milliseconds the boot took (kernel image assembly included on the first boot). */
  readonly bootMs: number;
  /** The first program started (whose exit status is the run's). */
  program: StartedProgram | null = null;
  /** Every program started, in order. */
  readonly programs: StartedProgram[] = [];

  constructor(opts: MachineOptions = {}) {
    const t0 = performance.now();
    this.cpu = new Cpu(opts.memory ?? DEFAULT_MEMORY);
    this.trace = typeof opts.trace === 'number' ? new TraceRing(opts.trace) : null;
    const { kernel, services } = bootKernel(this.cpu, {
      syscall: opts.syscall ?? 'int2e',
      console: opts.console ?? { write: b => { for (const x of b) this.output.push(x); }, read: () => new Uint8Array(0) },
      trace: this.trace ?? (typeof opts.trace === 'object' ? opts.trace : null),
      notice: opts.notice ?? (t => { this.notices.push(t); }),
      disk: opts.disk ?? defaultDiskInMemory(),
    });
    this.kernel = kernel;
    this.services = services;
    this.bootMs = performance.now() - t0;
  }

  /** Keystrokes for the console, arriving now (stamped with this instruction count in the
   *  input log): they come in through the keyboard's interrupt. */
  type(text: string | Uint8Array): void {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
    this.kernel.hal!.keyboard.schedule(this.cpu.icount, bytes);
  }

  /** Every input the machine got, with the instruction count it arrived at (principle 4:
   *  the same log gives the same run). */
  get inputLog(): readonly InputEvent[] { return this.kernel.hal!.keyboard.log; }

  /** Console output so far, as text. */
  get outputText(): string { return Buffer.from(this.output).toString('latin1'); }

  /** Starts a PE32 executable as a new process. The first one starts running at once;
   *  later ones are ready to run and get the CPU from the scheduler. The run ends when
   *  every process has ended. */
  start(imageName: string, exe: Uint8Array, commandLine?: string): StartedProgram {
    const started = startProgram(this.kernel, imageName, exe, commandLine, this.program === null);
    this.program ??= started;
    this.programs.push(started);
    return started;
  }

  /** Assembles NASM-dialect source to an EXE and starts it. Throws on assembly errors. */
  startSource(fileName: string, source: string, opts: Parameters<typeof assemble>[1] = {}): StartedProgram {
    const r = assemble(source, { ...opts, fileName, format: 'exe' });
    if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
    return this.start(fileName.replace(/\.asm$/i, '.exe'), r.bytes);
  }

  /** Runs until the process exits, the kernel stops, or `maxInstructions` have run. */
  run(maxInstructions = Infinity): RunResult {
    const end = this.cpu.icount + maxInstructions;
    for (;;) {
      const stopped = this.stopResult();
      if (stopped) return stopped;
      const left = end - this.cpu.icount;
      if (left <= 0) return { kind: 'budget' };
      const why = this.cpu.run(Math.min(left, RUN_SLICE));
      const r = this.cpuStop(why);
      if (r) return r;
    }
  }

  /** One instruction (or one exception/interrupt delivery). */
  step(): RunResult | null {
    return this.stopResult() ?? this.cpuStop(this.cpu.step());
  }

  private stopResult(): RunResult | null {
    const c = this.kernel.stopCause;
    if (!c) return null;
    return c.kind === 'process-exit' ? { kind: 'exited', status: c.status } : { kind: 'bugcheck', code: c.code, params: c.params };
  }

  private cpuStop(why: StopReason): RunResult | null {
    switch (why.kind) {
      case 'budget': case 'stopped': case 'port': case 'vector': return this.stopResult();
      case 'breakpoint': return { kind: 'breakpoint', eip: why.eip };
      case 'halted': return { kind: 'halted' };
      case 'triple-fault':
        this.kernel.notice(`triple fault: ${why.reason}\n`);
        return { kind: 'triple-fault', reason: why.reason };
    }
  }
}
