; Thread switching: KiDispatchInterrupt (the DISPATCH_LEVEL software interrupt) and
; SwapContext, as in NT's ctxswap.asm. A thread that is not running is, on its own kernel
; stack, exactly what SwapContext pushed; KTHREAD.KernelStack points at it.

section .text
global KiDispatchInterrupt, SwapContext, KiIdleLoop, KiTimerExpiration, KiHostKernelApcRoutine

; VOID KiDispatchInterrupt(VOID), at DISPATCH_LEVEL: first the DPC queue (KiRetireDpcList:
; each KDPC's DeferredRoutine(Dpc, DeferredContext, SystemArgument1, SystemArgument2)), then
; the host half picks the next thread (KPRCB.NextThread) and SwapContext switches to it.
KiDispatchInterrupt:
.dpc:
    mov eax, HC_KI_NEXT_DPC
    out HOSTCALL_PORT, eax                  ; eax = the next KDPC (taken off the queue), or 0
    test eax, eax
    jz .thread
    push dword [eax + KDPC.SystemArgument2]
    push dword [eax + KDPC.SystemArgument1]
    push dword [eax + KDPC.DeferredContext]
    push eax
    call [eax + KDPC.DeferredRoutine]
    jmp .dpc
.thread:
    mov eax, HC_KI_DISPATCH_INTERRUPT
    out HOSTCALL_PORT, eax                  ; eax = the thread to switch to, or 0
    test eax, eax
    jz .done
    push ebx
    push esi
    push edi
    push ebp
    mov esi, eax                            ; new thread
    mov edi, [fs:KPCR.PrcbData.CurrentThread]   ; old thread
    call SwapContext
    pop ebp
    pop edi
    pop esi
    pop ebx
.done:
    ret

; SwapContext: ESI = the new thread, EDI = the old one. Saves the old thread's state on its
; kernel stack, makes the new one current (KPRCB, TSS.Esp0, the TEB's GDT descriptor, the
; address space, the KPCR's stack limits) and returns on the new thread's stack.
SwapContext:
    push dword [fs:KPCR.NtTib.ExceptionList]
    mov [edi + KTHREAD.KernelStack], esp
    mov eax, HC_KI_TRACE_SWAP
    out HOSTCALL_PORT, eax
    mov esp, [esi + KTHREAD.KernelStack]
    mov [fs:KPCR.PrcbData.CurrentThread], esi
    mov byte [esi + KTHREAD.State], THREAD_STATE_RUNNING
    mov eax, [esi + KTHREAD.InitialStack]
    mov [fs:KPCR.NtTib.StackBase], eax
    sub eax, NPX_FRAME_LENGTH + KTRAP_FRAME_V86_LENGTH
    mov ecx, [fs:KPCR.TSS]
    mov [ecx + KTSS.Esp0], eax              ; the next ring-3 interrupt lands on this stack
    mov eax, [esi + KTHREAD.StackLimit]
    mov [fs:KPCR.NtTib.StackLimit], eax

    mov eax, [esi + KTHREAD.Teb]            ; the TEB selector (0x3B) follows the thread
    mov ecx, [fs:KPCR.GDT]
    mov [ecx + KGDT_R3_TEB + KGDTENTRY.BaseLow], ax
    shr eax, 16
    mov [ecx + KGDT_R3_TEB + KGDTENTRY.BaseMid], al
    mov [ecx + KGDT_R3_TEB + KGDTENTRY.BaseHi], ah

    mov eax, [esi + KTHREAD.ApcState.Process]
    cmp eax, [edi + KTHREAD.ApcState.Process]
    je .sameProcess
    mov eax, [eax + KPROCESS.DirectoryTableBase]
    mov cr3, eax                            ; another address space
.sameProcess:
    cmp byte [esi + KTHREAD.ApcState.KernelApcPending], 0
    je .noApc                               ; kernel APCs wait for this thread: they run
    or dword [fs:KPCR.IRR], 1 << APC_LEVEL  ; as soon as its IRQL drops below APC_LEVEL
.noApc:
    pop dword [fs:KPCR.NtTib.ExceptionList]
    ret

; The idle thread: when nothing else can run, wait for an interrupt. The clock's
; KeUpdateSystemTime readies threads whose waits ended and asks for a dispatch.
KiIdleLoop:
    sti
    hlt
    jmp KiIdleLoop

; VOID KiTimerExpiration(Dpc, Context, Arg1, Arg2): the clock's DPC routine. Its host half
; ends the waits whose time is up.
KiTimerExpiration:
    mov eax, HC_KI_TIMER_EXPIRATION
    out HOSTCALL_PORT, eax
    ret 16

; What a kernel APC's KernelRoutine field points at when its routine is host code (all of
; them, so far): KiDeliverApc's host half calls the TypeScript function directly, so the
; guest never runs this; it is here to name the routine in a debugger's view of the KAPC.
KiHostKernelApcRoutine:
    ret 20
