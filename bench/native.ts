// Runs a workload as a native 32-bit Linux process and under qemu-i386, timing the whole
// process and subtracting a zero-pass run of the same binary (process start-up).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Workload } from './workloads.ts';

export type Runner = 'native' | 'qemu-i386';

/** Builds a static 32-bit ELF that runs the workload `passes` times (from argv count). */
export function buildElf(w: Workload, passes: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'ntlab-bench-'));
  const src = join(dir, 'w.asm'), obj = join(dir, 'w.o'), exe = join(dir, 'w');
  writeFileSync(src, `bits 32
global _start
section .bss
alignb 4096
buf: resb ${1 << 20}
section .text
_start:
    mov edi, ${passes}
    cmp dword [esp], 1      ; argc > 1: a start-up-only run
    je .go
    mov eax, 1
    xor ebx, ebx
    int 0x80
.go:
    mov ebp, buf
${w.body}
    mov eax, 1
    xor ebx, ebx
    int 0x80
`);
  execFileSync('nasm', ['-f', 'elf32', '-o', obj, src]);
  execFileSync('ld', ['-m', 'elf_i386', '-o', exe, obj]);
  return exe;
}

function timeRun(cmd: string, args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  const t1 = process.hrtime.bigint();
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.status} ${r.error ?? ''}`);
  return Number(t1 - t0) / 1e9;
}

/** Seconds of workload time (best of `reps`), start-up subtracted. */
export function runElf(runner: Runner, exe: string, reps = 3): number {
  const cmd = runner === 'native' ? exe : 'qemu-i386';
  const args = runner === 'native' ? [] : [exe];
  let best = Infinity, startup = Infinity;
  for (let i = 0; i < reps; i++) {
    startup = Math.min(startup, timeRun(cmd, [...args, 'startup-only']));
    best = Math.min(best, timeRun(cmd, args));
  }
  return Math.max(best - startup, 1e-6);
}

export function available(runner: Runner): boolean {
  if (runner === 'native') return hostRunsI386();
  return spawnSync('qemu-i386', ['--version'], { stdio: 'ignore' }).status === 0;
}

let runsI386: boolean | undefined;

/** Whether this kernel executes 32-bit x86 ELF files. Some x86_64 kernels are built
 *  without IA32 emulation (seen here on Firecracker guests): exec then fails with
 *  ENOEXEC, and the tests and benchmarks fall back to qemu-i386 as the reference. */
export function hostRunsI386(): boolean {
  if (runsI386 !== undefined) return runsI386;
  try {
    const dir = mkdtempSync(join(tmpdir(), 'ntlab-probe-'));
    const src = join(dir, 'p.asm'), obj = join(dir, 'p.o'), exe = join(dir, 'p');
    writeFileSync(src, 'bits 32\nglobal _start\n_start: mov eax, 1\nmov ebx, 42\nint 0x80\n');
    execFileSync('nasm', ['-f', 'elf32', '-o', obj, src]);
    execFileSync('ld', ['-m', 'elf_i386', '-o', exe, obj]);
    runsI386 = spawnSync(exe, [], { stdio: 'ignore' }).status === 42;
  } catch {
    runsI386 = false;
  }
  return runsI386;
}
