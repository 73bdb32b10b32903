// NtQueryInformationThread / NtSetInformationThread / NtQueryInformationProcess /
// NtSetInformationProcess (kernel/nt/ps/threadinfo.ts, processinfo.ts): what the classes
// return, and NT's statuses for a wrong class, a wrong length, a value out of range, a bad
// handle and a handle without the access.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from './machine.ts';
import { nt, save, program, results } from './ntcalls.ts';
import { THREAD_SERVICES, THREAD_DATA, spawn, exitThread, join } from './threadprog.ts';
import { KTHREAD } from '../../kernel/nt/layouts.ts';
import { createHandle } from '../../kernel/nt/ob/handle.ts';
import { SYNCHRONIZE } from '../../kernel/nt/ob/access.ts';

const SERVICES = [...THREAD_SERVICES, 'NtQueryInformationThread', 'NtSetInformationThread', 'NtQueryInformationProcess', 'NtSetInformationProcess'];
const STATUS = { SUCCESS: 0, INVALID_INFO_CLASS: 0xC0000003, INFO_LENGTH_MISMATCH: 0xC0000004, INVALID_HANDLE: 0xC0000008, INVALID_PARAMETER: 0xC000000D, ACCESS_DENIED: 0xC0000022, ACCESS_VIOLATION: 0xC0000005 };
const [Basic, Times, Priority, BasePriority, Affinity, ZeroTls] = [0, 1, 2, 3, 4, 10];
const DATA = THREAD_DATA + `tbi: times 8 dd 0
pbi: times 8 dd 0
times_: times 8 dd 0
retLen: dd 0
pcls: db 0, 0
v: dd 0
`;

const queryThread = (h: string | number, cls: number, buf: string | number, len: number) => nt('NtQueryInformationThread', h, cls, buf, len, 'retLen');
const queryProcess = (h: string | number, cls: number, buf: string, len: number) => nt('NtQueryInformationProcess', h, cls, buf, len, 'retLen');
/** NtSetInformationThread with `value` in [v]. */
const setThread = (h: string | number, cls: number, value: number, len = 4) =>
  `        mov dword [v], ${value}\n` + nt('NtSetInformationThread', h, cls, 'v', len);
const setProcess = (cls: number, value: number) => `        mov dword [v], ${value}\n` + nt('NtSetInformationProcess', -1, cls, 'v', 4);
const copy = (from: string, slot: number) => `        mov eax, [${from}]\n        mov [r+${4 * slot}], eax\n`;

/** Result slot 63 holds, before the run, a handle to the main thread with SYNCHRONIZE only
 *  (what a wait needs, not a query). */
const WEAK_SLOT = 63;
function runInfo(code: string) {
  const m = load(program(SERVICES, DATA, code, 64));
  const p = m.program!.process;
  const exe = p.modules.find(x => x.name === 'test.exe')!;
  const dataAt = exe.base + exe.image.sections.find(s => s.name === '.data')!.rva;
  p.vm.write32(dataAt + 4 * WEAK_SLOT, createHandle(m.kernel, p.eprocess, m.program!.thread.ethread, SYNCHRONIZE));
  return { m, p };
}

test('ThreadBasicInformation of the current thread, and the query statuses', () => {
  const { m, p } = runInfo(`
${queryThread(-2, Basic, 'tbi', 0x1C)}${save(0)}${copy('retLen', 1)}${[0, 1, 2, 3, 4, 5, 6].map(i => copy(`tbi + ${4 * i}`, 2 + i)).join('')}
${queryThread(-2, Basic, 'tbi', 0x18)}${save(10)}
${queryThread(-2, 99, 'tbi', 0x1C)}${save(11)}
${queryThread(0x1234, Basic, 'tbi', 0x1C)}${save(12)}
${queryThread(`dword [r+${4 * WEAK_SLOT}]`, Basic, 'tbi', 0x1C)}${save(13)}
${queryThread(-2, Basic, 0x10, 0x1C)}${save(14)}
${queryThread(-2, Times, 'times_', 0x20)}${save(15)}
`);
  const res = m.run(5_000_000);
  assert.deepEqual(res, { kind: 'exited', status: 0 }, m.notices.join(''));
  const r = results({ m, r: res }, 64);
  const t = KTHREAD.at(m.kernel.vm, m.program!.thread.ethread);
  assert.equal(r[0], STATUS.SUCCESS);
  assert.equal(r[1], 0x1C, 'ReturnLength');
  assert.deepEqual(r.slice(2, 9), [0x103, t.get('Teb'), p.pid, r[5], 1, 8, 0], 'ExitStatus STATUS_PENDING, TEB, ClientId, affinity 1, priority 8, base increment 0');
  assert.equal(r[10], STATUS.INFO_LENGTH_MISMATCH);
  assert.equal(r[11], STATUS.INVALID_INFO_CLASS);
  assert.equal(r[12], STATUS.INVALID_HANDLE);
  assert.equal(r[13], STATUS.ACCESS_DENIED, 'a handle without THREAD_QUERY_INFORMATION');
  assert.equal(r[14], STATUS.ACCESS_VIOLATION, 'the buffer is probed');
  assert.equal(r[15], STATUS.SUCCESS, 'ThreadTimes');
});

test('NtSetInformationThread: priorities, base increments with saturation, affinity, TLS cell, and the errors', () => {
  const { m } = runInfo(`
${setThread(-2, Priority, 12)}${save(0)}${queryThread(-2, Basic, 'tbi', 0x1C)}${copy('tbi + 20', 1)}${copy('tbi + 24', 2)}
${setThread(-2, Priority, 0)}${save(3)}
${setThread(-2, Priority, 32)}${save(4)}
${setThread(-2, Priority, 12, 2)}${save(5)}
${setThread(-2, BasePriority, 2)}${save(6)}${queryThread(-2, Basic, 'tbi', 0x1C)}${copy('tbi + 20', 7)}${copy('tbi + 24', 8)}
${setThread(-2, BasePriority, 3)}${save(9)}
${setThread(-2, BasePriority, 16)}${save(10)}${queryThread(-2, Basic, 'tbi', 0x1C)}${copy('tbi + 20', 11)}${copy('tbi + 24', 12)}
${setThread(-2, BasePriority, -16)}${save(13)}${queryThread(-2, Basic, 'tbi', 0x1C)}${copy('tbi + 20', 14)}${copy('tbi + 24', 15)}
${setThread(-2, BasePriority, 0)}${save(16)}
${setThread(-2, Affinity, 2)}${save(17)}
${setThread(-2, Affinity, 0)}${save(18)}
${setThread(-2, Affinity, 1)}${save(19)}
        mov dword [fs:0xE10 + 4 * 3], 0x55     ; TEB.TlsSlots[3]
${setThread(-2, ZeroTls, 3)}${save(20)}        mov eax, [fs:0xE10 + 4 * 3]
        mov [r+4*21], eax
${setThread(-2, ZeroTls, 64)}${save(22)}
${setThread(-2, Basic, 0)}${save(23)}
${setThread(0x1234, Priority, 9)}${save(24)}
`);
  const res = m.run(5_000_000);
  assert.deepEqual(res, { kind: 'exited', status: 0 }, m.notices.join(''));
  const r = results({ m, r: res }, 64);
  assert.deepEqual(r.slice(0, 3), [0, 12, 4], 'ThreadPriority 12: priority 12, base 12 = process base 8 + 4');
  assert.deepEqual(r.slice(3, 6), [STATUS.INVALID_PARAMETER, STATUS.INVALID_PARAMETER, STATUS.INFO_LENGTH_MISMATCH]);
  assert.deepEqual(r.slice(6, 9), [0, 10, 2], 'ThreadBasePriority +2: 10');
  assert.equal(r[9], STATUS.INVALID_PARAMETER, '+3 is out of range');
  assert.deepEqual(r.slice(10, 13), [0, 15, 16], '+16 saturates to 15 (TIME_CRITICAL) and reads back as 16');
  assert.deepEqual(r.slice(13, 16), [0, 1, -16 >>> 0], '-16 saturates to 1 (IDLE)');
  assert.equal(r[16], 0);
  assert.deepEqual(r.slice(17, 20), [STATUS.INVALID_PARAMETER, STATUS.INVALID_PARAMETER, 0], 'affinity: CPU 0 only');
  assert.deepEqual(r.slice(20, 23), [0, 0, STATUS.INVALID_PARAMETER], 'ThreadZeroTlsCell');
  assert.equal(r[23], STATUS.INVALID_INFO_CLASS);
  assert.equal(r[24], STATUS.INVALID_HANDLE);
});

test('ProcessBasicInformation; ProcessBasePriority moves every thread with it; an ended thread\'s exit status', () => {
  const { m, p } = runInfo(`
        jmp main
worker:
${exitThread(0x77)}
main:
${queryProcess(-1, 0, 'pbi', 0x18)}${save(0)}${[0, 1, 2, 3, 4, 5].map(i => copy(`pbi + ${4 * i}`, 1 + i)).join('')}
${queryProcess(-1, 0, 'pbi', 0x1C)}${save(7)}
${queryProcess(-1, 7, 'pbi', 0x18)}${save(8)}
${setThread(-2, BasePriority, 1)}${save(9)}
${setProcess(5, 10)}${save(10)}${queryThread(-2, Basic, 'tbi', 0x1C)}${copy('tbi + 20', 11)}${copy('tbi + 24', 12)}
${setProcess(5, 0)}${save(13)}
${setProcess(99, 8)}${save(14)}
${spawn(0, 'worker')}${join(0)}${queryThread('dword [h0]', Basic, 'tbi', 0x1C)}${save(15)}${copy('tbi', 16)}
`);
  const res = m.run(5_000_000);
  assert.deepEqual(res, { kind: 'exited', status: 0 }, m.notices.join(''));
  const r = results({ m, r: res }, 64);
  assert.equal(r[0], 0);
  assert.deepEqual(r.slice(1, 7), [0x103, 0x7FFDF000, 1, 8, p.pid, 0], 'STATUS_PENDING, the PEB, affinity, base 8, the pid');
  assert.equal(r[7], STATUS.INFO_LENGTH_MISMATCH);
  assert.equal(r[8], STATUS.INVALID_INFO_CLASS);
  assert.deepEqual(r.slice(9, 13), [0, 0, 11, 1], 'the process base 8 -> 10: the thread keeps its +1 (priority 11)');
  assert.equal(r[13], STATUS.INVALID_PARAMETER);
  assert.equal(r[14], STATUS.INVALID_INFO_CLASS);
  assert.deepEqual(r.slice(15, 17), [0, 0x77], 'the worker\'s exit status');
});

test('ProcessPriorityClass: HIGH gives base 13 (threads keep their increment); the class reads back; bad class and length', () => {
  const setClass = (cls: number, len = 2) => `        mov byte [pcls + 1], ${cls}\n` + nt('NtSetInformationProcess', -1, 0x12, 'pcls', len);
  const { m } = runInfo(`
${queryProcess(-1, 0x12, 'pcls', 2)}${save(0)}        movzx eax, byte [pcls + 1]
        mov [r+4], eax
${setThread(-2, BasePriority, -1)}${save(2)}
${setClass(3)}${save(3)}${queryThread(-2, Basic, 'tbi', 0x1C)}${copy('tbi + 20', 4)}${queryProcess(-1, 0, 'pbi', 0x18)}${copy('pbi + 12', 5)}
        mov byte [pcls + 1], 0
${queryProcess(-1, 0x12, 'pcls', 2)}${save(6)}        movzx eax, byte [pcls + 1]
        mov [r+28], eax
${setClass(7)}${save(8)}
${setClass(0)}${save(9)}
${setClass(3, 4)}${save(10)}
`);
  const res = m.run(5_000_000);
  assert.deepEqual(res, { kind: 'exited', status: 0 }, m.notices.join(''));
  const r = results({ m, r: res }, 64);
  assert.deepEqual(r.slice(0, 2), [0, 2], 'NORMAL to begin with');
  assert.deepEqual(r.slice(2, 6), [0, 0, 12, 13], 'HIGH: base 13, the thread 13 - 1');
  assert.deepEqual(r.slice(6, 8), [0, 3], 'reads back HIGH');
  assert.deepEqual(r.slice(8, 11), [STATUS.INVALID_PARAMETER, STATUS.INVALID_PARAMETER, STATUS.INFO_LENGTH_MISMATCH]);
});
