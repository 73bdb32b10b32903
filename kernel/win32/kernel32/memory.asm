; Virtual memory: VirtualAlloc, VirtualFree, VirtualProtect and VirtualQuery on the
; current process, each one NT service (NtAllocateVirtualMemory, NtFreeVirtualMemory,
; NtProtectVirtualMemory, NtQueryVirtualMemory) whose in/out BaseAddress and RegionSize
; are the caller's arguments, passed by address, as NT's kernel32 does.

global VirtualAlloc, VirtualFree, VirtualProtect, VirtualQuery

; LPVOID WINAPI VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize, DWORD flAllocationType,
;     DWORD flProtect)
VirtualAlloc:
    push dword [esp+16]                     ; Protect
    push dword [esp+16]                     ; AllocationType
    lea eax, [esp+16]
    push eax                                ; RegionSize = &dwSize
    push 0                                  ; ZeroBits
    lea eax, [esp+20]
    push eax                                ; BaseAddress = &lpAddress
    push NtCurrentProcess
    call [NtAllocateVirtualMemory]
    test eax, eax
    js .failed
    mov eax, [esp+4]                        ; the base the kernel chose
    ret 16
.failed:
    FAIL_WITH_NTSTATUS_NOFRAME 16

; BOOL WINAPI VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType)
; MEM_RELEASE frees a whole region: Win32 wants dwSize 0 for it (NT would take a size).
VirtualFree:
    test dword [esp+12], MEM_RELEASE
    jz .call
    cmp dword [esp+8], 0
    jne .invalid
.call:
    push dword [esp+12]                     ; FreeType
    lea eax, [esp+12]
    push eax                                ; RegionSize = &dwSize
    lea eax, [esp+12]
    push eax                                ; BaseAddress = &lpAddress
    push NtCurrentProcess
    call [NtFreeVirtualMemory]
    test eax, eax
    js .failed
    mov eax, 1
    ret 12
.invalid:
    push ERROR_INVALID_PARAMETER
    call SetLastError
    xor eax, eax
    ret 12
.failed:
    FAIL_WITH_NTSTATUS_NOFRAME 12

; BOOL WINAPI VirtualProtect(LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect,
;     PDWORD lpflOldProtect)
VirtualProtect:
    push dword [esp+16]                     ; OldAccessProtection
    push dword [esp+16]                     ; NewAccessProtection
    lea eax, [esp+16]
    push eax                                ; NumberOfBytesToProtect = &dwSize
    lea eax, [esp+16]
    push eax                                ; BaseAddress = &lpAddress
    push NtCurrentProcess
    call [NtProtectVirtualMemory]
    test eax, eax
    js .failed
    mov eax, 1
    ret 16
.failed:
    FAIL_WITH_NTSTATUS_NOFRAME 16

; SIZE_T WINAPI VirtualQuery(LPCVOID lpAddress, PMEMORY_BASIC_INFORMATION lpBuffer,
;     SIZE_T dwLength): the bytes written (0 on failure).
VirtualQuery:
    push 0                                  ; room for ReturnLength
    mov eax, esp
    push eax                                ; ReturnLength
    push dword [esp+20]                     ; MemoryInformationLength = dwLength
    push dword [esp+20]                     ; MemoryInformation = lpBuffer
    push MemoryBasicInformation
    push dword [esp+24]                     ; BaseAddress = lpAddress
    push NtCurrentProcess
    call [NtQueryVirtualMemory]
    test eax, eax
    js .failed
    pop eax                                 ; ReturnLength
    ret 12
.failed:
    push eax
    call BaseSetLastNTError
    pop eax
    xor eax, eax
    ret 12
