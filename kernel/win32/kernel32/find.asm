; Listing a directory: FindFirstFileA opens the directory and asks the file system for the
; first entry matching the pattern (NtQueryDirectoryFile); FindNextFileA asks for the next.
; The file system remembers the pattern and the place in the directory in the file object,
; so NT Lab's find handle is simply the directory handle. (NT's kernel32 wraps it in a
; heap block with a buffer of many entries; NT Lab asks for one entry at a time.)

global FindFirstFileA, FindNextFileA, FindClose

FIND_BUFFER_SIZE equ FBDI_FileName + MAX_PATH*2 + 8

; HANDLE WINAPI FindFirstFileA(LPCSTR lpFileName, LPWIN32_FIND_DATAA lpFindFileData)
; lpFileName is a directory and a pattern: "C:\dir\*.txt", "*" (the current directory).
%define ffName      ebp-8                   ; UNICODE_STRING: the directory's NT name
%define ffPattern   ebp-0x10                ; UNICODE_STRING: the pattern
%define ffOa        ebp-0x28
%define ffIosb      ebp-0x30
%define ffHandle    ebp-0x34
%define ffFilePart  ebp-0x38
%define ffBuffer    ebp-0x38-NT_NAME_CHARS*2
%define ffInfo      ebp-0x38-NT_NAME_CHARS*2-FIND_BUFFER_SIZE
FindFirstFileA:
    push ebp
    mov ebp, esp
    sub esp, 0x38 + NT_NAME_CHARS*2 + FIND_BUFFER_SIZE
    push esi
    push dword [ebp+8]
    call Basep8BitStringToStaticUnicodeString
    test eax, eax
    jz .invalid
    ; The whole name as an NT name, and where its last component starts.
    lea ecx, [ffBuffer]
    mov [ffName + UNICODE_STRING.Buffer], ecx
    mov word [ffName + UNICODE_STRING.Length], 0
    mov word [ffName + UNICODE_STRING.MaximumLength], NT_NAME_CHARS*2
    push 0
    lea ecx, [ffFilePart]
    push ecx
    lea ecx, [ffName]
    push ecx
    push eax
    call [RtlDosPathNameToNtPathName_U]
    test al, al
    jz .no_path
    mov esi, [ffFilePart]
    test esi, esi
    jz .not_found                           ; "dir\": a directory and no pattern
    ; The pattern: the last component. "*.*" means every name (DOS habit), "*" to NT.
    mov [ffPattern + UNICODE_STRING.Buffer], esi
    mov eax, esi
    sub eax, [ffName + UNICODE_STRING.Buffer]   ; bytes before the pattern
    movzx ecx, word [ffName + UNICODE_STRING.Length]
    sub ecx, eax
    mov [ffPattern + UNICODE_STRING.Length], cx
    mov [ffPattern + UNICODE_STRING.MaximumLength], cx
    cmp ecx, 6
    jne .pattern_done
    cmp dword [esi], 0x002E002A             ; L"*."
    jne .pattern_done
    cmp word [esi+4], '*'
    jne .pattern_done
    mov word [ffPattern + UNICODE_STRING.Length], 2
.pattern_done:
    ; The directory: everything before the pattern, without the last '\' -- except for a
    ; root ("\??\C:\"), where the '\' is the directory ("\??\C:" is the volume itself).
    mov [ffName + UNICODE_STRING.Length], ax
    cmp eax, 4
    jb .directory_done
    mov ecx, [ffName + UNICODE_STRING.Buffer]
    cmp word [ecx + eax - 4], ':'
    je .directory_done
    sub word [ffName + UNICODE_STRING.Length], 2
.directory_done:
    mov dword [ffOa + OBJECT_ATTRIBUTES.Length], OBJECT_ATTRIBUTES_size
    mov dword [ffOa + OBJECT_ATTRIBUTES.RootDirectory], 0
    lea eax, [ffName]
    mov [ffOa + OBJECT_ATTRIBUTES.ObjectName], eax
    mov dword [ffOa + OBJECT_ATTRIBUTES.Attributes], OBJ_CASE_INSENSITIVE
    mov dword [ffOa + OBJECT_ATTRIBUTES.SecurityDescriptor], 0
    mov dword [ffOa + OBJECT_ATTRIBUTES.SecurityQualityOfService], 0
    push FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT
    push FILE_SHARE_READ | FILE_SHARE_WRITE
    lea eax, [ffIosb]
    push eax
    lea eax, [ffOa]
    push eax
    push FILE_LIST_DIRECTORY | SYNCHRONIZE
    lea eax, [ffHandle]
    push eax
    call [NtOpenFile]
    test eax, eax
    js .failed
    ; The first entry that matches (RestartScan, and the pattern the file system keeps).
    push 1                                  ; RestartScan
    lea eax, [ffPattern]
    push eax                                ; FileName: the pattern
    push 1                                  ; ReturnSingleEntry
    push FileBothDirectoryInformation
    push FIND_BUFFER_SIZE
    lea eax, [ffInfo]
    push eax
    lea eax, [ffIosb]
    push eax
    push 0                                  ; ApcContext
    push 0                                  ; ApcRoutine
    push 0                                  ; Event
    push dword [ffHandle]
    call [NtQueryDirectoryFile]
    test eax, eax
    js .query_failed
    push dword [ebp+12]
    lea eax, [ffInfo]
    push eax
    call BasepCopyFindData
    mov eax, [ffHandle]
    jmp .out
.query_failed:
    push eax
    push dword [ffHandle]
    call [NtClose]
    pop eax
    cmp eax, STATUS_NO_MORE_FILES           ; nothing matched at all: "file not found"
    je .not_found
.failed:
    push eax
    call BaseSetLastNTError
    jmp .invalid
.not_found:
    push ERROR_FILE_NOT_FOUND
    call SetLastError
    jmp .invalid
.no_path:
    push ERROR_PATH_NOT_FOUND
    call SetLastError
.invalid:
    mov eax, INVALID_HANDLE_VALUE
.out:
    pop esi
    leave
    ret 8
%undef ffName
%undef ffPattern
%undef ffOa
%undef ffIosb
%undef ffHandle
%undef ffFilePart
%undef ffBuffer
%undef ffInfo

; BOOL WINAPI FindNextFileA(HANDLE hFindFile, LPWIN32_FIND_DATAA lpFindFileData)
; The next matching entry; none left is FALSE with ERROR_NO_MORE_FILES.
FindNextFileA:
    push ebp
    mov ebp, esp
    sub esp, 8 + FIND_BUFFER_SIZE
    push 0                                  ; RestartScan: no, go on
    push 0                                  ; FileName: the pattern given first
    push 1                                  ; ReturnSingleEntry
    push FileBothDirectoryInformation
    push FIND_BUFFER_SIZE
    lea eax, [ebp-8-FIND_BUFFER_SIZE]
    push eax
    lea eax, [ebp-8]
    push eax
    push 0
    push 0
    push 0
    push dword [ebp+8]
    call [NtQueryDirectoryFile]
    test eax, eax
    js .failed                              ; STATUS_NO_MORE_FILES -> ERROR_NO_MORE_FILES
    push dword [ebp+12]
    lea eax, [ebp-8-FIND_BUFFER_SIZE]
    push eax
    call BasepCopyFindData
    mov eax, 1
    leave
    ret 8
.failed:
    FAIL_WITH_NTSTATUS 0, 8

; BOOL WINAPI FindClose(HANDLE hFindFile)
FindClose:
    jmp CloseHandle

; VOID BasepCopyFindData(FILE_BOTH_DIR_INFORMATION *Info, WIN32_FIND_DATAA *Data)
; One directory entry as Win32 shows it; names become ANSI (Latin-1: the low byte).
BasepCopyFindData:
    push esi
    push edi
    mov esi, [esp+12]                       ; Info
    mov edi, [esp+16]                       ; Data
    mov eax, [esi + FBDI_FileAttributes]
    mov [edi + WIN32_FIND_DATAA.dwFileAttributes], eax
    ; the three times, FILETIMEs in both
    mov eax, [esi + FBDI_CreationTime]
    mov [edi + WIN32_FIND_DATAA.ftCreationTime], eax
    mov eax, [esi + FBDI_CreationTime + 4]
    mov [edi + WIN32_FIND_DATAA.ftCreationTime + 4], eax
    mov eax, [esi + FBDI_LastAccessTime]
    mov [edi + WIN32_FIND_DATAA.ftLastAccessTime], eax
    mov eax, [esi + FBDI_LastAccessTime + 4]
    mov [edi + WIN32_FIND_DATAA.ftLastAccessTime + 4], eax
    mov eax, [esi + FBDI_LastWriteTime]
    mov [edi + WIN32_FIND_DATAA.ftLastWriteTime], eax
    mov eax, [esi + FBDI_LastWriteTime + 4]
    mov [edi + WIN32_FIND_DATAA.ftLastWriteTime + 4], eax
    ; the size: EndOfFile
    mov eax, [esi + FBDI_EndOfFile]
    mov [edi + WIN32_FIND_DATAA.nFileSizeLow], eax
    mov eax, [esi + FBDI_EndOfFile + 4]
    mov [edi + WIN32_FIND_DATAA.nFileSizeHigh], eax
    mov dword [edi + WIN32_FIND_DATAA.dwReserved0], 0
    mov dword [edi + WIN32_FIND_DATAA.dwReserved1], 0
    ; the long name
    mov ecx, [esi + FBDI_FileNameLength]
    shr ecx, 1
    cmp ecx, MAX_PATH - 1
    jbe .long_fits
    mov ecx, MAX_PATH - 1
.long_fits:
    push esi
    push edi
    lea esi, [esi + FBDI_FileName]
    lea edi, [edi + WIN32_FIND_DATAA.cFileName]
    call .narrow
    pop edi
    pop esi
    ; the 8.3 name (empty when the long name is already one)
    movzx ecx, byte [esi + FBDI_ShortNameLength]
    shr ecx, 1
    cmp ecx, 13
    jbe .short_fits
    mov ecx, 13
.short_fits:
    lea esi, [esi + FBDI_ShortName]
    lea edi, [edi + WIN32_FIND_DATAA.cAlternateFileName]
    call .narrow
    pop edi
    pop esi
    ret 8
.narrow:                                    ; ecx UTF-16 units from esi -> bytes at edi, 0
    jecxz .narrowed
.unit:
    lodsw
    stosb
    loop .unit
.narrowed:
    mov byte [edi], 0
    ret
