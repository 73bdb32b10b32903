// guest/priority.asm (SetThreadPriority/GetThreadPriority, CREATE_SUSPENDED, SuspendThread/
// ResumeThread, GetExitCodeThread/GetExitCodeProcess through kernel32) with its console
// output, and the kernel32 failures: the NTSTATUS of NtSet/NtQueryInformationThread and
// NtSuspend/ResumeThread becomes the Win32 error and each function's failure value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGuest, runSource, lines } from './run.ts';

test('priority.asm: a raised worker preempts main inside ResumeThread and runs to its end first; suspend counts', () => {
  const r = runGuest('priority.asm');
  assert.deepEqual(lines(r.stdout), [
    'main: priority 0',
    'worker: created suspended, exit code 259',
    'worker: priority set to 2',
    'main: resuming the worker',
    'worker: running at priority 2',
    'worker: done, before main runs again',
    'main: back; the worker exited with 42',
    'worker 2: SuspendThread -> previous count 1',
    'worker 2: ResumeThread -> previous count 2',
    'worker 2: ResumeThread -> previous count 1',
    'worker 2: running',
    'main: GetExitCodeProcess -> 259',
    '',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.calls.some(c => c.name === 'NtSetInformationThread' && c.status === 0));
});

test('kernel32 thread control failures: the values Windows returns and the last errors', () => {
  const r = runSource(`
%include "include/win32.inc"
section .text
%include "include/guestlib.inc"
kernel32 SetThreadPriority, GetThreadPriority, SuspendThread, ResumeThread, GetExitCodeThread, GetCurrentThread

%macro RESULT 0                      ; EAX and the last error, on one line
    push eax
    call PrintHex
    push space
    call Print
    call [GetLastError]
    push eax
    call PrintDec
    push crlf
    call Print
%endmacro

global start
start:
    invoke GetCurrentThread
    invoke SetThreadPriority, eax, 5                ; not a THREAD_PRIORITY_* value
    RESULT
    invoke GetThreadPriority, 0x1234
    RESULT
    invoke SuspendThread, 0x1234
    RESULT
    invoke ResumeThread, 0x1234
    RESULT
    invoke GetExitCodeThread, 0x1234, code
    RESULT
    invoke GetCurrentThread
    invoke SetThreadPriority, eax, THREAD_PRIORITY_TIME_CRITICAL
    invoke GetCurrentThread
    invoke GetThreadPriority, eax
    RESULT
    invoke ExitProcess, 0
section .data
space: db " ", 0
crlf:  db 13, 10, 0
code:  dd 0
`);
  assert.deepEqual(lines(r.stdout), [
    '0x00000000 87',    // FALSE, ERROR_INVALID_PARAMETER (STATUS_INVALID_PARAMETER)
    '0x7FFFFFFF 6',     // THREAD_PRIORITY_ERROR_RETURN, ERROR_INVALID_HANDLE
    '0xFFFFFFFF 6',     // (DWORD)-1
    '0xFFFFFFFF 6',
    '0x00000000 6',
    '0x0000000F 6',     // TIME_CRITICAL reads back as 15 (the last error unchanged)
    '',
  ]);
  assert.equal(r.code, 0, r.stderr);
});

test('SetPriorityClass/GetPriorityClass: HIGH_PRIORITY_CLASS moves the base to 13, the thread keeps its relative priority', () => {
  const r = runSource(`
%include "include/win32.inc"
section .text
%include "include/guestlib.inc"
kernel32 SetPriorityClass, GetPriorityClass, GetCurrentProcess, GetCurrentThread, GetThreadPriority, SetThreadPriority

%macro RESULT 0
    push eax
    call PrintHex
    push crlf
    call Print
%endmacro

global start
start:
    invoke GetCurrentProcess
    invoke GetPriorityClass, eax
    RESULT
    invoke GetCurrentThread
    invoke SetThreadPriority, eax, THREAD_PRIORITY_LOWEST
    invoke GetCurrentProcess
    invoke SetPriorityClass, eax, HIGH_PRIORITY_CLASS
    RESULT
    invoke GetCurrentProcess
    invoke GetPriorityClass, eax
    RESULT
    invoke GetCurrentThread
    invoke GetThreadPriority, eax
    RESULT
    invoke GetCurrentProcess
    invoke SetPriorityClass, eax, 0x1234
    RESULT
    call [GetLastError]
    RESULT
    invoke ExitProcess, 0
section .data
crlf: db 13, 10, 0
`);
  assert.deepEqual(lines(r.stdout), [
    '0x00000020',       // NORMAL_PRIORITY_CLASS
    '0x00000001',
    '0x00000080',       // HIGH_PRIORITY_CLASS
    '0xFFFFFFFE',       // still THREAD_PRIORITY_LOWEST (-2): base 11 = 13 - 2
    '0x00000000',
    '0x00000057',       // ERROR_INVALID_PARAMETER
    '',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.calls.some(c => c.name === 'NtSetInformationProcess' && c.status === 0));
});
