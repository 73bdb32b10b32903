// User APCs: queued with NtQueueApcThread, not run until the thread asks (NtTestAlert), then
// delivered one per return to user mode through KiUserApcDispatcher and NtContinue, at
// APC_LEVEL, with the interrupted code's registers intact afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, imports } from './machine.ts';
import { logThreeArguments } from './ntcalls.ts';
import { KTHREAD, KAPC } from '../../kernel/nt/layouts.ts';
import type { TraceEvent } from '../../kernel/trace/events.ts';

const PROGRAM = imports('NtQueueApcThread', 'NtTestAlert', 'NtTerminateProcess') + `
section .data
global log, logEnd, before, after
log:     times 16 dd 0                  ; what the APC routine saw: context, arg1, arg2 per call
logEnd:  dd log
before:  dd 0                           ; calls logged before NtTestAlert
after:   times 6 dd 0                   ; eax, ebx, esi, edi, ebp, esp after NtTestAlert
section .text
global start
; VOID NTAPI Routine(PVOID NormalContext, PVOID Arg1, PVOID Arg2)
routine:
${logThreeArguments('logEnd')}        mov ebx, 0xDEAD                 ; clobber a non-volatile register: NtContinue restores it
        ret 12
start:
        %assign i 1
        %rep 2
        push 0x${'B'}0 + i              ; Argument2
        push 0x${'A'}0 + i              ; Argument1
        push 0x${'C'}0 + i              ; ApcContext
        push routine
        push -2                         ; NtCurrentThread()
        call [NtQueueApcThread]
        %assign i i+1
        %endrep
        mov eax, [logEnd]
        sub eax, log
        mov [before], eax
        mov ebx, 0x11111111
        mov esi, 0x22222222
        mov edi, 0x33333333
        mov ebp, 0x44444444
        call [NtTestAlert]
        mov [after], eax
        mov [after+4], ebx
        mov [after+8], esi
        mov [after+12], edi
        mov [after+16], ebp
        mov [after+20], esp
        push 0
        push -1
        call [NtTerminateProcess]
`;

for (const syscall of ['int2e', 'sysenter'] as const) {
  test(`two user APCs: nothing until NtTestAlert, then both, in order, one per return to user mode (${syscall})`, () => {
    const m = load(PROGRAM, { syscall });
    const { process: p, thread: t } = m.program!;
    const r = m.run(200_000);
    assert.deepEqual(r, { kind: 'exited', status: 0 });
    const exe = p.modules.find(x => x.name === 'test.exe')!;
    const data = exe.base + exe.image.sections.find(s => s.name === '.data')!.rva;
    const word = (i: number) => p.vm.read32(data + 4 * i) >>> 0;
    assert.equal(word(17), 0, 'no APC ran before the thread asked');
    assert.deepEqual([0, 1, 2, 3, 4, 5].map(word), [0xC1, 0xA1, 0xB1, 0xC2, 0xA2, 0xB2], 'context and arguments, in queue order');
    const after = [18, 19, 20, 21, 22, 23].map(word);
    assert.deepEqual(after.slice(0, 5), [0, 0x11111111, 0x22222222, 0x33333333, 0x44444444], 'NtTestAlert\'s status and the registers');
    assert.equal(after[5], 0x130000, 'the stack as it was');
    const th = KTHREAD.at(m.kernel.vm, t.ethread);
    assert.equal(th.get('ApcState.ApcListHead[1].Flink'), th.addressOf('ApcState.ApcListHead[1]'), 'the list is empty again');
    assert.equal(th.get('ApcState.UserApcPending'), 0);

    const ev = m.trace!.since(0) as TraceEvent[];
    const story = ev.map(e =>
      e.kind === 'syscall-enter' ? e.name : e.kind === 'apc-queue' ? 'queue' : e.kind === 'apc-deliver' ? 'deliver' :
      e.kind === 'irql' ? `irql ${e.from}->${e.to}` : '').filter(Boolean);
    assert.deepEqual(story, [
      'NtQueueApcThread', 'queue', 'NtQueueApcThread', 'queue', 'NtTestAlert',
      'irql 0->1', 'deliver', 'irql 1->0', 'NtContinue',
      'irql 0->1', 'deliver', 'irql 1->0', 'NtContinue',
      'NtTerminateProcess',
    ]);
    const queued = ev.find(e => e.kind === 'apc-queue')!;
    assert.equal(queued.kind === 'apc-queue' && KAPC.at(m.kernel.vm, queued.apc).get('Inserted'), 0, 'delivered APCs are off the list');
  });
}
