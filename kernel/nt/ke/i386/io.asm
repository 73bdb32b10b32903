; The object and I/O managers' guest-visible parts: the namespace root, and the addresses
; the I/O manager puts in DRIVER_OBJECT.MajorFunction and KAPC.KernelRoutine. NT Lab's
; drivers and IopCompleteRequest are host code (kernel/nt/io/); these labels are what a
; kernel debugger would show in those slots, and each hands over to the host if reached.

section .text
global IopHostDispatch, IopInvalidDeviceRequest, IopCompleteRequest, IopHostFastIoRead

; NTSTATUS DispatchRoutine(DEVICE_OBJECT*, IRP*): IoCallDriver runs host drivers directly.
IopHostDispatch:
IopInvalidDeviceRequest:
    mov eax, STATUS_INVALID_DEVICE_REQUEST
    ret 8

; BOOLEAN FastIoRead(FILE_OBJECT*, LARGE_INTEGER*, ULONG, BOOLEAN, ULONG, PVOID,
;                    IO_STATUS_BLOCK*, DEVICE_OBJECT*): NtReadFile calls the host routine;
; reached from the guest it answers FALSE, "build the IRP".
IopHostFastIoRead:
    xor eax, eax
    ret 32

; VOID IopCompleteRequest(KAPC*, ...): delivered by the host's KiDeliverApc (io/kapc.ts).
IopCompleteRequest:
    ret 20

section .data
align 4
global ObpRootDirectoryObject
ObpRootDirectoryObject:     dd 0
