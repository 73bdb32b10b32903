; The console. In NT the console belongs to CSRSS and console handles are special values
; that kernel32 recognises (IsConsoleHandle) and sends to CSRSS by LPC. NT Lab's console is
; a device, as in Windows 8 and later: console handles are ordinary file handles on it, so
; ReadFile/WriteFile on them are plain NtReadFile/NtWriteFile.

global GetStdHandle, WriteConsoleA, ReadConsoleA

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

; HANDLE BaseTranslateStdHandle(HANDLE h): STD_INPUT/OUTPUT/ERROR_HANDLE (-10, -11, -12)
; passed where a handle is expected mean the standard handle (NT's TranslateStdHandle).
; Preserves ecx and edx.
BaseTranslateStdHandle:
    mov eax, [esp+4]
    cmp eax, STD_ERROR_HANDLE
    jl .done
    cmp eax, STD_INPUT_HANDLE
    jg .done
    push ecx
    push edx
    push eax
    call GetStdHandle
    pop edx
    pop ecx
.done:
    ret 4

; BOOL WINAPI WriteConsoleA(HANDLE hConsoleOutput, const VOID *lpBuffer,
;                           DWORD nNumberOfCharsToWrite, LPDWORD lpNumberOfCharsWritten,
;                           LPVOID lpReserved): a synchronous WriteFile on the console.
WriteConsoleA:
    push 0                                  ; lpOverlapped
    push dword [esp+20]                     ; lpNumberOfCharsWritten
    push dword [esp+20]                     ; nNumberOfCharsToWrite
    push dword [esp+20]                     ; lpBuffer
    push dword [esp+20]                     ; hConsoleOutput
    call WriteFile
    ret 20

; BOOL WINAPI ReadConsoleA(HANDLE hConsoleInput, LPVOID lpBuffer, DWORD nNumberOfCharsToRead,
;                          LPDWORD lpNumberOfCharsRead, PCONSOLE_READCONSOLE_CONTROL):
; a synchronous ReadFile on the console (a line, cooked, as the console device gives it).
ReadConsoleA:
    push 0
    push dword [esp+20]
    push dword [esp+20]
    push dword [esp+20]
    push dword [esp+20]
    call ReadFile
    ret 20
