// NtSuspendThread / NtResumeThread (kernel/nt/ke/suspend.ts): the counts they return, a
// thread created suspended not running until its last resume, a running thread stopped by
// its suspend APC, and a waiting thread suspended whose wait goes on afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './machine.ts';
import { nt, save, program, results } from './ntcalls.ts';
import { THREAD_SERVICES, THREAD_DATA, spawn, exitThread, join, sleep30 } from './threadprog.ts';
import { KTHREAD } from '../../kernel/nt/layouts.ts';

const SERVICES = [...THREAD_SERVICES, 'NtSuspendThread', 'NtResumeThread'];
const DATA = THREAD_DATA + 'prev: dd 0\ncounter: dd 0\nwaitStatus: dd 0xFFFFFFFF\n';
const suspend = (h: string | number) => nt('NtSuspendThread', h, 'prev');
const resume = (h: string | number) => nt('NtResumeThread', h, 'prev');
/** Status into slot i, the previous count into slot i + 1. */
const saveBoth = (i: number) => save(i) + `        mov eax, [prev]\n        mov [r+${4 * (i + 1)}], eax\n`;
const readCounter = (i: number) => `        mov eax, [counter]\n        mov [r+${4 * i}], eax\n`;

test('CREATE_SUSPENDED: counts 1 -> 2 -> 1 -> 0; the thread runs only after the last resume', () => {
  const ran = run(program(SERVICES, DATA, `
        jmp main
worker:
        mov dword [counter], 1
${exitThread(0x77)}
main:
${spawn(0, 'worker', 1)}${save(0)}${suspend('dword [h0]')}${saveBoth(1)}${resume('dword [h0]')}${saveBoth(3)}${sleep30()}${readCounter(5)}${resume('dword [h0]')}${saveBoth(6)}${join(0)}${readCounter(8)}${resume('dword [h0]')}${saveBoth(9)}${suspend('dword [h0]')}${save(11)}${suspend(0x1234)}${save(12)}`), {}, 20_000_000);
  assert.deepEqual(ran.r, { kind: 'exited', status: 0 }, ran.m.notices.join(''));
  const r = results(ran);
  assert.equal(r[0], 0, 'NtCreateThread(CreateSuspended)');
  assert.deepEqual([r[1], r[2]], [0, 1], 'suspend: STATUS_SUCCESS, previous count 1');
  assert.deepEqual([r[3], r[4]], [0, 2], 'resume: previous count 2');
  assert.equal(r[5], 0, 'still suspended (count 1) after 30 ms: the worker has not run');
  assert.deepEqual([r[6], r[7]], [0, 1], 'the last resume');
  assert.equal(r[8], 1, 'then it ran');
  assert.deepEqual([r[9], r[10]], [0, 0], 'resuming a thread that is not suspended: previous count 0');
  assert.equal(r[11], 0xC000004B, 'an ended thread: STATUS_THREAD_IS_TERMINATING');
  assert.equal(r[12], 0xC0000008, 'a bad handle: STATUS_INVALID_HANDLE');
});

test('a running thread suspended stops (its suspend APC waits on its semaphore) and goes on when resumed', () => {
  const ran = run(program(SERVICES, DATA, `
        jmp main
worker:
        inc dword [counter]
        jmp worker
main:
${spawn(0, 'worker')}${sleep30()}${suspend('dword [h0]')}${saveBoth(0)}${readCounter(2)}${sleep30()}${readCounter(3)}${resume('dword [h0]')}${saveBoth(4)}${sleep30()}${readCounter(6)}
` + nt('NtTerminateThread', 'dword [h0]', 0)), { trace: 100_000 }, 50_000_000);
  assert.deepEqual(ran.r, { kind: 'exited', status: 0 }, ran.m.notices.join(''));
  const r = results(ran);
  assert.deepEqual([r[0], r[1]], [0, 0]);
  assert.ok(r[2] > 0, 'the worker ran before it was suspended');
  assert.equal(r[3], r[2], 'not one more increment while suspended (main slept 30 ms)');
  assert.deepEqual([r[4], r[5]], [0, 1]);
  assert.ok(r[6] > r[3], 'it runs again once resumed');
  // The stop was the thread's own doing: its suspend APC (the KAPC inside its KTHREAD) ran.
  const worker = ran.m.kernel.processes[0].threads[1];
  const suspendApc = worker + KTHREAD.off.SuspendApc;
  assert.ok(ran.m.trace!.since(0, 100_000).some(e => e.kind === 'apc-deliver' && e.apc === suspendApc));
});

test('a waiting thread suspended: its wait is interrupted by the APC, then goes on, and returns its own status', () => {
  const ran = run(program(SERVICES, DATA, `
        jmp main
worker:
${sleep30()}        mov [waitStatus], eax
        mov dword [counter], 1
${exitThread()}
main:
${spawn(0, 'worker')}` + nt('NtDelayExecution', 0, 'wait1') + `${suspend('dword [h0]')}${save(0)}${sleep30()}${sleep30()}${readCounter(1)}${resume('dword [h0]')}${join(0)}${readCounter(2)}
        mov eax, [waitStatus]
        mov [r+12], eax
`).replace('wait30: dq -300000', 'wait30: dq -300000\nwait1: dq -10000'), { trace: 100_000 }, 50_000_000);
  assert.deepEqual(ran.r, { kind: 'exited', status: 0 }, ran.m.notices.join(''));
  const r = results(ran);
  assert.equal(r[0], 0);
  assert.equal(r[1], 0, 'its 30 ms were up while it was suspended, yet it did not go on');
  assert.equal(r[2], 1, 'resumed, it finished');
  assert.equal(r[3], 0, 'its NtDelayExecution returned STATUS_SUCCESS, not the suspension\'s status');
  const worker = ran.m.kernel.processes[0].threads[1];
  const ev = ran.m.trace!.since(0, 100_000);
  const delivered = ev.findIndex(e => e.kind === 'apc-deliver' && e.apc === worker + KTHREAD.off.SuspendApc);
  assert.ok(delivered > 0, 'the suspend APC ran');
  // main's 1 ms sleep is the first NtDelayExecution, the worker's 30 ms the second
  const delays = ev.flatMap((e, i) => e.kind === 'syscall-enter' && e.name === 'NtDelayExecution' ? [i] : []);
  assert.ok(delays[1] < delivered, 'in the middle of the worker\'s NtDelayExecution');
});

test('a thread suspending itself stops inside NtSuspendThread and returns from it when another resumes it; a suspended thread can be terminated', () => {
  const ran = run(program(SERVICES, DATA, `
        jmp main
worker:
${nt('NtSuspendThread', -2, 'r+40')}        mov [waitStatus], eax
        mov dword [counter], 1
${exitThread()}
sleeper:
${suspend(-2)}${exitThread()}
main:
${spawn(0, 'worker')}${sleep30()}${readCounter(0)}${resume('dword [h0]')}${saveBoth(1)}${join(0)}${readCounter(3)}
        mov eax, [waitStatus]
        mov [r+16], eax
${spawn(1, 'sleeper')}${sleep30()}` + nt('NtTerminateThread', 'dword [h1]', 0x55) + `${save(5)}${join(1)}${save(6)}`), {}, 50_000_000);
  assert.deepEqual(ran.r, { kind: 'exited', status: 0 }, ran.m.notices.join(''));
  const r = results(ran);
  assert.equal(r[0], 0, 'suspended: it has not gone on after 30 ms');
  assert.deepEqual([r[1], r[2]], [0, 1], 'main resumed it: previous count 1');
  assert.equal(r[3], 1, 'then it went on');
  assert.equal(r[4], 0, 'its NtSuspendThread returned STATUS_SUCCESS');
  assert.equal(r[10], 0, 'with previous count 0');
  assert.deepEqual([r[5], r[6]], [0, 0], 'terminating a suspended thread ends it (the wait for it returns)');
});
