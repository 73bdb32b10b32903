; IRQL. KPCR.Irql is the truth; the host is told about each change (for the trace) through a
; host call. Software interrupts (APC_LEVEL, DISPATCH_LEVEL) are requested by setting their
; bit in KPCR.IRR; whoever lowers the IRQL below a pending one runs it (HalpLowerIrql's
; job on NT): DISPATCH_LEVEL -> KiDispatchInterrupt (DPCs, thread switch), APC_LEVEL ->
; KiDeliverApc for kernel APCs.

section .text
global KfRaiseIrql, KfLowerIrql, KiDeliverApc, KeBugCheckEx, HalpDispatchSoftwareInterrupt
global HalpCheckSoftwareInterrupts

; Sets KPCR.Irql to CL and tells the trace (EDX old, ECX new). Clobbers EAX, EDX.
%macro SET_IRQL 0
    movzx edx, byte [fs:KPCR.Irql]
    mov [fs:KPCR.Irql], cl
    mov eax, HC_KI_TRACE_IRQL
    out HOSTCALL_PORT, eax
%endmacro

; KIRQL FASTCALL KfRaiseIrql(KIRQL NewIrql): ECX = new level; returns the old one in AL.
KfRaiseIrql:
    push ebx
    movzx ebx, byte [fs:KPCR.Irql]
    SET_IRQL
    mov eax, ebx
    pop ebx
    ret

; VOID FASTCALL KfLowerIrql(KIRQL NewIrql): ECX = new level. Then every software interrupt
; pending above it runs, highest first.
KfLowerIrql:
    push ecx
    SET_IRQL
    pop ecx
; Runs every software interrupt pending above CL (the current IRQL), highest first.
HalpCheckSoftwareInterrupts:
    mov eax, [fs:KPCR.IRR]
    inc cl                                  ; levels above CL: shift them down to bit 0
    shr eax, cl
    dec cl
    test eax, eax
    jz .done
    call HalpDispatchSoftwareInterrupt
    jmp HalpCheckSoftwareInterrupts
.done:
    ret

; Runs the highest software interrupt pending above CL (the level being lowered to), at its
; own level, then comes back to CL. Preserves ECX.
HalpDispatchSoftwareInterrupt:
    push ecx
    test dword [fs:KPCR.IRR], 1 << DISPATCH_LEVEL
    jz .apc
    and dword [fs:KPCR.IRR], ~(1 << DISPATCH_LEVEL)
    mov ecx, DISPATCH_LEVEL
    SET_IRQL
    sti
    call KiDispatchInterrupt
    cli
    jmp .back
.apc:
    and dword [fs:KPCR.IRR], ~(1 << APC_LEVEL)
    mov ecx, APC_LEVEL
    SET_IRQL
    sti
    push 0                                  ; TrapFrame: none for kernel APCs
    push 0                                  ; ExceptionFrame
    push KernelMode
    call KiDeliverApc
    cli
.back:
    mov ecx, [esp]
    SET_IRQL
    pop ecx
    ret

; VOID KiDeliverApc(KPROCESSOR_MODE Mode, PVOID ExceptionFrame, PKTRAP_FRAME TrapFrame):
; the host half walks KTHREAD.ApcState and delivers one user APC (kernel/nt/ke/apc.ts).
KiDeliverApc:
    mov eax, HC_KI_DELIVER_APC
    out HOSTCALL_PORT, eax
    ret 12

; VOID KeBugCheckEx(Code, P1, P2, P3, P4): the host shows the bug check and stops the
; machine; the CPU never comes back here.
KeBugCheckEx:
    mov eax, HC_KE_BUGCHECK
    out HOSTCALL_PORT, eax
.halt:
    cli
    hlt
    jmp .halt
