; Threads and APCs: CreateThread builds what NtCreateThread wants -- a stack, an INITIAL_TEB
; describing it, a CONTEXT whose EIP is BaseThreadStartThunk (process.asm) -- and
; QueueUserAPC queues a user APC that runs when the target thread waits alertably.

global CreateThread, ExitThread, QueueUserAPC

THREAD_STACK_SIZE      equ 0x10000          ; 64 KiB, committed

; HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes, SIZE_T dwStackSize,
;     LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter, DWORD dwCreationFlags,
;     LPDWORD lpThreadId)
%define ctContext  ebp-CONTEXT_size
%define ctInitTeb  ebp-CONTEXT_size-0x14    ; INITIAL_TEB
%define ctCid      ebp-CONTEXT_size-0x1C    ; CLIENT_ID
%define ctHandle   ebp-CONTEXT_size-0x20
%define ctBase     ebp-CONTEXT_size-0x24    ; the stack: its lowest address...
%define ctSize     ebp-CONTEXT_size-0x28    ; ...and size
%define ctOa       ebp-CONTEXT_size-0x40    ; OBJECT_ATTRIBUTES (for inheritance)
CreateThread:
    push ebp
    mov ebp, esp
    sub esp, CONTEXT_size + 0x40
    push edi
    ; 1. The stack: NtAllocateVirtualMemory reserves and commits it in this process (NT
    ;    reserves dwStackSize -- default the image's SizeOfStackReserve -- and commits the
    ;    top; NT Lab commits THREAD_STACK_SIZE whole).
    mov dword [ctBase], 0
    mov dword [ctSize], THREAD_STACK_SIZE
    push PAGE_READWRITE                     ; Protect
    push MEM_RESERVE | MEM_COMMIT           ; AllocationType
    lea eax, [ctSize]
    push eax                                ; RegionSize
    push 0                                  ; ZeroBits
    lea eax, [ctBase]
    push eax                                ; BaseAddress (in: 0 = anywhere)
    push NtCurrentProcess
    call [NtAllocateVirtualMemory]
    test eax, eax
    js .failed
    ; 2. INITIAL_TEB: StackBase is the top (stacks grow down), StackLimit the bottom.
    mov eax, [ctBase]
    mov dword [ctInitTeb + 0x0], 0          ; PreviousStackBase
    mov dword [ctInitTeb + 0x4], 0          ; PreviousStackLimit
    mov [ctInitTeb + 0x10], eax             ; AllocatedStackBase
    mov [ctInitTeb + 0xC], eax              ; StackLimit
    add eax, [ctSize]
    mov [ctInitTeb + 0x8], eax              ; StackBase
    ; 3. The CONTEXT the thread starts with: BaseThreadStartThunk, EAX = the routine,
    ;    EBX = its parameter, ESP = the top of the new stack.
    lea edi, [ctContext]
    mov ecx, CONTEXT_size / 4
    push eax
    xor eax, eax
    rep stosd
    pop eax
    sub eax, 4
    mov [ctContext + CONTEXT.Esp], eax
    mov dword [ctContext + CONTEXT.ContextFlags], 0x10007   ; CONTEXT_FULL
    mov dword [ctContext + CONTEXT.Eip], BaseThreadStartThunk
    mov eax, [ebp+16]
    mov [ctContext + CONTEXT.Eax], eax      ; lpStartAddress
    mov eax, [ebp+20]
    mov [ctContext + CONTEXT.Ebx], eax      ; lpParameter
    mov dword [ctContext + CONTEXT.SegCs], KGDT_R3_CODE | 3
    mov dword [ctContext + CONTEXT.SegDs], KGDT_R3_DATA | 3
    mov dword [ctContext + CONTEXT.SegEs], KGDT_R3_DATA | 3
    mov dword [ctContext + CONTEXT.SegSs], KGDT_R3_DATA | 3
    mov dword [ctContext + CONTEXT.SegFs], KGDT_R3_TEB | 3
    mov dword [ctContext + CONTEXT.EFlags], 0x202
    ; 4. OBJECT_ATTRIBUTES only carry inheritance here.
    mov dword [ctOa + OBJECT_ATTRIBUTES.Length], OBJECT_ATTRIBUTES_size
    mov dword [ctOa + OBJECT_ATTRIBUTES.RootDirectory], 0
    mov dword [ctOa + OBJECT_ATTRIBUTES.ObjectName], 0
    mov dword [ctOa + OBJECT_ATTRIBUTES.Attributes], 0
    mov dword [ctOa + OBJECT_ATTRIBUTES.SecurityDescriptor], 0
    mov dword [ctOa + OBJECT_ATTRIBUTES.SecurityQualityOfService], 0
    mov ecx, [ebp+8]
    test ecx, ecx
    jz .create
    cmp dword [ecx + SECURITY_ATTRIBUTES.bInheritHandle], 0
    je .create
    mov dword [ctOa + OBJECT_ATTRIBUTES.Attributes], OBJ_INHERIT
.create:
    xor eax, eax
    test dword [ebp+24], CREATE_SUSPENDED
    setnz al
    push eax                                ; CreateSuspended
    lea eax, [ctInitTeb]
    push eax                                ; InitialTeb
    lea eax, [ctContext]
    push eax                                ; ThreadContext
    lea eax, [ctCid]
    push eax                                ; ClientId
    push NtCurrentProcess                   ; ProcessHandle
    lea eax, [ctOa]
    push eax                                ; ObjectAttributes
    push THREAD_ALL_ACCESS
    lea eax, [ctHandle]
    push eax
    call [NtCreateThread]
    test eax, eax
    js .failed
    mov ecx, [ebp+28]                       ; lpThreadId
    test ecx, ecx
    jz .done
    mov eax, [ctCid + CLIENT_ID.UniqueThread]
    mov [ecx], eax
.done:
    mov eax, [ctHandle]
    jmp .out
.failed:
    push eax
    call BaseSetLastNTError
    xor eax, eax
.out:
    pop edi
    leave
    ret 24
%undef ctContext
%undef ctInitTeb
%undef ctCid
%undef ctHandle
%undef ctBase
%undef ctSize
%undef ctOa

; VOID WINAPI ExitThread(DWORD dwExitCode)
; NtTerminateThread on the current thread; the kernel ends the process with the last one.
ExitThread:
    push dword [esp+4]                      ; ExitStatus
    push NtCurrentThread
    call [NtTerminateThread]
    int3                                    ; never reached

; DWORD WINAPI QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData)
; A user APC to hThread: nothing happens until that thread waits alertably (SleepEx,
; WaitForSingleObjectEx, ... with bAlertable TRUE); then the wait ends with
; WAIT_IO_COMPLETION after pfnAPC(dwData) ran. The kernel calls APC routines with three
; arguments (NormalContext, SystemArgument1, SystemArgument2); BaseDispatchAPC adapts that to
; the one-argument PAPCFUNC, as Windows XP's kernel32 does.
QueueUserAPC:
    push 0                                  ; SystemArgument2
    push dword [esp+16]                     ; SystemArgument1 = dwData
    push dword [esp+12]                     ; ApcContext = pfnAPC
    push BaseDispatchAPC                    ; ApcRoutine
    push dword [esp+24]                     ; ThreadHandle
    call [NtQueueApcThread]
    test eax, eax
    js .failed
    mov eax, 1
    ret 12
.failed:
    FAIL_WITH_NTSTATUS_NOFRAME 12

; VOID NTAPI BaseDispatchAPC(PAPCFUNC pfnAPC, ULONG_PTR dwData, PVOID Unused)
BaseDispatchAPC:
    push dword [esp+8]                      ; dwData
    call [esp+8]                            ; pfnAPC(dwData)
    ret 12
