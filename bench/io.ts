// `npm run bench:io`: kernel32 ReadFile through the whole path (ntdll stub, int 0x2e,
// KiSystemService, NtReadFile, the file system's cache over SQLite, KiServiceExit; the
// first read of the file builds an IRP and sets the cache up, the rest are fast I/O, as on
// NT: FastIoRead copies from the cache) -- 1-byte reads of a 1 MiB file and 4 KiB reads of a
// 64 MiB file -- and CreateFileA + CloseHandle pairs, per second; beside the same loops
// as a 32-bit Linux program doing read()/open()/close(), natively when this kernel runs
// 32-bit ELFs and under qemu-i386, in the same run. Each guest program does its work
// four times in one machine; the last three are timed and their median reported (the
// first, printed as "cold", also pays for starting the process and warming the machine
// up), as the reference loops are timed with their process start-up subtracted, best of
// three. Last line:
// `io: read1 <n>/s, read4k <n>/s, open-close <n>/s`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Machine } from '../kernel/machine.ts';
import { defaultDiskInMemory } from '../kernel/store/default-disk.ts';
import type { VirtualDisk } from '../kernel/store/disk.ts';
import { buildElf, runElf, available, type Runner } from './native.ts';
import { fsIncludeResolver } from '../kernel/asm/fs-include.ts';
import { assemble } from '../kernel/asm/index.ts';
import type { Workload } from './workloads.ts';

const MiB = 1 << 20;
const SMALL = MiB, LARGE = 64 * MiB;
const OPENS = Number(process.env.BENCH_IO_OPENS ?? 20_000);
/** Timed passes of each guest program after its warm-up pass; the median is reported. */
const TIMED_PASSES = 3;
const SMALL_NAME = 'ONE.DAT', LARGE_NAME = 'SIXTYFOUR.DAT';

/** Deterministic file contents (not zeros: nothing may shortcut them). */
function pattern(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) b.writeUInt32LE((i * 2654435761) >>> 0, i);
  return b;
}

function diskWithFiles(): VirtualDisk {
  const disk = defaultDiskInMemory();
  const root = disk.volume('C');
  if (!root.ok) throw new Error('no C:');
  for (const [name, size] of [[SMALL_NAME, SMALL], [LARGE_NAME, LARGE]] as const) {
    const made = disk.create(root.value.root, name);
    if (!made.ok) throw new Error(made.message);
    const data = pattern(4 * MiB);
    for (let at = 0; at < size; at += data.length) disk.write(made.value.id, at, data.subarray(0, Math.min(data.length, size - at)));
  }
  return disk;
}

/** A guest program: open C:\name, then 1 + TIMED_PASSES passes that ReadFile `size` bytes
 *  at a time to the end (SetFilePointer back to 0 between them), exit with the number of
 *  reads in the last pass that returned data. The first pass warms the machine up; the
 *  program passes its `measured` label at the start of every timed pass. */
function readProgram(name: string, size: number): string {
  return `%include "include/win32.inc"
kernel32 CreateFileA, ReadFile, SetFilePointer, ExitProcess
section .data
path: db "C:\\${name}", 0
got: dd 0
left: dd ${TIMED_PASSES}
section .bss
buf: resb ${size}
section .text
global start
start:
    invoke CreateFileA, path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL
    mov esi, eax
    call pass
again:
    invoke SetFilePointer, esi, 0, NULL, FILE_BEGIN
measured:
    call pass
    dec dword [left]
    jnz again
    invoke ExitProcess, edi
pass:
    xor edi, edi
.loop:
    invoke ReadFile, esi, buf, ${size}, got, NULL
    cmp dword [got], 0
    je .done
    inc edi
    jmp .loop
.done:
    ret
`;
}

/** CreateFileA + CloseHandle `warm` times, then TIMED_PASSES times (each from the
 *  `measured` label) `n` times. */
function openCloseProgram(name: string, warm: number, n: number): string {
  return `%include "include/win32.inc"
kernel32 CreateFileA, CloseHandle, ExitProcess
section .data
path: db "C:\\${name}", 0
left: dd ${TIMED_PASSES}
section .text
global start
start:
    mov edi, ${warm}
    call pairs
measured:
    mov edi, ${n}
    call pairs
    dec dword [left]
    jnz measured
    invoke ExitProcess, 0
pairs:
.loop:
    invoke CreateFileA, path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL
    invoke CloseHandle, eax
    dec edi
    jnz .loop
    ret
`;
}

const GUEST_DIR = join(import.meta.dirname, '..', 'guest');

interface Rate {
  /** The median of the timed passes' rates. */
  steady: number;
  /** Each timed pass's rate, in order: each starts at `measured`, in a machine already warmed up. */
  passes: number[];
  /** The part before `measured`, from the program's start (process creation, the first
   *  IRP, compiling the blocks, V8 optimising the host code), per operation it did. */
  cold: number;
  /** Page faults the host process took during each timed pass (on the VMs measured, a
   *  page's first touch costs 11-20 us: see docs/benchmarks.md). */
  faults: number[];
}

/** Operations per second of the program in a fresh machine, which does `warmOps`
 *  operations before its `measured` label and `ops` after each of its TIMED_PASSES visits
 *  there. The median pass is the one reported, as the reference loops' time has their
 *  process start-up subtracted and is the best of three. The breakpoint on `measured`
 *  stays set (measured: a set breakpoint costs a tight guest loop under 1 %). */
function emulate(source: string, ops: number, warmOps: number, expectStatus: number | null): Rate {
  const built = assemble(source, { fileName: 'bench.asm', format: 'exe', includeResolver: fsIncludeResolver([GUEST_DIR]) });
  if (!built.ok) throw new Error(built.errors.map(e => e.message).join('\n'));
  const measured = built.symbols.find(s => s.name === 'measured');
  if (!measured) throw new Error('the benchmark program has no measured label');
  const m = new Machine({ disk: diskWithFiles() });
  m.start('bench.exe', built.bytes);
  m.cpu.breakpoints.add(measured.address);
  let t0 = process.hrtime.bigint();
  const warm = m.run(warmOps * 20_000);
  if (warm.kind !== 'breakpoint') throw new Error(`the benchmark program did not reach its measured part: ${JSON.stringify(warm)} ${m.notices.join('')}`);
  const cold = warmOps / (Number(process.hrtime.bigint() - t0) / 1e9);
  const passes: number[] = [], faults: number[] = [];
  for (let pass = 1; pass <= TIMED_PASSES; pass++) {
    const faults0 = process.resourceUsage().minorPageFault;
    t0 = process.hrtime.bigint();
    const r = m.run(ops * 20_000);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    faults.push(process.resourceUsage().minorPageFault - faults0);
    passes.push(ops / seconds);
    const finished = pass < TIMED_PASSES ? r.kind === 'breakpoint' : r.kind === 'exited' && (expectStatus === null || r.status === expectStatus);
    if (!finished) throw new Error(`the benchmark program's timed pass ${pass} did not end as expected: ${JSON.stringify(r)} ${m.notices.join('')}`);
  }
  return { steady: median(passes), passes, cold, faults };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b), mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// ---- the native loops ---------------------------------------------------------------------

const SYS_read = 3, SYS_open = 5, SYS_close = 6, SYS_lseek = 19;

function hostFiles(): { small: string; large: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ntlab-bench-io-'));
  const small = join(dir, 'one.dat'), large = join(dir, 'sixtyfour.dat');
  writeFileSync(small, pattern(SMALL));
  writeFileSync(large, Buffer.concat(Array.from({ length: LARGE / (4 * MiB) }, () => pattern(4 * MiB))));
  return { small, large };
}

/** open(path); per pass: read `size` bytes at a time to the end, lseek back to 0. */
const readLoop = (path: string, size: number): Workload => ({
  name: 'A',
  body: `
    jmp .over
.path: db "${path}", 0
.over:
    mov eax, ${SYS_open}
    mov ebx, .path
    xor ecx, ecx
    int 0x80
    mov esi, eax
.pass:
.l: mov eax, ${SYS_read}
    mov ebx, esi
    mov ecx, ebp
    mov edx, ${size}
    int 0x80
    test eax, eax
    jg .l
    mov eax, ${SYS_lseek}
    mov ebx, esi
    xor ecx, ecx
    xor edx, edx
    int 0x80
    dec edi
    jnz .pass`,
  instructions: n => n,
});

const openCloseLoop = (path: string): Workload => ({
  name: 'B',
  body: `
    jmp .over
.path: db "${path}", 0
.over:
.l: mov eax, ${SYS_open}
    mov ebx, .path
    xor ecx, ecx
    int 0x80
    mov ebx, eax
    mov eax, ${SYS_close}
    int 0x80
    dec edi
    jnz .l`,
  instructions: n => n,
});

function native(runner: Runner, w: Workload, passes: number, opsPerPass: number): number | null {
  if (!available(runner)) return null;
  try {
    return passes * opsPerPass / runElf(runner, buildElf(w, passes));
  } catch {
    return null;
  }
}

const fmt = (x: number | null) => x === null ? 'n/a' : `${Math.round(x).toLocaleString('en-US')}/s`;

const read1 = emulate(readProgram(SMALL_NAME, 1), SMALL, SMALL, SMALL);
const read4k = emulate(readProgram(LARGE_NAME, 4096), LARGE / 4096, LARGE / 4096, LARGE / 4096);
const openClose = emulate(openCloseProgram(SMALL_NAME, OPENS / 10, OPENS), OPENS, OPENS / 10, 0);
const files = hostFiles();
const reference = (runner: Runner) => ({
  read1: native(runner, readLoop(files.small, 1), 2, SMALL),
  read4k: native(runner, readLoop(files.large, 4096), 2, LARGE / 4096),
  openClose: native(runner, openCloseLoop(files.small), 100_000, 1),
});
const host = reference('native'), qemu = reference('qemu-i386');
console.log('ReadFile through the whole path (kernel32 -> int 0x2e -> NtReadFile -> fast I/O, after a first IRP -> file system cache), tracing off');
console.log(`(ntlab: the median of ${TIMED_PASSES} timed passes of the program, in a machine its first pass warmed up; "cold" is that first pass, from process start)`);
const detail = (r: Rate) => `(passes ${r.passes.map(fmt).join(' ')}; cold ${fmt(r.cold)}; page faults ${r.faults.join(' ')})`;
console.log(`  ntlab read 1 byte   (1 MiB file) : ${fmt(read1.steady)} ${detail(read1)}   native read(): ${fmt(host.read1)}   qemu-i386 read(): ${fmt(qemu.read1)}`);
console.log(`  ntlab read 4 KiB   (64 MiB file) : ${fmt(read4k.steady)} ${detail(read4k)}   native read(): ${fmt(host.read4k)}   qemu-i386 read(): ${fmt(qemu.read4k)}`);
console.log(`  ntlab CreateFile+CloseHandle     : ${fmt(openClose.steady)} ${detail(openClose)}   native open+close: ${fmt(host.openClose)}   qemu-i386: ${fmt(qemu.openClose)}`);
if (!available('native')) console.log('  (this kernel does not run 32-bit ELF files: native n/a, qemu-i386 is the reference)');
if (qemu.read1) console.log(`  ratios ntlab / qemu-i386: read1 ${(read1.steady / qemu.read1).toFixed(2)}, read4k ${(read4k.steady / qemu.read4k!).toFixed(2)}, open-close ${(openClose.steady / qemu.openClose!).toFixed(2)}`);
console.log(`io: read1 ${Math.round(read1.steady)}/s, read4k ${Math.round(read4k.steady)}/s, open-close ${Math.round(openClose.steady)}/s`);
