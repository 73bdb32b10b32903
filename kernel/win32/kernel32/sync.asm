; Events, waits and sleeping. Win32 timeouts are milliseconds (INFINITE = no timeout); NT's
; are LARGE_INTEGERs in 100 ns units, negative for "relative to now", and a NULL pointer
; for "no timeout". Alertable waits are where user APCs run; such a wait returns
; WAIT_IO_COMPLETION (= STATUS_USER_APC, 0xC0) when it ended to run them.

global CreateEventA, CreateEventW, SetEvent, ResetEvent
global WaitForSingleObject, WaitForSingleObjectEx, WaitForMultipleObjects, WaitForMultipleObjectsEx
global SleepEx, Sleep

; PLARGE_INTEGER BaseFormatTimeOut(PLARGE_INTEGER Timeout, DWORD dwMilliseconds)
; NULL for INFINITE, else Timeout = -(dwMilliseconds * 10000): relative, in 100 ns.
BaseFormatTimeOut:
    mov eax, [esp+8]
    cmp eax, INFINITE
    je .infinite
    mov ecx, 10000
    mul ecx                                 ; edx:eax = ms * 10000
    neg eax                                 ; negate the 64-bit value
    adc edx, 0
    neg edx
    mov ecx, [esp+4]
    mov [ecx], eax
    mov [ecx+4], edx
    mov eax, ecx
    ret 8
.infinite:
    xor eax, eax
    ret 8

; HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
;                            BOOL bInitialState, LPCSTR lpName)
CreateEventA:
    mov eax, [esp+16]
    test eax, eax
    jz CreateEventW                         ; unnamed: nothing to convert
    push eax
    call Basep8BitStringToStaticUnicodeString
    test eax, eax
    jz .failed
    mov [esp+16], eax
    jmp CreateEventW
.failed:
    ret 16

; HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES, BOOL bManualReset, BOOL bInitialState,
;                            LPCWSTR lpName)
; A manual-reset event is NT's NotificationEvent (stays signalled, wakes every waiter); an
; auto-reset one is a SynchronizationEvent (wakes one waiter and resets). A named event
; lives in \BaseNamedObjects; opening an existing one (OBJ_OPENIF) is not an error, but the
; last error says ERROR_ALREADY_EXISTS.
%define ceName     ebp-8                    ; UNICODE_STRING
%define ceOa       ebp-0x20
%define ceHandle   ebp-0x24
%define ceBuffer   ebp-0x24-NT_NAME_CHARS*2
CreateEventW:
    push ebp
    mov ebp, esp
    sub esp, 0x24 + NT_NAME_CHARS*2
    push esi
    push edi
    mov dword [ceOa + OBJECT_ATTRIBUTES.Length], OBJECT_ATTRIBUTES_size
    mov dword [ceOa + OBJECT_ATTRIBUTES.RootDirectory], 0
    mov dword [ceOa + OBJECT_ATTRIBUTES.ObjectName], 0
    mov dword [ceOa + OBJECT_ATTRIBUTES.Attributes], 0
    mov dword [ceOa + OBJECT_ATTRIBUTES.SecurityDescriptor], 0
    mov dword [ceOa + OBJECT_ATTRIBUTES.SecurityQualityOfService], 0
    mov ecx, [ebp+8]
    test ecx, ecx
    jz .named
    mov eax, [ecx + SECURITY_ATTRIBUTES.lpSecurityDescriptor]
    mov [ceOa + OBJECT_ATTRIBUTES.SecurityDescriptor], eax
    cmp dword [ecx + SECURITY_ATTRIBUTES.bInheritHandle], 0
    je .named
    or dword [ceOa + OBJECT_ATTRIBUTES.Attributes], OBJ_INHERIT
.named:
    mov esi, [ebp+20]                       ; lpName
    test esi, esi
    jz .create
    ; "\BaseNamedObjects\" + lpName
    lea edi, [ceBuffer]
    mov [ceName + UNICODE_STRING.Buffer], edi
    mov ecx, BaseNamedObjectsPrefix
.prefix:
    movzx eax, byte [ecx]
    test eax, eax
    jz .name
    stosw
    inc ecx
    jmp .prefix
.name:
    lea edx, [ceBuffer + NT_NAME_CHARS*2 - 2] ; the last character slot (for the 0)
.char:
    lodsw
    test ax, ax
    jz .named_done
    cmp edi, edx
    jae .too_long
    stosw
    jmp .char
.named_done:
    lea eax, [ceBuffer]
    sub edi, eax
    mov [ceName + UNICODE_STRING.Length], di
    mov [ceName + UNICODE_STRING.MaximumLength], di
    lea eax, [ceName]
    mov [ceOa + OBJECT_ATTRIBUTES.ObjectName], eax
    or dword [ceOa + OBJECT_ATTRIBUTES.Attributes], OBJ_OPENIF
.create:
    mov eax, [ebp+16]                       ; bInitialState
    neg eax
    sbb eax, eax
    neg eax                                 ; TRUE/FALSE -> 1/0
    push eax                                ; InitialState
    mov eax, SynchronizationEvent
    cmp dword [ebp+12], 0                   ; bManualReset
    je .type
    mov eax, NotificationEvent
.type:
    push eax                                ; EventType
    lea eax, [ceOa]
    push eax                                ; ObjectAttributes
    push EVENT_ALL_ACCESS
    lea eax, [ceHandle]
    push eax
    call [NtCreateEvent]
    test eax, eax
    js .failed
    mov ecx, ERROR_SUCCESS
    cmp eax, STATUS_OBJECT_NAME_EXISTS
    jne .last_error
    mov ecx, ERROR_ALREADY_EXISTS
.last_error:
    push ecx
    call SetLastError
    mov eax, [ceHandle]
    jmp .out
.too_long:
    push ERROR_FILENAME_EXCED_RANGE
    call SetLastError
    xor eax, eax
    jmp .out
.failed:
    push eax
    call BaseSetLastNTError
    xor eax, eax                            ; CreateEvent fails with NULL, not -1
.out:
    pop edi
    pop esi
    leave
    ret 16
%undef ceName
%undef ceOa
%undef ceHandle
%undef ceBuffer

; BOOL WINAPI SetEvent(HANDLE hEvent) -> NtSetEvent
SetEvent:
    push 0                                  ; PreviousState: not wanted
    push dword [esp+8]
    call [NtSetEvent]
    jmp BaseBoolFromStatus

; BOOL WINAPI ResetEvent(HANDLE hEvent) -> NtClearEvent (NtResetEvent without the state)
ResetEvent:
    push dword [esp+4]
    call [NtClearEvent]
    ; falls through
; The tail of the one-argument functions above: EAX = the status -> TRUE, or FALSE and the
; last error. (SetEvent and ResetEvent both take one argument.)
BaseBoolFromStatus:
    test eax, eax
    js .failed
    mov eax, 1
    ret 4
.failed:
    FAIL_WITH_NTSTATUS_NOFRAME 4

; DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
WaitForSingleObject:
    push 0                                  ; bAlertable
    push dword [esp+12]
    push dword [esp+12]
    call WaitForSingleObjectEx
    ret 8

; DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable)
; Returns the wait's status, which is the Win32 value: WAIT_OBJECT_0 (0), WAIT_ABANDONED
; (0x80), WAIT_IO_COMPLETION (0xC0), WAIT_TIMEOUT (0x102); WAIT_FAILED and the last error
; if the service failed.
WaitForSingleObjectEx:
    push ebp
    mov ebp, esp
    sub esp, 8                              ; the LARGE_INTEGER timeout
    push ebx
    push dword [ebp+12]
    lea eax, [ebp-8]
    push eax
    call BaseFormatTimeOut
    mov ebx, eax                            ; NULL: wait forever
    push dword [ebp+8]
    call BaseTranslateStdHandle
    mov [ebp+8], eax
.again:
    push ebx                                ; Timeout
    push dword [ebp+16]                     ; Alertable
    push dword [ebp+8]                      ; Handle
    call [NtWaitForSingleObject]
    ; An alert (NtAlertThread) is not a reason for a Win32 wait to end: wait again.
    cmp eax, STATUS_ALERTED
    jne .waited
    cmp dword [ebp+16], 0
    jne .again
.waited:
    test eax, eax
    jns .out
    push eax
    call BaseSetLastNTError
    mov eax, WAIT_FAILED
.out:
    pop ebx
    leave
    ret 12

; DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
;                                     DWORD dwMilliseconds)
WaitForMultipleObjects:
    push 0                                  ; bAlertable
    push dword [esp+20]
    push dword [esp+20]
    push dword [esp+20]
    push dword [esp+20]
    call WaitForMultipleObjectsEx
    ret 16

; DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles,
;                                       BOOL bWaitAll, DWORD dwMilliseconds, BOOL bAlertable)
; Returns WAIT_OBJECT_0 + i for the object that ended a wait-any (i, the index), or
; WAIT_OBJECT_0 for a wait-all, or as WaitForSingleObjectEx.
WaitForMultipleObjectsEx:
    push ebp
    mov ebp, esp
    sub esp, 8
    push ebx
    mov eax, [ebp+8]
    dec eax
    cmp eax, MAXIMUM_WAIT_OBJECTS - 1
    jbe .count_ok                           ; 1..64 handles
    push ERROR_INVALID_PARAMETER
    call SetLastError
    mov eax, WAIT_FAILED
    jmp .out
.count_ok:
    push dword [ebp+20]
    lea eax, [ebp-8]
    push eax
    call BaseFormatTimeOut
    mov ebx, eax
    mov ecx, WaitAny
    cmp dword [ebp+16], 0
    je .again
    mov ecx, WaitAll
.again:
    push ecx
    push ebx                                ; Timeout
    push dword [ebp+24]                     ; Alertable
    push ecx                                ; WaitType
    push dword [ebp+12]                     ; Handles
    push dword [ebp+8]                      ; Count
    call [NtWaitForMultipleObjects]
    pop ecx
    cmp eax, STATUS_ALERTED
    jne .waited
    cmp dword [ebp+24], 0
    jne .again
.waited:
    test eax, eax
    jns .out
    push eax
    call BaseSetLastNTError
    mov eax, WAIT_FAILED
.out:
    pop ebx
    leave
    ret 20

; DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable)
; NtDelayExecution. Returns 0 when the time is up, WAIT_IO_COMPLETION when an alertable
; sleep ended early because user APCs (I/O completion routines, QueueUserAPC) ran.
SleepEx:
    push ebp
    mov ebp, esp
    sub esp, 8
    push dword [ebp+8]
    lea eax, [ebp-8]
    push eax
    call BaseFormatTimeOut
    test eax, eax
    jnz .again
    ; INFINITE: NtDelayExecution has no "no timeout"; the longest relative interval is it.
    lea eax, [ebp-8]
    mov dword [eax], 0
    mov dword [eax+4], 0x80000000
.again:
    push eax
    push eax                                ; DelayInterval
    push dword [ebp+12]                     ; Alertable
    call [NtDelayExecution]
    mov ecx, eax
    pop eax
    cmp ecx, STATUS_ALERTED
    jne .slept
    cmp dword [ebp+12], 0
    jne .again
.slept:
    xor eax, eax
    cmp ecx, STATUS_USER_APC
    jne .out
    mov eax, WAIT_IO_COMPLETION
.out:
    leave
    ret 8

; VOID WINAPI Sleep(DWORD dwMilliseconds): SleepEx, not alertable.
Sleep:
    push 0
    push dword [esp+8]
    call SleepEx
    ret 4

section .rdata
BaseNamedObjectsPrefix: db "\BaseNamedObjects\", 0
section .text
