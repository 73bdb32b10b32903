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
