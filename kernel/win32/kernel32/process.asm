; Processes and threads: how user mode starts and ends, and who "current" is.

global BaseProcessStartThunk, BaseThreadStartThunk, ExitProcess, GetCommandLineA, GetCommandLineW
global GetCurrentProcess, GetCurrentThread, GetCurrentProcessId, GetCurrentThreadId

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

; The first instruction of a thread made by CreateThread: its CONTEXT had EAX = the start
; routine and EBX = its parameter (NT's BaseInitializeContext for a thread).
BaseThreadStartThunk:
    xor ebp, ebp
    push ebx                                ; lpParameter
    push eax                                ; lpStartAddress
    push 0                                  ; no return address
BaseThreadStart:                            ; VOID BaseThreadStart(lpStartAddress, lpParameter)
    push dword [esp+8]
    call [esp+8]                            ; DWORD WINAPI ThreadProc(LPVOID lpParameter)
    push eax                                ; returning from it is ExitThread(its result)
    call ExitThread

; VOID WINAPI ExitProcess(UINT uExitCode)
; NT's ExitProcess first ends the other threads (NtTerminateProcess(NULL, ...)) and runs
; DLL detach routines; NT Lab has no DLL routines, and ending the process ends its threads.
ExitProcess:
    push dword [esp+4]                      ; ExitStatus
    push NtCurrentProcess
    call [NtTerminateProcess]
    int3                                    ; never reached

; HANDLE WINAPI GetCurrentProcess(VOID) / GetCurrentThread(VOID): pseudo-handles that every
; service taking a process or thread handle understands, never closed.
GetCurrentProcess:
    mov eax, NtCurrentProcess               ; (HANDLE)-1
    ret
GetCurrentThread:
    mov eax, NtCurrentThread                ; (HANDLE)-2
    ret

; DWORD WINAPI GetCurrentProcessId(VOID) / GetCurrentThreadId(VOID): TEB.ClientId.
GetCurrentProcessId:
    mov eax, [fs:TEB.ClientId + CLIENT_ID.UniqueProcess]
    ret
GetCurrentThreadId:
    mov eax, [fs:TEB.ClientId + CLIENT_ID.UniqueThread]
    ret

; LPWSTR WINAPI GetCommandLineW(VOID): the command line the creator put in the process
; parameters (`ntlab run prog.asm a b` gives "prog.exe a b").
GetCommandLineW:
    mov eax, [fs:TEB.ProcessEnvironmentBlock]
    mov eax, [eax + PEB.ProcessParameters]
    mov eax, [eax + RTL_USER_PROCESS_PARAMETERS.CommandLine + UNICODE_STRING.Buffer]
    ret

; LPSTR WINAPI GetCommandLineA(VOID): the same in ANSI. NT converts it once, when kernel32
; initialises (BaseDllInitialize); NT Lab's kernel32 has no initialisation routine yet, so
; the first call converts it (Latin-1: each UTF-16 unit keeps its low byte).
GetCommandLineA:
    cmp byte [BaseAnsiCommandLineReady], 0
    jne .ready
    push esi
    push edi
    mov eax, [fs:TEB.ProcessEnvironmentBlock]
    mov eax, [eax + PEB.ProcessParameters]
    movzx ecx, word [eax + RTL_USER_PROCESS_PARAMETERS.CommandLine + UNICODE_STRING.Length]
    mov esi, [eax + RTL_USER_PROCESS_PARAMETERS.CommandLine + UNICODE_STRING.Buffer]
    shr ecx, 1                              ; characters
    cmp ecx, BASE_ANSI_COMMAND_LINE_MAX
    jbe .fits
    mov ecx, BASE_ANSI_COMMAND_LINE_MAX     ; (longer ones are cut)
.fits:
    mov edi, BaseAnsiCommandLine
    test esi, esi
    jz .converted
    jecxz .converted
.char:
    lodsw
    stosb
    loop .char
.converted:
    mov byte [edi], 0
    mov byte [BaseAnsiCommandLineReady], 1
    pop edi
    pop esi
.ready:
    mov eax, BaseAnsiCommandLine
    ret

BASE_ANSI_COMMAND_LINE_MAX equ 1023
section .bss
BaseAnsiCommandLine:      resb BASE_ANSI_COMMAND_LINE_MAX + 1
BaseAnsiCommandLineReady: resb 1
section .text
