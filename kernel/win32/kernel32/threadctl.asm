; threadctl.asm -- controlling threads and asking how they (and processes) are:
; SetThreadPriority/GetThreadPriority, SuspendThread/ResumeThread, GetExitCodeThread,
; GetExitCodeProcess, SetPriorityClass/GetPriorityClass. Each is one NtSet/
; NtQueryInformationThread, NtSuspend/ResumeThread or NtSet/NtQueryInformationProcess call,
; as in Windows' (and ReactOS's) kernel32.
global SetThreadPriority, GetThreadPriority, SuspendThread, ResumeThread
global GetExitCodeThread, GetExitCodeProcess, SetPriorityClass, GetPriorityClass

ThreadBasicInformation          equ 0
ThreadBasePriority              equ 3
ProcessBasicInformation         equ 0
ProcessPriorityClass            equ 0x12
PROCESS_PRIORITY_CLASS_size     equ 2       ; BOOLEAN Foreground, UCHAR PriorityClass
THREAD_BASIC_INFORMATION_size   equ 0x1C
TBI_ExitStatus                  equ 0x00
TBI_BasePriority                equ 0x18    ; the increment over the process's base
PROCESS_BASIC_INFORMATION_size  equ 0x18
PBI_ExitStatus                  equ 0x00
KPRIORITY_size                  equ 4
; THREAD_PRIORITY_LOWEST..HIGHEST (-2..2) are base-priority increments as they are; the
; two extremes are not: the kernel saturates the base to the bottom (1) or the top (15) of
; the process's class when asked for an increment of -+(HIGH_PRIORITY + 1) / 2.
THREAD_PRIORITY_TIME_CRITICAL   equ 15
THREAD_PRIORITY_IDLE            equ -15
THREAD_BASE_PRIORITY_SATURATE   equ 16
THREAD_PRIORITY_ERROR_RETURN    equ 0x7FFFFFFF

; BOOL WINAPI SetThreadPriority(HANDLE hThread, int nPriority)
SetThreadPriority:
    push ebp
    mov ebp, esp
    mov eax, [ebp+12]
    cmp eax, THREAD_PRIORITY_TIME_CRITICAL
    jne .notCritical
    mov eax, THREAD_BASE_PRIORITY_SATURATE
    jmp .set
.notCritical:
    cmp eax, THREAD_PRIORITY_IDLE
    jne .set
    mov eax, -THREAD_BASE_PRIORITY_SATURATE
.set:
    push eax                                ; the KPRIORITY increment, on the stack
    mov ecx, esp
    push KPRIORITY_size                     ; ThreadInformationLength
    push ecx                                ; ThreadInformation
    push ThreadBasePriority
    push dword [ebp+8]                      ; ThreadHandle
    call [NtSetInformationThread]
    test eax, eax
    js .failed
    mov eax, 1
    leave
    ret 8
.failed:
    FAIL_WITH_NTSTATUS 0, 8

; int WINAPI GetThreadPriority(HANDLE hThread): THREAD_BASIC_INFORMATION.BasePriority, the
; saturated increments mapped back; THREAD_PRIORITY_ERROR_RETURN on failure.
GetThreadPriority:
    push ebp
    mov ebp, esp
    sub esp, THREAD_BASIC_INFORMATION_size
    mov ecx, esp
    push 0                                  ; ReturnLength
    push THREAD_BASIC_INFORMATION_size
    push ecx
    push ThreadBasicInformation
    push dword [ebp+8]
    call [NtQueryInformationThread]
    test eax, eax
    js .failed
    mov eax, [esp + TBI_BasePriority]
    cmp eax, THREAD_BASE_PRIORITY_SATURATE
    jne .notCritical
    mov eax, THREAD_PRIORITY_TIME_CRITICAL
    jmp .out
.notCritical:
    cmp eax, -THREAD_BASE_PRIORITY_SATURATE
    jne .out
    mov eax, THREAD_PRIORITY_IDLE
.out:
    leave
    ret 4
.failed:
    FAIL_WITH_NTSTATUS THREAD_PRIORITY_ERROR_RETURN, 4

; DWORD WINAPI SuspendThread(HANDLE hThread) / ResumeThread(HANDLE hThread): the previous
; suspend count, or (DWORD)-1 with the last error set.
SuspendThread:
    mov eax, [NtSuspendThread]
    jmp BaseSuspendResume
ResumeThread:
    mov eax, [NtResumeThread]
BaseSuspendResume:                          ; EAX = the service; [esp+4] = hThread
    push ebp
    mov ebp, esp
    push 0                                  ; the previous count comes here
    lea ecx, [ebp-4]
    push ecx                                ; PreviousSuspendCount
    push dword [ebp+8]                      ; ThreadHandle
    call eax
    test eax, eax
    js .failed
    mov eax, [ebp-4]
    leave
    ret 4
.failed:
    FAIL_WITH_NTSTATUS -1, 4

; BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode): the thread's exit
; status; STILL_ACTIVE (259, STATUS_PENDING) while it runs.
GetExitCodeThread:
    push ebp
    mov ebp, esp
    sub esp, THREAD_BASIC_INFORMATION_size
    mov ecx, esp
    push 0
    push THREAD_BASIC_INFORMATION_size
    push ecx
    push ThreadBasicInformation
    push dword [ebp+8]
    call [NtQueryInformationThread]
    mov ecx, [esp + TBI_ExitStatus]
    jmp BaseExitCodeDone

; BOOL WINAPI GetExitCodeProcess(HANDLE hProcess, LPDWORD lpExitCode): the same for a
; process, from PROCESS_BASIC_INFORMATION.
GetExitCodeProcess:
    push ebp
    mov ebp, esp
    sub esp, PROCESS_BASIC_INFORMATION_size
    mov ecx, esp
    push 0
    push PROCESS_BASIC_INFORMATION_size
    push ecx
    push ProcessBasicInformation
    push dword [ebp+8]
    call [NtQueryInformationProcess]
    mov ecx, [esp + PBI_ExitStatus]
BaseExitCodeDone:                           ; EAX = the query's status, ECX = the exit status
    test eax, eax
    js .failed
    mov eax, [ebp+12]
    mov [eax], ecx                          ; *lpExitCode
    mov eax, 1
    leave
    ret 8
.failed:
    FAIL_WITH_NTSTATUS 0, 8

; The Win32 priority classes and the kernel's PROCESS_PRIORITY_CLASS_* for each, 0-ended.
BasePriorityClasses:
    dd 0x00000040, 1                        ; IDLE_PRIORITY_CLASS
    dd 0x00004000, 5                        ; BELOW_NORMAL_PRIORITY_CLASS
    dd 0x00000020, 2                        ; NORMAL_PRIORITY_CLASS
    dd 0x00008000, 6                        ; ABOVE_NORMAL_PRIORITY_CLASS
    dd 0x00000080, 3                        ; HIGH_PRIORITY_CLASS
    dd 0x00000100, 4                        ; REALTIME_PRIORITY_CLASS
    dd 0

; BOOL WINAPI SetPriorityClass(HANDLE hProcess, DWORD dwPriorityClass)
SetPriorityClass:
    push ebp
    mov ebp, esp
    mov eax, [ebp+12]
    mov ecx, BasePriorityClasses
.find:
    cmp dword [ecx], 0
    je .invalid
    cmp [ecx], eax
    je .found
    add ecx, 8
    jmp .find
.found:
    mov eax, [ecx+4]
    shl eax, 8                              ; PriorityClass in byte 1; Foreground FALSE
    push eax
    mov ecx, esp
    push PROCESS_PRIORITY_CLASS_size
    push ecx
    push ProcessPriorityClass
    push dword [ebp+8]
    call [NtSetInformationProcess]
    test eax, eax
    js .failed
    mov eax, 1
    leave
    ret 8
.invalid:
    push ERROR_INVALID_PARAMETER
    call SetLastError
    xor eax, eax
    leave
    ret 8
.failed:
    FAIL_WITH_NTSTATUS 0, 8

; DWORD WINAPI GetPriorityClass(HANDLE hProcess): the Win32 class, 0 on failure.
GetPriorityClass:
    push ebp
    mov ebp, esp
    push 0                                  ; the PROCESS_PRIORITY_CLASS comes here
    mov ecx, esp
    push 0                                  ; ReturnLength
    push PROCESS_PRIORITY_CLASS_size
    push ecx
    push ProcessPriorityClass
    push dword [ebp+8]
    call [NtQueryInformationProcess]
    test eax, eax
    js .failed
    movzx eax, byte [ebp-4+1]               ; PriorityClass
    mov ecx, BasePriorityClasses
.find:
    cmp dword [ecx], 0
    je .out                                 ; (EAX = 0: not a class kernel32 knows)
    cmp [ecx+4], eax
    je .found
    add ecx, 8
    jmp .find
.found:
    mov eax, [ecx]
.out:
    leave
    ret 4
.failed:
    FAIL_WITH_NTSTATUS 0, 4
