// Console reads pend until a line is typed: the keystrokes come as IRQ 1 through the 8259,
// the i8042's ISR (guest) hands each byte to its host half, the console's DPC completes the
// read, and the I/O manager finishes it by kernel APC in the reader's context -- the trace
// shows PASSIVE -> the keyboard's device IRQL -> DISPATCH -> APC -> PASSIVE. The input is
// stamped with the instruction count it arrives at. NtCancelIoFile ends a waiting read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './machine.ts';
import { nt, save, program, objectAttributes, results, dataBytes } from './ntcalls.ts';
import type { TraceEvent } from '../../kernel/trace/events.ts';

const KEYBOARD_VECTOR = 0x31, KEYBOARD_LEVEL = 26, DISPATCH_LEVEL = 2, APC_LEVEL = 1, PASSIVE_LEVEL = 0;
const IRP_MJ_READ = 3;
const STDIN = 4;

/** A console input source that gives `lines` one call at a time, then the end. */
function source(...lines: string[]) {
  const calls: number[] = [];
  return {
    calls,
    console: { write: () => {}, read: (max: number) => { calls.push(max); return Buffer.from(lines.shift() ?? '', 'latin1'); } },
  };
}

const SYNC_READ = program(['NtReadFile'], `
iosb: dd 0, 0
buf: times 16 db 0`,
  nt('NtReadFile', STDIN, 0, 0, 0, 'iosb', 'buf', 16, 0, 0) + save(0) + 'mov eax, [iosb]\n' + save(1) + 'mov eax, [iosb+4]\n' + save(2), 3);

test('a console read pends until a line arrives by IRQ 1; the trace shows PASSIVE -> 26 -> DISPATCH -> APC -> PASSIVE', () => {
  const input = source('hi\r\n');
  const ran = run(SYNC_READ, { console: input.console, trace: 100_000 }, 5_000_000);
  assert.deepEqual(ran.r, { kind: 'exited', status: 0 }, ran.m.notices.join(''));
  const [status, iosbStatus, count] = results(ran, 3);
  assert.equal(status, 0);
  assert.equal(iosbStatus, 0);
  assert.equal(count, 4);
  assert.equal(Buffer.from(dataBytes(ran, 12 + 8, 4)).toString('latin1'), 'hi\r\n');

  const trace = ran.m.trace!;
  const events = trace.since(trace.first, trace.capacity) as TraceEvent[];
  const dispatched = events.findIndex(e => e.kind === 'irp-dispatch' && e.major === IRP_MJ_READ);
  const interrupt = events.findIndex(e => e.kind === 'interrupt' && e.vector === KEYBOARD_VECTOR);
  const completed = events.findIndex(e => e.kind === 'irp-complete' && e.major === IRP_MJ_READ);
  assert.ok(dispatched >= 0 && interrupt > dispatched && completed > interrupt, 'the read was sent, then the keystrokes came, then it completed');
  assert.ok(events.slice(dispatched, interrupt).some(e => e.kind === 'context-switch'), 'the reader slept in between');
  const levels = events.slice(interrupt - 3).filter(e => e.kind === 'irql').map(e => (e as { to: number }).to);
  const story = [KEYBOARD_LEVEL, DISPATCH_LEVEL, APC_LEVEL, PASSIVE_LEVEL];
  let at = 0;
  for (const l of levels) if (l === story[at]) at++;
  assert.equal(at, story.length, `IRQL changes after the interrupt: ${levels.join(' ')}`);
  const delivered = events.findIndex(e => e.kind === 'apc-deliver' && e.mode === 0);
  assert.ok(delivered > completed, 'the completion ran as a kernel APC');

  const log = ran.m.inputLog;
  assert.equal(Buffer.from(log[0].bytes).toString('latin1'), 'hi\r\n');
  assert.ok(log[0].icount > 0 && log[0].icount <= ran.m.cpu.icount, 'stamped with the instruction count it arrived at');
});

test('typed ahead: Machine.type() before the read; the read takes the line without waiting, and a short buffer gets part of it', () => {
  const input = source();
  const m = run(program(['NtReadFile'], 'iosb: dd 0, 0\nbuf: times 16 db 0',
    nt('NtReadFile', STDIN, 0, 0, 0, 'iosb', 'buf', 3, 0, 0) + save(0) + 'mov eax, [iosb+4]\n' + save(1) +
    nt('NtReadFile', STDIN, 0, 0, 0, 'iosb', 'buf', 16, 0, 0) + save(2) + 'mov eax, [iosb+4]\n' + save(3) +
    nt('NtReadFile', STDIN, 0, 0, 0, 'iosb', 'buf', 16, 0, 0) + save(4), 5), { console: input.console }, 0);
  m.m.type('hello\n');
  const r = m.m.run(5_000_000);
  assert.deepEqual(r, { kind: 'exited', status: 0 }, m.m.notices.join(''));
  const [s1, n1, s2, n2, s3] = results({ m: m.m, r }, 5);
  assert.deepEqual([s1, n1, s2, n2], [0, 3, 0, 3], 'hel, then lo\\n');
  assert.equal(s3, 0xC0000011, 'then the source is empty: Ctrl+Z, STATUS_END_OF_FILE');
  assert.equal(input.calls.length, 1, 'the source was asked once, when a read had to wait');
});

const ASYNC_CANCEL = program(['NtCreateFile', 'NtReadFile', 'NtCancelIoFile', 'NtWaitForSingleObject', 'NtCreateEvent'], `
hFile: dd 0
hEvent: dd 0
iosb: dd 0, 0
iosb2: dd 0, 0
zero: dd 0, 0
buf: times 16 db 0
${objectAttributes('conin', String.raw`\??\CONIN$`)}`,
  nt('NtCreateFile', 'hFile', 0x80100000, 'conin_oa', 'iosb2', 0, 0, 3, 1, 0, 0, 0) + save(0) +
  nt('NtCreateEvent', 'hEvent', 0x1F0003, 0, 0, 0) +
  nt('NtReadFile', '[hFile]', '[hEvent]', 0, 0, 'iosb', 'buf', 16, 'zero', 0) + save(1) +
  'mov eax, [iosb]\n' + save(2) +
  nt('NtCancelIoFile', '[hFile]', 'iosb2') + save(3) +
  nt('NtWaitForSingleObject', '[hEvent]', 0, 'zero') + save(4) +
  'mov eax, [iosb]\n' + save(5));

test('an asynchronous console read returns STATUS_PENDING; NtCancelIoFile ends it with STATUS_CANCELLED and its event is set', () => {
  const ran = run(ASYNC_CANCEL, { console: source('late\n').console }, 5_000_000);
  assert.deepEqual(ran.r, { kind: 'exited', status: 0 }, ran.m.notices.join(''));
  const [open, read, before, cancel, wait, after] = results(ran, 6);
  assert.equal(open, 0);
  assert.equal(read, 0x103, 'STATUS_PENDING');
  assert.equal(before, 0, 'the IOSB is not written yet');
  assert.equal(cancel, 0);
  assert.equal(wait, 0, 'the event is signalled');
  assert.equal(after, 0xC0000120, 'STATUS_CANCELLED');
});
