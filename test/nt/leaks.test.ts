// A fault on the caller's buffer inside NtReadFile/NtWriteFile must drop the file
// object's reference (and the event's) it took: the pointer count NtQueryObject reports
// is the same before and after such calls. Likewise NtQueryDirectoryFile, whatever the
// outcome.
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

// NtQueryDirectoryFile's IRP owns the directory's and the event's references until it
// completes: whatever the query's outcome, the counts come back to where they were.
const pointerCount = (handle: string) => nt('NtQueryObject', handle, 0, 'info', 0x38, 0) + 'mov eax, [info+12]\n';
const DIRECTORY = program(['NtOpenFile', 'NtQueryDirectoryFile', 'NtQueryObject', 'NtCreateEvent', 'NtWaitForSingleObject'], `
hDir: dd 0
hAsync: dd 0
hNul: dd 0
hEvent: dd 0
iosb: dd 0, 0
info: times 0x38 db 0
list: times 0x200 db 0
${objectAttributes('dir', String.raw`\??\C:\SAMPLES`)}
${objectAttributes('nul', String.raw`\??\NUL`)}
${objectAttributes('pattern', '*.TXT')}`,
  nt('NtOpenFile', 'hDir', 0x100001, 'dir_oa', 'iosb', 7, 0x21) + save(0) +
  nt('NtOpenFile', 'hAsync', 0x100001, 'dir_oa', 'iosb', 7, 0x1) + save(1) +
  nt('NtOpenFile', 'hNul', 0x100001, 'nul_oa', 'iosb', 7, 0x20) + save(2) +
  nt('NtCreateEvent', 'hEvent', 0x1F0003, 0, 0, 0) +
  pointerCount('[hDir]') + save(3) + pointerCount('[hAsync]') + save(4) + pointerCount('[hNul]') + save(5) + pointerCount('[hEvent]') + save(6) +
  nt('NtQueryDirectoryFile', '[hDir]', '[hEvent]', 0, 0, 'iosb', 'list', 0x200, 12, 0, 'pattern', 1) + save(7) +
  nt('NtQueryDirectoryFile', '[hDir]', '[hEvent]', 0, 0, 'iosb', 'list', 0x200, 12, 0, 0, 0) + save(8) +
  nt('NtQueryDirectoryFile', '[hDir]', 0x4444, 0, 0, 'iosb', 'list', 0x200, 12, 0, 0, 1) + save(9) +
  nt('NtQueryDirectoryFile', '[hDir]', 0, 0, 0, 'iosb', BAD, 0x200, 12, 0, 0, 1) + save(10) +
  nt('NtQueryDirectoryFile', '[hAsync]', '[hEvent]', 0, 0, 'iosb', 'list', 0x200, 12, 0, 'pattern', 1) + save(11) +
  nt('NtWaitForSingleObject', '[hEvent]', 0, 0) +
  nt('NtQueryDirectoryFile', '[hNul]', 0, 0, 0, 'iosb', 'list', 0x200, 12, 0, 0, 1) + save(12) +
  pointerCount('[hDir]') + save(13) + pointerCount('[hAsync]') + save(14) + pointerCount('[hNul]') + save(15) + pointerCount('[hEvent]') + save(16), 17);

test('NtQueryDirectoryFile leaks no reference: success, the end of the listing, a bad event, a bad buffer, an asynchronous handle, a device with no directories', () => {
  const ran = run(DIRECTORY, {}, 10_000_000);
  assert.deepEqual(ran.r, { kind: 'exited', status: 0 }, ran.m.notices.join(''));
  const r = results(ran, 17);
  assert.deepEqual(r.slice(0, 3), [0, 0, 0], 'the opens');
  assert.deepEqual(r.slice(7, 13), [0, 0x80000006, 0xC0000008, 0xC0000005, 0x103, 0xC0000010],
    'SUCCESS, NO_MORE_FILES, INVALID_HANDLE (the event), ACCESS_VIOLATION (the buffer), PENDING, INVALID_DEVICE_REQUEST (NUL)');
  assert.deepEqual(r.slice(13, 17), r.slice(3, 7), 'pointer counts of the two directory opens, NUL and the event');
});
