// kernel32 pieces that need no file system: the last error in the TEB, the tick count from
// KUSER_SHARED_DATA, the command line, lstrlenA, the pseudo-handles, waits with timeouts on
// threads, Sleep; plain programs without win32.inc; and the functions that wait for the
// object manager (DuplicateHandle, events) as todos naming their services.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { README_TEXT } from '../../kernel/store/default-disk.ts';
import { runSource, runGuest, todoIfMissing, lines } from './run.ts';

const PRELUDE = `
%include "include/win32.inc"
section .text
%include "include/guestlib.inc"
`;

test('GetLastError/SetLastError use TEB.LastErrorValue at fs:0x34; a failed call sets it through RtlNtStatusToDosError', () => {
  const r = runSource(PRELUDE + `
kernel32 SetLastError, CloseHandle
global start
start:
    invoke SetLastError, 4242
    push dword [fs:0x34]
    call PrintDec
    push crlf
    call Print
    mov dword [fs:0x34], 77
    call [GetLastError]
    push eax
    call PrintDec
    push crlf
    call Print
    invoke CloseHandle, 0x1234
    push dword [fs:0x34]
    call PrintDec
    push crlf
    call Print
    push dword [fs:0xBF4]               ; TEB.LastStatusValue: the status behind it
    call PrintHex
    invoke ExitProcess, 0
section .data
crlf: db 13, 10, 0
`);
  assert.deepEqual(lines(r.stdout), ['4242', '77', '6', '0xC0000008']);
});

test('GetCommandLineA: "prog.exe" and the arguments of ntlab run; ParseArgs splits them, quotes kept together', () => {
  const r = runSource(PRELUDE + `
global start
start:
    call [GetCommandLineA]
    push eax
    call PrintLine
    call ParseArgs
    xor esi, esi
.next:
    cmp esi, [argc]
    je .done
    push dword [argv + esi*4]
    call PrintLine
    inc esi
    jmp .next
.done:
    invoke ExitProcess, [argc]
`, ['one', 'C:\\two.txt', '"three four"']);
  assert.equal(r.code, 3, r.stderr);
  assert.deepEqual(lines(r.stdout), ['prog.exe one C:\\two.txt "three four"', 'one', 'C:\\two.txt', 'three four', '']);
});

test('GetTickCount reads KUSER_SHARED_DATA and grows across a Sleep; lstrlenA; GetCurrentProcess/GetCurrentThread are -1/-2', () => {
  const r = runSource(PRELUDE + `
kernel32 GetTickCount, Sleep, GetCurrentProcess, GetCurrentThread
global start
start:
    invoke GetTickCount
    mov esi, eax
    invoke Sleep, 50
    invoke GetTickCount
    sub eax, esi
    push eax
    call PrintDec
    push crlf
    call Print
    invoke lstrlenA, text
    push eax
    call PrintDec
    push crlf
    call Print
    invoke lstrlenA, NULL
    push eax
    call PrintDec
    push crlf
    call Print
    invoke GetCurrentProcess
    push eax
    call PrintHex
    push crlf
    call Print
    invoke GetCurrentThread
    push eax
    call PrintHex
    invoke ExitProcess, 0
section .data
text: db "seventeen chars..", 0
crlf: db 13, 10, 0
`);
  const [elapsed, ...rest] = lines(r.stdout);
  assert.ok(Number(elapsed) >= 50 && Number(elapsed) <= 70, `slept ${elapsed} ms`);
  assert.deepEqual(rest, ['17', '0', '0xFFFFFFFF', '0xFFFFFFFE']);
});

test('WaitForSingleObject on a thread: WAIT_TIMEOUT while it runs, WAIT_OBJECT_0 when it ended; ExitThread\'s code ends only the thread', () => {
  const r = runSource(PRELUDE + `
kernel32 CreateThread, ExitThread, WaitForSingleObject, Sleep
global start
start:
    invoke CreateThread, NULL, 0, Worker, 0, 0, tid
    mov esi, eax
    invoke WaitForSingleObject, esi, 10
    push eax
    call PrintHex
    push crlf
    call Print
    invoke WaitForSingleObject, esi, INFINITE
    push eax
    call PrintHex
    push crlf
    call Print
    xor eax, eax
    cmp dword [tid], 0
    setne al
    push eax
    call PrintDec
    invoke ExitProcess, 0
Worker:
    invoke Sleep, 100
    invoke ExitThread, 5
section .data
tid: dd 0
crlf: db 13, 10, 0
`);
  assert.deepEqual(lines(r.stdout), ['0x00000102', '0x00000000', '1']);
  assert.equal(r.code, 0);
});

test('a program without win32.inc (hello.asm, the DESIGN.md interface) still runs', () => {
  const bin = resolve(import.meta.dirname, '..', '..', 'bin', 'ntlab.mjs');
  const p = spawnSync(process.execPath, [bin, 'run', resolve(import.meta.dirname, '..', '..', 'guest', 'hello.asm')], { encoding: 'latin1' });
  assert.equal(p.stdout, 'hello\r\n');
  assert.equal(p.status, 0);
  assert.equal(runGuest('hello.asm').stdout, 'hello\r\n');
});

test('events and DuplicateHandle: CreateEventA, SetEvent, ResetEvent, waits with timeouts, WaitForMultipleObjects, a duplicate that outlives the original', t => {
  const r = runSource(PRELUDE + `
kernel32 CreateEventA, SetEvent, ResetEvent, WaitForSingleObject, WaitForMultipleObjects, DuplicateHandle, CloseHandle, GetCurrentProcess
%macro say 0
    push eax
    call PrintHex
    push crlf
    call Print
%endmacro
global start
start:
    invoke CreateEventA, NULL, TRUE, FALSE, NULL
    mov [events], eax
    invoke CreateEventA, NULL, FALSE, TRUE, name
    mov [events+4], eax
    call [GetLastError]
    say                                         ; a new named event: 0
    invoke WaitForSingleObject, [events], 0
    say                                         ; not signalled: WAIT_TIMEOUT
    invoke WaitForMultipleObjects, 2, events, FALSE, 0
    say                                         ; the second is: WAIT_OBJECT_0 + 1
    invoke WaitForSingleObject, [events+4], 0
    say                                         ; auto-reset: the wait took it
    invoke SetEvent, [events]
    invoke WaitForSingleObject, [events], 0
    say                                         ; manual reset: signalled
    invoke WaitForSingleObject, [events], 0
    say                                         ; and stays so
    invoke ResetEvent, [events]
    invoke WaitForSingleObject, [events], 0
    say
    invoke GetCurrentProcess
    invoke DuplicateHandle, eax, [events], eax, dup, 0, FALSE, DUPLICATE_SAME_ACCESS
    say
    invoke CloseHandle, [events]
    invoke SetEvent, [dup]
    invoke WaitForSingleObject, [dup], 0
    say                                         ; the duplicate still names the event
    invoke ExitProcess, 0
section .data
name: db "K32TestEvent", 0
events: dd 0, 0
dup: dd 0
crlf: db 13, 10, 0
`);
  todoIfMissing(t, r);
  assert.deepEqual(lines(r.stdout).filter(Boolean),
    ['0x00000000', '0x00000102', '0x00000001', '0x00000102', '0x00000000', '0x00000000', '0x00000102', '0x00000001', '0x00000000']);
});

test('CreateEventA with the name of an existing event opens it: a handle and ERROR_ALREADY_EXISTS', t => {
  const r = runSource(PRELUDE + `
kernel32 CreateEventA, SetEvent, WaitForSingleObject
global start
start:
    invoke CreateEventA, NULL, TRUE, FALSE, name
    mov esi, eax
    call [GetLastError]
    push eax
    call PrintDec
    invoke CreateEventA, NULL, TRUE, FALSE, name
    mov edi, eax
    call [GetLastError]
    push eax
    call PrintDec
    invoke SetEvent, edi                        ; through the second handle...
    invoke WaitForSingleObject, esi, 0          ; ...the first sees it: the same event
    push eax
    call PrintDec
    invoke ExitProcess, 0
section .data
name: db "K32Named", 0
`);
  todoIfMissing(t, r);
  assert.equal(r.stdout, '0' + '183' + '0');
});

test('files: GetFileSize(Ex), SetFilePointer (begin, current, end, negative), WriteFile then read back, DeleteFileA', t => {
  const r = runSource(PRELUDE + `
kernel32 CreateFileA, ReadFile, CloseHandle, GetFileSize, GetFileSizeEx, SetFilePointer, DeleteFileA
%macro say 0
    push eax
    call PrintDec
    push crlf
    call Print
%endmacro
global start
start:
    invoke CreateFileA, readme, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL
    mov ebx, eax
    invoke GetFileSize, ebx, high
    say                                         ; the size
    invoke GetFileSizeEx, ebx, size64
    mov eax, [size64]
    say
    invoke SetFilePointer, ebx, 4, NULL, FILE_BEGIN
    say                                         ; 4
    invoke ReadFile, ebx, buffer, 4, count, NULL
    invoke SetFilePointer, ebx, 0, NULL, FILE_CURRENT
    say                                         ; 8
    invoke SetFilePointer, ebx, -2, NULL, FILE_END
    say                                         ; size - 2
    invoke SetFilePointer, ebx, -100, NULL, FILE_BEGIN
    say                                         ; INVALID_SET_FILE_POINTER
    call [GetLastError]
    say                                         ; ERROR_NEGATIVE_SEEK
    invoke CloseHandle, ebx
    push buffer
    call PrintLine                              ; bytes 4-7
    ; a new file: write, read back, delete, and it is gone
    invoke CreateFileA, scratch, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL
    mov ebx, eax
    invoke WriteFile, ebx, text, 5, count, NULL
    invoke SetFilePointer, ebx, 0, NULL, FILE_BEGIN
    invoke ReadFile, ebx, buffer, 10, count, NULL
    mov eax, [count]
    say                                         ; 5
    invoke CloseHandle, ebx
    invoke DeleteFileA, scratch
    say                                         ; TRUE
    invoke CreateFileA, scratch, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL
    call [GetLastError]
    say                                         ; ERROR_FILE_NOT_FOUND
    invoke ExitProcess, 0
section .data
readme: db "C:\\README.TXT", 0
scratch: db "C:\\SCRATCH.TXT", 0
text: db "hello"
crlf: db 13, 10, 0
high: dd 0
size64: dd 0, 0
count: dd 0
buffer: times 12 db 0
`);
  todoIfMissing(t, r);
  const n = README_TEXT.length;
  assert.deepEqual(lines(r.stdout).filter(Boolean),
    [String(n), String(n), '4', '8', String(n - 2), String(0xFFFFFFFF), '131', README_TEXT.subarray(4, 8).toString('latin1'), '5', '1', '2']);
});
