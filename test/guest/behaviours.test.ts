// The 19 behaviours of ../shared/reference/nt-i386.md ("Behaviours to reproduce", from
// Wine's kernel32/ntdll tests and ReactOS's NtReadFile), each a guest program printing
// what the calls return -- statuses, BOOLs, Win32 errors, counts -- checked line by line.
// A program that meets a service the kernel does not implement yet is a todo naming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { README_TEXT } from '../../kernel/store/default-disk.ts';
import { runSource, todoIfMissing, kernelGap, lines, type GuestRun } from './run.ts';

const README = README_TEXT.toString('latin1');

/** What every behaviour program starts with: win32.inc, the print helpers, and
 *  `show "label"` (prints `label eax=0x... err=N`: EAX and GetLastError()),
 *  `showval "label", value` (prints `label 0x...`), and APC routines that count. */
function program(imports: { kernel32?: string[]; ntdll?: string[] }, body: string, data = ''): string {
  return `
%include "include/win32.inc"
section .text
%include "include/guestlib.inc"
${imports.kernel32?.length ? `kernel32 ${imports.kernel32.join(', ')}` : ''}
${imports.ntdll?.length ? `ntdll ${imports.ntdll.join(', ')}` : ''}

%macro show 1
section .rdata
%%s: db %1, 0
section .text
    push %%s
    call Show
%endmacro
%macro showval 2
section .rdata
%%s: db %1, 0
section .text
    push dword %2
    push %%s
    call ShowVal
%endmacro

global start
start:
${body}
    invoke ExitProcess, 0

Show:                           ; Show(label), EAX: "label eax=0x... err=N"
    push eax
    push dword [esp+8]
    call Print
    push eaxIs
    call Print
    call PrintHex               ; the EAX pushed above
    push errIs
    call Print
    call [GetLastError]
    push eax
    call PrintDec
    push crlf
    call Print
    ret 4
ShowVal:                        ; ShowVal(label, value): "label 0x..."
    push dword [esp+4]
    call Print
    push space
    call Print
    push dword [esp+8]
    call PrintHex
    push crlf
    call Print
    ret 8
IoApc:                          ; PIO_APC_ROUTINE(ApcContext, IoStatusBlock, Reserved)
    inc dword [apcs]
    ret 12
UserApc:                        ; PAPCFUNC(dwData): appends dwData to the order
    mov eax, [apcs]
    mov ecx, [esp+4]
    mov [order + eax*4], ecx
    inc dword [apcs]
    ret 4

section .data
eaxIs: db " eax=", 0
errIs: db " err=", 0
space: db " ", 0
crlf:  db 13, 10, 0
apcs:  dd 0
order: dd 0, 0, 0, 0
iosb:  dd 0, 0
count: dd 0
hFile: dd 0
hEvent: dd 0
offset: dd 0, 0
buffer: times 64 db 0
ov:    istruc OVERLAPPED
       iend
readme: db "C:\\README.TXT", 0
empty:  db "C:\\SAMPLES\\EMPTY.TXT", 0
${data}
`;
}

/** Opens `name` (a data label) with CreateFileA into [hFile]. */
const open = (name: string, access = 'GENERIC_READ', disposition = 'OPEN_EXISTING', flags = '0') => `
    invoke CreateFileA, ${name}, ${access}, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, ${disposition}, ${flags}, NULL
    mov [hFile], eax
    show "open"`;

/** NtReadFile(hFile, event, apc, NULL, &iosb, buffer, length, offset, NULL). */
const ntRead = (event: string, apc: string, length: number | string, offset: string, buffer = 'buffer', handle = '[hFile]', iosb = 'iosb') => `
    invoke NtReadFile, ${handle}, ${event}, ${apc}, NULL, ${iosb}, ${buffer}, ${length}, ${offset}, NULL`;

const hex = (n: number) => '0x' + (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
const OPENED = /^open eax=0x[0-9A-F]{8} err=\d+$/;

function check(t: import('node:test').TestContext, r: GuestRun, expected: (string | RegExp)[]): void {
  todoIfMissing(t, r);
  const out = lines(r.stdout).filter(Boolean);
  assert.equal(out.length, expected.length, r.stdout + r.stderr);   // (an assembly error shows here)
  expected.forEach((e, i) => typeof e === 'string' ? assert.equal(out[i], e, `line ${i + 1}`) : assert.match(out[i], e, `line ${i + 1}`));
  assert.equal(r.code, 0, r.stderr);
}

test('1. NtReadFile past EOF on a synchronous file: STATUS_END_OF_FILE, IOSB {STATUS_END_OF_FILE, 0}, the event signalled, no APC', t => {
  const r = runSource(program({ kernel32: ['CreateFileA', 'CreateEventA', 'WaitForSingleObject', 'SleepEx'], ntdll: ['NtReadFile'] }, `
${open('empty')}
    invoke CreateEventA, NULL, TRUE, FALSE, NULL
    mov [hEvent], eax
${ntRead('[hEvent]', 'IoApc', 10, 'NULL')}
    showval "status", eax
    showval "iosb.Status", [iosb]
    showval "iosb.Information", [iosb+4]
    invoke WaitForSingleObject, [hEvent], 0
    showval "event", eax
    invoke SleepEx, 0, TRUE
    showval "alertable sleep", eax
    showval "apcs", [apcs]`));
  check(t, r, [OPENED, `status ${hex(0xC0000011)}`, `iosb.Status ${hex(0xC0000011)}`, 'iosb.Information 0x00000000',
    'event 0x00000000', 'alertable sleep 0x00000000', 'apcs 0x00000000']);
});

test('2. the same read on an overlapped file: STATUS_PENDING (Vista+) or STATUS_END_OF_FILE (Windows 2000); an APC runs only at an alertable wait', t => {
  const r = runSource(program({ kernel32: ['CreateFileA', 'SleepEx', 'Sleep'], ntdll: ['NtReadFile'] }, `
${open('empty', 'GENERIC_READ', 'OPEN_EXISTING', 'FILE_FLAG_OVERLAPPED')}
${ntRead('NULL', 'IoApc', 10, 'offset')}
    showval "status", eax
    invoke Sleep, 10
    showval "apcs after Sleep", [apcs]
    invoke SleepEx, 10, TRUE
    showval "alertable sleep", eax
    showval "apcs", [apcs]
    showval "iosb.Status", [iosb]`));
  todoIfMissing(t, r);
  const out = lines(r.stdout).filter(Boolean);
  assert.match(out[0], OPENED);
  if (out[1] === `status ${hex(0x103)}`) {
    // NT Lab picks Vista's answer: STATUS_PENDING, and the APC comes at the alertable wait
    if (out[3] === 'alertable sleep 0x00000000') {
      kernelGap(t, 'NtReadFile returns STATUS_PENDING on an asynchronous file but queues no APC when the driver completed the IRP with an error at once (IopCompleteRequest sees PendingReturned unset)');
    }
    assert.deepEqual(out.slice(2), ['apcs after Sleep 0x00000000', 'alertable sleep 0x000000C0', 'apcs 0x00000001', `iosb.Status ${hex(0xC0000011)}`]);
  } else {
    assert.deepEqual(out.slice(1), [`status ${hex(0xC0000011)}`, 'apcs after Sleep 0x00000000', 'alertable sleep 0x00000000', 'apcs 0x00000000', `iosb.Status ${hex(0xC0000011)}`]);
  }
});

test('3. an overlapped read with an APC routine: it has not run before an alertable wait; then it runs once', t => {
  const r = runSource(program({ kernel32: ['CreateFileA', 'SleepEx', 'Sleep'], ntdll: ['NtReadFile'] }, `
${open('readme', 'GENERIC_READ', 'OPEN_EXISTING', 'FILE_FLAG_OVERLAPPED')}
${ntRead('NULL', 'IoApc', 16, 'offset')}
    showval "status", eax
    invoke Sleep, 20
    showval "apcs after Sleep", [apcs]
    invoke SleepEx, INFINITE, TRUE
    showval "alertable sleep", eax
    showval "apcs", [apcs]
    invoke SleepEx, 10, TRUE
    showval "again", eax
    showval "apcs", [apcs]
    showval "iosb.Information", [iosb+4]`));
  check(t, r, [OPENED, /^status 0x00000(000|103)$/, 'apcs after Sleep 0x00000000', 'alertable sleep 0x000000C0', 'apcs 0x00000001',
    'again 0x00000000', 'apcs 0x00000001', 'iosb.Information 0x00000010']);
});

test('4. kernel32 ReadFile at EOF on a synchronous handle: TRUE with 0 bytes read', t => {
  const r = runSource(program({ kernel32: ['CreateFileA', 'ReadFile'] }, `
${open('empty')}
    mov dword [count], 99
    invoke ReadFile, [hFile], buffer, 10, count, NULL
    show "ReadFile"
    showval "count", [count]`));
  check(t, r, [OPENED, /^ReadFile eax=0x00000001 err=\d+$/, 'count 0x00000000']);
});

test('5. ReadFile at EOF, overlapped: FALSE with ERROR_HANDLE_EOF, or ERROR_IO_PENDING and then GetOverlappedResult FALSE / 38', t => {
  const r = runSource(program({ kernel32: ['CreateFileA', 'ReadFile', 'GetOverlappedResult', 'CreateEventA'] }, `
${open('empty', 'GENERIC_READ', 'OPEN_EXISTING', 'FILE_FLAG_OVERLAPPED')}
    invoke CreateEventA, NULL, TRUE, FALSE, NULL
    mov [ov + OVERLAPPED.hEvent], eax
    invoke ReadFile, [hFile], buffer, 10, count, ov
    show "ReadFile"
    invoke GetOverlappedResult, [hFile], ov, count, TRUE
    show "GetOverlappedResult"
    showval "count", [count]`));
  check(t, r, [OPENED, /^ReadFile eax=0x00000000 err=(38|997)$/, 'GetOverlappedResult eax=0x00000000 err=38', 'count 0x00000000']);
});

test('6. ReadFile(h, NULL, 0, &n, NULL): TRUE, n = 0, the last error unchanged', t => {
  const r = runSource(program({ kernel32: ['CreateFileA', 'ReadFile', 'SetLastError'] }, `
${open('readme')}
    invoke SetLastError, 0xBEEF
    mov dword [count], 99
    invoke ReadFile, [hFile], NULL, 0, count, NULL
    show "ReadFile"
    showval "count", [count]`));
  check(t, r, [OPENED, `ReadFile eax=0x00000001 err=${0xBEEF}`, 'count 0x00000000']);
});

test('7. ReadFile(h, NULL, 10, &n, NULL): FALSE, ERROR_NOACCESS (998), n = 0', t => {
  const r = runSource(program({ kernel32: ['CreateFileA', 'ReadFile'] }, `
${open('readme')}
    mov dword [count], 99
    invoke ReadFile, [hFile], NULL, 10, count, NULL
    show "ReadFile"
    showval "count", [count]`));
  check(t, r, [OPENED, 'ReadFile eax=0x00000000 err=998', 'count 0x00000000']);
});

test('8. WriteFile(h, NULL, 10, ...): FALSE, ERROR_INVALID_USER_BUFFER (1784)', t => {
  const r = runSource(program({ kernel32: ['CreateFileA'] }, `
${open('name', 'GENERIC_WRITE', 'CREATE_ALWAYS')}
    invoke WriteFile, [hFile], NULL, 10, count, NULL
    show "WriteFile"`, 'name: db "C:\\B8.TXT", 0'));
  if (r.stdout.includes('WriteFile eax=0x00000000 err=998')) {
    kernelGap(t, 'NtWriteFile to a disk file with a NULL buffer fails with STATUS_ACCESS_VIOLATION; NT\'s file-system write path turns the fault into STATUS_INVALID_USER_BUFFER');
  }
  check(t, r, [OPENED, 'WriteFile eax=0x00000000 err=1784']);
});

test('9. ReadFileEx: the routine runs only if ReadFileEx returned TRUE, only during an alertable wait, which returns WAIT_IO_COMPLETION', t => {
  const r = runSource(program({ kernel32: ['CreateFileA', 'ReadFileEx', 'SleepEx', 'Sleep'] }, `
    invoke ReadFileEx, 0x1234, buffer, 16, ov, Completion
    show "ReadFileEx(bad handle)"
    invoke SleepEx, 10, TRUE
    showval "alertable sleep", eax
    showval "completions", [apcs]
${open('readme', 'GENERIC_READ', 'OPEN_EXISTING', 'FILE_FLAG_OVERLAPPED')}
    invoke ReadFileEx, [hFile], buffer, 16, ov, Completion
    show "ReadFileEx"
    invoke Sleep, 20
    showval "completions after Sleep", [apcs]
    invoke SleepEx, INFINITE, TRUE
    showval "alertable sleep", eax
    showval "completions", [apcs]
    showval "bytes", [count]`, `
section .text
Completion:                     ; (dwErrorCode, dwNumberOfBytesTransfered, lpOverlapped)
    inc dword [apcs]
    mov eax, [esp+8]
    mov [count], eax
    ret 12`));
  check(t, r, ['ReadFileEx(bad handle) eax=0x00000000 err=6', 'alertable sleep 0x00000000', 'completions 0x00000000', OPENED,
    /^ReadFileEx eax=0x00000001 err=\d+$/, 'completions after Sleep 0x00000000', 'alertable sleep 0x000000C0', 'completions 0x00000001', 'bytes 0x00000010']);
});

test('10. GetOverlappedResult with Internal = STATUS_PENDING and bWait FALSE: FALSE, ERROR_IO_INCOMPLETE (996)', t => {
  const r = runSource(program({ kernel32: ['GetOverlappedResult'] }, `
    mov dword [ov + OVERLAPPED.Internal], STATUS_PENDING
    invoke GetOverlappedResult, 0x1234, ov, count, FALSE
    show "GetOverlappedResult"`));
  check(t, r, ['GetOverlappedResult eax=0x00000000 err=996']);
});

test('11. CreateFile: CREATE_NEW on an existing file ERROR_FILE_EXISTS; CREATE_ALWAYS/OPEN_ALWAYS ERROR_ALREADY_EXISTS if it existed, 0 if not', t => {
  const create = (name: string, disposition: string, label: string) => `
    invoke SetLastError, 0xBEEF
    invoke CreateFileA, ${name}, GENERIC_WRITE, 0, NULL, ${disposition}, 0, NULL
    mov esi, eax
    show "${label}"
    cmp esi, INVALID_HANDLE_VALUE
    je %%skip_${label.replace(/\W/g, '_')}
    invoke CloseHandle, esi
%%skip_${label.replace(/\W/g, '_')}:`;
  const body = [
    create('readme', 'CREATE_NEW', 'CREATE_NEW existing'),
    create('name1', 'CREATE_ALWAYS', 'CREATE_ALWAYS new'),
    create('name1', 'CREATE_ALWAYS', 'CREATE_ALWAYS existing'),
    create('name1', 'OPEN_ALWAYS', 'OPEN_ALWAYS existing'),
    create('name2', 'OPEN_ALWAYS', 'OPEN_ALWAYS new'),
  ].join('').replaceAll('%%', '.');
  const r = runSource(program({ kernel32: ['CreateFileA', 'CloseHandle', 'SetLastError'] }, body,
    'name1: db "C:\\B11.TXT", 0\nname2: db "C:\\B11B.TXT", 0'));
  check(t, r, ['CREATE_NEW existing eax=0xFFFFFFFF err=80', /^CREATE_ALWAYS new eax=0x[0-9A-F]{8} err=0$/,
    /^CREATE_ALWAYS existing eax=0x[0-9A-F]{8} err=183$/, /^OPEN_ALWAYS existing eax=0x[0-9A-F]{8} err=183$/,
    /^OPEN_ALWAYS new eax=0x[0-9A-F]{8} err=0$/]);
  assert.ok(!/existing eax=0xFFFFFFFF err=18/.test(r.stdout));
});

test('12. NtReadFile: no FILE_READ_DATA -> ACCESS_DENIED, closed or made-up handle -> INVALID_HANDLE, an event -> OBJECT_TYPE_MISMATCH; the handle is checked before the buffers', t => {
  const r = runSource(program({ kernel32: ['CreateFileA', 'CloseHandle', 'CreateEventA'], ntdll: ['NtReadFile'] }, `
${open('readme', 'FILE_READ_ATTRIBUTES')}
${ntRead('NULL', 'NULL', 4, 'NULL')}
    showval "no FILE_READ_DATA", eax
    invoke CloseHandle, [hFile]
${ntRead('NULL', 'NULL', 4, 'NULL')}
    showval "closed handle", eax
${ntRead('NULL', 'NULL', 4, 'NULL', 'buffer', '0x1234')}
    showval "made-up handle", eax
    invoke CreateEventA, NULL, TRUE, FALSE, NULL
    mov [hEvent], eax
${ntRead('NULL', 'NULL', 4, 'NULL', 'buffer', '[hEvent]')}
    showval "event handle", eax
${ntRead('NULL', 'NULL', 4, 'NULL', '0x80001000', '0x1234', '0x80002000')}
    showval "made-up handle, bad IOSB and buffer", eax`));
  check(t, r, [OPENED, `no FILE_READ_DATA ${hex(0xC0000022)}`, `closed handle ${hex(0xC0000008)}`, `made-up handle ${hex(0xC0000008)}`,
    `event handle ${hex(0xC0000024)}`, `made-up handle, bad IOSB and buffer ${hex(0xC0000008)}`]);
});

test('13. an overlapped file read with a NULL ByteOffset: STATUS_INVALID_PARAMETER', t => {
  const r = runSource(program({ kernel32: ['CreateFileA', 'CreateEventA'], ntdll: ['NtReadFile'] }, `
${open('readme', 'GENERIC_READ', 'OPEN_EXISTING', 'FILE_FLAG_OVERLAPPED')}
    invoke CreateEventA, NULL, TRUE, FALSE, NULL
    mov [hEvent], eax
${ntRead('[hEvent]', 'NULL', 4, 'NULL')}
    showval "status", eax`));
  check(t, r, [OPENED, `status ${hex(0xC000000D)}`]);
});

test('14. ByteOffset {0xFFFFFFFE, -1} on a synchronous file is "the current position"; another negative offset: STATUS_INVALID_PARAMETER', t => {
  const r = runSource(program({ kernel32: ['CreateFileA'], ntdll: ['NtReadFile'] }, `
${open('readme')}
${ntRead('NULL', 'NULL', 4, 'current')}
    showval "first", eax
${ntRead('NULL', 'NULL', 4, 'current', 'buffer+4')}
    showval "second", eax
    showval "bytes 0-3", [buffer]
    showval "bytes 4-7", [buffer+4]
${ntRead('NULL', 'NULL', 4, 'negative')}
    showval "negative", eax`, 'current: dd 0xFFFFFFFE, 0xFFFFFFFF\nnegative: dd 5, 0xFFFFFFFF'));
  const word = (at: number) => hex(README_TEXT.readUInt32LE(at));
  check(t, r, [OPENED, 'first 0x00000000', 'second 0x00000000', `bytes 0-3 ${word(0)}`, `bytes 4-7 ${word(4)}`, `negative ${hex(0xC000000D)}`]);
});

test('15. a bad service number returns STATUS_INVALID_SYSTEM_SERVICE; numbers from 0x1000 go to the second table', t => {
  const call = (n: number, label: string) => `
    mov eax, ${n}
    lea edx, [esp+4]
    int 0x2e
    showval "${label}", eax`;
  const r = runSource(program({}, [call(0x777, 'native 0x777'), call(0xFFF, 'native 0xFFF'), call(0x1000, 'NtGdiFlush 0x1000'), call(0x1000 + 0x100, 'second table 0x1100')].join('')));
  check(t, r, [`native 0x777 ${hex(0xC000001C)}`, `native 0xFFF ${hex(0xC000001C)}`, /^NtGdiFlush 0x1000 0x(?!C000001C)[0-9A-F]{8}$/, `second table 0x1100 ${hex(0xC000001C)}`]);
  assert.ok(r.calls.some(c => c.name === 'NtGdiFlush'), 'the win32k service ran');
});

const ustr = (label: string, s: string) => `${label}: dw ${s.length * 2}, ${s.length * 2}\n    dd ${label}_text\n${label}_text: ${s.length ? 'dw ' + [...s].map(c => c.charCodeAt(0)).join(', ') : 'dw 0'}\n`;
const objectAttributes = (label: string, name: string, attributes: string) => `${label}_oa: dd 24, 0, ${name}, ${attributes}, 0, 0\n`;

test('16. file names: empty or relative -> PATH_SYNTAX_BAD, trailing or double \\ -> NAME_INVALID, no parent -> PATH_NOT_FOUND, an existing name -> COLLISION', t => {
  const names: [string, string, string][] = [
    ['empty', '', 'FILE_OPEN'], ['relative', 'README.TXT', 'FILE_OPEN'], ['trailing', '\\??\\C:\\README.TXT\\', 'FILE_OPEN'],
    ['double', '\\??\\C:\\\\README.TXT', 'FILE_OPEN'], ['parent', '\\??\\C:\\NODIR\\X.TXT', 'FILE_CREATE'], ['existing', '\\??\\C:\\README.TXT', 'FILE_CREATE'],
  ];
  const body = names.map(([label, , disposition]) => `
    invoke NtCreateFile, hFile, GENERIC_READ | SYNCHRONIZE, n_${label}_oa, iosb, NULL, 0, FILE_SHARE_READ, ${disposition}, FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0
    showval "${label}", eax`).join('');
  const data = names.map(([label, name]) => ustr(`n_${label}`, name) + objectAttributes(`n_${label}`, `n_${label}`, 'OBJ_CASE_INSENSITIVE')).join('');
  const r = runSource(program({ ntdll: ['NtCreateFile'] }, body, data));
  check(t, r, [`empty ${hex(0xC000003B)}`, `relative ${hex(0xC000003B)}`, `trailing ${hex(0xC0000033)}`, `double ${hex(0xC0000033)}`,
    `parent ${hex(0xC000003A)}`, `existing ${hex(0xC0000035)}`]);
});

test('16. named objects: creating an existing name -> STATUS_OBJECT_NAME_COLLISION, unless OBJ_OPENIF (STATUS_OBJECT_NAME_EXISTS and a handle)', t => {
  const r = runSource(program({ ntdll: ['NtCreateEvent'] }, `
    invoke NtCreateEvent, hEvent, EVENT_ALL_ACCESS, ev_oa, 0, 0
    showval "event", eax
    invoke NtCreateEvent, count, EVENT_ALL_ACCESS, ev_oa, 0, 0
    showval "event again", eax
    invoke NtCreateEvent, count, EVENT_ALL_ACCESS, evif_oa, 0, 0
    showval "event again, OBJ_OPENIF", eax`,
  ustr('ev', '\\BaseNamedObjects\\B16') + objectAttributes('ev', 'ev', '0') + objectAttributes('evif', 'ev', 'OBJ_OPENIF')));
  check(t, r, ['event 0x00000000', `event again ${hex(0xC0000035)}`, `event again, OBJ_OPENIF ${hex(0x40000000)}`]);
});

test('17. GetFileType: a disk file FILE_TYPE_DISK (1); NUL and the console FILE_TYPE_CHAR (2)', t => {
  const r = runSource(program({ kernel32: ['CreateFileA', 'GetFileType'] }, `
${open('readme')}
    invoke GetFileType, [hFile]
    showval "disk file", eax
    invoke CreateFileA, nul, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL
    invoke GetFileType, eax
    showval "NUL", eax
    invoke GetStdHandle, STD_OUTPUT_HANDLE
    invoke GetFileType, eax
    showval "console", eax`, 'nul: db "NUL", 0'));
  check(t, r, [OPENED, 'disk file 0x00000001', 'NUL 0x00000002', 'console 0x00000002']);
});

test('18. QueueUserAPC to a thread: its non-alertable wait does not run the APC; its alertable wait returns WAIT_IO_COMPLETION after it ran', t => {
  const r = runSource(program({ kernel32: ['CreateThread', 'QueueUserAPC', 'WaitForSingleObject', 'WaitForSingleObjectEx', 'Sleep', 'SleepEx', 'GetCurrentThread'] }, `
    invoke CreateThread, NULL, 0, Worker, 0, 0, NULL
    mov esi, eax
    invoke QueueUserAPC, UserApc, esi, 7
    show "QueueUserAPC"
    invoke WaitForSingleObject, esi, INFINITE
    showval "worker ended", eax
    ; the same on this thread, with a wait on an object: the worker (ended, so signalled)
    invoke GetCurrentThread
    invoke QueueUserAPC, UserApc, eax, 8
    invoke WaitForSingleObjectEx, esi, INFINITE, FALSE
    showval "non-alertable wait", eax
    showval "apcs", [apcs]
    invoke SleepEx, 0, TRUE
    showval "alertable sleep", eax
    showval "apcs", [apcs]
    showval "second APC's data", [order+4]`, `
section .text
Worker:
    invoke Sleep, 20                        ; not alertable: the APC waits
    showval "worker: apcs after Sleep", [apcs]
    invoke SleepEx, INFINITE, TRUE
    showval "worker: alertable sleep", eax
    showval "worker: apcs", [apcs]
    showval "worker: APC data", [order]
    xor eax, eax
    ret 4`));
  check(t, r, [/^QueueUserAPC eax=0x00000001 err=\d+$/, 'worker: apcs after Sleep 0x00000000', 'worker: alertable sleep 0x000000C0',
    'worker: apcs 0x00000001', 'worker: APC data 0x00000007', 'worker ended 0x00000000', 'non-alertable wait 0x00000000', 'apcs 0x00000001',
    'alertable sleep 0x000000C0', 'apcs 0x00000002', "second APC's data 0x00000008"]);
});

test('19. user APCs are delivered one per return to user mode; the rest follow through NtContinue', t => {
  const r = runSource(program({ kernel32: ['QueueUserAPC', 'GetCurrentThread', 'SleepEx'] }, `
    invoke GetCurrentThread
    mov esi, eax
    invoke QueueUserAPC, UserApc, esi, 1
    invoke QueueUserAPC, UserApc, esi, 2
    invoke QueueUserAPC, UserApc, esi, 3
    invoke SleepEx, INFINITE, TRUE
    showval "alertable sleep", eax
    showval "apcs", [apcs]
    showval "first", [order]
    showval "second", [order+4]
    showval "third", [order+8]`));
  check(t, r, ['alertable sleep 0x000000C0', 'apcs 0x00000003', 'first 0x00000001', 'second 0x00000002', 'third 0x00000003']);
  // The sleep's return delivered the first; each KiUserApcDispatcher's NtContinue(TestAlert
  // TRUE) returned to user mode delivering the next; the last NtContinue resumed the sleep.
  const after = r.calls.slice(r.calls.findIndex(c => c.name === 'NtDelayExecution'));
  assert.deepEqual(after.slice(0, 4).map(c => c.name), ['NtDelayExecution', 'NtContinue', 'NtContinue', 'NtContinue']);
});
