; The last-error value: a per-thread DWORD in the TEB (TEB.LastErrorValue, fs:0x34), so
; threads do not see each other's errors.

global GetLastError, SetLastError

; DWORD WINAPI GetLastError(VOID)
GetLastError:
    mov eax, [fs:TEB.LastErrorValue]
    ret

; VOID WINAPI SetLastError(DWORD dwErrCode)
SetLastError:
    mov eax, [esp+4]
    mov [fs:TEB.LastErrorValue], eax
    ret 4

; VOID BaseSetLastNTError(NTSTATUS Status): how every kernel32 function reports a failed
; service: the Win32 error RtlNtStatusToDosError gives, into the TEB. Returns the error.
BaseSetLastNTError:
    push dword [esp+4]
    call [RtlNtStatusToDosError]
    mov [fs:TEB.LastErrorValue], eax
    ret 4
