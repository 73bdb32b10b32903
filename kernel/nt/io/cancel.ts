// NtCancelIoFile(FileHandle, IoStatusBlock): the calling thread's requests on the file that
// are still waiting in a driver end with STATUS_CANCELLED (their completion -- IOSB, event,
// APC -- follows as for any other). NT walks the thread's IRP list and calls each IRP's
// CancelRoutine; NT Lab asks the file's driver for the thread's waiting requests.
import type { ServiceBody } from '../ke/services.ts';
import { FILE_OBJECT } from '../oblayouts.ts';
import { IO_STATUS_BLOCK } from '../layouts.ts';
import { referenceObjectByHandle } from '../ob/handle.ts';
import { dereferenceObject } from '../ob/object.ts';
import { obType } from '../ob/types.ts';
import { UserMode } from '../ke/irql.ts';
import { driverOf } from './iomgr.ts';
import { STATUS_SUCCESS } from '../ex/status.ts';

export const NtCancelIoFile: ServiceBody = ({ kernel: k, mem, previousMode, thread, args: [handle, iosb] }) => {
  if (previousMode === UserMode) mem.probe(iosb, IO_STATUS_BLOCK.size, true);
  const r = referenceObjectByHandle(k, handle, 0, obType(k, 'File'), previousMode);
  if (r.status !== STATUS_SUCCESS) return r.status;
  try {
    const device = FILE_OBJECT.at(k.vm, r.body).get('DeviceObject');
    driverOf(k, device)?.cancel?.(k, device, r.body, thread);
    IO_STATUS_BLOCK.at(mem, iosb).set('Status', STATUS_SUCCESS);
    IO_STATUS_BLOCK.at(mem, iosb).set('Information', 0);
    return STATUS_SUCCESS;
  } finally {
    dereferenceObject(k, r.body);
  }
};
