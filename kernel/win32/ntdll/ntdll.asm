; ntdll.dll: the bottom of user mode. The NtXxx/ZwXxx stubs are generated from
; kernel/nt/sysfuncs.lst (kernel/nt/ke/genntdll.ts) in the form the machine uses: int 0x2e,
; or sysenter through SharedUserData->SystemCall, which points at KiFastSystemCall below.
bits 32
%include "ks386.inc"

section .text
%include "ntstubs.inc"              ; GENERATED: NtAcceptConnectPort ... NtYieldExecution

; The sysenter pair. The kernel writes their addresses into KUSER_SHARED_DATA (SystemCall at
; +0x300, SystemCallReturn at +0x304) when it maps ntdll. EDX = the stack: [edx] returns into
; the stub, [edx+4] into the stub's caller, the arguments start at edx+8.
global KiFastSystemCall, KiFastSystemCallRet
KiFastSystemCall:
    mov edx, esp
    sysenter
KiFastSystemCallRet:
    ret

%include "dispatch.asm"
%include "rtl.asm"
