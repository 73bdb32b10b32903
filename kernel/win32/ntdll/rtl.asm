; Rtl routines kernel32 needs.

; ULONG RtlNtStatusToDosError(NTSTATUS Status): the Win32 error for a status, and the status
; is remembered in TEB.LastStatusValue. A small table: the statuses NT Lab returns so far.
global RtlNtStatusToDosError
RtlNtStatusToDosError:
    mov eax, [esp+4]
    mov [fs:TEB.LastStatusValue], eax
    mov edx, StatusToError
.next:
    mov ecx, [edx]
    cmp ecx, eax
    je .found
    add edx, 8
    cmp dword [edx], 0xFFFFFFFF
    jne .next
    mov eax, ERROR_MR_MID_NOT_FOUND         ; no mapping known
    ret 4
.found:
    mov eax, [edx+4]
    ret 4

ERROR_MR_MID_NOT_FOUND equ 317

section .rdata
align 4
StatusToError:
    dd STATUS_SUCCESS, 0
    dd STATUS_INVALID_HANDLE, 6                 ; ERROR_INVALID_HANDLE
    dd STATUS_OBJECT_TYPE_MISMATCH, 6           ; ERROR_INVALID_HANDLE
    dd STATUS_ACCESS_DENIED, 5                  ; ERROR_ACCESS_DENIED
    dd STATUS_INVALID_PARAMETER, 87             ; ERROR_INVALID_PARAMETER
    dd STATUS_END_OF_FILE, 38                   ; ERROR_HANDLE_EOF
    dd STATUS_ACCESS_VIOLATION, 998             ; ERROR_NOACCESS
    dd STATUS_INVALID_SYSTEM_SERVICE, 1         ; ERROR_INVALID_FUNCTION
    dd STATUS_NOT_IMPLEMENTED, 1                ; ERROR_INVALID_FUNCTION
    dd STATUS_PENDING, 997                      ; ERROR_IO_PENDING
    dd STATUS_BUFFER_OVERFLOW, 234              ; ERROR_MORE_DATA
    dd STATUS_INSUFFICIENT_RESOURCES, 1450      ; ERROR_NO_SYSTEM_RESOURCES
    dd STATUS_OBJECT_NAME_NOT_FOUND, 2          ; ERROR_FILE_NOT_FOUND
    dd STATUS_OBJECT_PATH_NOT_FOUND, 3          ; ERROR_PATH_NOT_FOUND
    dd STATUS_OBJECT_NAME_COLLISION, 183        ; ERROR_ALREADY_EXISTS
    dd STATUS_OBJECT_NAME_INVALID, 123          ; ERROR_INVALID_NAME
    dd STATUS_OBJECT_PATH_SYNTAX_BAD, 161       ; ERROR_BAD_PATHNAME
    dd 0xFFFFFFFF                               ; end of table
section .text
