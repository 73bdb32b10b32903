// Helpers for the NT tests: boot a machine, assemble a ring-3 program, run it.
import { Machine, type MachineOptions, type RunResult } from '../../kernel/machine.ts';
import { KTHREAD } from '../../kernel/nt/layouts.ts';

export interface Ran { m: Machine; r: RunResult }

export function boot(opts: MachineOptions = {}): Machine {
  return new Machine({ trace: 10_000, ...opts });
}

/** Assembles `source` as an EXE and starts it (not run yet). */
export function load(source: string, opts: MachineOptions = {}): Machine {
  const m = boot(opts);
  m.startSource('test.asm', source);
  return m;
}

export function run(source: string, opts: MachineOptions = {}, budget = 1_000_000): Ran {
  const m = load(source, opts);
  return { m, r: m.run(budget) };
}

/** The current thread's KTHREAD view. */
export function thread(m: Machine) { return KTHREAD.at(m.kernel.vm, m.kernel.currentThread()); }

/** A program prologue importing the given ntdll services. */
export function imports(...names: string[]): string {
  return names.map(n => `import ${n} ntdll.dll\n`).join('') + `extern ${names.join(', ')}\n`;
}

export const hex = (n: number) => '0x' + (n >>> 0).toString(16);
