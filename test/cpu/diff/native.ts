// The native side: one 32-bit ELF per case set. nasm assembles the cases (in a section
// linked at a fixed address, so the emulator can load the very same bytes there) and a
// small entry/exit harness; gcc -m32 builds the C driver that maps the scratch page, runs
// every case, catches faults with a signal handler (reporting the registers from the
// signal context) and writes one binary record per case to stdout. The ELF is cached by
// the hash of its sources in os.tmpdir().
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Case } from './cases.ts';
import { hostRunsI386 } from '../../../bench/native.ts';
import { PAGE, PAGE_SIZE, STACK_TOP, WINDOWS, READ_ONLY, HARNESS, CASES, TABLE_OFFSET, RECORD_BYTES, HEADER_DWORDS } from './layout.ts';

const hex = (v: number) => '0x' + (v >>> 0).toString(16);

/** The harness page: +0 EFLAGS, +4 the eight registers in popad order, +0x24 ESP, +0x28
 *  the entry; +0x11c..+0x140 the pushad/pushfd image on exit, +0x140 ESP on exit; +0x200
 *  the C stack pointer. */
function harnessAsm(cases: Case[]): string {
  const H = hex(HARNESS);
  const out: string[] = [
    'bits 32',
    'section .text',
    'global diff_run',
    'diff_run:',
    '  push ebp', '  push ebx', '  push esi', '  push edi',
    `  mov [${H}+0x200], esp`,
    `  mov esp, ${H}`,
    '  popfd', '  popad',
    `  mov esp, [${H}+0x24]`,
    `  jmp [${H}+0x28]`,
    'section .cases progbits alloc exec nowrite align=16',
    'case_exit:',
    `  mov [${H}+0x140], esp`,
    `  mov esp, ${H}+0x140`,
    '  pushfd', '  pushad',
    `  mov esp, [${H}+0x200]`,
    '  cld', '  pop edi', '  pop esi', '  pop ebx', '  pop ebp', '  ret',
    `  times ${TABLE_OFFSET}-($-$$) db 0xcc`,
    `  dd ${cases.length}`,
  ];
  for (let i = 0; i < cases.length; i += 16)
    out.push('  dd ' + cases.slice(i, i + 16).map((_, j) => `c${i + j}`).join(','));
  cases.forEach((c, i) => { out.push(`c${i}:`, ...c.lines.map(l => '  ' + l), '  jmp case_exit'); });
  out.push('section .rodata', 'global diff_ncases, diff_state', `diff_ncases: dd ${cases.length}`, 'diff_state:');
  cases.forEach((c, i) => out.push(`  dd c${i},${[c.flags, ...c.regs, c.seed].map(hex).join(',')}`));
  return out.join('\n') + '\n';
}

function driverC(): string {
  const [[a0, a1], [b0, b1]] = WINDOWS;
  return `#define _GNU_SOURCE
#include <signal.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

extern const uint32_t diff_ncases;
extern const uint32_t diff_state[]; /* entry, eflags, eax..edi (esp ignored), seed */
extern void diff_run(void);

#define PAGE ${hex(PAGE)}u
#define HARNESS ${hex(HARNESS)}u
#define RECORD ${RECORD_BYTES}
static sigjmp_buf jump;
static uint32_t *rec;

static void on_signal(int sig, siginfo_t *si, void *ctx) {
  greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;
  rec[0] = sig; rec[1] = g[REG_TRAPNO]; rec[2] = g[REG_ERR]; rec[3] = (uint32_t)si->si_addr; rec[4] = g[REG_EIP];
  rec[5] = g[REG_EAX]; rec[6] = g[REG_ECX]; rec[7] = g[REG_EDX]; rec[8] = g[REG_EBX];
  rec[9] = g[REG_UESP]; rec[10] = g[REG_EBP]; rec[11] = g[REG_ESI]; rec[12] = g[REG_EDI]; rec[13] = g[REG_EFL];
  siglongjmp(jump, 1);
}

static void fill(uint32_t *p, uint32_t x) {
  if (!x) x = 1;
  for (int i = 0; i < ${PAGE_SIZE / 4}; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; p[i] = x; }
}

static uint32_t fnv(const uint8_t *p, int n) {
  uint32_t h = 0x811c9dc5u;
  for (int i = 0; i < n; i++) h = (h ^ p[i]) * 0x01000193u;
  return h;
}

int main(void) {
  if (mmap((void *)PAGE, ${PAGE_SIZE}, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != (void *)PAGE) return 2;
  if (mmap((void *)${hex(READ_ONLY)}u, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != (void *)${hex(READ_ONLY)}u) return 2;
  if (mmap((void *)HARNESS, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != (void *)HARNESS) return 2;
  static char alt[1 << 16];
  stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0 };
  sigaltstack(&ss, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP };
  for (int i = 0; i < 5; i++) sigaction(sigs[i], &sa, 0);
  uint32_t n = diff_ncases;
  uint8_t *out = malloc((size_t)n * RECORD);
  uint32_t *h = (uint32_t *)HARNESS;
  for (uint32_t i = 0; i < n; i++) {
    const uint32_t *s = diff_state + i * 11;
    rec = (uint32_t *)(out + (size_t)i * RECORD);
    memset(rec, 0, RECORD);
    fill((uint32_t *)PAGE, s[10]);
    h[0] = s[1] | 0x202;
    for (int r = 0; r < 8; r++) h[1 + r] = s[2 + 7 - r]; /* popad order: edi first */
    h[9] = ${hex(STACK_TOP)}u; h[10] = s[0];
    if (sigsetjmp(jump, 1) == 0) {
      if (getenv("DIFF_TRACE")) fprintf(stderr, "case %u\\n", i); /* to find a case that hangs */
      diff_run();
      const uint32_t *o = (const uint32_t *)(HARNESS + 0x11c); /* edi esi ebp esp ebx edx ecx eax eflags */
      for (int r = 0; r < 8; r++) rec[5 + r] = o[7 - r];
      rec[9] = h[0x140 / 4];
      rec[13] = o[8];
    }
    rec[14] = fnv((const uint8_t *)PAGE, ${PAGE_SIZE});
    memcpy((uint8_t *)rec + ${HEADER_DWORDS * 4}, (const void *)${hex(a0)}, ${a1 - a0});
    memcpy((uint8_t *)rec + ${HEADER_DWORDS * 4 + a1 - a0}, (const void *)${hex(b0)}, ${b1 - b0});
  }
  fwrite(out, RECORD, n, stdout);
  return 0;
}
`;
}

export interface NativeBuild {
  elf: string;
  /** The bytes of .cases, loaded at CASES in the emulator. */
  casesBytes: Uint8Array;
  /** Case entry addresses (from the table in .cases). */
  entries: number[];
}

/** Builds (or finds in the cache) the ELF for these cases. */
export function build(cases: Case[]): NativeBuild {
  const asm = harnessAsm(cases), c = driverC();
  const key = createHash('sha256').update(asm).update('\0').update(c).digest('hex').slice(0, 24);
  const dir = join(tmpdir(), 'ntlab-diff-cache');
  mkdirSync(dir, { recursive: true });
  const elf = join(dir, key + '.elf');
  if (!existsSync(elf)) {
    const base = join(dir, key + '-' + process.pid);
    writeFileSync(base + '.asm', asm);
    writeFileSync(base + '.c', c);
    execFileSync('nasm', ['-f', 'elf32', '-o', base + '.o', base + '.asm'], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync('gcc', ['-m32', '-O1', '-no-pie', '-o', base + '.elf', base + '.c', base + '.o',
      `-Wl,--section-start=.cases=${hex(CASES)}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    renameSync(base + '.elf', elf); // atomic: a concurrent run never sees half a file
    for (const ext of ['.asm', '.c', '.o']) rmSync(base + ext, { force: true });
  }
  const casesBytes = elfSection(readFileSync(elf), '.cases');
  const dv = new DataView(casesBytes.buffer, casesBytes.byteOffset);
  const n = dv.getUint32(TABLE_OFFSET, true);
  const entries = Array.from({ length: n }, (_, i) => dv.getUint32(TABLE_OFFSET + 4 + 4 * i, true));
  return { elf, casesBytes, entries };
}

/** The reference the cases run on: this host's CPU when the kernel runs 32-bit ELFs,
 *  else qemu-i386 (bench/native.ts says why that can happen). */
/** Generous: 30k cases take about a second natively and ten seconds under qemu. */
const REFERENCE_TIMEOUT_MS = 300_000;

export const REFERENCE: 'host CPU' | 'qemu-i386' = hostRunsI386() ? 'host CPU' : 'qemu-i386';

/** Runs the ELF on the reference: one record per case. */
export function runNative(b: NativeBuild): Buffer {
  const [cmd, args] = REFERENCE === 'host CPU' ? [b.elf, []] : ['qemu-i386', [b.elf]];
  // A reference that hangs (qemu-user on some faults) must fail the test, not stall CI.
  return execFileSync(cmd, args, { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'], timeout: REFERENCE_TIMEOUT_MS });
}

/** The bytes of a named section of an ELF32 file. */
export function elfSection(file: Buffer, name: string): Uint8Array {
  const shoff = file.readUInt32LE(0x20), shentsize = file.readUInt16LE(0x2e), shnum = file.readUInt16LE(0x30);
  const shstrndx = file.readUInt16LE(0x32);
  const sh = (i: number) => {
    const o = shoff + i * shentsize;
    return { name: file.readUInt32LE(o), offset: file.readUInt32LE(o + 0x10), size: file.readUInt32LE(o + 0x14), addr: file.readUInt32LE(o + 0x0c) };
  };
  const strtab = sh(shstrndx);
  for (let i = 0; i < shnum; i++) {
    const s = sh(i);
    const end = file.indexOf(0, strtab.offset + s.name);
    if (file.toString('latin1', strtab.offset + s.name, end) !== name) continue;
    if (s.addr !== CASES) throw new Error(`${name} linked at 0x${s.addr.toString(16)}, not at 0x${CASES.toString(16)}`);
    return new Uint8Array(file.subarray(s.offset, s.offset + s.size));
  }
  throw new Error(`no ${name} section`);
}
