// NtClose, first slice: closes an entry of the bootstrap handle table (ob/bootstrap.ts).
// Issue 5: the handle table in guest memory, object dereference, deletion.
import type { ServiceBody } from '../ke/services.ts';
import { STATUS_INVALID_HANDLE, STATUS_SUCCESS } from '../ex/status.ts';
import { closeHandle } from './bootstrap.ts';

export const NtClose: ServiceBody = ({ kernel, args: [handle] }) => {
  return closeHandle(kernel.currentProcess(), handle) ? STATUS_SUCCESS : STATUS_INVALID_HANDLE;
};
