; The keyboard interrupt (IRQ 1, vector 0x31), as i8042prt's I8042KeyboardInterruptService
; reached through KiInterruptDispatch: a trap frame, the IRQL raised to the keyboard's
; device level, the end of the interrupt at the PIC, then every byte the controller holds
; read from its data port and handed to the host half (which keeps it in the console's
; type-ahead buffer and queues the console's DPC when a line is complete); the IRQL back
; down -- where that DPC runs, at DISPATCH_LEVEL -- and out.

section .text
global I8042KeyboardInterrupt, IopConsoleDpcRoutine
I8042KeyboardInterrupt:
    push 0                                  ; ErrCode
    TRAP_PROLOGUE
    mov ecx, KEYBOARD_LEVEL
    call KfRaiseIrql
    push eax                                ; the IRQL the keyboard interrupted
    mov al, PIC_NONSPECIFIC_EOI
    out PIC1_COMMAND, al
.next:
    in al, I8042_STATUS_PORT
    test al, I8042_OUTPUT_BUFFER_FULL
    jz .done
    in al, I8042_DATA_PORT
    movzx edx, al
    mov eax, HC_I8042_INTERRUPT             ; the byte in EDX (EBP = the trap frame)
    out HOSTCALL_PORT, eax
    jmp .next
.done:
    pop ecx
    call KfLowerIrql                        ; HalEndSystemInterrupt: the DPC runs here
    jmp KiExceptionExit

; VOID IopConsoleDpcRoutine(Dpc, DeferredContext = the console DEVICE_OBJECT, Arg1, Arg2):
; the console driver's DPC (DEVICE_OBJECT.Dpc, IoRequestDpc): its host half completes the
; reads waiting for a line.
IopConsoleDpcRoutine:
    mov eax, HC_CONSOLE_DPC
    out HOSTCALL_PORT, eax
    ret 16
