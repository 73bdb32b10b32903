; readfile.asm -- the article's scenario, step by step: a program calls ReadFile.
;   ntlab run --trace guest/readfile.asm      (the system calls appear on stderr)
;
; 1. CreateFileA("C:\README.TXT") -> ntdll!NtCreateFile -> int 0x2e -> KiSystemService ->
;    the I/O manager opens \??\C:\README.TXT and hands back a handle.
; 2. ReadFile(h, buffer, 64, &read, NULL) -> ntdll!NtReadFile (service 152) -> the IRP to the
;    file-system driver -> back with the IO_STATUS_BLOCK: status and bytes read. That first
;    read also sets up the file system's cache for this file object.
; 3. ReadFile until the end. These reads are fast I/O: NtReadFile asks the file system's
;    FastIoRead to copy straight from its cache, and no IRP is built (`[int2e, fast I/O]`
;    in the trace). On a synchronous handle the end of the file is TRUE with 0 bytes
;    (NtReadFile said STATUS_END_OF_FILE; kernel32 turns that into success).
; 4. CloseHandle -> NtClose.
%include "include/win32.inc"
section .text
%include "include/guestlib.inc"
kernel32 CreateFileA, ReadFile, CloseHandle

CHUNK equ 64

global start
start:
    push step1
    call PrintLine
    invoke CreateFileA, fileName, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL
    cmp eax, INVALID_HANDLE_VALUE
    je .open_failed
    mov ebx, eax
    push gotHandle
    call Print
    push ebx
    call PrintHex
    push crlf
    call Print

    push step2
    call PrintLine
    invoke ReadFile, ebx, buffer, CHUNK, bytesRead, NULL
    test eax, eax
    jz .read_failed
    push readReturned
    call Print
    push dword [bytesRead]
    call PrintDec
    push bytes
    call PrintLine
    push dword [bytesRead]
    push buffer
    call PrintN
    push crlf
    call Print

    push step3
    call PrintLine
    xor esi, esi                            ; calls until the end
.more:
    inc esi
    invoke ReadFile, ebx, buffer, CHUNK, bytesRead, NULL
    test eax, eax
    jz .read_failed
    cmp dword [bytesRead], 0
    jne .more
    push atEnd
    call Print
    push esi
    call PrintDec
    push calls
    call PrintLine

    push step4
    call PrintLine
    invoke CloseHandle, ebx
    push eax                                ; the result, for PrintDec below
    push closed
    call Print
    call PrintDec
    push crlf
    call Print
    invoke ExitProcess, 0

.open_failed:
    push createFile
    call PrintError
    invoke ExitProcess, 1
.read_failed:
    push readFile
    call PrintError
    invoke ExitProcess, 1

section .data
fileName:     db "C:\README.TXT", 0
step1:        db "1. CreateFileA C:\README.TXT", 0
step2:        db "2. ReadFile 64 bytes", 0
step3:        db "3. ReadFile to the end", 0
step4:        db "4. CloseHandle", 0
gotHandle:    db "   handle ", 0
readReturned: db "   TRUE, ", 0
bytes:        db " bytes:", 0
atEnd:        db "   TRUE with 0 bytes (the end of the file) after ", 0
calls:        db " more calls", 0
closed:       db "   returned ", 0
createFile:   db "CreateFileA", 0
readFile:     db "ReadFile", 0
crlf:         db 13, 10, 0
section .bss
buffer:       resb CHUNK
bytesRead:    resd 1
