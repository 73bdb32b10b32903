; hello.asm
import GetStdHandle kernel32.dll      ; NASM obj-format style: the symbol names the import
import WriteFile kernel32.dll         ; address table slot, so calls are `call [Name]`
import ExitProcess kernel32.dll
extern GetStdHandle, WriteFile, ExitProcess
section .data
msg     db "hello", 13, 10
written dd 0
section .text
global start                          ; the entry point
start:  push -11                      ; STD_OUTPUT_HANDLE
        call [GetStdHandle]
        push 0                        ; lpOverlapped
        push written
        push 7
        push msg
        push eax
        call [WriteFile]              ; stdcall: the callee pops its arguments
        push 0
        call [ExitProcess]
