; Where the kernel sends user mode to deliver things.

; KiUserApcDispatcher: entered from KiServiceExit after KiDeliverApc rewrote the trap frame.
; The stack: [esp] NormalRoutine, [esp+4] NormalContext, [esp+8] SystemArgument1,
; [esp+12] SystemArgument2, [esp+16] the CONTEXT of the interrupted code.
global KiUserApcDispatcher
KiUserApcDispatcher:
    lea edi, [esp+16]                       ; the CONTEXT (edi survives the stdcall routine)
    pop eax                                 ; NormalRoutine
    call eax                                ; NormalRoutine(NormalContext, Arg1, Arg2)
    push 1                                  ; TestAlert: the next queued APC comes next
    push edi
    call NtContinue                         ; back to the interrupted code; does not return
    int3                                    ; (a bad CONTEXT)

; KiUserExceptionDispatcher: entered from the kernel's KiDispatchException with an
; exception from user mode. The stack: [esp] the EXCEPTION_RECORD, [esp+4] the CONTEXT of
; the faulting code (both copied just above). The handlers on the thread's SEH chain
; (fs:0) are asked in turn; one that handles it continues the (possibly changed) CONTEXT;
; if none does, the exception is raised again as a second chance, which ends the process.
global KiUserExceptionDispatcher
KiUserExceptionDispatcher:
    mov ebx, [esp]                          ; the EXCEPTION_RECORD
    mov ecx, [esp+4]                        ; the CONTEXT
    push ecx
    push ebx
    call RtlDispatchException
    mov ecx, [esp+4]
    test al, al
    jz .unhandled
    push 0                                  ; TestAlert: FALSE
    push ecx
    call NtContinue                         ; does not return
.unhandled:
    push 0                                  ; FirstChance: FALSE
    push ecx
    push ebx
    call NtRaiseException                   ; does not return
    int3

ExceptionContinueExecution equ 0

; BOOLEAN RtlDispatchException(PEXCEPTION_RECORD, PCONTEXT): walks the SEH chain from
; TEB.NtTib.ExceptionList, calling each EXCEPTION_REGISTRATION_RECORD's handler
; (cdecl: ExceptionRecord, EstablisherFrame, ContextRecord, DispatcherContext) until one
; returns ExceptionContinueExecution. TRUE when one did.
global RtlDispatchException
RtlDispatchException:
    push ebp
    mov ebp, esp
    push ebx
    mov ebx, [fs:TEB.NtTib.ExceptionList]
.next:
    cmp ebx, EXCEPTION_CHAIN_END
    je .unhandled
    push 0                                  ; DispatcherContext
    push dword [ebp+12]                     ; ContextRecord
    push ebx                                ; EstablisherFrame
    push dword [ebp+8]                      ; ExceptionRecord
    call [ebx+4]                            ; the handler
    add esp, 16
    cmp eax, ExceptionContinueExecution
    je .handled
    mov ebx, [ebx]                          ; the next registration record
    jmp .next
.handled:
    mov eax, 1
    jmp .out
.unhandled:
    xor eax, eax
.out:
    pop ebx
    pop ebp
    ret 8
