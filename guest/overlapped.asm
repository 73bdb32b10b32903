; overlapped.asm -- asynchronous ReadFile with an OVERLAPPED and an event.
; A file opened with FILE_FLAG_OVERLAPPED has no current position and no waiting inside
; the I/O manager: each ReadFile names its offset in the OVERLAPPED, may return FALSE with
; ERROR_IO_PENDING while the read runs, and the kernel signals hEvent when it is done.
; GetOverlappedResult then gives the count (or the error, e.g. ERROR_HANDLE_EOF).
%include "include/win32.inc"
section .text
%include "include/guestlib.inc"
kernel32 CreateFileA, ReadFile, CloseHandle, CreateEventA, WaitForSingleObject, GetOverlappedResult

global start
start:
    invoke CreateEventA, NULL, TRUE, FALSE, NULL   ; manual reset, not signalled
    test eax, eax
    jz .event_failed
    mov [ov + OVERLAPPED.hEvent], eax
    invoke CreateFileA, fileName, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL
    cmp eax, INVALID_HANDLE_VALUE
    je .open_failed
    mov ebx, eax

    ; Read 16 bytes at offset 0.
    push readAt0
    call PrintLine
    call ReadAndReport

    ; Read at offset 1 MiB, past the end of the file.
    mov dword [ov + OVERLAPPED.Offset], 0x100000
    push readPastEnd
    call PrintLine
    call ReadAndReport

    invoke CloseHandle, ebx
    invoke CloseHandle, [ov + OVERLAPPED.hEvent]
    invoke ExitProcess, 0

.event_failed:
    push createEvent
    call PrintError
    invoke ExitProcess, 1
.open_failed:
    push createFile
    call PrintError
    invoke ExitProcess, 1

; One overlapped read of 16 bytes on ebx at ov.Offset, told step by step.
ReadAndReport:
    invoke ReadFile, ebx, buffer, 16, bytesRead, ov
    test eax, eax
    jz .false
    push doneAtOnce                         ; TRUE: completed inside the call
    call PrintLine
    jmp .result
.false:
    call [GetLastError]
    cmp eax, ERROR_IO_PENDING
    jne .failed_at_once
    push pending                            ; FALSE + ERROR_IO_PENDING: it runs on
    call PrintLine
    invoke WaitForSingleObject, [ov + OVERLAPPED.hEvent], INFINITE
    push eax
    push waited
    call Print                              ; (the result waits on the stack)
    call PrintHex
    push crlf
    call Print
.result:
    invoke GetOverlappedResult, ebx, ov, bytesRead, TRUE
    test eax, eax
    jz .result_failed
    push gotBytes
    call Print
    push dword [bytesRead]
    call PrintDec
    push colon
    call Print
    push dword [bytesRead]
    push buffer
    call PrintN
    push crlf
    call Print
    ret
.result_failed:
    push getOverlappedResult
    call PrintError
    ret
.failed_at_once:
    push readFile
    call PrintError
    ret

section .data
ov:           istruc OVERLAPPED
              iend
fileName:     db "C:\README.TXT", 0
readAt0:      db "ReadFile 16 bytes at offset 0", 0
readPastEnd:  db "ReadFile 16 bytes at offset 0x100000", 0
doneAtOnce:   db "   TRUE: done at once", 0
pending:      db "   FALSE, ERROR_IO_PENDING: waiting on the event", 0
waited:       db "   WaitForSingleObject: ", 0
gotBytes:     db "   GetOverlappedResult: TRUE, ", 0
colon:        db " bytes: ", 0
createEvent:  db "CreateEventA", 0
createFile:   db "CreateFileA", 0
readFile:     db "   ReadFile", 0
getOverlappedResult: db "   GetOverlappedResult", 0
crlf:         db 13, 10, 0
section .bss
buffer:       resb 16
bytesRead:    resd 1
