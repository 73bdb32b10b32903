; kernel32.dll, the first slice: enough for a console program to print and exit.
; (Issue 5 grows it: CreateFile, ReadFile, overlapped I/O, APCs, threads, ...)
bits 32
%include "ks386.inc"

import NtWriteFile ntdll.dll
import NtTerminateProcess ntdll.dll
import RtlNtStatusToDosError ntdll.dll
extern NtWriteFile, NtTerminateProcess, RtlNtStatusToDosError

STD_INPUT_HANDLE equ -10
STD_OUTPUT_HANDLE equ -11
STD_ERROR_HANDLE equ -12
INVALID_HANDLE_VALUE equ -1
ERROR_INVALID_HANDLE equ 6

section .text
global BaseProcessStartThunk, GetStdHandle, WriteFile, ExitProcess, GetLastError, SetLastError

; The first user-mode instruction of a process: EAX = the program's entry point (the
; kernel's initial trap frame put it there, as NT's BaseInitializeContext does).
BaseProcessStartThunk:
    xor ebp, ebp
    push eax
    push 0                                  ; no return address: this frame is the last
BaseProcessStart:                           ; VOID BaseProcessStart(LPVOID lpStartAddress)
    call [esp+4]                            ; the program; if it returns,
    push eax                                ; its return value is the exit code
    call ExitProcess

; HANDLE WINAPI GetStdHandle(DWORD nStdHandle): from the process parameters in the PEB.
GetStdHandle:
    mov eax, [fs:TEB.ProcessEnvironmentBlock]
    mov eax, [eax + PEB.ProcessParameters]
    mov ecx, [esp+4]
    cmp ecx, STD_OUTPUT_HANDLE
    je .output
    cmp ecx, STD_ERROR_HANDLE
    je .error
    cmp ecx, STD_INPUT_HANDLE
    je .input
    push ERROR_INVALID_HANDLE
    call SetLastError
    mov eax, INVALID_HANDLE_VALUE
    ret 4
.output:
    mov eax, [eax + RTL_USER_PROCESS_PARAMETERS.StandardOutput]
    ret 4
.error:
    mov eax, [eax + RTL_USER_PROCESS_PARAMETERS.StandardError]
    ret 4
.input:
    mov eax, [eax + RTL_USER_PROCESS_PARAMETERS.StandardInput]
    ret 4

; BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
;                       LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped)
; Synchronous only in this slice (lpOverlapped is not looked at yet).
WriteFile:
    push ebp
    mov ebp, esp
    sub esp, IO_STATUS_BLOCK_size           ; [ebp-8]: the IO_STATUS_BLOCK
    mov ecx, [ebp+20]                       ; lpNumberOfBytesWritten
    test ecx, ecx
    jz .call
    mov dword [ecx], 0
.call:
    push 0                                  ; Key
    push 0                                  ; ByteOffset
    push dword [ebp+16]                     ; Length
    push dword [ebp+12]                     ; Buffer
    lea eax, [ebp-IO_STATUS_BLOCK_size]
    push eax                                ; IoStatusBlock
    push 0                                  ; ApcContext
    push 0                                  ; ApcRoutine
    push 0                                  ; Event
    push dword [ebp+8]                      ; FileHandle
    call [NtWriteFile]
    test eax, eax
    js .failed                              ; NT_SUCCESS(status) is status >= 0
    mov ecx, [ebp+20]
    test ecx, ecx
    jz .done
    mov edx, [ebp-IO_STATUS_BLOCK_size + IO_STATUS_BLOCK.Information]
    mov [ecx], edx
.done:
    mov eax, 1
    leave
    ret 20
.failed:
    push eax
    call BaseSetLastNTError
    xor eax, eax
    leave
    ret 20

; VOID WINAPI ExitProcess(UINT uExitCode)
ExitProcess:
    push dword [esp+4]                      ; ExitStatus
    push -1                                 ; NtCurrentProcess()
    call [NtTerminateProcess]
    int3                                    ; never reached

; DWORD WINAPI GetLastError(VOID) / VOID WINAPI SetLastError(DWORD): TEB.LastErrorValue.
GetLastError:
    mov eax, [fs:TEB.LastErrorValue]
    ret
SetLastError:
    mov eax, [esp+4]
    mov [fs:TEB.LastErrorValue], eax
    ret 4

; VOID BaseSetLastNTError(NTSTATUS): the Win32 error for a status, into the TEB.
BaseSetLastNTError:
    push dword [esp+4]
    call [RtlNtStatusToDosError]
    push eax
    call SetLastError
    ret 4
