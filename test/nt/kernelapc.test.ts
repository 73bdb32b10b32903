// Kernel-mode APCs: queued by host code to a thread, run at APC_LEVEL in that thread's
// context as soon as its IRQL drops below APC_LEVEL -- for the current thread, right after
// the system service that queued it; for another thread, when SwapContext gives it the CPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, imports } from './machine.ts';
import { queueKernelApc } from '../../kernel/nt/ke/apc.ts';
import { KAPC, KPCR } from '../../kernel/nt/layouts.ts';
import { KIP0PCRADDRESS } from '../../kernel/nt/memmap.ts';
import type { TraceEvent } from '../../kernel/trace/events.ts';

const CLOSE_TWICE = imports('NtClose', 'NtTerminateProcess') + `
section .text
global start
start:  push 4
        call [NtClose]
        push 8
        call [NtClose]
        push 0
        push -1
        call [NtTerminateProcess]
`;

test('a kernel APC queued during a system call runs at APC_LEVEL when the service returns', () => {
  const m = load(CLOSE_TWICE);
  const ran: { thread: number; irql: number; apc: number }[] = [];
  let queued = 0;
  const close = m.services.setBody('NtClose', call => {
    if (!queued) queued = queueKernelApc(call.kernel, call.thread, (k, apc) => {
      ran.push({ thread: k.currentThread(), irql: KPCR.at(k.vm, KIP0PCRADDRESS).get('Irql'), apc });
    }, 0x11, 0x22);
    return close!(call);
  });
  assert.deepEqual(m.run(100_000), { kind: 'exited', status: 0 });
  assert.deepEqual(ran, [{ thread: m.program!.thread.ethread, irql: 1, apc: queued }]);
  assert.equal(KAPC.at(m.kernel.vm, queued).get('SystemArgument1'), 0x11);
  assert.equal(KAPC.at(m.kernel.vm, queued).get('KernelRoutine'), m.kernel.sym('KiHostKernelApcRoutine'));
  const story = (m.trace!.since(0) as TraceEvent[]).map(e =>
    e.kind === 'syscall-enter' ? e.name : e.kind === 'syscall-exit' ? 'exit' : e.kind === 'apc-queue' ? `queue ${e.mode}` :
    e.kind === 'apc-deliver' ? `deliver ${e.mode}` : e.kind === 'irql' ? `irql ${e.from}->${e.to}` : '').filter(Boolean);
  assert.deepEqual(story.slice(0, 7), ['NtClose', 'queue 0', 'exit', 'irql 0->1', 'deliver 0', 'irql 1->0', 'NtClose']);
});

test('a kernel APC for another thread runs when that thread gets the CPU, in its context', () => {
  const m = load(imports('NtCreateThread', 'NtTerminateThread', 'NtYieldExecution', 'NtTerminateProcess') + `
section .data
initteb:  dd 0, 0, stackTop, stack, stack
context:  times 0x2CC db 0
hThread:  dd 0
section .bss
stack:    resb 0x4000
stackTop:
section .text
global start
start:  mov dword [context + 0xB8], worker
        mov dword [context + 0xC4], stackTop
        push 0
        push initteb
        push context
        push 0
        push -1
        push 0
        push 0
        push hThread
        call [NtCreateThread]
        call [NtYieldExecution]         ; let the worker run
        push 0
        push -1
        call [NtTerminateProcess]
worker: push 0
        push -2
        call [NtTerminateThread]
`);
  const k = m.kernel;
  const ran: number[] = [];
  let worker = 0;
  const create = m.services.setBody('NtCreateThread', call => {
    const status = create!(call);
    worker = k.processes[0].threads[1];
    queueKernelApc(k, worker, kk => { ran.push(kk.currentThread()); });
    return status;
  });
  assert.deepEqual(m.run(100_000), { kind: 'exited', status: 0 });
  assert.ok(worker);
  assert.deepEqual(ran, [worker], 'ran once, in the worker');
});
