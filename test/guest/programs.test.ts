// The sample programs of guest/, each run as a user would (`ntlab run guest/X.asm ARGS`,
// console input from a string) with its console output checked. Programs that need the
// I/O manager's file services become todos (naming the services) while those services
// return STATUS_NOT_IMPLEMENTED; the assertions are the final ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { README_TEXT, HELLO_TEXT, BIG_DAT_SIZE } from '../../kernel/store/default-disk.ts';
import { runGuest, todoIfMissing, kernelGap, lines } from './run.ts';

const README = README_TEXT.toString('latin1');

test('type: no argument prints the usage and exits with 2', () => {
  const r = runGuest('type.asm');
  assert.equal(r.stdout, 'usage: type FILE\r\n');
  assert.equal(r.code, 2);
});

test('type C:\\README.TXT prints the file', t => {
  const r = runGuest('type.asm', ['C:\\README.TXT']);
  todoIfMissing(t, r);
  assert.equal(r.stdout, README);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.calls.some(c => c.name === 'NtCreateFile'));
  // the last read is the end of the file: STATUS_END_OF_FILE, which ReadFile makes TRUE/0
  const reads = r.calls.filter(c => c.name === 'NtReadFile');
  assert.equal(reads.at(-1)!.status, 0xC0000011);
});

test('type of a missing file: CreateFileA fails with ERROR_FILE_NOT_FOUND (2)', t => {
  const r = runGuest('type.asm', ['C:\\NOSUCH.TXT']);
  todoIfMissing(t, r);
  assert.equal(r.stdout, 'CreateFileA failed: error 2\r\n');
  assert.equal(r.code, 1);
});

test('copy C:\\README.TXT C:\\COPY.TXT, then the copy reads back the same (through the shell)', t => {
  const r = runGuest('copy.asm', ['C:\\README.TXT', 'C:\\COPY.TXT']);
  todoIfMissing(t, r);
  assert.equal(r.stdout, '        1 file(s) copied.\r\n');
  assert.equal(r.code, 0, r.stderr);
  const s = runGuest('shell.asm', [], 'copy C:\\README.TXT C:\\COPY.TXT\r\ntype C:\\COPY.TXT\r\n');
  assert.equal(s.stdout, 'NT Lab shell. Type help for the commands.\r\nC:\\> ' +
    '        1 file(s) copied.\r\nC:\\> ' + README + 'C:\\> ');
});

test('dir C:\\SAMPLES\\*.TXT lists the matching files (without case) with their sizes and a count', t => {
  const s = runGuest('dir.asm', ['C:\\SAMPLES\\*.TXT']);
  todoIfMissing(t, s);
  const names = lines(s.stdout).filter(Boolean);
  assert.equal(names.at(-1), '4 entries');
  assert.deepEqual(names.slice(0, -1).map(l => l.split('\t')[1]).sort(), ['EMPTY.TXT', 'HELLO.TXT', 'NUMBERS.TXT', 'Notes.txt'].sort());
  assert.ok(names.includes(`${HELLO_TEXT.length}\tHELLO.TXT`));
  assert.equal(s.code, 0, s.stderr);
});

test('dir C:\\SAMPLES\\* lists "." and ".." first, as NTFS does for a directory that is not a root', t => {
  const s = runGuest('dir.asm', ['C:\\SAMPLES\\*']);
  todoIfMissing(t, s);
  const out = lines(s.stdout).filter(Boolean);
  assert.deepEqual(out.slice(0, 2), ['<DIR>\t.', '<DIR>\t..']);
  assert.equal(out.at(-1), '6 entries');
  assert.equal(s.code, 0, s.stderr);
});

test('dir lists C:\\ (sizes, <DIR>, a count)', t => {
  const r = runGuest('dir.asm');
  todoIfMissing(t, r);
  if (r.stdout.startsWith('FindFirstFileA failed: error 123')) {
    kernelGap(t, 'NtOpenFile of \\??\\C:\\ (the root directory, as Windows\' FindFirstFile opens it) fails with STATUS_OBJECT_NAME_INVALID');
  }
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout).filter(Boolean);
  assert.equal(out.at(-1), '3 entries');
  assert.deepEqual(out.slice(0, -1).sort(), [`${BIG_DAT_SIZE}\tBIG.DAT`, `${README_TEXT.length}\tREADME.TXT`, '<DIR>\tSAMPLES'].sort());
});

test('readfile: the article\'s scenario, step by step', t => {
  const r = runGuest('readfile.asm');
  todoIfMissing(t, r);
  assert.equal(r.code, 0, r.stderr);
  const more = Math.ceil((README.length - 64) / 64) + 1;   // the last one reads 0 bytes
  assert.match(r.stdout, new RegExp('^' + [
    '1\\. CreateFileA C:\\\\README\\.TXT', '   handle 0x[0-9A-F]{8}',
    '2\\. ReadFile 64 bytes', '   TRUE, 64 bytes:',
  ].join('\r\n') + '\r\n'));
  assert.ok(r.stdout.includes('bytes:\r\n' + README.slice(0, 64) + '\r\n3. ReadFile to the end\r\n'));
  assert.ok(r.stdout.endsWith(`   TRUE with 0 bytes (the end of the file) after ${more} more calls\r\n4. CloseHandle\r\n   returned 1\r\n`));
});

test('overlapped: ReadFile with an OVERLAPPED and an event; past the end: ERROR_HANDLE_EOF (38)', t => {
  const r = runGuest('overlapped.asm');
  todoIfMissing(t, r);
  assert.equal(r.code, 0, r.stderr);
  // Either completion is NT's: done inside the call, or pending and then signalled.
  const first = '(   TRUE: done at once|   FALSE, ERROR_IO_PENDING: waiting on the event\r\n   WaitForSingleObject: 0x00000000)';
  assert.match(r.stdout, new RegExp('^ReadFile 16 bytes at offset 0\r\n' + first +
    '\r\n   GetOverlappedResult: TRUE, 16 bytes: ' + README.slice(0, 16) + '\r\n'));
  assert.match(r.stdout, /ReadFile 16 bytes at offset 0x100000\r\n(   ReadFile failed: error 38|   FALSE, ERROR_IO_PENDING: waiting on the event\r\n   WaitForSingleObject: 0x00000000\r\n   GetOverlappedResult failed: error 38)\r\n$/);
});

const APC_QUEUE_PART = [
  'QueueUserAPC returned 1',
  'SleepEx(10, FALSE) returned 0x00000000, APC runs so far: 0',
  '  APC routine ran, dwData = 42',
  'SleepEx(INFINITE, TRUE) returned 0x000000C0, APC runs so far: 1',
].join('\r\n') + '\r\n';

test('apc: QueueUserAPC runs only at the alertable SleepEx, which returns WAIT_IO_COMPLETION', () => {
  const r = runGuest('apc.asm');
  assert.ok(r.stdout.startsWith(APC_QUEUE_PART), r.stdout);
});

test('apc: ReadFileEx\'s completion routine runs once, at the alertable SleepEx', t => {
  const r = runGuest('apc.asm');
  todoIfMissing(t, r);
  assert.equal(r.stdout, APC_QUEUE_PART +
    'ReadFileEx returned TRUE, completions so far: 0\r\n' +
    '  completion routine: error 0, 16 bytes: ' + README.slice(0, 16) + '\r\n' +
    'SleepEx(INFINITE, TRUE) returned 0x000000C0, completions so far: 1\r\n');
  assert.equal(r.code, 0);
});

test('threads: one thread reads the console, one a file; the main thread\'s last error is its own', t => {
  const r = runGuest('threads.asm', [], 'hello there\r\n');
  assert.ok(r.stdout.includes('console thread: 13 bytes: hello there\r\n'), r.stdout);
  assert.ok(r.stdout.endsWith('main thread: both ended, its last error is still 1234\r\n'), r.stdout);
  todoIfMissing(t, r);
  assert.ok(r.stdout.includes('file thread: 32 bytes: ' + README.slice(0, 32) + '\r\n'), r.stdout);
  assert.equal(r.code, 0);
});

test('badcalls: bad handle, NULL buffer, kernel-space buffer, bad close, bad service number', () => {
  const r = runGuest('badcalls.asm');
  assert.equal(r.stdout, [
    'WriteFile(0x1234, ...) -> FALSE, error 6, count 0',
    'ReadFile(stdin, NULL, 10, ...) -> FALSE, error 998, count 0',
    'WriteFile(stdout, 0x80001000, 5, ...) -> FALSE, error 998, count 0',
    'CloseHandle(0x1234) -> FALSE, error 6, count 0',
    'int 0x2e with EAX = 0x777: EAX = 0xC000001C, RtlNtStatusToDosError: 1',
  ].join('\r\n') + '\r\n');
  assert.equal(r.code, 0);
  // the failed calls (the others are the program printing)
  assert.deepEqual(r.calls.filter(c => c.status !== 0).map(c => [c.name, c.status.toString(16)]).slice(0, 4),
    [['NtWriteFile', 'c0000008'], ['NtReadFile', 'c0000005'], ['NtWriteFile', 'c0000005'], ['NtClose', 'c0000008']]);
});

const SHELL_BANNER = 'NT Lab shell. Type help for the commands.\r\n';

test('shell: reads lines with ReadFile, runs echo/help/ticks, rejects unknown commands, ends at exit or end of input', () => {
  const r = runGuest('shell.asm', [], 'help\r\necho hello  world\r\n\r\nfrobnicate\r\ntype\r\nticks\r\nexit\r\necho never\r\n');
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.split('C:\\> ');
  assert.deepEqual(out.slice(0, 6), [
    SHELL_BANNER,
    'type FILE, copy FROM TO, dir [PATTERN], del FILE, echo TEXT, ticks, help, exit\r\n',
    'hello  world\r\n',
    '',
    'Bad command or file name\r\n',
    'usage: type FILE | copy FROM TO | dir [PATTERN] | del FILE\r\n',
  ]);
  assert.match(out[6], /^\d+ ms\r\n$/);
  assert.equal(out.length, 8, 'nothing after exit');
  const eof = runGuest('shell.asm', [], 'echo last');
  assert.equal(eof.stdout, SHELL_BANNER + 'C:\\> last\r\nC:\\> ');
});

test('shell: type, dir, copy and del on the disk', t => {
  const r = runGuest('shell.asm', [], 'type C:\\SAMPLES\\HELLO.TXT\r\ncopy C:\\SAMPLES\\HELLO.TXT C:\\SAMPLES\\H2.TXT\r\ndir C:\\SAMPLES\\H2*\r\ndel C:\\SAMPLES\\H2.TXT\r\ndir C:\\SAMPLES\\H2*\r\n');
  todoIfMissing(t, r);
  assert.equal(r.stdout, SHELL_BANNER + [
    HELLO_TEXT.toString('latin1'),
    '        1 file(s) copied.\r\n',
    `${HELLO_TEXT.length}\tH2.TXT\r\n1 entries\r\n`,
    '',
    'FindFirstFileA failed: error 2\r\n',
    '',
  ].join('C:\\> ').replace(/^/, 'C:\\> '));
});
