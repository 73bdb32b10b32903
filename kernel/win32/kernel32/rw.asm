; Reading and writing: ReadFile and WriteFile (synchronous or overlapped), ReadFileEx and
; WriteFileEx (completion routines run as user APCs), GetOverlappedResult.
; The logic is ReactOS's dll/win32/kernel32 rw.c (and NT's): the OVERLAPPED's Internal and
; InternalHigh *are* the IO_STATUS_BLOCK the kernel fills, its Offset/OffsetHigh the byte
; offset, its hEvent the event the kernel signals.

global ReadFile, WriteFile, ReadFileEx, WriteFileEx, GetOverlappedResult

; BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
;                      LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped)
ReadFile:
    mov eax, NtReadFile
    jmp BaseReadWriteFile

; BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
;                       LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped)
WriteFile:
    mov eax, NtWriteFile
    ; falls through: writing is reading with the other service

; The body of both. EAX = the IAT slot of the service (NtReadFile or NtWriteFile).
; Frame: [ebp+8] hFile, [ebp+12] lpBuffer, [ebp+16] nNumberOfBytes, [ebp+20] lpNumberOfBytes,
;        [ebp+24] lpOverlapped; locals: the IO_STATUS_BLOCK of a synchronous call and the
;        byte offset of an overlapped one.
%define rwIosb       ebp-8                  ; IO_STATUS_BLOCK (synchronous calls)
%define rwOffset     ebp-16                 ; LARGE_INTEGER ByteOffset (overlapped calls)
%define rwService    ebp-20
BaseReadWriteFile:
    push ebp
    mov ebp, esp
    sub esp, 20
    push ebx
    mov [rwService], eax
    ; 1. The count is zeroed first, whatever happens next (callers rely on it).
    mov ecx, [ebp+20]
    test ecx, ecx
    jz .counted
    mov dword [ecx], 0
.counted:
    push dword [ebp+8]
    call BaseTranslateStdHandle
    mov [ebp+8], eax
    mov ebx, [ebp+24]                       ; lpOverlapped
    test ebx, ebx
    jnz .overlapped

    ; 2a. Synchronous: our own IO_STATUS_BLOCK, no event, no byte offset (the file
    ;     object's CurrentByteOffset is used, as FILE_SYNCHRONOUS_IO_* files do).
    push 0                                  ; Key
    push 0                                  ; ByteOffset
    push dword [ebp+16]                     ; Length
    push dword [ebp+12]                     ; Buffer
    lea eax, [rwIosb]
    push eax                                ; IoStatusBlock
    push 0                                  ; ApcContext
    push 0                                  ; ApcRoutine
    push 0                                  ; Event
    push dword [ebp+8]                      ; FileHandle
    mov eax, [rwService]
    call [eax]
    ; A handle opened for asynchronous I/O can still answer STATUS_PENDING; the caller
    ; asked for a synchronous call, so wait for the file object to be signalled.
    cmp eax, STATUS_PENDING
    jne .sync_done
    push 0                                  ; no timeout
    push 0                                  ; not alertable
    push dword [ebp+8]
    call [NtWaitForSingleObject]
    test eax, eax
    js .sync_done                           ; the wait itself failed
    mov eax, [rwIosb + IO_STATUS_BLOCK.Status]
.sync_done:
    ; Reading at the end of a synchronous file is not an error for Win32: TRUE, 0 bytes.
    cmp eax, STATUS_END_OF_FILE
    je .true
    test eax, eax
    js .failed                              ; !NT_SUCCESS(status)
    mov ecx, [ebp+20]
    test ecx, ecx
    jz .true
    mov edx, [rwIosb + IO_STATUS_BLOCK.Information]
    mov [ecx], edx
    jmp .true

    ; 2b. Overlapped: the OVERLAPPED is the IO_STATUS_BLOCK, its offset the ByteOffset, its
    ;     event the Event. Internal = STATUS_PENDING until the kernel completes the request.
.overlapped:
    mov eax, [ebx + OVERLAPPED.Offset]
    mov [rwOffset], eax
    mov eax, [ebx + OVERLAPPED.OffsetHigh]
    mov [rwOffset+4], eax
    mov dword [ebx + OVERLAPPED.Internal], STATUS_PENDING
    push 0                                  ; Key
    lea eax, [rwOffset]
    push eax                                ; ByteOffset
    push dword [ebp+16]                     ; Length
    push dword [ebp+12]                     ; Buffer
    push ebx                                ; IoStatusBlock = the OVERLAPPED
    push 0                                  ; ApcContext
    push 0                                  ; ApcRoutine
    push dword [ebx + OVERLAPPED.hEvent]    ; Event
    push dword [ebp+8]                      ; FileHandle
    mov eax, [rwService]
    call [eax]
    ; Done at once (not pending): TRUE and the count. Pending: FALSE, ERROR_IO_PENDING --
    ; the caller waits on hEvent (or the file) and asks GetOverlappedResult.
    cmp eax, STATUS_PENDING
    je .failed
    test eax, eax
    js .failed                              ; STATUS_END_OF_FILE too: FALSE, ERROR_HANDLE_EOF
    mov ecx, [ebp+20]
    test ecx, ecx
    jz .true
    mov edx, [ebx + OVERLAPPED.InternalHigh]
    mov [ecx], edx
.true:
    mov eax, 1
    jmp .out
.failed:
    push eax
    call BaseSetLastNTError
    xor eax, eax
.out:
    pop ebx
    leave
    ret 20
%undef rwIosb
%undef rwOffset
%undef rwService

; BOOL WINAPI ReadFileEx(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
;                        LPOVERLAPPED lpOverlapped,
;                        LPOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine)
; An asynchronous read whose completion is a user APC: the kernel queues ApcRoutine
; (BasepIoCompletion) with ApcContext (the caller's routine) to this thread when the I/O
; completes, and it runs at the thread's next alertable wait (SleepEx(..., TRUE), ...).
ReadFileEx:
    mov eax, NtReadFile
    jmp BaseReadWriteFileEx

; BOOL WINAPI WriteFileEx(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
;                         LPOVERLAPPED lpOverlapped, LPOVERLAPPED_COMPLETION_ROUTINE)
WriteFileEx:
    mov eax, NtWriteFile

; [ebp+8] hFile, [ebp+12] lpBuffer, [ebp+16] nNumberOfBytes, [ebp+20] lpOverlapped,
; [ebp+24] lpCompletionRoutine
BaseReadWriteFileEx:
    push ebp
    mov ebp, esp
    sub esp, 8                              ; [ebp-8]: the ByteOffset
    mov edx, [ebp+20]                       ; lpOverlapped
    mov ecx, [edx + OVERLAPPED.Offset]
    mov [ebp-8], ecx
    mov ecx, [edx + OVERLAPPED.OffsetHigh]
    mov [ebp-4], ecx
    mov dword [edx + OVERLAPPED.Internal], STATUS_PENDING
    push 0                                  ; Key
    lea ecx, [ebp-8]
    push ecx                                ; ByteOffset
    push dword [ebp+16]                     ; Length
    push dword [ebp+12]                     ; Buffer
    push edx                                ; IoStatusBlock = the OVERLAPPED
    push dword [ebp+24]                     ; ApcContext = the caller's completion routine
    push BasepIoCompletion                  ; ApcRoutine
    push 0                                  ; Event: none (hEvent is the caller's to use)
    push dword [ebp+8]                      ; FileHandle
    call [eax]
    ; Only an error status means "no I/O was started, no routine will run". Success and
    ; warnings (STATUS_PENDING included) mean the APC will come.
    cmp eax, 0xC0000000
    jae .failed                             ; NT_ERROR(status)
    mov eax, 1
    leave
    ret 20
.failed:
    FAIL_WITH_NTSTATUS 0, 20

; VOID NTAPI BasepIoCompletion(PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock,
;                              ULONG Reserved)
; The I/O APC routine behind ReadFileEx/WriteFileEx (KiUserApcDispatcher calls it with the
; APC's NormalContext and SystemArgument1/2). It calls the Win32 completion routine:
; VOID CALLBACK FileIOCompletionRoutine(DWORD dwErrorCode, DWORD dwNumberOfBytesTransfered,
;                                       LPOVERLAPPED lpOverlapped)
BasepIoCompletion:
    mov edx, [esp+8]                        ; the IO_STATUS_BLOCK, i.e. the OVERLAPPED
    mov eax, [edx + IO_STATUS_BLOCK.Status]
    cmp eax, 0xC0000000
    jb .ok
    push edx
    push eax
    call [RtlNtStatusToDosError]
    pop edx
    jmp .call
.ok:
    xor eax, eax                            ; success: dwErrorCode 0
.call:
    push edx                                ; lpOverlapped
    push dword [edx + IO_STATUS_BLOCK.Information]
    push eax                                ; dwErrorCode
    call [esp+16]                           ; ApcContext: the routine
    ret 12

; BOOL WINAPI GetOverlappedResult(HANDLE hFile, LPOVERLAPPED lpOverlapped,
;                                 LPDWORD lpNumberOfBytesTransferred, BOOL bWait)
GetOverlappedResult:
    push ebx
    mov ebx, [esp+12]                       ; lpOverlapped
    cmp dword [ebx + OVERLAPPED.Internal], STATUS_PENDING
    jne .complete
    cmp dword [esp+20], 0                   ; bWait
    jne .wait
    push ERROR_IO_INCOMPLETE                ; still running and the caller will not wait
    call SetLastError
    xor eax, eax
    pop ebx
    ret 16
.wait:
    ; Wait on the event if there is one (its low bit is a flag for completion ports, not
    ; part of the handle), else on the file object, which the I/O manager signals too.
    mov eax, [ebx + OVERLAPPED.hEvent]
    and eax, ~1
    jnz .object
    mov eax, [esp+8]                        ; hFile
.object:
    push 0
    push 0
    push eax
    call [NtWaitForSingleObject]
    test eax, eax
    js .failed
.complete:
    mov ecx, [esp+16]                       ; lpNumberOfBytesTransferred
    mov edx, [ebx + OVERLAPPED.InternalHigh]
    mov [ecx], edx
    mov eax, [ebx + OVERLAPPED.Internal]
    test eax, eax
    js .failed                              ; the I/O failed: its status becomes the error
    mov eax, 1
    pop ebx
    ret 16
.failed:
    push eax
    call BaseSetLastNTError
    xor eax, eax
    pop ebx
    ret 16
