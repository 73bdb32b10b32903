; CPU exceptions and the other interrupt vectors (the handlers KeInitExceptions puts in the
; IDT). Each exception handler builds a KTRAP_FRAME exactly like KiSystemService does and
; hands it to the host's KiDispatchException (kernel/nt/ke/trap.ts), which decides: a fault
; in user mode ends the process with the exception's NTSTATUS; a fault in kernel mode is a
; bug check -- except a #PF while copying a caller's arguments, which fails the call.

section .text

; Builds a KTRAP_FRAME below an error code (the CPU's, or a 0 the stub pushed); EBP = frame.
%macro TRAP_PROLOGUE 0
    push ebp
    push ebx
    push esi
    push edi
    push fs
    mov ebx, KGDT_R0_PCR
    mov fs, bx
    push dword [fs:KPCR.NtTib.ExceptionList]
    mov dword [fs:KPCR.NtTib.ExceptionList], EXCEPTION_CHAIN_END
    push dword 0                            ; PreviousPreviousMode: a trap leaves PreviousMode alone
    push eax
    push ecx
    push edx
    push ds
    push es
    push gs
    mov ebx, KGDT_R0_DATA
    mov ds, bx
    mov es, bx
    sub esp, KTRAP_FRAME.SegGs - KTRAP_FRAME.DbgArgMark
    push dword [esp + KTRAP_FRAME.Eip - KTRAP_FRAME.DbgArgMark]
    push ebp
    mov ebp, esp
%endmacro

; KiTrapNN: name, vector, 1 if the CPU pushes an error code.
%macro KI_TRAP 3
global %1
%1:
%if %3 == 0
    push 0                                  ; ErrCode
%endif
    TRAP_PROLOGUE
    push %2                                 ; the vector, for the host
    mov eax, HC_KI_DISPATCH_EXCEPTION
    out HOSTCALL_PORT, eax
    add esp, 4
    jmp KiExceptionDispatched
%endmacro

KI_TRAP KiTrap00, 0x00, 0    ; #DE divide error
KI_TRAP KiTrap01, 0x01, 0    ; #DB debug
KI_TRAP KiTrap02, 0x02, 0    ; NMI
KI_TRAP KiTrap03, 0x03, 0    ; #BP int3
KI_TRAP KiTrap04, 0x04, 0    ; #OF into
KI_TRAP KiTrap05, 0x05, 0    ; #BR bound
KI_TRAP KiTrap06, 0x06, 0    ; #UD invalid opcode
KI_TRAP KiTrap07, 0x07, 0    ; #NM no coprocessor
KI_TRAP KiTrap08, 0x08, 1    ; #DF double fault
KI_TRAP KiTrap09, 0x09, 0    ; coprocessor segment overrun
KI_TRAP KiTrap0A, 0x0A, 1    ; #TS invalid TSS
KI_TRAP KiTrap0B, 0x0B, 1    ; #NP segment not present
KI_TRAP KiTrap0C, 0x0C, 1    ; #SS stack fault
KI_TRAP KiTrap0D, 0x0D, 1    ; #GP general protection
KI_TRAP KiTrap0E, 0x0E, 1    ; #PF page fault
KI_TRAP KiTrap0F, 0x0F, 0    ; reserved
KI_TRAP KiTrap10, 0x10, 0    ; #MF floating-point error
KI_TRAP KiTrap11, 0x11, 1    ; #AC alignment check
KI_TRAP KiTrap12, 0x12, 0    ; #MC machine check
KI_TRAP KiTrap13, 0x13, 0    ; #XM SIMD exception

; int 0x2C from ring 3: an assertion failed (raises STATUS_ASSERTION_FAILURE).
KI_TRAP KiRaiseAssertion, VECTOR_RAISE_ASSERTION, 0

; After KiDispatchException: if it ended the thread's process it asked for a thread switch
; (DISPATCH_LEVEL in KPCR.IRR), which happens here; the ended thread never comes back.
KiExceptionDispatched:
    cmp dword [fs:KPCR.IRR], 0
    je KiExceptionExit
    movzx ecx, byte [fs:KPCR.Irql]
    call HalpCheckSoftwareInterrupts
; Back from an exception or interrupt: pop the frame, iret (to either ring).
global KiExceptionExit
KiExceptionExit:
    mov esp, ebp
    add esp, KTRAP_FRAME.SegGs
    pop gs
    pop es
    pop ds
    pop edx
    pop ecx
    pop eax
    add esp, 4                              ; PreviousPreviousMode
    pop dword [fs:KPCR.NtTib.ExceptionList]
    pop fs
    pop edi
    pop esi
    pop ebx
    pop ebp
    add esp, 4                              ; ErrCode
    iretd

; ---- the other DPL-3 gates ---------------------------------------------------------------

; int 0x2A: the tick count in EAX, without a full system call.
global KiGetTickCount
KiGetTickCount:
    mov eax, HC_KI_GET_TICK_COUNT
    out HOSTCALL_PORT, eax
    iretd

; int 0x2B: return from a user-mode callback. No callback is ever active in NT Lab yet.
global KiCallbackReturn
KiCallbackReturn:
    mov eax, STATUS_NO_CALLBACK_ACTIVE
    iretd

; int 0x2D: debug services (DbgPrint & co.). Without a kernel debugger they do nothing.
global KiDebugService
KiDebugService:
    iretd

; ---- vectors nobody handles ----------------------------------------------------------------
; One tiny stub per vector puts the vector where the error code goes, as NT's
; KiUnexpectedInterruptNN do; the common tail builds the frame and asks the host. The stubs
; have a fixed size, so the stub for vector v is at KiUnexpectedInterrupt + v * size.
global KiUnexpectedInterrupt, KiUnexpectedInterruptTail, KI_UNEXPECTED_STUB_SIZE
KI_UNEXPECTED_STUB_SIZE equ 10
KiUnexpectedInterrupt:
%assign v 0
%rep 256
    push strict dword v
    jmp near KiUnexpectedInterruptTail
%assign v v+1
%endrep
KiUnexpectedInterruptTail:
    TRAP_PROLOGUE
    mov eax, HC_KI_UNEXPECTED_INTERRUPT
    out HOSTCALL_PORT, eax
    jmp KiExceptionExit
