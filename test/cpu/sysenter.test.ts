// The fast system-call pair and its MSRs, from the SDM vol. 2 (RDMSR, WRMSR, SYSENTER,
// SYSEXIT) and vol. 3, 5.8.7; and NT's use of it (KiFastSystemCall / KiFastCallEntry).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cpu } from '../../kernel/cpu/cpu.ts';
import { IF, CS, SS, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP } from '../../kernel/cpu/types.ts';
import { makeCpu, enterRing3, lastException, CODE, USTACK_TOP } from './fixture.ts';
import { place, stack, peek32, HANDLERS } from './pmode.ts';

const GP = 13;
const KERNEL_ESP = 0x8c00;

/** Programs the three MSRs from the host (the guest way is tested below). */
function setMsrs(c: Cpu, cs: number, esp: number, eip: number): void {
  c.sysenterCs = cs; c.sysenterEsp = esp; c.sysenterEip = eip;
}

test('wrmsr and rdmsr move IA32_SYSENTER_CS/ESP/EIP through EDX:EAX, ECX naming the MSR (SDM WRMSR, RDMSR)', () => {
  const c = makeCpu();
  place(c, CODE, `
    xor edx, edx
    mov ecx, ${MSR_SYSENTER_CS}
    mov eax, 0x08
    wrmsr
    mov ecx, ${MSR_SYSENTER_ESP}
    mov eax, ${KERNEL_ESP}
    wrmsr
    mov ecx, ${MSR_SYSENTER_EIP}
    mov eax, ${HANDLERS}
    wrmsr
    mov ecx, ${MSR_SYSENTER_ESP}
    mov edx, -1
    rdmsr
    mov ebx, eax
    mov esi, edx
    hlt`);
  c.eip = CODE;
  c.run(100);
  assert.deepEqual([c.sysenterCs, c.sysenterEsp, c.sysenterEip], [0x08, KERNEL_ESP, HANDLERS]);
  assert.deepEqual([c.regs[3], c.regs[6]], [KERNEL_ESP, 0], 'rdmsr: EAX low half, EDX high half (0)');
});

test('rdmsr and wrmsr at CPL 3 raise #GP(0); so does an MSR the CPU does not have (SDM RDMSR, WRMSR)', () => {
  for (const insn of ['rdmsr', 'wrmsr']) {
    const c = makeCpu();
    place(c, CODE, `mov ecx, ${MSR_SYSENTER_CS}\n ${insn}`);
    enterRing3(c, CODE);
    c.run(100);
    assert.equal(lastException(c)?.vector, GP, insn);
    assert.equal(stack(c, 1)[0], 0);
  }
  const c = makeCpu();
  place(c, CODE, 'mov ecx, 0x12345\n rdmsr');
  c.eip = CODE;
  c.run(100);
  assert.equal(lastException(c)?.vector, GP);
});

test('sysenter: CS = SYSENTER_CS (RPL cleared), SS = CS + 8, ESP and EIP from the MSRs, CPL 0, IF cleared (SDM SYSENTER)', () => {
  const c = makeCpu();
  setMsrs(c, 0x0b, KERNEL_ESP, HANDLERS);
  place(c, HANDLERS, 'jmp $');
  place(c, CODE, 'sysenter');
  enterRing3(c, CODE);
  c.flags.set(IF | 0x2);
  c.run(10);
  assert.equal(lastException(c), null);
  assert.deepEqual([c.seg[CS], c.seg[SS], c.regs[4], c.eip, c.cpl], [0x08, 0x10, KERNEL_ESP, HANDLERS, 0]);
  assert.equal(c.eflags & IF, 0);
  assert.equal(peek32(c, KERNEL_ESP - 4), 0, 'nothing is pushed');
});

test('sysexit: CS = SYSENTER_CS + 16 | 3, SS = SYSENTER_CS + 24 | 3, EIP = EDX, ESP = ECX, CPL 3 (SDM SYSEXIT)', () => {
  const c = makeCpu();
  setMsrs(c, 0x08, KERNEL_ESP, HANDLERS);
  place(c, CODE + 0x100, 'jmp $');
  place(c, CODE, `mov edx, ${CODE + 0x100}\n mov ecx, ${USTACK_TOP - 16}\n sysexit`);
  c.eip = CODE;
  c.run(10);
  assert.equal(lastException(c), null);
  assert.deepEqual([c.seg[CS], c.seg[SS], c.regs[4], c.eip, c.cpl], [0x1b, 0x23, USTACK_TOP - 16, CODE + 0x100, 3]);
});

test('sysenter with SYSENTER_CS = 0 raises #GP(0); sysexit too, and at CPL 3 (SDM SYSENTER, SYSEXIT)', () => {
  const enter = makeCpu();
  place(enter, CODE, 'sysenter');
  enterRing3(enter, CODE);
  enter.run(10);
  assert.equal(lastException(enter)?.vector, GP);
  assert.deepEqual(stack(enter, 2), [0, CODE]);
  const exit0 = makeCpu();
  place(exit0, CODE, 'sysexit');
  exit0.eip = CODE;
  exit0.run(10);
  assert.equal(lastException(exit0)?.vector, GP);
  const exit3 = makeCpu();
  setMsrs(exit3, 0x08, KERNEL_ESP, HANDLERS);
  place(exit3, CODE, 'sysexit');
  enterRing3(exit3, CODE);
  exit3.run(10);
  assert.equal(lastException(exit3)?.vector, GP);
  assert.equal(stack(exit3, 1)[0], 0);
});

test('the NT fast system call: ntdll stub -> KiFastSystemCall (mov edx, esp; sysenter) -> KiFastCallEntry reads the arguments at [edx+8] -> sti; sysexit -> KiFastSystemCallRet (ret)', () => {
  const SHARED_SYSTEM_CALL = 0x7300; // KUSER_SHARED_DATA.SystemCall, in NT at 0x7FFE0300
  const c = makeCpu();
  setMsrs(c, 0x08, KERNEL_ESP, HANDLERS);
  const user = place(c, CODE, `
    push 0x1111              ; second argument
    push 0x2222              ; first argument
    call NtTest
    mov ebx, esp
    jmp $
  NtTest:                    ; what genntdll makes of a two-argument service
    mov eax, 0x42
    mov edx, ${SHARED_SYSTEM_CALL}
    call [edx]
    ret 8
  KiFastSystemCall:
    mov edx, esp
    sysenter
  KiFastSystemCallRet:
    ret`);
  // The stub addresses, found in the bytes: sysenter is 0F 34.
  const sysenterAt = user.findIndex((b, i) => b === 0x0f && user[i + 1] === 0x34);
  const kiFastSystemCall = CODE + sysenterAt - 2, kiFastSystemCallRet = CODE + sysenterAt + 2;
  c.mem.write32(SHARED_SYSTEM_CALL, kiFastSystemCall);
  place(c, HANDLERS, `
    ; KiFastCallEntry: ring 0, ESP from the MSR, IF clear, EDX = the user stack
    pushfd
    pop dword [0x7000]
    mov [0x7004], cs
    mov [0x7008], esp
    mov [0x700c], eax           ; the service number
    mov esi, [edx+8]            ; the arguments, above two return addresses
    mov edi, [edx+12]
    lea eax, [esi+edi]          ; the "service"
    mov ecx, edx                ; sysexit: ESP = ECX
    mov edx, ${kiFastSystemCallRet}   ; EIP = EDX (NT reads it from KUSER_SHARED_DATA)
    sti
    sysexit`);
  enterRing3(c, CODE);
  c.flags.set(IF | 0x2);
  c.run(1000);
  assert.equal(lastException(c), null);
  assert.equal(c.regs[0], 0x3333, 'the result came back in EAX');
  assert.equal(c.regs[3], USTACK_TOP, 'ret 8 balanced the stack');
  assert.equal(c.cpl, 3);
  assert.equal(c.eflags & IF, IF, 'sti before sysexit: interrupts on again in user mode');
  assert.equal(peek32(c, 0x7000) & IF, 0, 'the kernel entry ran with IF clear');
  assert.equal(peek32(c, 0x7004) & 0xffff, 0x08);
  assert.equal(peek32(c, 0x7008), KERNEL_ESP);
  assert.equal(peek32(c, 0x700c), 0x42);
});
