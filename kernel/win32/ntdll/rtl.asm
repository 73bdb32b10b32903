; Rtl routines kernel32 needs: status -> Win32 error, Unicode strings, DOS -> NT path names.
%include "winerror.inc"             ; GENERATED (kernel/nt/rtl/doserror.ts): ERROR_*, extra STATUS_*

; ULONG RtlNtStatusToDosError(NTSTATUS Status)
; The Win32 error for a status; the status itself is remembered in TEB.LastStatusValue (what
; RtlGetLastNtStatus returns). The rules are NT's: 0 and "customer" codes (bit 29) pass
; through, HRESULT_FROM_WIN32 values (0x8007xxxx) give back their low word, HRESULT_FROM_NT
; values (0xDxxxxxxx) lose the facility bit; everything else is looked up in the table that
; kernel/nt/rtl/doserror.ts generates, and a status it lacks is ERROR_MR_MID_NOT_FOUND (317).
global RtlNtStatusToDosError
RtlNtStatusToDosError:
    mov eax, [esp+4]
    mov [fs:TEB.LastStatusValue], eax
    test eax, eax
    jz .done                                ; STATUS_SUCCESS -> ERROR_SUCCESS
    test eax, 0x20000000
    jnz .done                               ; a customer code is its own error
    mov ecx, eax
    and ecx, 0xFFFF0000
    cmp ecx, 0x80070000
    jne .not_win32
    movzx eax, ax                           ; HRESULT_FROM_WIN32(x): x
    jmp .done
.not_win32:
    mov ecx, eax
    and ecx, 0xF0000000
    cmp ecx, 0xD0000000
    jne .lookup
    and eax, 0xCFFFFFFF                     ; HRESULT_FROM_NT(s): s
.lookup:
    mov edx, RtlpNtStatusToDosTable
.next:
    mov ecx, [edx]
    cmp ecx, 0xFFFFFFFF
    je .unknown
    cmp ecx, eax
    je .found
    add edx, 8
    jmp .next
.found:
    mov eax, [edx+4]
.done:
    ret 4
.unknown:
    mov eax, ERROR_MR_MID_NOT_FOUND
    ret 4

%include "ntstatus2dos.inc"         ; GENERATED: RtlpNtStatusToDosTable

; VOID RtlInitUnicodeString(PUNICODE_STRING Dest, PCWSTR Source)
; Points Dest at a zero-terminated wide string: Length = its bytes without the 0,
; MaximumLength = with it. A NULL Source makes an empty string.
global RtlInitUnicodeString
RtlInitUnicodeString:
    mov edx, [esp+4]                        ; Dest
    mov ecx, [esp+8]                        ; Source
    mov [edx + UNICODE_STRING.Buffer], ecx
    xor eax, eax
    test ecx, ecx
    jz .store
.count:
    cmp word [ecx + eax], 0
    je .counted
    add eax, 2
    jmp .count
.counted:
    mov [edx + UNICODE_STRING.Length], ax
    add eax, 2
    mov [edx + UNICODE_STRING.MaximumLength], ax
    ret 8
.store:
    mov [edx + UNICODE_STRING.Length], ax
    mov [edx + UNICODE_STRING.MaximumLength], ax
    ret 8

; BOOLEAN RtlDosPathNameToNtPathName_U(PCWSTR DosName, PUNICODE_STRING NtName,
;                                      PCWSTR *FilePart, PVOID RelativeName)
; Turns a Win32 ("DOS") path into the NT object-manager name the kernel parses:
;     C:\dir\file      -> \??\C:\dir\file       (\?? is the DOS-devices directory)
;     \dir\file        -> \??\C:\dir\file       (rooted: the current drive, C: for now)
;     file             -> \??\C:\file           (relative: the current directory, C:\ for now)
;     \\?\anything     -> \??\anything          (no conversion at all)
;     \\.\device       -> \??\device
;     \\server\share   -> \??\UNC\server\share
;     NUL, CON, CONIN$, CONOUT$   -> \??\NUL ...  (DOS device names, whatever the folder)
; '/' becomes '\'. FilePart (if not NULL) gets the address of the last component in the
; result, or NULL when the name ends in '\'. RelativeName is not filled (no current
; directory handle yet).
; NT LAB DIFFERENCE: NT allocates NtName->Buffer from the process heap. NT Lab has no heap
; yet, so the caller provides NtName->Buffer and NtName->MaximumLength; a name that does
; not fit returns FALSE.
global RtlDosPathNameToNtPathName_U
RtlDosPathNameToNtPathName_U:
    push ebp
    mov ebp, esp
    push esi
    push edi
    push ebx
    mov esi, [ebp+8]                        ; DosName
    test esi, esi
    jz .fail
    cmp word [esi], 0
    je .fail                                ; an empty name is no name
    ; Choose the prefix (ebx, an ASCII string) and how much of DosName it replaces (ecx).
    xor ecx, ecx
    cmp word [esi], '\'
    jne .not_unc
    cmp word [esi+2], '\'
    jne .rooted
    cmp word [esi+4], '?'
    je .verbatim
    cmp word [esi+4], '.'
    jne .unc
.verbatim:                                  ; \\?\ or \\.\: the rest is already an NT name
    cmp word [esi+6], '\'
    jne .unc
    mov ebx, PrefixDevices
    mov ecx, 8                              ; skip the 4 characters
    jmp .copy
.unc:
    mov ebx, PrefixUnc
    mov ecx, 4                              ; skip "\\"
    jmp .copy
.rooted:
    mov ebx, PrefixDrive
    jmp .copy
.not_unc:
    cmp word [esi+2], ':'
    jne .not_drive
    mov ebx, PrefixDevices                  ; "C:..." -> "\??\C:..."
    jmp .copy
.not_drive:
    push esi
    call RtlpIsDosDeviceName
    mov ebx, PrefixDevices
    test eax, eax
    jnz .copy
    mov ebx, PrefixCurrentDirectory
    xor ecx, ecx
.copy:
    add esi, ecx                            ; esi = the part of DosName that is kept
    mov edx, [ebp+12]                       ; NtName
    mov edi, [edx + UNICODE_STRING.Buffer]
    movzx ecx, word [edx + UNICODE_STRING.MaximumLength]
    shr ecx, 1                              ; ecx = characters left (room for the 0 included)
.prefix:
    movzx eax, byte [ebx]
    test eax, eax
    jz .rest
    dec ecx
    jz .fail
    mov [edi], ax
    add edi, 2
    inc ebx
    jmp .prefix
.rest:
    lodsw
    test ax, ax
    jz .end
    cmp ax, '/'
    jne .store
    mov ax, '\'                             ; Win32 accepts '/', the object manager does not
.store:
    dec ecx
    jz .fail
    stosw
    jmp .rest
.end:
    mov word [edi], 0                       ; zero-terminated as well as counted
    mov edx, [ebp+12]
    mov eax, edi
    sub eax, [edx + UNICODE_STRING.Buffer]
    mov [edx + UNICODE_STRING.Length], ax
    ; FilePart: just after the last backslash, or NULL if the name ends in one.
    mov ecx, [ebp+16]
    test ecx, ecx
    jz .ok
    mov ebx, [edx + UNICODE_STRING.Buffer]
    mov eax, edi
.back:
    cmp eax, ebx
    je .part
    cmp word [eax-2], '\'
    je .part
    sub eax, 2
    jmp .back
.part:
    cmp eax, edi
    jne .set_part
    xor eax, eax                            ; "...\": no file part
.set_part:
    mov [ecx], eax
.ok:
    mov eax, 1
    jmp .out
.fail:
    xor eax, eax
.out:
    pop ebx
    pop edi
    pop esi
    leave
    ret 16

; BOOL RtlpIsDosDeviceName(PCWSTR Name): is the whole name NUL, CON, CONIN$ or CONOUT$
; (any case)? Those name devices, not files, wherever they appear in NT; here only bare.
RtlpIsDosDeviceName:
    push esi
    push edi
    mov edi, DosDeviceNames
.name:
    cmp byte [edi], 0
    je .no                                  ; the list ends with an empty name
    mov esi, [esp+12]
.char:
    movzx eax, word [esi]
    cmp eax, 'a'
    jb .upper
    cmp eax, 'z'
    ja .upper
    sub eax, 'a' - 'A'
.upper:
    movzx edx, byte [edi]
    cmp eax, edx
    jne .skip
    test eax, eax
    jz .yes                                 ; both ended together
    add esi, 2
    inc edi
    jmp .char
.skip:                                      ; to the next name in the list
    cmp byte [edi], 0
    je .skipped
    inc edi
    jmp .skip
.skipped:
    inc edi
    jmp .name
.yes:
    mov eax, 1
    jmp .out
.no:
    xor eax, eax
.out:
    pop edi
    pop esi
    ret 4

section .rdata
PrefixDevices:          db "\??\", 0
PrefixUnc:              db "\??\UNC\", 0
PrefixDrive:            db "\??\C:", 0
PrefixCurrentDirectory: db "\??\C:\", 0
DosDeviceNames:         db "NUL", 0, "CON", 0, "CONIN$", 0, "CONOUT$", 0, 0
section .text
