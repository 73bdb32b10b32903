// User-mode exceptions reach the process: KiDispatchException copies the EXCEPTION_RECORD
// and CONTEXT to the user stack, ntdll!KiUserExceptionDispatcher walks the SEH chain at
// fs:0, and a handler that returns ExceptionContinueExecution resumes the (changed)
// CONTEXT through NtContinue; ExceptionContinueSearch passes it on; nobody: the process ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, imports } from './machine.ts';
import type { TraceEvent } from '../../kernel/trace/events.ts';

const ContinueExecution = 0, ContinueSearch = 1;

/** Two nested SEH frames around a faulting instruction; each handler gives its answer (and
 *  one that handles it resumes at `resume`). What they saw goes to `log` for the test. */
const PROGRAM = (inner: number, fault: string, outer = ContinueExecution) => imports('NtTerminateProcess') + `
%define INNER_ANSWER ${inner}
%define OUTER_ANSWER ${outer}
section .data
global log
log:    times 8 dd 0                    ; [0] inner calls [1] outer calls [2] code [3] address
                                        ; [4] info[0] (write?) [5] info[1] (where) [6] ebx after
section .text
global start
inner:  inc dword [log]
%if INNER_ANSWER == ${ContinueExecution}
        mov eax, [esp+12]               ; handled here: resume past the fault
        mov dword [eax+0xB8], resume
%endif
        mov eax, INNER_ANSWER
        ret
outer:  inc dword [log+4]
        mov eax, [esp+4]                ; EXCEPTION_RECORD
        mov ecx, [eax]                  ; ExceptionCode
        mov [log+8], ecx
        mov ecx, [eax+0x0C]             ; ExceptionAddress
        mov [log+12], ecx
        mov ecx, [eax+0x14]             ; ExceptionInformation[0]
        mov [log+16], ecx
        mov ecx, [eax+0x18]             ; ExceptionInformation[1]
        mov [log+20], ecx
%if OUTER_ANSWER == ${ContinueExecution}
        mov eax, [esp+12]               ; CONTEXT
        mov dword [eax+0xB8], resume    ; Eip: past the fault
%endif
        mov eax, OUTER_ANSWER
        ret
start:  push outer                      ; EXCEPTION_REGISTRATION_RECORD { Next, Handler }
        push dword [fs:0]
        mov [fs:0], esp
        push inner
        push dword [fs:0]
        mov [fs:0], esp
        mov ebx, 0x1234B                ; a register the CONTEXT must bring back
faultAt:
        ${fault}
resume: mov [log+24], ebx
        mov eax, [esp]                  ; unlink both frames
        mov eax, [eax]
        mov [fs:0], eax
        add esp, 16
        push 0
        push -1
        call [NtTerminateProcess]
`;

function logOf(m: ReturnType<typeof run>['m']): number[] {
  const p = m.program!.process;
  const exe = p.modules.find(x => x.name === 'test.exe')!;
  const at = exe.base + exe.image.sections.find(s => s.name === '.data')!.rva;
  return Array.from({ length: 7 }, (_, i) => p.vm.read32(at + 4 * i) >>> 0);
}

test('a write to NULL goes to the handlers: the inner one passes, the outer one resumes the program', () => {
  const { m, r } = run(PROGRAM(ContinueSearch, 'mov dword [0], 1'));
  assert.deepEqual(r, { kind: 'exited', status: 0 }, m.notices.join(''));
  const [innerCalls, outerCalls, code, address, write, where, ebx] = logOf(m);
  assert.equal(innerCalls, 1);
  assert.equal(outerCalls, 1);
  assert.equal(code, 0xC0000005);
  const exe = m.program!.process.modules.find(x => x.name === 'test.exe')!;
  const text = exe.image.sections.find(s => s.name === '.text')!;
  assert.ok(address >= exe.base + text.rva && address < exe.base + text.rva + text.virtualSize, 'the faulting instruction');
  assert.equal(write, 1, 'a write');
  assert.equal(where, 0, 'to address 0');
  assert.equal(ebx, 0x1234B, 'NtContinue restored the CONTEXT');
  assert.equal(m.notices.join(''), '', 'handled: no message');
  const calls = (m.trace!.since(0) as TraceEvent[]).filter(e => e.kind === 'syscall-enter').map(e => e.kind === 'syscall-enter' ? e.name : '');
  assert.deepEqual(calls, ['NtContinue', 'NtTerminateProcess']);
});

test('the first handler may take it: the outer one is not asked', () => {
  const { m, r } = run(PROGRAM(ContinueExecution, 'ud2'));
  assert.deepEqual(r, { kind: 'exited', status: 0 }, m.notices.join(''));
  const [innerCalls, outerCalls, , , , , ebx] = logOf(m);
  assert.deepEqual([innerCalls, outerCalls, ebx], [1, 0, 0x1234B]);
});

test('no handler wants it: a second chance, and the process ends with the code', () => {
  const { m, r } = run(PROGRAM(ContinueSearch, 'int3', ContinueSearch));
  assert.deepEqual(r, { kind: 'exited', status: 0x80000003 });
  const [innerCalls, outerCalls, code] = logOf(m);
  assert.deepEqual([innerCalls, outerCalls, code], [1, 1, 0x80000003]);
  assert.match(m.notices.join(''), /test\.exe: Unhandled exception 0x80000003 \(STATUS_BREAKPOINT\) at 0x/);
  const calls = (m.trace!.since(0) as TraceEvent[]).filter(e => e.kind === 'syscall-enter').map(e => e.kind === 'syscall-enter' ? e.name : '');
  assert.deepEqual(calls, ['NtRaiseException']);
});
