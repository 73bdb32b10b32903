; priority.asm -- thread priorities and suspension, seen from Win32.
; A worker created suspended does not run (its exit code is STILL_ACTIVE, 259); raised to
; THREAD_PRIORITY_HIGHEST (base 8 + 2 = 10, above main's 8) and resumed, it takes the CPU
; from main at once -- inside ResumeThread's system call -- and runs to its end before main
; prints another line. A second worker at main's priority shows the suspend count: created
; suspended (1), SuspendThread returns 1 (now 2), ResumeThread 2 then 1 (now 0, it runs).
%include "include/win32.inc"
section .text
%include "include/guestlib.inc"
kernel32 CreateThread, WaitForSingleObject, CloseHandle, GetCurrentThread, GetCurrentProcess
kernel32 SetThreadPriority, GetThreadPriority, SuspendThread, ResumeThread
kernel32 GetExitCodeThread, GetExitCodeProcess

; Prints `text`, the number in `value` (anything PrintDec can push), CR LF.
%macro SAY 2
    push %2                          ; first: Print may change EAX
    push %1
    call Print
    call PrintDec                    ; takes the value pushed first
    push nl
    call Print
%endmacro

global start
start:
    invoke GetCurrentThread
    invoke GetThreadPriority, eax
    SAY mainPriority, eax

    ; 1. A worker created suspended, then raised above main and resumed.
    invoke CreateThread, NULL, 0, HighWorker, 0, CREATE_SUSPENDED, NULL
    test eax, eax
    jz .failed
    mov ebx, eax
    invoke GetExitCodeThread, ebx, exitCode
    SAY createdSuspended, dword [exitCode]
    invoke SetThreadPriority, ebx, THREAD_PRIORITY_HIGHEST
    invoke GetThreadPriority, ebx
    SAY prioritySet, eax
    push resuming
    call PrintLine
    invoke ResumeThread, ebx
    ; No wait needed: the worker has run to its end by now -- it preempted main inside
    ; ResumeThread, and main (lower) got the CPU back only when it ended.
    invoke GetExitCodeThread, ebx, exitCode
    SAY mainBack, dword [exitCode]
    invoke CloseHandle, ebx

    ; 2. Suspend counts, at main's own priority.
    invoke CreateThread, NULL, 0, NormalWorker, 0, CREATE_SUSPENDED, NULL
    test eax, eax
    jz .failed
    mov ebx, eax
    invoke SuspendThread, ebx
    SAY suspendSays, eax
    invoke ResumeThread, ebx
    SAY resumeSays, eax
    invoke ResumeThread, ebx
    SAY resumeSays, eax
    invoke WaitForSingleObject, ebx, INFINITE
    invoke CloseHandle, ebx

    invoke GetCurrentProcess
    invoke GetExitCodeProcess, eax, exitCode
    SAY processExitCode, dword [exitCode]
    invoke ExitProcess, 0
.failed:
    push createThread
    call PrintError
    invoke ExitProcess, 1

; DWORD WINAPI HighWorker(LPVOID)
HighWorker:
    invoke GetCurrentThread
    invoke GetThreadPriority, eax
    SAY workerRunning, eax
    push workerDone
    call PrintLine
    mov eax, 42
    ret 4

; DWORD WINAPI NormalWorker(LPVOID)
NormalWorker:
    push worker2Running
    call PrintLine
    xor eax, eax
    ret 4

section .data
nl:               db 13, 10, 0
exitCode:         dd 0
mainPriority:     db "main: priority ", 0
createdSuspended: db "worker: created suspended, exit code ", 0
prioritySet:      db "worker: priority set to ", 0
resuming:         db "main: resuming the worker", 0
workerRunning:    db "worker: running at priority ", 0
workerDone:       db "worker: done, before main runs again", 0
mainBack:         db "main: back; the worker exited with ", 0
suspendSays:      db "worker 2: SuspendThread -> previous count ", 0
resumeSays:       db "worker 2: ResumeThread -> previous count ", 0
worker2Running:   db "worker 2: running", 0
processExitCode:  db "main: GetExitCodeProcess -> ", 0
createThread:     db "CreateThread", 0
