// A fault on the caller's buffer inside NtReadFile/NtWriteFile must drop the file
// object's reference (and the event's) it took: the pointer count NtQueryObject reports
// is the same before and after such calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './machine.ts';
import { nt, save, program, objectAttributes, results } from './ntcalls.ts';

const BAD = 0x1000;   // below the lowest user address: never mapped

const SOURCE = program(['NtCreateFile', 'NtReadFile', 'NtWriteFile', 'NtQueryObject', 'NtCreateEvent', 'NtClose'], `
hFile: dd 0
hEvent: dd 0
iosb: dd 0, 0
info: times 0x38 db 0
${objectAttributes('name', String.raw`\??\C:\SAMPLES\HELLO.TXT`)}`,
  nt('NtCreateFile', 'hFile', 0x12019F, 'name_oa', 'iosb', 0, 0, 7, 1, 0x20, 0, 0) + save(0) +
  nt('NtCreateEvent', 'hEvent', 0x1F0003, 0, 0, 0) +
  nt('NtQueryObject', '[hFile]', 0, 'info', 0x38, 0) + 'mov eax, [info+12]\n' + save(1) +
  nt('NtQueryObject', '[hEvent]', 0, 'info', 0x38, 0) + 'mov eax, [info+12]\n' + save(2) +
  nt('NtReadFile', '[hFile]', '[hEvent]', 0, 0, 'iosb', BAD, 10, 0, 0) + save(3) +
  nt('NtWriteFile', '[hFile]', '[hEvent]', 0, 0, 'iosb', BAD, 10, 0, 0) + save(4) +
  nt('NtReadFile', '[hFile]', 0, 0, 0, BAD, 'info', 10, 0, 0) + save(5) +
  nt('NtQueryObject', '[hFile]', 0, 'info', 0x38, 0) + 'mov eax, [info+12]\n' + save(6) +
  nt('NtQueryObject', '[hEvent]', 0, 'info', 0x38, 0) + 'mov eax, [info+12]\n' + save(7));

test('a bad buffer in NtReadFile/NtWriteFile fails with STATUS_ACCESS_VIOLATION and leaks no reference', () => {
  const ran = run(SOURCE, {}, 5_000_000);
  assert.deepEqual(ran.r, { kind: 'exited', status: 0 }, ran.m.notices.join(''));
  const [open, fileBefore, eventBefore, read, write, badIosb, fileAfter, eventAfter] = results(ran, 8);
  assert.equal(open, 0);
  assert.equal(read, 0xC0000005);
  assert.equal(write, 0xC00000E8, 'STATUS_INVALID_USER_BUFFER: the copy of a write faults, not its probe');
  assert.equal(badIosb, 0xC0000005);
  assert.equal(fileAfter, fileBefore, 'file object pointer count');
  assert.equal(eventAfter, eventBefore, 'event pointer count');
});
