// `npm run bench:syscall`: round trips per second of a trivial service (NtTestAlert) through
// the whole int 0x2e path and the whole sysenter path (ntdll stub, KiSystemService, the SSDT
// thunk and its host body, KiServiceExit), tracing off (and once with the trace on, for its
// cost); beside a native 32-bit Linux loop of
// getppid through `int 0x80` and through the vDSO (sysenter), and qemu-i386 running the
// int 0x80 loop, measured in the same run. Last line: `syscall: int2e <n>/s, sysenter <n>/s`.
import { Machine } from '../kernel/machine.ts';
import type { StubForm } from '../kernel/nt/ke/genntdll.ts';
import { buildElf, runElf, available, type Runner } from './native.ts';
import type { Workload } from './workloads.ts';

const CALLS = Number(process.env.BENCH_SYSCALL_CALLS ?? 1_000_000);
const NATIVE_CALLS = 2_000_000;
const SYS_getppid = 64;
const AT_SYSINFO = 32;

function guestLoop(n: number): string {
  return `
import NtTestAlert ntdll.dll
import NtTerminateProcess ntdll.dll
extern NtTestAlert, NtTerminateProcess
section .text
global start
start:  mov ebx, ${n}
.loop:  call [NtTestAlert]
        dec ebx
        jnz .loop
        push 0
        push -1
        call [NtTerminateProcess]
`;
}

function emulate(form: StubForm, n: number, traced = false): number {
  const m = new Machine({ syscall: form, trace: traced ? 65536 : false });
  m.startSource('bench.asm', guestLoop(n));
  const t0 = process.hrtime.bigint();
  const r = m.run(n * 1000);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.kind !== 'exited' || r.status !== 0) throw new Error(`the benchmark program did not finish: ${JSON.stringify(r)}`);
  return n / seconds;
}

/** getppid `passes` times through int 0x80. */
const INT80: Workload = {
  name: 'A',
  body: `
.l: mov eax, ${SYS_getppid}
    int 0x80
    dec edi
    jnz .l`,
  instructions: n => 4 * n,
};

/** getppid through the vDSO's __kernel_vsyscall (sysenter), found in the aux vector. */
const VDSO: Workload = {
  name: 'B',
  body: `
    mov esi, esp
    mov eax, [esi]                  ; argc
    lea esi, [esi + eax*4 + 8]      ; past argv[] and its NULL
.env: lodsd                         ; past envp[] and its NULL
    test eax, eax
    jnz .env
.aux: mov eax, [esi]
    mov ebx, [esi+4]
    add esi, 8
    cmp eax, ${AT_SYSINFO}
    je .go
    test eax, eax
    jnz .aux
    mov eax, 1                      ; no vDSO: exit(1)
    mov ebx, 1
    int 0x80
.go: mov esi, ebx
.l: mov eax, ${SYS_getppid}
    call esi
    dec edi
    jnz .l`,
  instructions: n => 4 * n,
};

function native(runner: Runner, w: Workload): number | null {
  if (!available(runner)) return null;
  try {
    return NATIVE_CALLS / runElf(runner, buildElf(w, NATIVE_CALLS));
  } catch {
    return null;
  }
}

const fmt = (x: number | null) => x === null ? 'n/a' : `${Math.round(x).toLocaleString('en-US')}/s`;

emulate('int2e', CALLS / 10);          // warm the JIT and the code cache
emulate('sysenter', CALLS / 10);
const int2e = emulate('int2e', CALLS);
const sysenter = emulate('sysenter', CALLS);
const traced = emulate('int2e', CALLS, true);
const nativeInt80 = native('native', INT80);
const nativeVdso = native('native', VDSO);
const qemu = native('qemu-i386', INT80);
console.log(`NtTestAlert round trips, ${CALLS.toLocaleString('en-US')} calls each, tracing off`);
console.log(`  ntlab int 0x2e : ${fmt(int2e)}`);
console.log(`  ntlab sysenter : ${fmt(sysenter)}`);
console.log(`  ntlab int 0x2e, trace on (ring of 65,536 events): ${fmt(traced)} (${(int2e / traced).toFixed(2)}x slower)`);
console.log(`  native int 0x80 (getppid)      : ${fmt(nativeInt80)}`);
console.log(`  native vDSO sysenter (getppid) : ${fmt(nativeVdso)}`);
console.log(`  qemu-i386 int 0x80 (getppid)   : ${fmt(qemu)}`);
if (nativeInt80) console.log(`  ratio ntlab int2e / native int 0x80: ${(int2e / nativeInt80).toFixed(2)}`);
if (qemu) console.log(`  ratio ntlab int2e / qemu-i386 int 0x80: ${(int2e / qemu).toFixed(2)}`);
console.log(`syscall: int2e ${Math.round(int2e)}/s, sysenter ${Math.round(sysenter)}/s`);
