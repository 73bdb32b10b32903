// CPU exceptions: a fault in user mode ends the process with the exception's NTSTATUS; a
// fault in kernel mode is a bug check the machine shows and stops on; DPL-3 gates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, load, imports } from './machine.ts';
import { KTHREAD, KPCR } from '../../kernel/nt/layouts.ts';
import { KIP0PCRADDRESS } from '../../kernel/nt/memmap.ts';

const exitWith = (code: string) => imports('NtTerminateProcess') + `
section .text
global start
start:  ${code}
        push 0x600D
        push -1
        call [NtTerminateProcess]
`;

test('user-mode faults end the process with the exception code, and say where', () => {
  const cases: [string, number][] = [
    ['mov eax, [0]', 0xC0000005],                 // #PF: STATUS_ACCESS_VIOLATION
    ['mov dword [0x80100000], 1', 0xC0000005],    // #PF on a supervisor page
    ['int 0x40', 0xC0000005],                     // #GP: a DPL-0 gate from ring 3
    ['cli', 0xC0000096],                          // #GP: STATUS_PRIVILEGED_INSTRUCTION
    ['ud2', 0xC000001D],                          // #UD: STATUS_ILLEGAL_INSTRUCTION
    ['int3', 0x80000003],                         // #BP: STATUS_BREAKPOINT
    ['xor ecx, ecx\n div ecx', 0xC0000094],       // #DE: STATUS_INTEGER_DIVIDE_BY_ZERO
    ['int 0x2c', 0xC0000420],                     // KiRaiseAssertion
  ];
  for (const [code, status] of cases) {
    const { m, r } = run(exitWith(code));
    assert.deepEqual(r, { kind: 'exited', status }, code);
    const ex = m.trace!.since(0).find(e => e.kind === 'exception');
    assert.ok(ex && ex.kind === 'exception' && ex.previousMode === 1 && ex.code === status, code);
    assert.match(m.notices.join(''), /test\.exe: /, code);
  }
  const { m } = run(exitWith('mov eax, [0x1234]'));
  assert.match(m.notices.join(''), /referenced memory at 0x00001234\. The memory could not be read/);
});

test('int 0x2d (debug service) and int 0x2a (tick count) are allowed from ring 3', () => {
  const { r } = run(exitWith('int 0x2d\n int 0x2a\n int 0x2b'));
  assert.deepEqual(r, { kind: 'exited', status: 0x600D });
});

test('a fault in kernel mode is a bug check, shown, and the host carries on', () => {
  const m = load(exitWith('mov eax, 18\n lea edx, [esp]\n int 0x2e'));
  KTHREAD.at(m.kernel.vm, m.program!.thread.ethread).set('ServiceTable', 0x00001000); // unmapped
  const r = m.run(100_000);
  assert.equal(r.kind, 'bugcheck');
  assert.equal(r.kind === 'bugcheck' && r.code, 0x1E);
  assert.equal(r.kind === 'bugcheck' && r.params[0], 0xC0000005);
  assert.match(m.notices.join(''), /\*\*\* STOP: 0x0000001E .*\nKMODE_EXCEPTION_NOT_HANDLED/);
  assert.deepEqual(m.run(1000), r, 'a stopped machine stays stopped');
});

test('returning from a service above PASSIVE_LEVEL: bug check 0x4A IRQL_GT_ZERO_AT_SYSTEM_SERVICE', () => {
  const m = load(exitWith('push 4\n mov eax, 18\n lea edx, [esp]\n int 0x2e'));
  m.services.setBody('NtClose', ({ kernel }) => { KPCR.at(kernel.vm, KIP0PCRADDRESS).set('Irql', 2); return 0; });
  const r = m.run(100_000);
  assert.equal(r.kind === 'bugcheck' && r.code, 0x4A);
  assert.equal(r.kind === 'bugcheck' && r.params[0], 2, 'the IRQL');
});

test('a host body that throws is a bug check, not a host crash', () => {
  const m = load(exitWith('push 4\n mov eax, 18\n lea edx, [esp]\n int 0x2e'));
  m.services.setBody('NtClose', () => { throw new Error('bug in a service body'); });
  const r = m.run(100_000);
  assert.equal(r.kind, 'bugcheck');
  assert.match(m.notices.join(''), /bug in a service body/);
});
