; ntoskrnl: the guest half of NT Lab's kernel -- the code a student single-steps.
; Assembled as one flat image at KSEG0_BASE + PHYS_KERNEL_IMAGE by kernel/nt/ke/image.ts;
; the host half (TypeScript) finds its labels in the assembler's symbol table.
bits 32
%include "ks386.inc"
org KERNEL_IMAGE_BASE               ; defined by image.ts (0x80100000)

%include "syscall.asm"              ; KiSystemService, KiFastCallEntry, KiServiceExit
%include "trap.asm"                 ; KiTrap00..KiTrap13, int 0x2A-0x2D, unexpected interrupts
%include "irql.asm"                 ; KfRaiseIrql, KfLowerIrql, KiDeliverApc, KeBugCheckEx
%include "clock.asm"                ; HalpClockInterrupt
%include "keyboard.asm"             ; I8042KeyboardInterrupt, IopConsoleDpcRoutine
%include "ctxswap.asm"              ; KiDispatchInterrupt, SwapContext, KiIdleLoop
%include "io.asm"                   ; ObpRootDirectoryObject, the I/O manager's stubs
%include "services.inc"             ; GENERATED: MainSSDT thunks, MainSSDT, MainSSPT
%include "descriptors.inc"          ; GENERATED: KeServiceDescriptorTable(Shadow)

section .data
align 4
; Nonzero: leave the kernel by iret even after sysenter (a CPU without SEP, or the int 0x2e
; machine). Set by the boot code from the machine's syscall option.
global KiFastSystemCallDisable
KiFastSystemCallDisable:    dd 1
; ntdll's entry points the kernel sends user mode to (filled when ntdll is mapped, as
; PspLookupSystemDllEntryPoint does).
global KeUserApcDispatcher, KeUserExceptionDispatcher
KeUserApcDispatcher:        dd 0
KeUserExceptionDispatcher:  dd 0

; The scheduler's ready queues: one list of threads per priority (linked through
; KTHREAD.WaitListEntry), and a bit per non-empty list. Initialised by the boot code.
global KiDispatcherReadyListHead, KiReadySummary
align 8
KiDispatcherReadyListHead:  times MAXIMUM_PRIORITY * LIST_ENTRY_size db 0
KiReadySummary:             dd 0
; The DPC the clock queues when a wait has timed out (its routine: KiTimerExpiration).
global KiTimerExpireDpc
align 4
KiTimerExpireDpc:           times KDPC_size db 0
