// Priorities (KiSetPriorityThread & co., kernel/nt/ke/priority.ts), run for real: a thread
// raised above the running one takes the CPU at once and keeps it to its end; a ready
// thread moved to a higher queue runs before one queued earlier; the running thread
// lowered below ready ones gives the CPU up. (Round robin at equal priority:
// threads.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './machine.ts';
import { nt, save, program, results } from './ntcalls.ts';
import { THREAD_SERVICES, THREAD_DATA, spawn, mark, spin, exitThread, join } from './threadprog.ts';
import { KTHREAD } from '../../kernel/nt/layouts.ts';
import { findReadyThread } from '../../kernel/nt/ke/scheduler.ts';
import { setPriorityThread } from '../../kernel/nt/ke/priority.ts';

const SERVICES = [...THREAD_SERVICES, 'NtSetInformationThread'];
const ThreadPriority = 2;
const setPriority = (handle: string | number, value: string) => nt('NtSetInformationThread', handle, ThreadPriority, value, 4);
const DATA = THREAD_DATA + 'prio1: dd 1\nprio10: dd 10\nprio12: dd 12\n';

test('a thread raised above the running one preempts it and runs to its end before the lower one runs again', () => {
  const ran = run(program(SERVICES, DATA, `
        jmp main
worker:
${spin('w', 5)}${mark(1)}${exitThread()}
main:
${spawn(0, 'worker')}${save(0)}${mark(2)}${setPriority('dword [h0]', 'prio10')}${save(3)}${mark(4)}${join(0)}`), {}, 50_000_000);
  assert.deepEqual(ran.r, { kind: 'exited', status: 0 }, ran.m.notices.join(''));
  const r = results(ran);
  assert.equal(r[0], 0, 'NtCreateThread');
  assert.equal(r[3], 0, 'NtSetInformationThread');
  // main marked 2 before raising the worker; the worker's whole spin (several quanta: the
  // clock ended its quantum again and again, and main, lower, was never chosen) came before
  // main's next mark.
  assert.deepEqual([r[2], r[1], r[4]], [1, 2, 3]);
  const switches = ran.m.trace!.since(0, 10_000).filter(e => e.kind === 'context-switch');
  assert.equal(switches[0].kind === 'context-switch' && switches[0].to, ran.m.kernel.processes[0].threads[1], 'the first switch is to the raised worker');
});

test('a ready thread moved to a higher queue runs before one queued earlier; lowering the running thread gives the CPU up', () => {
  const ran = run(program(SERVICES, DATA, `
        jmp main
workerA:
${mark(1)}${exitThread()}
workerB:
${mark(2)}${exitThread()}
main:
${setPriority(-2, 'prio12')}${save(4)}${spawn(0, 'workerA')}${spawn(1, 'workerB')}${setPriority('dword [h1]', 'prio10')}${save(5)}${mark(3)}${setPriority(-2, 'prio1')}${save(6)}${mark(7)}${join(0)}${join(1)}`), {}, 5_000_000);
  assert.deepEqual(ran.r, { kind: 'exited', status: 0 }, ran.m.notices.join(''));
  const r = results(ran);
  assert.deepEqual([r[4], r[5], r[6]], [0, 0, 0]);
  // main (12) ran on after moving B (8 -> 10, below main): its mark came first; lowered to
  // 1 it gave the CPU to B (10), then A (8), and marked last.
  assert.deepEqual([r[3], r[2], r[1], r[7]], [1, 2, 3, 4]);
});

test('host view: KiSetPriorityThread moves a ready thread between the ready queues and KiReadySummary', () => {
  // Stop main right after it created A and B (both ready at 8), then move B by hand.
  const ran = run(program(SERVICES, DATA, `
        jmp main
workerA:
${exitThread()}
workerB:
${exitThread()}
main:
${setPriority(-2, 'prio12')}${spawn(0, 'workerA')}${spawn(1, 'workerB')}
        hlt_here: jmp hlt_here
`), {}, 2_000_000);
  assert.equal(ran.r.kind, 'budget');
  const k = ran.m.kernel;
  const [, a, b] = k.processes[0].threads;
  const summary = () => k.vm.read32(k.sym('KiReadySummary')) >>> 0;
  assert.equal(summary() & (1 << 8), 1 << 8);
  setPriorityThread(k, b, 11);
  assert.equal(KTHREAD.at(k.vm, b).get('Priority'), 11);
  assert.equal(summary() & ((1 << 8) | (1 << 11)), (1 << 8) | (1 << 11), 'both queues have a thread');
  assert.equal(findReadyThread(k), b, 'the higher queue first');
  assert.equal(findReadyThread(k), a);
  assert.equal(summary() & ((1 << 8) | (1 << 11)), 0, 'both queues empty again');
});
