// The system-service path, int 0x2e and sysenter: the KTRAP_FRAME at the moment the host body
// runs, the argument copy, the return to user mode, bad numbers, the win32k table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, run, thread, imports } from './machine.ts';
import { KTRAP_FRAME, KPCR, KTHREAD, KSERVICE_TABLE_DESCRIPTOR } from '../../kernel/nt/layouts.ts';
import { KIP0PCRADDRESS, USER_STACK_TOP } from '../../kernel/nt/memmap.ts';
import { NPX_FRAME_LENGTH } from '../../kernel/nt/ke/constants.ts';
import { ESP } from '../../kernel/cpu/types.ts';
import { findModule } from '../../kernel/nt/ps/loader.ts';
import { KeAddSystemServiceTable } from '../../kernel/nt/ke/servicetables.ts';
import type { ServiceCall } from '../../kernel/nt/ke/services.ts';
import type { StubForm } from '../../kernel/nt/ke/genntdll.ts';

const STATUS_INVALID_HANDLE = 0xC0000008, STATUS_INVALID_SYSTEM_SERVICE = 0xC000001C, STATUS_ACCESS_VIOLATION = 0xC0000005;
const MARK_TRAP_FRAME = 0x12345678;

// Sets recognisable registers, calls NtReadFile with nine marked arguments on a made-up
// handle, stores what the registers hold after the call, and exits with the status.
const READ_PROGRAM = imports('NtReadFile', 'NtTerminateProcess') + `
section .data
global saved
saved:  times 8 dd 0
section .text
global start
start:
        mov [saved+20], esp             ; ESP before the call
        mov ebx, 0x11111111
        mov esi, 0x22222222
        mov edi, 0x33333333
        mov ebp, 0x44444444
        push 0x99                       ; Key
        push 0x88                       ; ByteOffset
        push 0x77                       ; Length
        push 0x66                       ; Buffer
        push 0x55                       ; IoStatusBlock
        push 0x44                       ; ApcContext
        push 0x33                       ; ApcRoutine
        push 0x22                       ; Event
        push 0xBAD0                     ; FileHandle: no such handle
        call [NtReadFile]
        mov [saved], eax
        mov [saved+4], ebx
        mov [saved+8], esi
        mov [saved+12], edi
        mov [saved+16], ebp
        mov [saved+24], esp
        push eax
        push -1
        call [NtTerminateProcess]
`;

/** What the NtReadFile body saw. */
interface Seen {
  call: ServiceCall; frame: Record<string, number>; kesp: number; stack: number[]; userArgs: number[];
  thread: Record<string, number>; pcrList: number; irql: number;
}

function readCallThroughThePath(form: StubForm) {
  const m = load(READ_PROGRAM, { syscall: form });
  const k = m.kernel, vm = k.vm;
  const proc = m.program!.process, th = m.program!.thread;
  KTHREAD.at(vm, th.ethread).set('TrapFrame', MARK_TRAP_FRAME);
  const box: { seen?: Seen } = {};
  const original = m.services.setBody('NtReadFile', call => {
    const f = KTRAP_FRAME.at(vm, call.trapFrame);
    const frame = Object.fromEntries(KTRAP_FRAME.fields.map(x => [x.name, f.get(x.name as never)]));
    const kesp = k.cpu.regs[ESP] >>> 0;
    const stack = Array.from({ length: 9 }, (_, i) => vm.read32(kesp + 4 + 4 * i) >>> 0);
    // The user stack at the moment of entry: the arguments are 8 bytes up (int 0x2e: saved
    // ebp and the return address; sysenter: the two return addresses).
    const userArgs = Array.from({ length: 9 }, (_, i) => vm.read32(frame.HardwareEsp + 8 + 4 * i) >>> 0);
    const t = KTHREAD.at(vm, call.thread);
    const pcr = KPCR.at(vm, KIP0PCRADDRESS);
    box.seen = { call, frame, kesp, stack, userArgs, thread: { PreviousMode: t.get('PreviousMode'), TrapFrame: t.get('TrapFrame') }, pcrList: pcr.get('NtTib.ExceptionList'), irql: pcr.get('Irql') };
    return original!(call);
  });
  const r = m.run(100_000);
  assert.deepEqual(r, { kind: 'exited', status: STATUS_INVALID_HANDLE });
  assert.ok(box.seen, 'the host body ran');
  return { m, seen: box.seen, proc, th };
}

for (const form of ['int2e', 'sysenter'] as const) {
  test(`NtReadFile through ${form}: the KTRAP_FRAME and the copied arguments when the body runs, and the return`, () => {
    const { m, seen, proc, th } = readCallThroughThePath(form);
    const { call, frame } = seen;
    const ntdll = findModule(proc, 'ntdll.dll')!;
    const stub = ntdll.exports.get('NtReadFile')!;

    // Where the frame is: the top of the kernel stack, below the floating-point area.
    assert.equal(call.trapFrame, th.initialStack - NPX_FRAME_LENGTH - KTRAP_FRAME.size);
    assert.equal(seen.thread.TrapFrame, call.trapFrame, 'KTHREAD.TrapFrame (+0x128) = the frame');
    assert.equal(seen.thread.PreviousMode, 1, 'KTHREAD.PreviousMode (+0x137) = UserMode');
    assert.equal(call.previousMode, 1);

    // What the CPU pushed (or KiFastCallEntry faked).
    assert.equal(frame.SegCs, 0x1B);
    assert.equal(frame.HardwareSegSs, 0x23);
    assert.equal(frame.EFlags & 0x200, 0x200, 'IF was set in user mode');
    if (form === 'int2e') {
      assert.equal(frame.Eip, stub + 13, 'EIP: the pop ebp after int 0x2e');
      assert.equal(frame.Ebp, frame.HardwareEsp, 'the stub did push ebp; mov ebp, esp');
      assert.equal(frame.SegFs, 0x3B);
    } else {
      assert.equal(frame.Eip, ntdll.exports.get('KiFastSystemCallRet'), 'EIP: KiFastSystemCallRet');
      assert.equal(frame.Ebp, 0x44444444);
      assert.equal(frame.SegFs, 0x30, 'KiFastCallEntry loaded the PCR selector before the frame saved fs');
    }
    assert.deepEqual(seen.userArgs, [0xBAD0, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99]);

    // What KiSystemService pushed.
    assert.equal(frame.ErrCode, 0);
    assert.equal(frame.Ebx, 0x11111111);
    assert.equal(frame.Esi, 0x22222222);
    assert.equal(frame.Edi, 0x33333333);
    assert.equal(frame.Eax, 152, 'EAX = the service number (until the status replaces it)');
    assert.equal(frame.Edx, MARK_TRAP_FRAME, 'the Edx slot holds the old Thread->TrapFrame');
    assert.equal(frame.PreviousPreviousMode, 1, 'the old PreviousMode');
    assert.equal(frame.ExceptionList, 0xFFFFFFFF, 'the saved KPCR exception list (the end of the chain)');
    assert.equal(seen.pcrList, 0xFFFFFFFF, 'KPCR.ExceptionList set to -1 for the service');
    assert.equal(frame.SegDs, 0x23);
    assert.equal(frame.SegEs, 0x23);
    assert.equal(frame.SegGs, 0);
    assert.equal(frame.DbgEip, frame.Eip);
    assert.equal(frame.DbgEbp, frame.Ebp);
    assert.equal(seen.irql, 0, 'services run at PASSIVE_LEVEL');

    // rep movsd copied the nine arguments to the kernel stack, right below the frame.
    assert.deepEqual(seen.stack, [0xBAD0, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99]);
    assert.deepEqual([...call.args], seen.stack);
    assert.equal(seen.kesp, call.trapFrame - 9 * 4 - 4, 'ESP: the copy, then the return address into KiSystemService');

    // Back in user mode: the status in EAX, the non-volatile registers and ESP as they were.
    const exe = proc.modules.find(x => x.name === 'test.exe')!;
    const savedVa = exe.base + exe.image.sections.find(s => s.name === '.data')!.rva;
    const saved = Array.from({ length: 7 }, (_, i) => proc.vm.read32(savedVa + 4 * i) >>> 0);
    assert.equal(saved[0], STATUS_INVALID_HANDLE);
    assert.deepEqual(saved.slice(1, 5), [0x11111111, 0x22222222, 0x33333333, 0x44444444]);
    assert.equal(saved[6], saved[5], 'ESP after the call = ESP before the pushes (stdcall popped them)');
    assert.equal(saved[5], USER_STACK_TOP, 'no kernel32: the thread starts at the entry point on an empty stack');
    // The machine stopped inside NtTerminateProcess: its frame's Edx slot shows what
    // Thread->TrapFrame was after NtReadFile returned -- the old value, restored.
    const lastFrame = KTHREAD.at(m.kernel.vm, th.ethread).get('TrapFrame');
    assert.equal(lastFrame, call.trapFrame, 'the same kernel stack position for the next call');
    assert.equal(KTRAP_FRAME.at(m.kernel.vm, lastFrame).get('Edx'), MARK_TRAP_FRAME, 'the old TrapFrame restored on the way out');

    const events = m.trace!.since(0).filter(e => e.kind === 'syscall-enter' && e.name === 'NtReadFile');
    assert.equal(events.length, 1);
    assert.equal((events[0] as { path: string }).path, form);
  });
}

for (const form of ['int2e', 'sysenter'] as const) {
  test(`a service number past the native table's limit: STATUS_INVALID_SYSTEM_SERVICE (${form})`, () => {
    const entry = form === 'int2e' ? 'lea edx, [esp+4]\n int 0x2e' : 'mov edx, 0x7FFE0300\n call [edx]';
    for (const number of [232, 0xFFF]) {
      const { m, r } = run(imports('NtTerminateProcess') + `
section .text
global start
start:  mov eax, ${number}
        ${entry}
        push eax
        push -1
        call [NtTerminateProcess]
`, { syscall: form });
      assert.deepEqual(r, { kind: 'exited', status: STATUS_INVALID_SYSTEM_SERVICE }, `service ${number}`);
      const exits = m.trace!.since(0).filter(e => e.kind === 'syscall-exit');
      assert.equal(exits[0].kind === 'syscall-exit' && exits[0].statusName, 'STATUS_INVALID_SYSTEM_SERVICE');
    }
  });
}

test('an argument pointer into kernel space or an unmapped page: STATUS_ACCESS_VIOLATION, the kernel unharmed', () => {
  for (const edx of ['0x80000000', '0xFFFFFFF0', '0x00001000']) {
    const { r, m } = run(imports('NtTerminateProcess') + `
section .text
global start
start:  mov eax, 152                    ; NtReadFile: nine arguments to copy
        mov edx, ${edx}
        int 0x2e
        push eax
        push -1
        call [NtTerminateProcess]
`);
    assert.deepEqual(r, { kind: 'exited', status: STATUS_ACCESS_VIOLATION }, `edx = ${edx}`);
    assert.equal(m.kernel.stopCause?.kind, 'process-exit');
  }
});

const WIN32K_PROGRAM = imports('NtTerminateProcess') + `
section .data
global results
results: times 4 dd 0
section .text
global start
start:  push 0x1234                     ; NtUserGetThreadState(0x1234)
        mov eax, 0x1001
        lea edx, [esp]
        int 0x2e
        add esp, 4
        mov [results], eax
        mov eax, 0x1002                 ; NtUserGetTickCount()
        int 0x2e
        mov [results+4], eax
        mov eax, 0x1003                 ; past the win32k table's limit
        int 0x2e
        mov [results+8], eax
        mov eax, 18                     ; NtClose still works for a GUI thread
        push 0x4
        lea edx, [esp]
        int 0x2e
        add esp, 4
        mov [results+12], eax
        push 0
        push -1
        call [NtTerminateProcess]
`;

test('service numbers from 0x1000: the thread becomes a GUI thread and the win32k table answers', () => {
  const m = load(WIN32K_PROGRAM);
  const k = m.kernel;
  const th = thread(m);
  assert.equal(th.get('ServiceTable'), k.sym('KeServiceDescriptorTable'));
  const r = m.run(100_000);
  assert.deepEqual(r, { kind: 'exited', status: 0 });
  assert.equal(KTHREAD.at(k.vm, m.program!.thread.ethread).get('ServiceTable'), k.sym('KeServiceDescriptorTableShadow'), 'converted');
  const exe = m.program!.process.modules.find(x => x.name === 'test.exe')!;
  const at = exe.base + exe.image.sections.find(s => s.name === '.data')!.rva;
  const res = Array.from({ length: 4 }, (_, i) => m.program!.process.vm.read32(at + 4 * i) >>> 0);
  assert.equal(res[0], 0x1234, 'the argument was copied through the second table\'s SSPT');
  assert.ok(res[1] >= 0 && res[1] < 10, `tick count ${res[1]}`);
  assert.equal(res[2], STATUS_INVALID_SYSTEM_SERVICE);
  assert.equal(res[3], 0, 'NtClose(console handle) through the Shadow table\'s native slot');
  const names = m.trace!.since(0).filter(e => e.kind === 'syscall-exit').map(e => e.kind === 'syscall-exit' ? e.name : '');
  assert.deepEqual(names.slice(0, 4), ['NtUserGetThreadState', 'NtUserGetTickCount', '', 'NtClose']);
});

test('KeAddSystemServiceTable: the Shadow slot 1 holds win32k, only there; taken slots are refused', () => {
  const m = load(WIN32K_PROGRAM);
  const k = m.kernel;
  const slot = (t: string, i: number) => KSERVICE_TABLE_DESCRIPTOR.at(k.vm, k.sym(t) + 0x10 * i);
  assert.notEqual(slot('KeServiceDescriptorTableShadow', 1).get('Base'), 0);
  assert.equal(slot('KeServiceDescriptorTableShadow', 1).get('Limit'), 3);
  assert.equal(slot('KeServiceDescriptorTable', 1).get('Base'), 0, 'non-GUI threads do not see it');
  assert.equal(slot('KeServiceDescriptorTable', 0).get('Limit'), 232);
  assert.equal(KeAddSystemServiceTable(k, 0x80400000, 0, 1, 0x80400100, 1), false, 'slot 1 is taken');
  assert.equal(KeAddSystemServiceTable(k, 0x80400000, 0, 1, 0x80400100, 0), false, 'slot 0 is taken');
  assert.equal(KeAddSystemServiceTable(k, 0x80400000, 0, 1, 0x80400100, 4), false, 'only four slots');
  assert.equal(KeAddSystemServiceTable(k, 0x80400000, 0, 1, 0x80400100, 2), true);
  assert.equal(slot('KeServiceDescriptorTable', 2).get('Base'), 0x80400000, 'slots other than 1 go in both tables');
});

test('services without a host body return STATUS_NOT_IMPLEMENTED, and the trace says so', () => {
  const { r, m } = run(imports('NtYieldExecution', 'NtAddAtom', 'NtTerminateProcess') + `
section .text
global start
start:  push 0
        push 0
        push 0
        call [NtAddAtom]
        push eax
        push -1
        call [NtTerminateProcess]
`);
  assert.deepEqual(r, { kind: 'exited', status: 0xC0000002 });
  const exit = m.trace!.since(0).find(e => e.kind === 'syscall-exit' && e.name === 'NtAddAtom');
  assert.ok(exit && exit.kind === 'syscall-exit' && !exit.implemented && exit.statusName === 'STATUS_NOT_IMPLEMENTED');
});
