; Small things: the tick count and string helpers.

global GetTickCount, lstrlenA

; DWORD WINAPI GetTickCount(VOID)
; Milliseconds since boot, read from KUSER_SHARED_DATA (mapped read-only into every process
; at 0x7FFE0000) without a system call: TickCountLow * TickCountMultiplier / 2^24.
GetTickCount:
    mov eax, [MM_SHARED_USER_DATA_VA + KUSER_SHARED_DATA.TickCountLow]
    mul dword [MM_SHARED_USER_DATA_VA + KUSER_SHARED_DATA.TickCountMultiplier]
    shrd eax, edx, 24
    ret

; int WINAPI lstrlenA(LPCSTR lpString): its length in bytes; NULL counts as empty.
lstrlenA:
    mov ecx, [esp+4]
    xor eax, eax
    test ecx, ecx
    jz .done
.next:
    cmp byte [ecx + eax], 0
    je .done
    inc eax
    jmp .next
.done:
    ret 4

; PCWSTR Basep8BitStringToStaticUnicodeString(LPCSTR lpString)
; How the *A functions take a name: converted into the thread's own buffer
; (TEB.StaticUnicodeString over TEB.StaticUnicodeBuffer, MAX_PATH + 1 characters), then the
; *W function is called. NT converts from the ANSI code page; NT Lab's is Latin-1, each
; byte one character. NULL becomes an empty name. Too long: NULL, ERROR_FILENAME_EXCED_RANGE.
Basep8BitStringToStaticUnicodeString:
    push esi
    push edi
    mov esi, [esp+12]
    mov edi, [fs:TEB.NtTib + NT_TIB.Self]
    add edi, TEB_StaticUnicodeBuffer
    mov edx, edi                            ; the result
    mov ecx, MAX_PATH
    test esi, esi
    jz .end
.char:
    xor eax, eax
    lodsb
    test al, al
    jz .end
    stosw
    loop .char
    cmp byte [esi], 0                       ; MAX_PATH characters and still more
    jne .too_long
.end:
    mov word [edi], 0
    mov eax, edi
    sub eax, edx
    mov ecx, [fs:TEB.NtTib + NT_TIB.Self]
    mov [ecx + TEB_StaticUnicodeString + UNICODE_STRING.Length], ax
    mov word [ecx + TEB_StaticUnicodeString + UNICODE_STRING.MaximumLength], (MAX_PATH + 1) * 2
    mov [ecx + TEB_StaticUnicodeString + UNICODE_STRING.Buffer], edx
    mov eax, edx
    pop edi
    pop esi
    ret 4
.too_long:
    push ERROR_FILENAME_EXCED_RANGE
    call SetLastError
    xor eax, eax
    pop edi
    pop esi
    ret 4
