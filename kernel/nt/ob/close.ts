// NtClose, first slice: the bootstrap console handles are the only handles there are.
// Issue 5: the handle table in guest memory, object dereference, deletion.
import type { ServiceBody } from '../ke/services.ts';
import { STATUS_INVALID_HANDLE, STATUS_SUCCESS } from '../ex/status.ts';

export const NtClose: ServiceBody = ({ kernel, args: [handle] }) => {
  const p = kernel.currentProcess();
  if (!p?.consoleHandles.delete(handle)) return STATUS_INVALID_HANDLE;
  return STATUS_SUCCESS;
};
