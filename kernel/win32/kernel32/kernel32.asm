; kernel32.dll: the Win32 API a console program calls, on top of ntdll's NtXxx services.
; Each Win32 function does what NT's (and ReactOS's dll/win32/kernel32) does: turn Win32
; arguments into NT ones (DOS paths into object names, dispositions, access masks,
; milliseconds into 100 ns intervals), call the service, and turn the NTSTATUS back into
; BOOL/HANDLE plus a Win32 error in TEB.LastErrorValue (RtlNtStatusToDosError).
;
; The files, one subject each:
;   process.asm   process and thread start, ExitProcess, GetCommandLineA, GetCurrentXxx
;   error.asm     GetLastError, SetLastError, BaseSetLastNTError
;   console.asm   GetStdHandle, WriteConsoleA, ReadConsoleA
;   rw.asm        ReadFile, WriteFile, ReadFileEx, WriteFileEx, GetOverlappedResult
;   file.asm      CreateFileA/W, CloseHandle, DuplicateHandle, DeleteFileA/W, GetFileType,
;                 GetFileSize(Ex), SetFilePointer(Ex)
;   find.asm      FindFirstFileA, FindNextFileA, FindClose
;   sync.asm      CreateEventA/W, SetEvent, ResetEvent, WaitForSingleObject(Ex),
;                 WaitForMultipleObjects(Ex), SleepEx, Sleep
;   thread.asm    CreateThread, ExitThread, QueueUserAPC
;   threadctl.asm SetThreadPriority, GetThreadPriority, SuspendThread, ResumeThread,
;                 GetExitCodeThread, GetExitCodeProcess, SetPriorityClass, GetPriorityClass
;   memory.asm    VirtualAlloc, VirtualFree, VirtualProtect, VirtualQuery
;   misc.asm      GetTickCount, lstrlenA, the ANSI -> Unicode helper
bits 32
%include "ks386.inc"                ; GENERATED: NT structures (TEB, PEB, ...) and STATUS_*
%include "winerror.inc"             ; GENERATED: ERROR_* and the statuses ks386.inc lacks

import NtAllocateVirtualMemory ntdll.dll
import NtClearEvent ntdll.dll
import NtClose ntdll.dll
import NtCreateEvent ntdll.dll
import NtCreateFile ntdll.dll
import NtCreateThread ntdll.dll
import NtDelayExecution ntdll.dll
import NtDuplicateObject ntdll.dll
import NtFreeVirtualMemory ntdll.dll
import NtOpenFile ntdll.dll
import NtProtectVirtualMemory ntdll.dll
import NtQueryDirectoryFile ntdll.dll
import NtQueryInformationFile ntdll.dll
import NtQueryVirtualMemory ntdll.dll
import NtQueryVolumeInformationFile ntdll.dll
import NtQueueApcThread ntdll.dll
import NtReadFile ntdll.dll
import NtSetEvent ntdll.dll
import NtSetInformationFile ntdll.dll
import NtTerminateProcess ntdll.dll
import NtTerminateThread ntdll.dll
import NtWaitForMultipleObjects ntdll.dll
import NtWaitForSingleObject ntdll.dll
import NtWriteFile ntdll.dll
import NtQueryInformationProcess ntdll.dll
import NtQueryInformationThread ntdll.dll
import NtResumeThread ntdll.dll
import NtSetInformationProcess ntdll.dll
import NtSetInformationThread ntdll.dll
import NtSuspendThread ntdll.dll
import RtlDosPathNameToNtPathName_U ntdll.dll
import RtlInitUnicodeString ntdll.dll
import RtlNtStatusToDosError ntdll.dll
extern NtAllocateVirtualMemory, NtClearEvent, NtClose, NtCreateEvent, NtCreateFile
extern NtCreateThread, NtDelayExecution, NtDuplicateObject, NtOpenFile, NtQueryDirectoryFile
extern NtQueryInformationFile, NtQueryVolumeInformationFile, NtQueueApcThread, NtReadFile
extern NtSetEvent, NtSetInformationFile, NtTerminateProcess, NtTerminateThread
extern NtWaitForMultipleObjects, NtWaitForSingleObject, NtWriteFile
extern NtFreeVirtualMemory, NtProtectVirtualMemory, NtQueryVirtualMemory
extern NtQueryInformationProcess, NtQueryInformationThread, NtResumeThread, NtSetInformationThread
extern NtSuspendThread, NtSetInformationProcess
extern RtlDosPathNameToNtPathName_U, RtlInitUnicodeString, RtlNtStatusToDosError

%include "k32const.inc"

section .text
%include "process.asm"
%include "error.asm"
%include "console.asm"
%include "rw.asm"
%include "file.asm"
%include "find.asm"
%include "sync.asm"
%include "thread.asm"
%include "threadctl.asm"
%include "memory.asm"
%include "misc.asm"
