; badcalls.asm -- what happens when a program gets it wrong. Each call fails cleanly: the
; kernel checks the handle, then probes every user pointer (a kernel-mode address or an
; unmapped page fails the probe with STATUS_ACCESS_VIOLATION, it never crashes the
; kernel), and kernel32 turns the NTSTATUS into a Win32 error (RtlNtStatusToDosError).
%include "include/win32.inc"
section .text
%include "include/guestlib.inc"
kernel32 ReadFile, CloseHandle
ntdll RtlNtStatusToDosError

BAD_HANDLE equ 0x1234
KERNEL_ADDRESS equ 0x80001000

global start
start:
    ; 1. A handle nobody opened: STATUS_INVALID_HANDLE -> ERROR_INVALID_HANDLE (6).
    invoke WriteFile, BAD_HANDLE, message, 5, count, NULL
    push call1
    call Report

    ; 2. A NULL buffer for 10 bytes: the probe fails, ERROR_NOACCESS (998); the count was
    ;    set to 0 before anything else (it held 7).
    mov dword [count], 7
    invoke GetStdHandle, STD_INPUT_HANDLE
    invoke ReadFile, eax, NULL, 10, count, NULL
    push call2
    call Report

    ; 3. A buffer in kernel space: user mode may not name it, the probe fails the same way.
    invoke GetStdHandle, STD_OUTPUT_HANDLE
    invoke WriteFile, eax, KERNEL_ADDRESS, 5, count, NULL
    push call3
    call Report

    ; 4. Closing the made-up handle.
    invoke CloseHandle, BAD_HANDLE
    push call4
    call Report

    ; 5. A service number past the end of the table: KiSystemService answers
    ;    STATUS_INVALID_SYSTEM_SERVICE itself, before any service runs.
    push callService
    call Print
    mov eax, 0x777                          ; table 0, index 0x777 >= 232 services
    lea edx, [esp+4]                        ; (no arguments are copied)
    int 0x2e
    mov esi, eax
    push esi
    call PrintHex
    push errorIs
    call Print
    invoke RtlNtStatusToDosError, esi
    push eax
    call PrintDec
    push crlf
    call Print
    invoke ExitProcess, 0

; VOID Report(LPCSTR what): "what -> FALSE/TRUE, error N, count C" from EAX and the TEB.
Report:
    push ebx
    mov ebx, eax                            ; the BOOL the call returned
    call [GetLastError]
    push eax
    push dword [esp+12]
    call Print
    push returnedFalse
    test ebx, ebx
    jz .false
    mov dword [esp], returnedTrue
.false:
    call Print
    call PrintDec                           ; the error pushed above
    push countIs
    call Print
    push dword [count]
    call PrintDec
    push crlf
    call Print
    pop ebx
    ret 4

section .data
message:       db "hello"
count:         dd 0
call1:         db "WriteFile(0x1234, ...)", 0
call2:         db "ReadFile(stdin, NULL, 10, ...)", 0
call3:         db "WriteFile(stdout, 0x80001000, 5, ...)", 0
call4:         db "CloseHandle(0x1234)", 0
callService:   db "int 0x2e with EAX = 0x777: EAX = ", 0
returnedFalse: db " -> FALSE, error ", 0
returnedTrue:  db " -> TRUE, error ", 0
countIs:       db ", count ", 0
errorIs:       db ", RtlNtStatusToDosError: ", 0
crlf:          db 13, 10, 0
