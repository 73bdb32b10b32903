; IRQL and the routines the service exit path calls. KPCR.Irql is the truth; the host is
; told about each change (for the trace) through a host call.
;
; HOOK (issue 4, not done yet): KfLowerIrql must, after lowering, run the highest software
; interrupt pending in KPCR.IRR above the new level (APC_LEVEL -> KiDeliverApc for kernel
; APCs, DISPATCH_LEVEL -> the DPC queue and the scheduler), as HalpLowerIrql does.

section .text
global KfRaiseIrql, KfLowerIrql, KiDeliverApc, KeBugCheckEx

; KIRQL FASTCALL KfRaiseIrql(KIRQL NewIrql): ECX = new level; returns the old one in AL.
KfRaiseIrql:
    movzx edx, byte [fs:KPCR.Irql]
    mov [fs:KPCR.Irql], cl
    push edx
    mov eax, HC_KI_TRACE_IRQL               ; trace: EDX old, ECX new
    out HOSTCALL_PORT, eax
    pop eax
    ret

; VOID FASTCALL KfLowerIrql(KIRQL NewIrql): ECX = new level.
KfLowerIrql:
    movzx edx, byte [fs:KPCR.Irql]
    mov [fs:KPCR.Irql], cl
    mov eax, HC_KI_TRACE_IRQL
    out HOSTCALL_PORT, eax
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
