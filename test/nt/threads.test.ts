// Threads and the clock: two threads of one process preempted by the clock interrupt at
// quantum end (the switch is SwapContext, in guest code, from the DISPATCH_LEVEL software
// interrupt the clock requested), NtDelayExecution with the idle thread running meanwhile,
// waiting for a thread to end, and an alertable wait ended by a user APC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, imports } from './machine.ts';
import { KTHREAD, KUSER_SHARED_DATA } from '../../kernel/nt/layouts.ts';
import { KI_USER_SHARED_DATA } from '../../kernel/nt/memmap.ts';
import type { TraceEvent } from '../../kernel/trace/events.ts';
import { createHandle } from '../../kernel/nt/ob/handle.ts';
import { THREAD_ALL_ACCESS } from '../../kernel/nt/ob/access.ts';

/** A program whose main thread starts `worker` with NtCreateThread (its stack in .bss),
 *  then runs `main`; the worker runs `worker` and ends with NtTerminateThread. */
function twoThreads(main: string, worker: string, extraData = '') {
  return imports('NtCreateThread', 'NtTerminateThread', 'NtWaitForSingleObject', 'NtTerminateProcess',
    'NtDelayExecution', 'NtQueueApcThread', 'NtTestAlert') + `
section .data
global hThread
hThread:  dd 0
cid:      dd 0, 0
initteb:  dd 0, 0, stackTop, stack, stack  ; INITIAL_TEB: StackBase, StackLimit
context:  times 0x2CC db 0                 ; CONTEXT: Eip at 0xB8, Esp at 0xC4
mainCount: dd 0
workerCount: dd 0
${extraData}
section .bss
stack:    resb 0x4000
stackTop:
section .text
global start
start:
        mov dword [context + 0xB8], workerStart
        mov dword [context + 0xC4], stackTop
        push 0                          ; CreateSuspended
        push initteb
        push context
        push cid
        push -1                         ; NtCurrentProcess()
        push 0
        push 0x1F03FF                   ; THREAD_ALL_ACCESS
        push hThread
        call [NtCreateThread]
        test eax, eax
        jnz fail
${main}
        push 0
        push -1
        call [NtTerminateProcess]
fail:   push eax
        push -1
        call [NtTerminateProcess]
workerStart:
${worker}
        push 0x77
        push -2                         ; NtCurrentThread()
        call [NtTerminateThread]
`;
}

const SPIN = (counter: string, n: number) => `
        mov ecx, ${n}
.spin${counter}:
        inc dword [${counter}]
        dec ecx
        jnz .spin${counter}`;

const WAIT_FOR_WORKER = `
        push 0                          ; no timeout
        push 0                          ; not alertable
        push dword [hThread]
        call [NtWaitForSingleObject]
        test eax, eax
        jnz fail`;

function dataWord(m: ReturnType<typeof load>, name: string): number {
  const p = m.program!.process;
  const exe = p.modules.find(x => x.name === 'test.exe')!;
  const data = exe.base + exe.image.sections.find(s => s.name === '.data')!.rva;
  const offsets: Record<string, number> = { hThread: 0, mainCount: 4 + 8 + 20 + 0x2CC, workerCount: 4 + 8 + 20 + 0x2CC + 4, flag: 4 + 8 + 20 + 0x2CC + 8 };
  return p.vm.read32(data + offsets[name]) >>> 0;
}

test('two threads share the CPU: the clock preempts each at quantum end, round robin', () => {
  const N = 1_500_000;   // 4 instructions per round: ~6M instructions each, several quanta
  const m = load(twoThreads(SPIN('mainCount', N) + WAIT_FOR_WORKER, SPIN('workerCount', N)), { trace: 100_000 });
  const r = m.run(100_000_000);
  assert.deepEqual(r, { kind: 'exited', status: 0 }, m.notices.join(''));
  assert.equal(dataWord(m, 'mainCount'), N);
  assert.equal(dataWord(m, 'workerCount'), N);
  const ev = m.trace!.since(0, 100_000) as TraceEvent[];
  const main = m.program!.thread.ethread;
  const switches = ev.filter(e => e.kind === 'context-switch') as Extract<TraceEvent, { kind: 'context-switch' }>[];
  const ticks = ev.filter(e => e.kind === 'interrupt' && e.vector === 0x30).length;
  assert.ok(ticks >= 6, `${ticks} clock interrupts`);
  // Preemption: the CPU went main -> worker -> main -> worker while both still had work.
  const preemptions = switches.filter(s => s.from !== m.kernel.pcr().get('PrcbData.IdleThread'));
  assert.ok(preemptions.length >= 4, `${preemptions.length} switches`);
  assert.equal(preemptions[0].from, main);
  assert.equal(preemptions[1].to, main);
  // Each switch happened inside the clock interrupt's DISPATCH_LEVEL software interrupt.
  const i = ev.indexOf(preemptions[0]);
  const before = ev.slice(0, i).reverse();
  assert.equal(before.find(e => e.kind === 'irql')?.kind === 'irql' && (before.find(e => e.kind === 'irql') as { to: number }).to, 2, 'at DISPATCH_LEVEL');
  assert.ok(before.findIndex(e => e.kind === 'interrupt') < before.findIndex(e => e.kind === 'syscall-enter'), 'after a clock interrupt, not a system call');
  const tick = KUSER_SHARED_DATA.at(m.kernel.vm, KI_USER_SHARED_DATA).get('TickCountLow');
  assert.equal(tick, ticks, 'KeUpdateSystemTime counted every tick');
});

test('NtDelayExecution: the thread sleeps, the other runs, then the idle thread, until the clock wakes it', () => {
  const delay = (ms: number) => `
        push delayInterval${ms}
        push 0                          ; not alertable
        call [NtDelayExecution]`;
  const m = load(twoThreads(delay(50) + `
        mov eax, [workerCount]
        mov [flag], eax                 ; what the worker had done when main woke
` + WAIT_FOR_WORKER, SPIN('workerCount', 1000) + delay(20),
  'flag: dd 0\ndelayInterval50: dq -500000\ndelayInterval20: dq -200000'), { trace: 100_000 });
  const r = m.run(100_000_000);
  assert.deepEqual(r, { kind: 'exited', status: 0 }, m.notices.join(''));
  assert.equal(dataWord(m, 'flag'), 1000, 'the worker ran while main slept');
  const ev = m.trace!.since(0, 100_000) as TraceEvent[];
  const idle = m.kernel.pcr().get('PrcbData.IdleThread');
  assert.ok(ev.some(e => e.kind === 'context-switch' && e.to === idle), 'the idle thread ran when both slept');
  // The sleep ends through the clock's DPC: queued in the interrupt at CLOCK_LEVEL, run at
  // DISPATCH_LEVEL when the IRQL comes down, then the switch to the woken thread (the
  // worker's 20 ms are up first).
  const story = ev.map(e =>
    e.kind === 'interrupt' ? 'clock' : e.kind === 'dpc-queue' ? 'dpc-queue' : e.kind === 'dpc-run' ? 'dpc-run' :
    e.kind === 'irql' ? `irql ${e.from}->${e.to}` : e.kind === 'context-switch' ? `switch to ${e.to === m.program!.thread.ethread ? 'main' : e.to === idle ? 'idle' : 'worker'}` : '')
    .filter(Boolean);
  const at = story.indexOf('dpc-queue');
  assert.deepEqual(story.slice(at - 2, at + 6), ['irql 0->28', 'clock', 'dpc-queue', 'irql 28->0', 'irql 0->2', 'dpc-run', 'switch to worker', 'irql 2->0']);
  const ms = KUSER_SHARED_DATA.at(m.kernel.vm, KI_USER_SHARED_DATA).get('TickCountLow') * 10;
  assert.ok(ms >= 50 && ms <= 80, `${ms} ms of machine time`);
  assert.ok(m.cpu.icount < 20_000_000, 'time jumped while halted: the idle loop did not execute millions of instructions');
});

test('an alertable wait ends with STATUS_USER_APC when another thread queues an APC to it', () => {
  const m = load(twoThreads(`
        push 0                          ; no timeout
        push 1                          ; alertable
        push -2                         ; wait for ourselves: never signalled
        call [NtWaitForSingleObject]
        mov [flag], eax
` + WAIT_FOR_WORKER, `
        push 0
        push 0
        push 0x5A                       ; ApcContext
        push apcRoutine
        push dword [hMain]
        call [NtQueueApcThread]`, `flag: dd 0\nhMain: dd 0`).replace('section .text\nglobal start\nstart:', `section .text
global start
apcRoutine:
        mov eax, [esp+4]
        mov [mainCount], eax
        ret 12
start:`), { trace: 100_000 });
  // The worker needs a handle to the main thread: give it one in the process's table.
  const p = m.program!.process;
  const h = createHandle(m.kernel, p.eprocess, m.program!.thread.ethread, THREAD_ALL_ACCESS);
  const exe = p.modules.find(x => x.name === 'test.exe')!;
  const data = exe.base + exe.image.sections.find(s => s.name === '.data')!.rva;
  p.vm.write32(data + 4 + 8 + 20 + 0x2CC + 12, h);
  const r = m.run(10_000_000);
  assert.deepEqual(r, { kind: 'exited', status: 0 }, m.notices.join(''));
  assert.equal(dataWord(m, 'flag'), 0xC0, 'STATUS_USER_APC');
  assert.equal(dataWord(m, 'mainCount'), 0x5A, 'the APC ran in the main thread, with its context');
  assert.equal(KTHREAD.at(m.kernel.vm, m.program!.thread.ethread).get('ApcState.UserApcPending'), 0);
});
