; copy.asm -- copy a file: `ntlab run guest/copy.asm C:\README.TXT C:\COPY.TXT`
; The source opened for reading (OPEN_EXISTING), the destination created or replaced
; (CREATE_ALWAYS), then ReadFile/WriteFile in 4 KiB pieces until the end of the source.
%include "include/win32.inc"
section .text
%include "include/guestlib.inc"
%include "include/fileops.inc"

global start
start:
    call ParseArgs
    cmp dword [argc], 2
    jne .usage
    push dword [argv+4]
    push dword [argv]
    call DoCopy
    invoke ExitProcess, eax
.usage:
    push usage
    call PrintLine
    invoke ExitProcess, 2

section .rdata
usage: db "usage: copy FROM TO", 0
