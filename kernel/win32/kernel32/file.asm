; Files and handles: CreateFile (Win32 names, dispositions and flags -> NtCreateFile),
; CloseHandle, DuplicateHandle, DeleteFile, GetFileType, GetFileSize(Ex), SetFilePointer(Ex).

global CreateFileA, CreateFileW, CloseHandle, DuplicateHandle, DeleteFileA, DeleteFileW
global GetFileType, GetFileSize, GetFileSizeEx, SetFilePointer, SetFilePointerEx

NT_NAME_CHARS equ MAX_PATH + 16                ; room for "\??\UNC\" and the 0

; HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
;     LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
;     DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
; The ANSI name becomes Unicode in the thread's static buffer (TEB.StaticUnicodeString),
; then it is CreateFileW -- as every *A function of NT's kernel32 does.
CreateFileA:
    push dword [esp+4]
    call Basep8BitStringToStaticUnicodeString
    test eax, eax
    jz .failed
    mov [esp+4], eax                        ; the same call, with the Unicode name
    jmp CreateFileW
.failed:
    mov eax, INVALID_HANDLE_VALUE
    ret 28

; HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, ...same as CreateFileA...)
%define cfName      ebp-8                   ; UNICODE_STRING: the NT name
%define cfOa        ebp-0x20                ; OBJECT_ATTRIBUTES (0x18)
%define cfIosb      ebp-0x28                ; IO_STATUS_BLOCK
%define cfHandle    ebp-0x2C
%define cfBuffer    ebp-0x2C-NT_NAME_CHARS*2 ; the NT name's characters
CreateFileW:
    push ebp
    mov ebp, esp
    sub esp, 0x2C + NT_NAME_CHARS*2
    push ebx
    push esi
    push edi
    ; An empty name is no path at all.
    mov eax, [ebp+8]
    test eax, eax
    jz .no_path
    cmp word [eax], 0
    je .no_path
    ; dwCreationDisposition (1..5) -> the NT CreateDisposition.
    mov eax, [ebp+24]
    dec eax
    cmp eax, 4
    ja .bad_parameter
    movzx esi, byte [CreateDispositionMap + eax]   ; esi = CreateDisposition
    ; dwFlagsAndAttributes -> CreateOptions (edi); the access mask (ebx).
    mov ebx, [ebp+12]
    or ebx, SYNCHRONIZE | FILE_READ_ATTRIBUTES ; to wait on the file; to query it (as NT)
    mov edx, [ebp+28]
    mov edi, FILE_NON_DIRECTORY_FILE           ; CreateFile opens files, not directories...
    test edx, FILE_FLAG_OVERLAPPED
    jnz .async
    or edi, FILE_SYNCHRONOUS_IO_NONALERT       ; ...and without FILE_FLAG_OVERLAPPED the I/O
.async:                                        ; manager serialises and waits for us
    test edx, FILE_FLAG_WRITE_THROUGH
    jz .f1
    or edi, FILE_WRITE_THROUGH
.f1:
    test edx, FILE_FLAG_NO_BUFFERING
    jz .f2
    or edi, FILE_NO_INTERMEDIATE_BUFFERING
.f2:
    test edx, FILE_FLAG_RANDOM_ACCESS
    jz .f3
    or edi, FILE_RANDOM_ACCESS
.f3:
    test edx, FILE_FLAG_SEQUENTIAL_SCAN
    jz .f4
    or edi, FILE_SEQUENTIAL_ONLY
.f4:
    test edx, FILE_FLAG_DELETE_ON_CLOSE
    jz .f5
    or edi, FILE_DELETE_ON_CLOSE
    or ebx, DELETE
.f5:
    test edx, FILE_FLAG_BACKUP_SEMANTICS
    jz .f6
    or edi, FILE_OPEN_FOR_BACKUP_INTENT        ; (directories may be opened then)
    and edi, ~FILE_NON_DIRECTORY_FILE
.f6:
    ; "C:\dir\file" -> "\??\C:\dir\file" (ntdll).
    lea eax, [cfBuffer]
    mov [cfName + UNICODE_STRING.Buffer], eax
    mov word [cfName + UNICODE_STRING.Length], 0
    mov word [cfName + UNICODE_STRING.MaximumLength], NT_NAME_CHARS*2
    push 0                                     ; RelativeName
    push 0                                     ; FilePart
    lea eax, [cfName]
    push eax
    push dword [ebp+8]
    call [RtlDosPathNameToNtPathName_U]
    test al, al
    jz .no_path
    ; OBJECT_ATTRIBUTES: the name, case-insensitive as Win32 names are, inheritable if the
    ; SECURITY_ATTRIBUTES say so.
    mov dword [cfOa + OBJECT_ATTRIBUTES.Length], OBJECT_ATTRIBUTES_size
    mov dword [cfOa + OBJECT_ATTRIBUTES.RootDirectory], 0
    lea eax, [cfName]
    mov [cfOa + OBJECT_ATTRIBUTES.ObjectName], eax
    mov dword [cfOa + OBJECT_ATTRIBUTES.Attributes], OBJ_CASE_INSENSITIVE
    mov dword [cfOa + OBJECT_ATTRIBUTES.SecurityDescriptor], 0
    mov dword [cfOa + OBJECT_ATTRIBUTES.SecurityQualityOfService], 0
    mov ecx, [ebp+20]                          ; lpSecurityAttributes
    test ecx, ecx
    jz .attributes
    mov eax, [ecx + SECURITY_ATTRIBUTES.lpSecurityDescriptor]
    mov [cfOa + OBJECT_ATTRIBUTES.SecurityDescriptor], eax
    cmp dword [ecx + SECURITY_ATTRIBUTES.bInheritHandle], 0
    je .attributes
    or dword [cfOa + OBJECT_ATTRIBUTES.Attributes], OBJ_INHERIT
.attributes:
    push 0                                     ; EaLength
    push 0                                     ; EaBuffer
    push edi                                   ; CreateOptions
    push esi                                   ; CreateDisposition
    push dword [ebp+16]                        ; ShareAccess = dwShareMode
    mov eax, [ebp+28]
    and eax, FILE_ATTRIBUTE_VALID_FLAGS
    push eax                                   ; FileAttributes (the low bits)
    push 0                                     ; AllocationSize
    lea eax, [cfIosb]
    push eax                                   ; IoStatusBlock
    lea eax, [cfOa]
    push eax                                   ; ObjectAttributes
    push ebx                                   ; DesiredAccess
    lea eax, [cfHandle]
    push eax                                   ; FileHandle
    call [NtCreateFile]
    test eax, eax
    js .create_failed
    ; Success. OPEN_ALWAYS and CREATE_ALWAYS tell the caller whether the file was there:
    ; ERROR_ALREADY_EXISTS if it was (opened / overwritten), 0 if it was created.
    mov eax, [cfIosb + IO_STATUS_BLOCK.Information]
    cmp esi, FILE_OPEN_IF
    je .open_if
    cmp esi, FILE_OVERWRITE_IF
    jne .done
    cmp eax, FILE_OVERWRITTEN
    je .existed
    jmp .created
.open_if:
    cmp eax, FILE_OPENED
    je .existed
.created:
    push ERROR_SUCCESS
    call SetLastError
    jmp .done
.existed:
    push ERROR_ALREADY_EXISTS
    call SetLastError
.done:
    mov eax, [cfHandle]
    jmp .out
.create_failed:
    ; CREATE_NEW on an existing name: Win32 says ERROR_FILE_EXISTS (80), not the generic
    ; ERROR_ALREADY_EXISTS (183) that STATUS_OBJECT_NAME_COLLISION maps to.
    cmp eax, STATUS_OBJECT_NAME_COLLISION
    jne .status_error
    cmp dword [ebp+24], CREATE_NEW
    jne .status_error
    push ERROR_FILE_EXISTS
    call SetLastError
    jmp .invalid
.status_error:
    push eax
    call BaseSetLastNTError
    jmp .invalid
.bad_parameter:
    push ERROR_INVALID_PARAMETER
    call SetLastError
    jmp .invalid
.no_path:
    push ERROR_PATH_NOT_FOUND
    call SetLastError
.invalid:
    mov eax, INVALID_HANDLE_VALUE
.out:
    pop edi
    pop esi
    pop ebx
    leave
    ret 28
%undef cfName
%undef cfOa
%undef cfIosb
%undef cfHandle
%undef cfBuffer

; BOOL WINAPI CloseHandle(HANDLE hObject)
CloseHandle:
    push dword [esp+4]
    call BaseTranslateStdHandle
    push eax
    call [NtClose]
    test eax, eax
    js .failed
    mov eax, 1
    ret 4
.failed:
    FAIL_WITH_NTSTATUS_NOFRAME 4

; BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
;     HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle, DWORD dwDesiredAccess,
;     BOOL bInheritHandle, DWORD dwOptions)          -> NtDuplicateObject
DuplicateHandle:
    push dword [esp+28]                        ; Options (DUPLICATE_SAME_ACCESS, _CLOSE_SOURCE)
    xor eax, eax
    cmp dword [esp+28], 0                      ; bInheritHandle
    je .attributes
    mov eax, OBJ_INHERIT
.attributes:
    push eax                                   ; HandleAttributes
    push dword [esp+28]                        ; DesiredAccess
    push dword [esp+28]                        ; TargetHandle
    push dword [esp+28]                        ; TargetProcessHandle
    push dword [esp+28]
    call BaseTranslateStdHandle
    push eax                                   ; SourceHandle
    push dword [esp+28]                        ; SourceProcessHandle
    call [NtDuplicateObject]
    test eax, eax
    js .failed
    mov eax, 1
    ret 28
.failed:
    FAIL_WITH_NTSTATUS_NOFRAME 28

; BOOL WINAPI DeleteFileA(LPCSTR lpFileName)
DeleteFileA:
    push dword [esp+4]
    call Basep8BitStringToStaticUnicodeString
    test eax, eax
    jz .failed
    mov [esp+4], eax
    jmp DeleteFileW
.failed:
    ret 4

; BOOL WINAPI DeleteFileW(LPCWSTR lpFileName)
; As NT does it: open the file for DELETE, mark it "delete on close" with
; FileDispositionInformation, close it -- the file goes when the last handle does.
%define dfName      ebp-8
%define dfOa        ebp-0x20
%define dfIosb      ebp-0x28
%define dfHandle    ebp-0x2C
%define dfDelete    ebp-0x30                ; FILE_DISPOSITION_INFORMATION { BOOLEAN DeleteFile }
%define dfBuffer    ebp-0x30-NT_NAME_CHARS*2
DeleteFileW:
    push ebp
    mov ebp, esp
    sub esp, 0x30 + NT_NAME_CHARS*2
    lea eax, [dfBuffer]
    mov [dfName + UNICODE_STRING.Buffer], eax
    mov word [dfName + UNICODE_STRING.Length], 0
    mov word [dfName + UNICODE_STRING.MaximumLength], NT_NAME_CHARS*2
    push 0
    push 0
    lea eax, [dfName]
    push eax
    push dword [ebp+8]
    call [RtlDosPathNameToNtPathName_U]
    test al, al
    jz .no_path
    mov dword [dfOa + OBJECT_ATTRIBUTES.Length], OBJECT_ATTRIBUTES_size
    mov dword [dfOa + OBJECT_ATTRIBUTES.RootDirectory], 0
    lea eax, [dfName]
    mov [dfOa + OBJECT_ATTRIBUTES.ObjectName], eax
    mov dword [dfOa + OBJECT_ATTRIBUTES.Attributes], OBJ_CASE_INSENSITIVE
    mov dword [dfOa + OBJECT_ATTRIBUTES.SecurityDescriptor], 0
    mov dword [dfOa + OBJECT_ATTRIBUTES.SecurityQualityOfService], 0
    push FILE_NON_DIRECTORY_FILE | FILE_OPEN_FOR_BACKUP_INTENT   ; OpenOptions
    push FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE  ; ShareAccess
    lea eax, [dfIosb]
    push eax
    lea eax, [dfOa]
    push eax
    push DELETE | FILE_READ_ATTRIBUTES
    lea eax, [dfHandle]
    push eax
    call [NtOpenFile]
    test eax, eax
    js .failed
    mov dword [dfDelete], 1                 ; DeleteFile = TRUE
    push FileDispositionInformation
    push 1                                  ; sizeof(FILE_DISPOSITION_INFORMATION)
    lea eax, [dfDelete]
    push eax
    lea eax, [dfIosb]
    push eax
    push dword [dfHandle]
    call [NtSetInformationFile]
    push eax
    push dword [dfHandle]
    call [NtClose]
    pop eax
    test eax, eax
    js .failed
    mov eax, 1
    leave
    ret 4
.no_path:
    push ERROR_PATH_NOT_FOUND
    call SetLastError
    xor eax, eax
    leave
    ret 4
.failed:
    FAIL_WITH_NTSTATUS 0, 4
%undef dfName
%undef dfOa
%undef dfIosb
%undef dfHandle
%undef dfDelete
%undef dfBuffer

; DWORD WINAPI GetFileType(HANDLE hFile)
; Asks the volume what kind of device the file is on (FileFsDeviceInformation):
; a disk (or a file system on one) is FILE_TYPE_DISK, a console, NUL, a serial port...
; FILE_TYPE_CHAR, a named pipe FILE_TYPE_PIPE.
GetFileType:
    push ebp
    mov ebp, esp
    sub esp, 16                             ; [ebp-8] IO_STATUS_BLOCK, [ebp-16] the information
    push dword [ebp+8]
    call BaseTranslateStdHandle
    push FileFsDeviceInformation
    push 8                                  ; FILE_FS_DEVICE_INFORMATION {DeviceType, Characteristics}
    lea ecx, [ebp-16]
    push ecx
    lea ecx, [ebp-8]
    push ecx
    push eax
    call [NtQueryVolumeInformationFile]
    test eax, eax
    js .failed
    mov ecx, [ebp-16]                       ; DeviceType
    mov eax, FILE_TYPE_DISK
    cmp ecx, FILE_DEVICE_DISK
    je .out
    cmp ecx, FILE_DEVICE_DISK_FILE_SYSTEM
    je .out
    cmp ecx, FILE_DEVICE_CD_ROM
    je .out
    cmp ecx, FILE_DEVICE_NETWORK_FILE_SYSTEM
    je .out
    mov eax, FILE_TYPE_PIPE
    cmp ecx, FILE_DEVICE_NAMED_PIPE
    je .out
    mov eax, FILE_TYPE_CHAR
    cmp ecx, FILE_DEVICE_CONSOLE
    je .out
    cmp ecx, FILE_DEVICE_NULL
    je .out
    cmp ecx, FILE_DEVICE_SERIAL_PORT
    je .out
    cmp ecx, FILE_DEVICE_PARALLEL_PORT
    je .out
    cmp ecx, FILE_DEVICE_SCREEN
    je .out
    cmp ecx, FILE_DEVICE_KEYBOARD
    je .out
    cmp ecx, FILE_DEVICE_MOUSE
    je .out
    cmp ecx, FILE_DEVICE_SOUND
    je .out
    mov eax, FILE_TYPE_UNKNOWN
    jmp .out
.failed:
    push eax
    call BaseSetLastNTError
    mov eax, FILE_TYPE_UNKNOWN
.out:
    leave
    ret 4

; BOOL WINAPI GetFileSizeEx(HANDLE hFile, PLARGE_INTEGER lpFileSize)
; FileStandardInformation's EndOfFile is the size.
GetFileSizeEx:
    push ebp
    mov ebp, esp
    sub esp, 8 + FILE_STANDARD_INFORMATION_size
    push FileStandardInformation
    push FILE_STANDARD_INFORMATION_size
    lea eax, [ebp-8-FILE_STANDARD_INFORMATION_size]
    push eax
    lea eax, [ebp-8]
    push eax                                ; IoStatusBlock
    push dword [ebp+8]
    call BaseTranslateStdHandle
    push eax
    call [NtQueryInformationFile]
    test eax, eax
    js .failed
    mov ecx, [ebp+12]
    mov eax, [ebp-8-FILE_STANDARD_INFORMATION_size + FSI_EndOfFile]
    mov [ecx], eax
    mov eax, [ebp-8-FILE_STANDARD_INFORMATION_size + FSI_EndOfFile + 4]
    mov [ecx+4], eax
    mov eax, 1
    leave
    ret 8
.failed:
    FAIL_WITH_NTSTATUS 0, 8

; DWORD WINAPI GetFileSize(HANDLE hFile, LPDWORD lpFileSizeHigh)
; The low part; INVALID_FILE_SIZE (0xFFFFFFFF) on failure. A size whose low part really is
; 0xFFFFFFFF sets the last error to 0, so callers can tell.
GetFileSize:
    sub esp, 8
    push esp                                ; lpFileSize: the local
    push dword [esp+16]                     ; hFile
    call GetFileSizeEx
    test eax, eax
    jz .failed
    mov ecx, [esp+16]                       ; lpFileSizeHigh
    test ecx, ecx
    jz .low
    mov eax, [esp+4]
    mov [ecx], eax
.low:
    mov eax, [esp]
    cmp eax, 0xFFFFFFFF
    jne .out
    push ERROR_SUCCESS
    call SetLastError
    mov eax, 0xFFFFFFFF
    jmp .out
.failed:
    mov eax, 0xFFFFFFFF                     ; INVALID_FILE_SIZE
.out:
    add esp, 8
    ret 8

; BOOL WINAPI SetFilePointerEx(HANDLE hFile, LARGE_INTEGER liDistanceToMove,
;                              PLARGE_INTEGER lpNewFilePointer, DWORD dwMoveMethod)
; The file object's CurrentByteOffset is FilePositionInformation: FILE_BEGIN sets it,
; FILE_CURRENT adds to it, FILE_END adds to the size (FileStandardInformation.EndOfFile).
; [ebp+8] hFile, [ebp+12] distance low, [ebp+16] distance high, [ebp+20] lpNew, [ebp+24] method
SetFilePointerEx:
    push ebp
    mov ebp, esp
    sub esp, 16 + FILE_STANDARD_INFORMATION_size ; [ebp-8] IOSB, [ebp-16] position, then info
    push ebx
    push dword [ebp+8]
    call BaseTranslateStdHandle
    mov ebx, eax                            ; the handle
    mov dword [ebp-16], 0                   ; FILE_BEGIN: from 0
    mov dword [ebp-12], 0
    mov eax, [ebp+24]
    cmp eax, FILE_BEGIN
    je .move
    cmp eax, FILE_CURRENT
    je .current
    cmp eax, FILE_END
    je .end
    push ERROR_INVALID_PARAMETER
    call SetLastError
    jmp .false
.current:
    push FilePositionInformation
    push 8
    lea eax, [ebp-16]
    push eax
    lea eax, [ebp-8]
    push eax
    push ebx
    call [NtQueryInformationFile]
    test eax, eax
    js .failed
    jmp .move
.end:
    push FileStandardInformation
    push FILE_STANDARD_INFORMATION_size
    lea eax, [ebp-16-FILE_STANDARD_INFORMATION_size]
    push eax
    lea eax, [ebp-8]
    push eax
    push ebx
    call [NtQueryInformationFile]
    test eax, eax
    js .failed
    mov eax, [ebp-16-FILE_STANDARD_INFORMATION_size + FSI_EndOfFile]
    mov [ebp-16], eax
    mov eax, [ebp-16-FILE_STANDARD_INFORMATION_size + FSI_EndOfFile + 4]
    mov [ebp-12], eax
.move:
    mov eax, [ebp+12]                       ; position += distance (64-bit)
    add [ebp-16], eax
    mov eax, [ebp+16]
    adc [ebp-12], eax
    cmp dword [ebp-12], 0
    jge .set
    push ERROR_NEGATIVE_SEEK                ; before the start of the file
    call SetLastError
    jmp .false
.set:
    push FilePositionInformation
    push 8
    lea eax, [ebp-16]
    push eax
    lea eax, [ebp-8]
    push eax
    push ebx
    call [NtSetInformationFile]
    test eax, eax
    js .failed
    mov ecx, [ebp+20]
    test ecx, ecx
    jz .true
    mov eax, [ebp-16]
    mov [ecx], eax
    mov eax, [ebp-12]
    mov [ecx+4], eax
.true:
    mov eax, 1
    jmp .out
.failed:
    push eax
    call BaseSetLastNTError
.false:
    xor eax, eax
.out:
    pop ebx
    leave
    ret 20

; DWORD WINAPI SetFilePointer(HANDLE hFile, LONG lDistanceToMove, PLONG lpDistanceToMoveHigh,
;                             DWORD dwMoveMethod)
; Without lpDistanceToMoveHigh the distance is a signed 32-bit number. Returns the new
; position's low part, or INVALID_SET_FILE_POINTER (0xFFFFFFFF) with the last error set
; (a position whose low part is 0xFFFFFFFF sets the last error to 0).
SetFilePointer:
    push ebp
    mov ebp, esp
    sub esp, 8                              ; the new position
    mov eax, [ebp+12]
    cdq                                     ; edx = the sign of lDistanceToMove
    mov ecx, [ebp+16]
    test ecx, ecx
    jz .distance
    mov edx, [ecx]                          ; the caller's high part
.distance:
    push dword [ebp+20]                     ; dwMoveMethod
    lea ecx, [ebp-8]
    push ecx                                ; lpNewFilePointer
    push edx                                ; liDistanceToMove.HighPart
    push eax                                ; liDistanceToMove.LowPart
    push dword [ebp+8]
    call SetFilePointerEx
    test eax, eax
    jz .failed
    mov ecx, [ebp+16]
    test ecx, ecx
    jz .low
    mov eax, [ebp-4]
    mov [ecx], eax
.low:
    mov eax, [ebp-8]
    cmp eax, 0xFFFFFFFF
    jne .out
    push ERROR_SUCCESS
    call SetLastError
    mov eax, 0xFFFFFFFF
    jmp .out
.failed:
    mov eax, 0xFFFFFFFF                     ; INVALID_SET_FILE_POINTER
.out:
    leave
    ret 16

section .rdata
; CREATE_NEW, CREATE_ALWAYS, OPEN_EXISTING, OPEN_ALWAYS, TRUNCATE_EXISTING ->
CreateDispositionMap: db FILE_CREATE, FILE_OVERWRITE_IF, FILE_OPEN, FILE_OPEN_IF, FILE_OVERWRITE
section .text
