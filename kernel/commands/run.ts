// `ntlab run FILE.asm|FILE.exe [ARGS...]`: assemble if needed, boot a machine, run the
// program with this terminal as its console. Only the guest's output goes to stdout;
// diagnostics (and --trace) go to stderr. The exit code is the guest process's exit code
// (the shell sees its low 8 bits), 124 when --max-instructions ran out, 3 when the machine
// stopped with a bug check or a triple fault.
import { readFileSync, writeSync, openSync, closeSync, readSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import { Machine } from '../machine.ts';
import { assemble, formatDiagnostic } from '../asm/index.ts';
import { fsBinaryResolver, fsIncludeResolver } from '../asm/fs-include.ts';
import type { TraceEvent, TraceSink } from '../trace/events.ts';
import type { ConsoleDevice } from '../nt/kernel.ts';
import type { StubForm } from '../nt/ke/genntdll.ts';
import { LoaderError } from '../nt/ps/loader.ts';
import { statusName } from '../nt/ex/status.ts';
import { straceSink } from './strace.ts';
import type { VirtualDisk } from '../store/disk.ts';
import { openOrCreateDefaultDisk, DEFAULT_DISK_TIME } from '../store/default-disk.ts';
import { TICKS_PER_MILLISECOND } from '../store/filetime.ts';
import { instructionsPerMs } from '../nt/ke/clock.ts';

export interface RunIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Raw guest output (default: stdout(latin1 text)). */
  stdoutBytes?(bytes: Uint8Array): void;
  /** Up to `max` bytes of input; empty at end of input (default: none). */
  stdin?(max: number): Uint8Array;
}

export const RUN_USAGE = `  run FILE.asm|FILE.exe [ARGS...] [--trace] [--trace-json FILE] [--syscall int2e|sysenter]
                                   [--max-instructions N] [--disk FILE]
        assemble if needed, boot, and run the program; its console is this terminal;
        --disk FILE: the virtual disk to use and keep (made a default disk if missing;
        default: a fresh default disk in memory)`;

export const EXIT_BUDGET = 124;
export const EXIT_CRASH = 3;

interface RunArgs {
  file: string; args: string[]; trace: boolean; traceJson?: string; syscall: StubForm; maxInstructions: number;
  disk?: string;
}

function parseRunArgs(argv: string[]): RunArgs | string {
  const a: Partial<RunArgs> & { args: string[] } = { args: [], trace: false, syscall: 'int2e', maxInstructions: Infinity };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (a.file) { a.args.push(arg); continue; }   // everything after the file is the program's
    const value = () => { if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`); return argv[++i]; };
    if (arg === '--trace') a.trace = true;
    else if (arg === '--trace-json') a.traceJson = value();
    else if (arg === '--disk') a.disk = value();
    else if (arg === '--syscall') {
      const v = value();
      if (v !== 'int2e' && v !== 'sysenter') return `--syscall takes int2e or sysenter, not '${v}'`;
      a.syscall = v;
    } else if (arg === '--max-instructions') {
      const n = Number(value());
      if (!Number.isInteger(n) || n <= 0) return `--max-instructions takes a positive integer`;
      a.maxInstructions = n;
    } else if (arg.startsWith('-')) return `unknown option '${arg}'`;
    else a.file = arg;
  }
  if (!a.file) return 'no program to run';
  return a as RunArgs;
}

/** The executable's bytes: read, or assembled from .asm (includes next to the source). */
function programBytes(file: string, io: RunIo): Uint8Array | null {
  let data: Buffer;
  try { data = readFileSync(file); } catch { io.stderr(`ntlab run: cannot read '${file}'\n`); return null; }
  if (extname(file).toLowerCase() !== '.asm') return new Uint8Array(data);
  const dir = dirname(file);
  const r = assemble(data.toString('utf8'), {
    fileName: file, format: 'exe', includeResolver: fsIncludeResolver([dir]), binaryResolver: fsBinaryResolver([dir]),
  });
  for (const d of [...r.errors, ...r.warnings]) io.stderr(formatDiagnostic(d) + '\n');
  return r.ok ? r.bytes : null;
}

function traceSinks(a: RunArgs, io: RunIo): { sink: TraceSink | null; close(): void } {
  const sinks: TraceSink[] = [];
  if (a.trace) sinks.push(straceSink(line => io.stderr(line)));
  let fd = -1;
  if (a.traceJson) {
    fd = openSync(a.traceJson, 'w');
    sinks.push({ push: (e: TraceEvent) => { writeSync(fd, JSON.stringify(e) + '\n'); } });
  }
  return {
    sink: sinks.length ? { push: e => { for (const s of sinks) s.push(e); } } : null,
    close: () => { if (fd >= 0) closeSync(fd); },
  };
}

export function runCommand(argv: string[], io: RunIo): number {
  const a = parseRunArgs(argv);
  if (typeof a === 'string') { io.stderr(`ntlab run: ${a}\n\nusage:\n${RUN_USAGE}\n`); return 2; }
  const bytes = programBytes(a.file, io);
  if (!bytes) return 1;
  const console: ConsoleDevice = {
    write: b => io.stdoutBytes ? io.stdoutBytes(b) : io.stdout(Buffer.from(b).toString('latin1')),
    read: max => io.stdin?.(max) ?? new Uint8Array(0),
  };
  const trace = traceSinks(a, io);
  let machine: Machine | null = null;
  let disk: VirtualDisk | undefined;
  try {
    // File times come from the machine's own clock (its instruction count), not the
    // host's: principle 4, the disk is one of the machine's inputs.
    if (a.disk) disk = openOrCreateDefaultDisk(a.disk, () => machineFileTime(machine));
    const m = machine = new Machine({ syscall: a.syscall, console, trace: trace.sink ?? false, notice: t => io.stderr(t), disk });
    const image = basename(a.file).replace(/\.asm$/i, '.exe');
    try {
      m.start(image, bytes, [image, ...a.args].join(' '));
    } catch (e) {
      if (!(e instanceof LoaderError)) throw e;
      io.stderr(`ntlab run: ${e.message} (${statusName(e.status)})\n`);
      return 1;
    }
    const r = m.run(a.maxInstructions);
    switch (r.kind) {
      case 'exited': return r.status;
      case 'budget': io.stderr(`ntlab run: stopped after ${a.maxInstructions} instructions\n`); return EXIT_BUDGET;
      case 'halted': io.stderr('ntlab run: the CPU halted with interrupts off\n'); return EXIT_CRASH;
      case 'breakpoint': return EXIT_CRASH;
      default: return EXIT_CRASH;   // bug check or triple fault: the notice already said so
    }
  } finally {
    trace.close();
    disk?.close();
  }
}

/** FILETIME of the machine's present: the default disk's epoch plus its run time. */
function machineFileTime(m: Machine | null): bigint {
  const ms = m ? m.cpu.icount / instructionsPerMs(m.kernel) : 0;
  return DEFAULT_DISK_TIME + BigInt(Math.floor(ms)) * TICKS_PER_MILLISECOND;
}

/** Console input from the process's stdin, read only when the guest asks. */
export function stdinReader(): (max: number) => Uint8Array {
  let ended = false;
  return max => {
    if (ended) return new Uint8Array(0);
    const buf = Buffer.alloc(max);
    try {
      const n = readSync(0, buf, 0, max, null);
      if (n === 0) ended = true;
      return new Uint8Array(buf.subarray(0, n));
    } catch {
      ended = true;
      return new Uint8Array(0);
    }
  };
}
