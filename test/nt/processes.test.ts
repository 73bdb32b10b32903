// Several processes: each in its own address space, scheduled by the clock; a user-mode
// fault ends only the process that made it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boot } from './machine.ts';
import type { TraceEvent } from '../../kernel/trace/events.ts';

const K32 = (name: string, body: string) => `
import ExitProcess kernel32.dll
import GetStdHandle kernel32.dll
import WriteFile kernel32.dll
extern ExitProcess, GetStdHandle, WriteFile
section .data
msg:     db "${name} done", 13, 10
written: dd 0
shared:  dd 0                           ; same address in both programs, different memory
section .text
global start
start:
${body}
        push -11
        call [GetStdHandle]
        push 0
        push written
        push ${name.length + 7}
        push msg
        push eax
        call [WriteFile]
        push 7
        call [ExitProcess]
`;

const SPIN = (n: number, tag: number) => `
        mov ecx, ${n}
.spin:  mov dword [shared], ${tag}
        cmp dword [shared], ${tag}      ; another process writing "shared" would show here
        jne .broken
        dec ecx
        jnz .spin
        jmp .done
.broken: mov eax, [0]
.done:`;

test('two processes share the CPU; a #PF in one ends only that one', () => {
  const m = boot();
  const a = m.startSource('a.asm', K32('A', SPIN(1_000_000, 0xA) + '\n        mov eax, [0x10]       ; the fault'));
  const b = m.startSource('b.asm', K32('B', SPIN(2_000_000, 0xB)));
  const r = m.run(200_000_000);
  assert.deepEqual(r, { kind: 'exited', status: 0xC0000005 }, 'the run\'s status is the first program\'s');
  assert.equal(a.process.exitStatus, 0xC0000005);
  assert.equal(b.process.exitStatus, 7, 'B ran to its end');
  assert.equal(m.outputText, 'B done\r\n');
  assert.match(m.notices.join(''), /a\.exe: The instruction at 0x[0-9A-F]+ referenced memory at 0x00000010/);
  assert.notEqual(a.process.pd, b.process.pd, 'two address spaces');
  const ev = m.trace!.since(0, 100_000) as TraceEvent[];
  const switches = ev.filter(e => e.kind === 'context-switch') as Extract<TraceEvent, { kind: 'context-switch' }>[];
  assert.ok(switches.some(s => s.from === a.thread.ethread && s.to === b.thread.ethread), 'A preempted for B');
  assert.ok(switches.some(s => s.from === b.thread.ethread && s.to === a.thread.ethread), 'B preempted for A');
  const exits = ev.filter(e => e.kind === 'process-exit').map(e => e.kind === 'process-exit' ? e.process : 0);
  assert.deepEqual(exits, [a.process.eprocess, b.process.eprocess]);
});
