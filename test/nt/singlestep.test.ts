// The article's walk, one instruction at a time: from the ntdll stub of NtReadFile through
// int 0x2e (or sysenter) into KiSystemService, the table lookup, the argument copy, the
// SSDT thunk, KiServiceExit and iret (or sysexit) back to ring 3 -- every step guest code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, imports } from './machine.ts';
import { findModule } from '../../kernel/nt/ps/loader.ts';
import { KTRAP_FRAME, KTHREAD } from '../../kernel/nt/layouts.ts';
import { EAX, EBP, ESP } from '../../kernel/cpu/types.ts';
import type { Machine } from '../../kernel/machine.ts';

const PROGRAM = imports('NtReadFile', 'NtTerminateProcess') + `
section .text
global start
start:  push 9
        push 8
        push 7
        push 6
        push 5
        push 4
        push 3
        push 2
        push 0xBAD0                     ; no such handle: STATUS_INVALID_HANDLE
        call [NtReadFile]
        push eax
        push -1
        call [NtTerminateProcess]
`;

/** The kernel label an address belongs to (the nearest global one at or below it). */
function labeller(m: Machine): (eip: number) => string {
  const labels = [...m.kernel.image.symbols].filter(([n]) => !n.includes('.') && /^[A-Z]/.test(n))
    .sort((a, b) => a[1] - b[1]);
  return eip => {
    let best = '?';
    for (const [n, a] of labels) { if (a <= eip) best = n; else break; }
    return best;
  };
}

for (const form of ['int2e', 'sysenter'] as const) {
  test(`single-stepping NtReadFile through ${form}, from the stub to the return to ring 3`, t => {
    const m = load(PROGRAM, { syscall: form });
    const k = m.kernel, p = m.program!.process;
    const ntdll = findModule(p, 'ntdll.dll')!;
    const stub = ntdll.exports.get('NtReadFile')!;
    m.cpu.breakpoints.add(stub);
    assert.deepEqual(m.run(10_000), { kind: 'breakpoint', eip: stub });
    m.cpu.breakpoints.clear();

    const label = labeller(m);
    const path: string[] = [];
    let kernelSteps = 0, lastKernelEip = 0, atThunk: Record<string, number> | null = null;
    const thunk = k.sym('NtReadFile');
    for (let i = 0; i < 1000; i++) {
      const wasKernel = m.cpu.cpl === 0;
      if (!wasKernel && kernelSteps > 0) break;          // back in ring 3
      if (wasKernel) {
        kernelSteps++;
        lastKernelEip = m.cpu.eip >>> 0;
        const l = label(lastKernelEip);
        if (path[path.length - 1] !== l) path.push(l);
        if (lastKernelEip === thunk) {
          // The moment of `call` through the SSDT: the frame is complete, the arguments copied.
          const f = KTRAP_FRAME.at(k.vm, m.cpu.regs[EBP]);
          atThunk = Object.fromEntries(KTRAP_FRAME.fields.map(x => [x.name, f.get(x.name as never)]));
          atThunk.args0 = k.vm.read32(m.cpu.regs[ESP] + 4);
          atThunk.args8 = k.vm.read32(m.cpu.regs[ESP] + 4 + 32);
          atThunk.previousMode = KTHREAD.at(k.vm, k.currentThread()).get('PreviousMode');
          atThunk.trapFrame = KTHREAD.at(k.vm, k.currentThread()).get('TrapFrame');
          atThunk.ebp = m.cpu.regs[EBP] >>> 0;
        }
      }
      assert.equal(m.step(), null);
    }
    t.diagnostic(`${form}: ${kernelSteps} instructions in ring 0: ${path.join(' > ')}`);

    const expected = form === 'int2e'
      ? ['KiSystemService', 'KiSystemServiceRepeat', 'KiSystemServiceCopyArguments', 'NtReadFile', 'KiSystemServiceCopyArguments', 'KeReturnFromSystemCall', 'KiServiceExit']
      : ['KiFastCallEntry', 'KiSystemService', 'KiSystemServiceRepeat', 'KiSystemServiceCopyArguments', 'NtReadFile', 'KiSystemServiceCopyArguments', 'KeReturnFromSystemCall', 'KiServiceExit'];
    assert.deepEqual(path, expected);
    const lastBytes = Array.from(k.vm.readBytes(lastKernelEip, 2));
    if (form === 'int2e') assert.equal(lastBytes[0], 0xCF, 'left by iretd');
    else assert.deepEqual(lastBytes, [0x0F, 0x35], 'left by sysexit');

    assert.ok(atThunk, 'stepped through the SSDT thunk');
    assert.equal(atThunk.SegCs, 0x1B);
    assert.equal(atThunk.HardwareSegSs, 0x23);
    assert.equal(atThunk.Eax, 152);
    assert.equal(atThunk.previousMode, 1);
    assert.equal(atThunk.trapFrame, atThunk.ebp, 'Thread->TrapFrame is the frame');
    assert.equal(atThunk.args0, 0xBAD0);
    assert.equal(atThunk.args8, 9);
    assert.equal(atThunk.ExceptionList, 0xFFFFFFFF);

    // Back in ring 3, in ntdll: the status in EAX.
    assert.equal(m.cpu.cpl, 3);
    assert.equal(m.cpu.regs[EAX] >>> 0, 0xC0000008);
    assert.equal(m.cpu.eip >>> 0, form === 'int2e' ? stub + 13 : ntdll.exports.get('KiFastSystemCallRet'));
  });
}
