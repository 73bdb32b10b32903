; threads.asm -- two threads: one reads a line from the console, one reads a file.
; CreateThread gives each its own stack, TEB and KTHREAD; the scheduler switches between
; them. The console read blocks its thread until a line is typed while the other goes on.
; Each thread has its own last-error value (TEB.LastErrorValue at fs:0x34): the main
; thread's 1234 survives whatever the others set.
%include "include/win32.inc"
section .text
%include "include/guestlib.inc"
kernel32 CreateThread, WaitForSingleObject, CloseHandle, CreateFileA, ReadFile, SetLastError

global start
start:
    invoke SetLastError, 1234
    invoke CreateThread, NULL, 0, ConsoleThread, 1, 0, NULL
    test eax, eax
    jz .create_failed
    mov ebx, eax
    invoke CreateThread, NULL, 0, FileThread, 2, 0, NULL
    test eax, eax
    jz .create_failed
    mov esi, eax
    ; Wait for both to end (a thread is signalled when it ends).
    invoke WaitForSingleObject, ebx, INFINITE
    invoke WaitForSingleObject, esi, INFINITE
    invoke CloseHandle, ebx
    invoke CloseHandle, esi
    push mainDone
    call Print
    call [GetLastError]
    push eax
    call PrintDec
    push crlf
    call Print
    invoke ExitProcess, 0
.create_failed:
    push createThread
    call PrintError
    invoke ExitProcess, 1

; DWORD WINAPI ConsoleThread(LPVOID): one line from standard input.
ConsoleThread:
    invoke GetStdHandle, STD_INPUT_HANDLE
    invoke ReadFile, eax, line, 80, lineLength, NULL
    test eax, eax
    jz .failed
    push consoleSays
    call Print
    push dword [lineLength]
    call PrintDec
    push bytesColon
    call Print
    push dword [lineLength]
    push line
    call PrintN
    xor eax, eax
    ret 4
.failed:
    push consoleRead
    call PrintError
    mov eax, 1
    ret 4

; DWORD WINAPI FileThread(LPVOID): the first 32 bytes of C:\README.TXT.
FileThread:
    push ebx
    invoke CreateFileA, fileName, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL
    cmp eax, INVALID_HANDLE_VALUE
    je .open_failed
    mov ebx, eax
    invoke ReadFile, ebx, data, 32, dataLength, NULL
    test eax, eax
    jz .read_failed
    push fileSays
    call Print
    push dword [dataLength]
    call PrintDec
    push bytesColon
    call Print
    push dword [dataLength]
    push data
    call PrintN
    push crlf
    call Print
    invoke CloseHandle, ebx
    xor eax, eax
    pop ebx
    ret 4
.read_failed:
    push fileRead
    call PrintError
    invoke CloseHandle, ebx
    mov eax, 1
    pop ebx
    ret 4
.open_failed:
    push fileOpen
    call PrintError
    mov eax, 1
    pop ebx
    ret 4

section .data
fileName:     db "C:\README.TXT", 0
consoleSays:  db "console thread: ", 0
fileSays:     db "file thread: ", 0
bytesColon:   db " bytes: ", 0
mainDone:     db "main thread: both ended, its last error is still ", 0
createThread: db "CreateThread", 0
consoleRead:  db "console thread: ReadFile", 0
fileOpen:     db "file thread: CreateFileA", 0
fileRead:     db "file thread: ReadFile", 0
crlf:         db 13, 10, 0
section .bss
line:         resb 80
lineLength:   resd 1
data:         resb 32
dataLength:   resd 1
