; The clock interrupt (IRQ 0, vector 0x30), as the HAL's HalpClockInterrupt: a trap frame,
; HalBeginSystemInterrupt (raise to CLOCK_LEVEL, end the interrupt at the PIC), the
; kernel's KeUpdateSystemTime (host: tick count, timers, quantum end -- which may request
; a DISPATCH_LEVEL software interrupt), HalEndSystemInterrupt (back to the interrupted
; IRQL, running what became deliverable: this is where preemption happens), and out.

section .text
global HalpClockInterrupt
HalpClockInterrupt:
    push 0                                  ; ErrCode
    TRAP_PROLOGUE
    mov ecx, CLOCK_LEVEL
    call KfRaiseIrql
    push eax                                ; the IRQL the clock interrupted
    mov al, PIC_NONSPECIFIC_EOI
    out PIC1_COMMAND, al
    mov eax, HC_KE_UPDATE_SYSTEM_TIME       ; KeUpdateSystemTime (EBP = the trap frame)
    out HOSTCALL_PORT, eax
    pop ecx
    call KfLowerIrql                        ; HalEndSystemInterrupt
    jmp KiExceptionExit
