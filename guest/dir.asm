; dir.asm -- list a directory: `ntlab run guest/dir.asm [C:\*.TXT]` (default C:\*)
; FindFirstFileA opens the directory and asks the file system for the first name matching
; the pattern (NtQueryDirectoryFile); FindNextFileA for each next one, until
; ERROR_NO_MORE_FILES; FindClose closes the directory.
%include "include/win32.inc"
section .text
%include "include/guestlib.inc"
%include "include/fileops.inc"

global start
start:
    call ParseArgs
    mov eax, everything
    cmp dword [argc], 0
    je .list
    mov eax, [argv]
.list:
    push eax
    call DoDir
    invoke ExitProcess, eax

section .rdata
everything: db "C:\*", 0
