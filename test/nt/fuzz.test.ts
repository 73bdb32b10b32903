// A system-call fuzzer: a ring-3 program makes 100,000 calls with random service numbers
// (valid, past the limit, in the win32k range, any 32-bit value) and random arguments
// (random pointers included), alternating int 0x2e and sysenter, and sometimes passing a
// random argument pointer in EDX. The kernel must stay healthy: its tables untouched, the
// per-thread and per-processor state back to rest after every call, and the program
// running to its end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, imports } from './machine.ts';
import { KTHREAD, KPCR, KSERVICE_TABLE_DESCRIPTOR } from '../../kernel/nt/layouts.ts';
import { KIP0PCRADDRESS, kseg0, PHYS_GDT, PHYS_IDT } from '../../kernel/nt/memmap.ts';
import { nativeServices } from '../../kernel/nt/ke/sysfuncs.ts';
import { createHash } from 'node:crypto';

/** The accessed bit of a descriptor's access byte. */
const ACCESSED = 1;

const CALLS = Number(process.env.NTLAB_SYSCALL_FUZZ_CALLS ?? 100_000);
const SEED = Number(process.env.NTLAB_FUZZ_SEED ?? 0x5EED);

/** Seeds for the guest's additive lagged-Fibonacci generator x[n] = x[n-24] + x[n-55]
 *  (additions only, so the guest needs nothing but add and mov). */
function seeds(seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: 55 }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s; });
}

const by = new Map(nativeServices().map(s => [s.name, s.number]));
/** Services that would end the test rather than test the kernel. */
// Waits are left out too: a random wait on an event the fuzzer itself created (unsignalled,
// no timeout) blocks forever, which is right, not a kernel fault.
const SKIP = [by.get('NtTerminateProcess')!, by.get('NtTerminateThread')!, by.get('NtContinue')!,
  by.get('NtWaitForSingleObject')!, by.get('NtWaitForMultipleObjects')!];

const FUZZER = (n: number, seed: number) => imports('NtTerminateProcess') + `
section .data
lf:     dd ${seeds(seed).join(', ')}
j:      dd 23                           ; x[n-24] index
k:      dd 54                           ; x[n-55] index
done:   dd 0
section .text
global start
; eax = the next random dword
next:   mov ecx, [j]
        mov edx, [k]
        mov eax, [lf + ecx*4]
        add eax, [lf + edx*4]
        mov [lf + edx*4], eax
        dec ecx
        jns .j
        mov ecx, 54
.j:     mov [j], ecx
        dec edx
        jns .k
        mov edx, 54
.k:     mov [k], edx
        ret

start:  mov esi, ${n}
.call:  mov edi, esp                    ; the stack to come back to
        mov ebx, 9
.arg:   call next                       ; nine random arguments
        push eax
        dec ebx
        jnz .arg
        call next                       ; the service number: mostly small
        mov ebx, eax
        and ebx, 3
        jz .any                         ; 1 in 4: any 32-bit value
        and eax, 0x10FF                 ; else 0-0xFF (232 valid) or 0x1000-0x10FF (win32k)
.any:   mov ebx, eax
        and ebx, 0xFFF
        test eax, 0x1000
        jnz .ok
${SKIP.map(s => `        cmp ebx, ${s}\n        je .skip\n`).join('')}
.ok:    push eax
        call next
        mov ebx, eax
        pop eax
        test bl, 4                      ; 1 in 8 (with bl & 8): a random argument pointer
        jz .stack
        test bl, 8
        jz .stack
        mov edx, ebx
        jmp .int2e
.stack: test bl, 1
        jz .sysenter
        mov edx, esp
.int2e: int 0x2e
        jmp .back
.sysenter:
        push .back                      ; as a stub would have it: [edx] and [edx+4] return
        push .back                      ; addresses, the arguments above them
        mov edx, 0x7FFE0300
        call [edx]
.back:
.skip:  mov esp, edi
        dec esi
        jnz .call
        mov dword [done], 1
        push 0
        push -1
        call [NtTerminateProcess]
`;

/** Another process that must keep running beside the fuzzer and finish its work. */
const BYSTANDER = `
import ExitProcess kernel32.dll
import GetStdHandle kernel32.dll
import WriteFile kernel32.dll
extern ExitProcess, GetStdHandle, WriteFile
section .data
msg:     db "still here", 13, 10
written: dd 0
section .text
global start
start:  mov ecx, 3000000
.spin:  dec ecx
        jnz .spin
        push -11
        call [GetStdHandle]
        push 0
        push written
        push 12
        push msg
        push eax
        call [WriteFile]
        push 0x42
        call [ExitProcess]
`;

test(`syscall fuzzer: ${CALLS} random calls leave the kernel healthy and another process running`, t => {
  const m = load(FUZZER(CALLS, SEED), { syscall: 'sysenter', trace: 1 });
  const bystander = m.startSource('bystander.asm', BYSTANDER);
  const k = m.kernel, vm = k.vm;
  const th = KTHREAD.at(vm, m.program!.thread.ethread);
  const digest = (b: Uint8Array) => createHash('sha256').update(b).digest('hex').slice(0, 16);
  const gdt = () => {
    const b = vm.readBytes(kseg0(PHYS_GDT), 0x40);
    for (let i = 5; i < b.length; i += 8) b[i] &= ~ACCESSED;   // the CPU marks loaded segments
    return b;
  };
  const snapshot = () => ({
    gdt: digest(gdt()),
    idt: digest(vm.readBytes(kseg0(PHYS_IDT), 0x800)),
    ssdt: digest(vm.readBytes(k.sym('MainSSDT'), 232 * 4)),
    sspt: digest(vm.readBytes(k.sym('MainSSPT'), 232)),
    kernelText: digest(vm.readBytes(k.sym('KiSystemService'), 0x1000)),
  });
  const before = snapshot();
  const t0 = performance.now();
  const r = m.run(CALLS * 2000);
  const ms = performance.now() - t0;
  // (a capacity-1 ring still counts the events that went through it)
  t.diagnostic(`${CALLS} calls in ${ms.toFixed(0)} ms, ${m.trace!.total} trace events`);
  assert.deepEqual(r, { kind: 'exited', status: 0 }, m.notices.join(''));
  assert.equal(bystander.process.exitStatus, 0x42, 'the other process ran to its end');
  assert.equal(m.outputText.endsWith('still here\r\n'), true);
  const exe = m.program!.process.modules.find(x => x.name === 'test.exe')!;
  const data = exe.base + exe.image.sections.find(s => s.name === '.data')!.rva;
  assert.equal(m.program!.process.vm.read32(data + 55 * 4 + 8), 1, 'the fuzzer ran to its end');

  // The kernel's own consistency checks.
  assert.deepEqual(snapshot(), before, 'GDT, IDT, SSDT, SSPT and kernel code untouched');
  const pcr = KPCR.at(vm, KIP0PCRADDRESS);
  assert.equal(pcr.get('Irql'), 0);
  assert.ok([m.program!.thread.ethread, bystander.thread.ethread].includes(pcr.get('PrcbData.CurrentThread')));
  assert.ok([k.sym('KeServiceDescriptorTable'), k.sym('KeServiceDescriptorTableShadow')].includes(th.get('ServiceTable')));
  const native = KSERVICE_TABLE_DESCRIPTOR.at(vm, k.sym('KeServiceDescriptorTable'));
  assert.equal(native.get('Limit'), 232);
  assert.equal(native.get('Base'), k.sym('MainSSDT'));
  for (const i of [0, 1]) {
    const head = th.addressOf(`ApcState.ApcListHead[${i}]`);
    const flink = th.get(`ApcState.ApcListHead[${i}].Flink`), blink = th.get(`ApcState.ApcListHead[${i}].Blink`);
    assert.ok((flink === head) === (blink === head), 'APC list head consistent');
  }
});
