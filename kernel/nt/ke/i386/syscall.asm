; The system-service path: KiSystemService (int 0x2e), KiFastCallEntry (sysenter) and
; KiServiceExit, as the 2005 ReactOS syscall.S the article walks through has them.
; Register conventions on entry: EAX = service number, EDX = the caller's arguments.

section .text
global KiSystemService, KiFastCallEntry, KiServiceExit, KiServiceExit2, KeReturnFromSystemCall
global KiSystemServiceCopyArguments, KiSystemServiceAccessViolation, KiThreadStartup
global PsConvertToGuiThread

; ---- int 0x2e -----------------------------------------------------------------------------
; Entered through the DPL-3 interrupt gate (IF clear). The CPU has switched to the thread's
; kernel stack (TSS.Esp0) and pushed SS, ESP, EFLAGS, CS, EIP: the top of a KTRAP_FRAME.
; The pushes below build the rest of it, from HardwareSegSs at +0x78 down to DbgEbp at +0.
KiSystemService:
    push 0                                  ; ErrCode
    push ebp
    push ebx
    push esi
    push edi
    push fs                                 ; SegFs (the caller's: 0x3B from ring 3)

    mov ebx, KGDT_R0_PCR                    ; fs:0 is now the KPCR
    mov fs, bx

    push dword [fs:KPCR.NtTib.ExceptionList]    ; ExceptionList: saved...
    mov dword [fs:KPCR.NtTib.ExceptionList], EXCEPTION_CHAIN_END   ; ...and the chain ends here

    mov esi, [fs:KPCR.PrcbData.CurrentThread]   ; esi = current KTHREAD from here on

    movzx ebx, byte [esi + KTHREAD.PreviousMode]
    push ebx                                ; PreviousPreviousMode: the old PreviousMode
    mov ebx, [esp + KTRAP_FRAME.SegCs - KTRAP_FRAME.PreviousPreviousMode]
    and ebx, 1                              ; saved CS 0x1B -> UserMode (1), 0x08 -> KernelMode (0)
    mov [esi + KTHREAD.PreviousMode], bl

    push eax                                ; Eax
    push ecx                                ; Ecx
    push edx                                ; Edx (replaced below by the old TrapFrame)
    push ds                                 ; SegDs
    push es                                 ; SegEs
    push gs                                 ; SegGs
    sub esp, KTRAP_FRAME.SegGs - KTRAP_FRAME.DbgArgMark    ; DbgArgMark .. Dr7: not used here
    push dword [esp + KTRAP_FRAME.Eip - KTRAP_FRAME.DbgArgMark]   ; DbgEip = the caller's EIP
    push ebp                                ; DbgEbp = the caller's EBP
    mov ebp, esp                            ; ebp = the KTRAP_FRAME

    mov ebx, KGDT_R0_DATA                   ; kernel data segments
    mov ds, bx
    mov es, bx

    mov ebx, [esi + KTHREAD.TrapFrame]      ; the old Thread->TrapFrame goes in the Edx slot,
    mov [ebp + KTRAP_FRAME.Edx], ebx        ; restored by KeReturnFromSystemCall
    mov [esi + KTHREAD.TrapFrame], ebp

    sti                                     ; the service runs with interrupts enabled

KiSystemServiceRepeat:
    ; Which descriptor: bit 12 of the number picks the second table (win32k).
    mov edi, eax
    shr edi, SERVICE_TABLE_SHIFT
    and edi, SERVICE_TABLE_MASK             ; 0 or 0x10: byte offset of the descriptor
    mov ecx, edi
    add edi, [esi + KTHREAD.ServiceTable]   ; KeServiceDescriptorTable or ...Shadow

    mov ebx, eax                            ; keep the full number
    and eax, SERVICE_NUMBER_MASK
    cmp eax, [edi + KSERVICE_TABLE_DESCRIPTOR.Limit]
    jae KiBBTUnexpectedRange

    ; A caller in user mode must pass a user-mode argument pointer.
    test byte [ebp + KTRAP_FRAME.SegCs], 1
    jz .copy
    cmp edx, MM_USER_PROBE_ADDRESS
    jae KiSystemServiceAccessViolation
.copy:
    mov esi, edx                            ; source: the caller's arguments
    mov ecx, [edi + KSERVICE_TABLE_DESCRIPTOR.Number]
    movzx ecx, byte [ecx + eax]             ; SSPT: argument bytes of this service
    sub esp, ecx                            ; room on the kernel stack
    mov edi, [edi + KSERVICE_TABLE_DESCRIPTOR.Base]
    mov eax, [edi + eax*4]                  ; SSDT: the service routine
    shr ecx, 2                              ; dwords
    mov edi, esp
    cld
KiSystemServiceCopyArguments:               ; a #PF here is the caller's fault (see trap.ts)
    rep movsd
    call eax                                ; the service (stdcall: it pops its arguments)
    mov [ebp + KTRAP_FRAME.Eax], eax        ; the status goes back in the frame's Eax
    cmp dword [fs:KPCR.IRR], 0              ; did the service ask for a software interrupt (a
    je KeReturnFromSystemCall               ; thread switch: it waits, yields, or ended)?
    movzx ecx, byte [fs:KPCR.Irql]          ; then it runs now, as HalRequestSoftwareInterrupt
    call HalpCheckSoftwareInterrupts        ; would have run it at once

KeReturnFromSystemCall:
    mov esp, ebp
    mov esi, [fs:KPCR.PrcbData.CurrentThread]
    mov ebx, [esp + KTRAP_FRAME.Edx]        ; restore the old Thread->TrapFrame
    mov [esi + KTHREAD.TrapFrame], ebx

; ---- back to the caller --------------------------------------------------------------------
; ESP = the KTRAP_FRAME. Delivers user APCs when returning to user mode, then pops the frame
; and leaves by iret or sysexit (user mode) or `pop edx / pop ecx / popf / jmp edx` (a
; kernel-mode caller that CALLed KiSystemService after pushing EFLAGS and CS).
; KiServiceExit2 is the same but never leaves by sysexit, which restores neither ECX nor EDX:
; NtContinue uses it after loading a whole CONTEXT into the frame.
%macro SERVICE_EXIT 1                       ; 1: sysexit allowed
%%again:
    cli
    mov esi, [fs:KPCR.PrcbData.CurrentThread]
    test byte [esp + KTRAP_FRAME.SegCs], 1
    jz %%noApc                              ; APCs for user mode only on the way to user mode
    cmp byte [esi + KTHREAD.ApcState.UserApcPending], 0
    je %%noApc

    mov ebx, esp                            ; the trap frame
    mov ecx, APC_LEVEL
    call KfRaiseIrql                        ; old IRQL in al
    push eax
    sti
    push ebx                                ; TrapFrame
    push 0                                  ; ExceptionFrame
    push UserMode
    call KiDeliverApc                       ; may rewrite the frame to KiUserApcDispatcher
    cli
    pop ecx
    call KfLowerIrql
    jmp %%again                             ; look again: one APC per pass

%%noApc:
    cmp byte [fs:KPCR.Irql], PASSIVE_LEVEL  ; a service must return at PASSIVE_LEVEL
    jne KiServiceExitIrqlNotPassive
    test byte [esp + KTRAP_FRAME.SegCs], 1
    jz %%pop
    ; Ring 3 always runs with fs = the TEB selector (after sysenter the frame saved the PCR's).
    mov dword [esp + KTRAP_FRAME.SegFs], TEB_SELECTOR

%%pop:
    add esp, KTRAP_FRAME.SegGs              ; skip the debug part
    pop gs
    pop es
    pop ds
    pop edx                                 ; (the Edx slot: not the caller's edx)
    pop ecx
    pop eax                                 ; the status
    pop ebx
    mov [esi + KTHREAD.PreviousMode], bl    ; the old PreviousMode
    pop dword [fs:KPCR.NtTib.ExceptionList] ; the old exception list
    pop fs
    pop edi
    pop esi
    pop ebx
    pop ebp
    add esp, 4                              ; ErrCode

    test dword [esp + 4], 1                 ; the CS the interrupt (or the caller) pushed
    jnz %%toUser
    ; A kernel-mode caller pushed EFLAGS and CS, then CALLed: the return address is first.
    pop edx
    pop ecx
    popfd
    jmp edx

%%toUser:
%if %1
    cmp dword [KiFastSystemCallDisable], 0
    jnz %%iret
    pop edx                                 ; user EIP
    add esp, 4                              ; CS (sysexit loads 0x1B)
    and dword [esp], ~EFLAGS_INTERRUPT_MASK ; IF comes back with the sti below
    popfd
    pop ecx                                 ; user ESP (sysexit loads SS 0x23)
    sti                                     ; takes effect after sysexit
    sysexit
%endif
%%iret:
    iretd
%endmacro

KiServiceExit:
    SERVICE_EXIT 1
KiServiceExit2:
    SERVICE_EXIT 0

KiServiceExitIrqlNotPassive:
    movzx eax, byte [fs:KPCR.Irql]
    push 0
    push 0
    push 0
    push eax
    push IRQL_GT_ZERO_AT_SYSTEM_SERVICE
    call KeBugCheckEx

; The caller's argument pointer was not a user address, or copying from it faulted (the
; #PF handler sends the faulting `rep movsd` here): the call fails, the kernel is fine.
KiSystemServiceAccessViolation:
    mov eax, STATUS_ACCESS_VIOLATION
    mov [ebp + KTRAP_FRAME.Eax], eax
    jmp KeReturnFromSystemCall

; Index beyond the table's limit. For the second table this is the first win32k call of a
; thread that is not a GUI thread yet: convert it (ServiceTable -> the Shadow table, which
; holds win32k's table) and try again. Otherwise STATUS_INVALID_SYSTEM_SERVICE.
KiBBTUnexpectedRange:
    cmp ecx, SERVICE_TABLE_TEST
    jne .invalid
    push edx
    push ebx
    call PsConvertToGuiThread
    or eax, eax
    pop eax                                 ; the full service number again
    pop edx
    jz KiSystemServiceRepeat
.invalid:
    mov eax, HC_KI_INVALID_SERVICE          ; (tells the trace; eax is overwritten next)
    out HOSTCALL_PORT, eax
    mov eax, STATUS_INVALID_SYSTEM_SERVICE
    mov [ebp + KTRAP_FRAME.Eax], eax
    jmp KeReturnFromSystemCall

; ---- sysenter ------------------------------------------------------------------------------
; ntdll!KiFastSystemCall did `mov edx, esp; sysenter`: EDX = the user stack, whose first
; dword returns into the ntdll stub and whose second returns into the stub's caller. The CPU
; loaded CS 0x08, SS 0x10 and ESP = SYSENTER_ESP; IF is clear. Build the interrupt frame
; int 0x2e would have pushed, then join KiSystemService.
KiFastCallEntry:
    mov ecx, KGDT_R0_PCR
    mov fs, cx
    mov ecx, USER_DS                        ; the caller's data segments, as after int 0x2e
    mov ds, cx
    mov es, cx
    mov ecx, [fs:KPCR.TSS]
    mov esp, [ecx + KTSS.Esp0]              ; the thread's kernel stack
    push USER_DS                            ; HardwareSegSs
    push edx                                ; HardwareEsp
    pushfd
    or dword [esp], EFLAGS_INTERRUPT_MASK   ; EFlags, as user mode had them (IF set)
    push USER_CS                            ; SegCs
    push dword [MM_SHARED_USER_DATA_VA + KUSER_SHARED_DATA.SystemCallReturn]   ; Eip
    add edx, 8                              ; the arguments, past the two return addresses
    jmp KiSystemService

; ---- a new thread --------------------------------------------------------------------------
; The creator built a KTRAP_FRAME describing the thread's first user-mode instruction, with
; what SwapContext pops below it; SwapContext's `ret` (or the boot code, for the first
; thread) lands here with ESP at the frame: leaving through KiServiceExit starts the thread.
KiThreadStartup:
    cmp byte [fs:KPCR.Irql], PASSIVE_LEVEL  ; a thread switched to by SwapContext starts at
    je .go                                  ; DISPATCH_LEVEL; user mode runs at PASSIVE
    mov ecx, PASSIVE_LEVEL
    call KfLowerIrql
.go:
    jmp KiServiceExit

; The idle thread's first instruction (after SwapContext chose it for the first time).
global KiIdleThreadStartup
KiIdleThreadStartup:
    mov ecx, PASSIVE_LEVEL
    call KfLowerIrql
    jmp KiIdleLoop

; NTSTATUS PsConvertToGuiThread(VOID): make the current thread a GUI thread by giving it the
; Shadow table. Fails when it already is one or when no win32k table has been added.
PsConvertToGuiThread:
    mov eax, [fs:KPCR.PrcbData.CurrentThread]
    cmp dword [eax + KTHREAD.ServiceTable], KeServiceDescriptorTableShadow
    je .already
    cmp dword [KeServiceDescriptorTableShadow + KSERVICE_TABLE_DESCRIPTOR_size + KSERVICE_TABLE_DESCRIPTOR.Base], 0
    je .noWin32k
    mov dword [eax + KTHREAD.ServiceTable], KeServiceDescriptorTableShadow
    xor eax, eax                            ; STATUS_SUCCESS
    ret
.already:
    mov eax, STATUS_ALREADY_WIN32
    ret
.noWin32k:
    mov eax, STATUS_INVALID_SYSTEM_SERVICE
    ret

; ---- services that do not return like functions ---------------------------------------------
; NtContinue(Context, TestAlert) and NtRaiseException(ExceptionRecord, Context, FirstChance):
; their host bodies (kernel/nt/ke/apc.ts, except.ts) restore Thread->TrapFrame from the Edx
; slot and rewrite this call's own trap frame -- a whole CONTEXT, or the frame sent on to
; KiUserExceptionDispatcher -- and on success the service leaves straight through
; KiServiceExit2, so the frame, EAX and EDX included, is what user mode gets back. (Their
; SSDT entries point here instead of at generated thunks.) A thread switch they asked for
; (a process that ended) happens first.
%macro LEAVE_BY_FRAME_SERVICE 2             ; name, argument bytes
global %1
%1:
    mov eax, %1_SERVICE_NUMBER              ; (generated: its number in sysfuncs.lst)
    out HOSTCALL_PORT, eax
    test eax, eax
    js %%failed                             ; an error: an ordinary return with the status
    cmp dword [fs:KPCR.IRR], 0
    je %%leave
    movzx ecx, byte [fs:KPCR.Irql]
    call HalpCheckSoftwareInterrupts
%%leave:
    mov esp, ebp
    jmp KiServiceExit2
%%failed:
    ret %2
%endmacro

LEAVE_BY_FRAME_SERVICE NtContinue, 8
LEAVE_BY_FRAME_SERVICE NtRaiseException, 12
