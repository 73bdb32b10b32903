; shell.asm -- a tiny command interpreter: prompt, ReadFile a line from the console, run it.
;   type FILE        print a file                 dir [PATTERN]   list a directory
;   copy FROM TO     copy a file                  del FILE        delete a file
;   echo TEXT        print the text               ticks           GetTickCount()
;   help             this list                    exit            leave (end of input too)
; The console read is the whole story of the article: ReadFile -> NtReadFile -> the console
; driver's IRP pends until a line is typed (the keyboard interrupt, a DPC completes it) ->
; the thread wakes and the line comes back.
%include "include/win32.inc"
section .text
%include "include/guestlib.inc"
%include "include/fileops.inc"
kernel32 DeleteFileA, GetTickCount

INBUF equ 512
MAX_WORDS equ 4

global start
start:
    push banner
    call PrintLine
.prompt:
    push prompt
    call Print
    call GetLine
    cmp eax, -1
    je .bye                                 ; the end of the input
    call SplitWords
    cmp dword [words], 0
    je .prompt                              ; an empty line
    mov esi, commands                       ; find the first word in the table
.find:
    mov edi, [esi]
    test edi, edi
    jz .unknown
    push edi
    push dword [wordv]
    call SameText
    test eax, eax
    jnz .found
    add esi, 8
    jmp .find
.found:
    call [esi+4]
    cmp eax, -1
    jne .prompt
.bye:
    invoke ExitProcess, 0
.unknown:
    push badCommand
    call PrintLine
    jmp .prompt

; ---- the commands: each returns 0 (or 1 after an error), -1 to leave the shell
CmdType:
    cmp dword [words], 2
    jne Usage
    push dword [wordv+4]
    call DoType
    ret
CmdCopy:
    cmp dword [words], 3
    jne Usage
    push dword [wordv+8]
    push dword [wordv+4]
    call DoCopy
    ret
CmdDir:
    mov eax, everything
    cmp dword [words], 2
    jb .list
    mov eax, [wordv+4]
.list:
    push eax
    call DoDir
    ret
CmdDel:
    cmp dword [words], 2
    jne Usage
    invoke DeleteFileA, [wordv+4]
    test eax, eax
    jnz .deleted
    push deleteFile
    call PrintError
    mov eax, 1
    ret
.deleted:
    xor eax, eax
    ret
CmdEcho:
    mov eax, [echoText]
    push eax
    call PrintLine
    xor eax, eax
    ret
CmdTicks:
    invoke GetTickCount
    push eax
    call PrintDec
    push ms
    call PrintLine
    xor eax, eax
    ret
CmdHelp:
    push help
    call Print
    xor eax, eax
    ret
CmdExit:
    mov eax, -1
    ret
Usage:
    push usage
    call PrintLine
    mov eax, 1
    ret

; int GetLine(VOID): the next line of standard input into `line` (0-terminated, without its
; CR LF), its length in EAX, or -1 at the end of the input. A console read returns what was
; typed -- a whole line, or several when the input is a pipe -- so lines are cut out of a
; buffer that ReadFile refills.
GetLine:
    push esi
    push edi
.look:
    mov ecx, [inLength]
    xor eax, eax
.scan:
    cmp eax, ecx
    je .refill
    cmp byte [inBuffer + eax], 10
    je .cut
    inc eax
    jmp .scan
.refill:
    cmp ecx, INBUF
    je .cut                                 ; a full buffer without LF: take it as a line
    invoke GetStdHandle, STD_INPUT_HANDLE
    mov ecx, INBUF
    sub ecx, [inLength]
    mov edx, [inLength]
    add edx, inBuffer
    invoke ReadFile, eax, edx, ecx, readCount, NULL
    test eax, eax
    jz .eof
    mov eax, [readCount]
    test eax, eax
    jz .eof                                 ; TRUE with 0 bytes: the end of the input
    add [inLength], eax
    jmp .look
.eof:
    mov eax, [inLength]
    test eax, eax
    jz .none
.cut:                                       ; eax = the line's length (the LF excluded)
    mov ecx, eax
    mov esi, inBuffer
    mov edi, line
    rep movsb
    mov edx, eax                            ; the length
    cmp edx, 0
    je .terminate
    cmp byte [line + edx - 1], 13
    jne .terminate
    dec edx                                 ; drop the CR
.terminate:
    mov byte [line + edx], 0
    ; drop the line and its LF from the buffer
    lea ecx, [eax + 1]
    cmp ecx, [inLength]
    jbe .shift
    mov ecx, [inLength]
.shift:
    mov esi, inBuffer
    add esi, ecx
    mov edi, inBuffer
    sub [inLength], ecx
    mov ecx, [inLength]
    rep movsb
    mov eax, edx
    pop edi
    pop esi
    ret
.none:
    mov eax, -1
    pop edi
    pop esi
    ret

; VOID SplitWords(VOID): `line` cut in place into up to MAX_WORDS words (wordv, words);
; echoText points at what follows the first word.
SplitWords:
    push esi
    mov esi, line
    mov dword [words], 0
.next:
    cmp byte [esi], ' '
    jne .start
    inc esi
    jmp .next
.start:
    cmp byte [esi], 0
    je .done
    mov eax, [words]
    cmp eax, MAX_WORDS
    jae .done
    mov [wordv + eax*4], esi
    inc dword [words]
.in_word:
    inc esi
    cmp byte [esi], 0
    je .done
    cmp byte [esi], ' '
    jne .in_word
    cmp dword [words], 1
    jne .cut
    push esi                                ; the rest of the line, for echo, before
    push edi                                ; the next words are cut out of it
    inc esi
    mov edi, echoBuffer
    mov [echoText], edi
.copy:
    lodsb
    stosb
    test al, al
    jnz .copy
    pop edi
    pop esi
.cut:
    mov byte [esi], 0
    inc esi
    jmp .next
.done:
    cmp dword [words], 1
    ja .out
    mov dword [echoText], empty
.out:
    pop esi
    ret

; BOOL SameText(LPCSTR a, LPCSTR b): equal, ignoring case (b is lower case).
SameText:
    mov ecx, [esp+4]
    mov edx, [esp+8]
.char:
    mov al, [ecx]
    cmp al, 'A'
    jb .compare
    cmp al, 'Z'
    ja .compare
    add al, 'a' - 'A'
.compare:
    cmp al, [edx]
    jne .differ
    test al, al
    jz .same
    inc ecx
    inc edx
    jmp .char
.same:
    mov eax, 1
    ret 8
.differ:
    xor eax, eax
    ret 8

section .rdata
commands:
    dd cType, CmdType, cCopy, CmdCopy, cDir, CmdDir, cDel, CmdDel
    dd cEcho, CmdEcho, cTicks, CmdTicks, cHelp, CmdHelp, cExit, CmdExit
    dd 0, 0
cType:  db "type", 0
cCopy:  db "copy", 0
cDir:   db "dir", 0
cDel:   db "del", 0
cEcho:  db "echo", 0
cTicks: db "ticks", 0
cHelp:  db "help", 0
cExit:  db "exit", 0
banner:     db "NT Lab shell. Type help for the commands.", 0
prompt:     db "C:\> ", 0
badCommand: db "Bad command or file name", 0
usage:      db "usage: type FILE | copy FROM TO | dir [PATTERN] | del FILE", 0
everything: db "C:\*", 0
deleteFile: db "DeleteFileA", 0
ms:         db " ms", 0
empty:      db 0
help:       db "type FILE, copy FROM TO, dir [PATTERN], del FILE, echo TEXT, ticks, help, exit", 13, 10, 0
section .bss
inBuffer:   resb INBUF
inLength:   resd 1
readCount:  resd 1
line:       resb INBUF + 1
words:      resd 1
wordv:      resd MAX_WORDS
echoText:   resd 1
echoBuffer: resb INBUF + 1
