; apc.asm -- user APCs: QueueUserAPC, and ReadFileEx's completion routine.
; A user APC waits in the thread's APC queue until the thread says it can be interrupted:
; an alertable wait (SleepEx(..., TRUE), WaitForSingleObjectEx(..., TRUE)). On the way back
; to user mode the kernel runs it (KiDeliverApc -> ntdll!KiUserApcDispatcher -> the routine
; -> NtContinue), and the wait returns WAIT_IO_COMPLETION. A non-alertable wait leaves it.
%include "include/win32.inc"
section .text
%include "include/guestlib.inc"
kernel32 QueueUserAPC, GetCurrentThread, SleepEx, CreateFileA, ReadFileEx, CloseHandle

global start
start:
    ; ---- 1. QueueUserAPC to ourselves
    invoke GetCurrentThread
    invoke QueueUserAPC, ApcRoutine, eax, 42
    mov esi, eax                            ; (Print changes eax)
    push queued
    call Print
    push esi
    call PrintDec
    push crlf
    call Print

    invoke SleepEx, 10, FALSE               ; not alertable: the APC stays queued
    mov esi, eax
    push sleptNotAlertable
    call Print
    push esi
    call PrintHex
    push apcRuns
    call Print
    push dword [apcCount]
    call PrintDec
    push crlf
    call Print

    invoke SleepEx, INFINITE, TRUE          ; alertable: the APC runs, the sleep ends
    mov esi, eax
    push sleptAlertable
    call Print
    push esi
    call PrintHex
    push apcRuns
    call Print
    push dword [apcCount]
    call PrintDec
    push crlf
    call Print

    ; ---- 2. ReadFileEx: the completion routine is an APC too
    invoke CreateFileA, fileName, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL
    cmp eax, INVALID_HANDLE_VALUE
    je .open_failed
    mov ebx, eax
    invoke ReadFileEx, ebx, buffer, 16, ov, CompletionRoutine
    test eax, eax
    jz .read_failed
    push readQueued
    call Print
    push dword [completions]
    call PrintDec
    push crlf
    call Print
    invoke SleepEx, INFINITE, TRUE
    mov esi, eax
    push sleptAlertable
    call Print
    push esi
    call PrintHex
    push completionRuns
    call Print
    push dword [completions]
    call PrintDec
    push crlf
    call Print
    invoke CloseHandle, ebx
    invoke ExitProcess, 0
.open_failed:
    push createFile
    call PrintError
    invoke ExitProcess, 1
.read_failed:
    push readFileEx
    call PrintError
    invoke ExitProcess, 1

; VOID CALLBACK ApcRoutine(ULONG_PTR dwData)
ApcRoutine:
    inc dword [apcCount]
    push apcSays
    call Print
    push dword [esp+4]
    call PrintDec
    push crlf
    call Print
    ret 4

; VOID CALLBACK CompletionRoutine(DWORD dwErrorCode, DWORD dwNumberOfBytesTransfered,
;                                 LPOVERLAPPED lpOverlapped)
CompletionRoutine:
    inc dword [completions]
    push completionSays
    call Print
    push dword [esp+4]                      ; dwErrorCode
    call PrintDec
    push comma
    call Print
    push dword [esp+8]                      ; dwNumberOfBytesTransfered
    call PrintDec
    push bytesSays
    call Print
    push dword [esp+8]
    push buffer
    call PrintN
    push crlf
    call Print
    ret 12

section .data
ov:           istruc OVERLAPPED
              iend
apcCount:     dd 0
completions:  dd 0
fileName:     db "C:\README.TXT", 0
queued:       db "QueueUserAPC returned ", 0
sleptNotAlertable: db "SleepEx(10, FALSE) returned ", 0
sleptAlertable:    db "SleepEx(INFINITE, TRUE) returned ", 0
apcRuns:      db ", APC runs so far: ", 0
apcSays:      db "  APC routine ran, dwData = ", 0
readQueued:   db "ReadFileEx returned TRUE, completions so far: ", 0
completionRuns: db ", completions so far: ", 0
completionSays: db "  completion routine: error ", 0
comma:        db ", ", 0
bytesSays:    db " bytes: ", 0
createFile:   db "CreateFileA", 0
readFileEx:   db "ReadFileEx", 0
crlf:         db 13, 10, 0
section .bss
buffer:       resb 16
