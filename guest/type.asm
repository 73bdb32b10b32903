; type.asm -- print a file: `ntlab run guest/type.asm C:\README.TXT`
; CreateFileA opens it (OPEN_EXISTING, GENERIC_READ), ReadFile reads it 4 KiB at a time
; until a read returns TRUE with 0 bytes -- the end of a synchronous file -- and WriteFile
; sends each piece to standard output.
%include "include/win32.inc"
section .text
%include "include/guestlib.inc"
%include "include/fileops.inc"

global start
start:
    call ParseArgs
    cmp dword [argc], 1
    jne .usage
    push dword [argv]
    call DoType
    invoke ExitProcess, eax
.usage:
    push usage
    call PrintLine
    invoke ExitProcess, 2

section .rdata
usage: db "usage: type FILE", 0
