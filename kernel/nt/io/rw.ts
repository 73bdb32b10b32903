// NtWriteFile and NtReadFile, first slice: the console handles only (console.ts). The
// argument checks follow NtReadFile's order in the reference: the handle first, then, for a
// user-mode caller, probe the IO_STATUS_BLOCK and the buffer.
// Issue 5 replaces the bodies with the I/O manager's (IRP to the console/file driver).
import type { ServiceBody } from '../ke/services.ts';
import { IO_STATUS_BLOCK } from '../layouts.ts';
import { consoleHandle } from './console.ts';
import { UserMode } from '../ke/irql.ts';
import { STATUS_INVALID_HANDLE, STATUS_SUCCESS, STATUS_END_OF_FILE, STATUS_ACCESS_DENIED } from '../ex/status.ts';

/** NtWriteFile(FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, Buffer, Length,
 *  ByteOffset, Key). */
export const NtWriteFile: ServiceBody = ({ kernel, args, previousMode, mem }) => {
  const [handle, , , , iosb, buffer, length] = args;
  const kind = consoleHandle(kernel.currentProcess(), handle);
  if (!kind) return STATUS_INVALID_HANDLE;
  if (kind !== 'output') return STATUS_ACCESS_DENIED;
  if (previousMode === UserMode) {
    mem.probe(iosb, IO_STATUS_BLOCK.size, true);
    mem.probe(buffer, length, false);
  }
  kernel.console.write(mem.readBytes(buffer, length));
  const io = IO_STATUS_BLOCK.at(mem, iosb);
  io.set('Status', STATUS_SUCCESS);
  io.set('Information', length);
  return STATUS_SUCCESS;
};

/** NtReadFile(FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, Buffer, Length,
 *  ByteOffset, Key). Console input is whatever the machine's console device has; none left
 *  is the end of the file. */
export const NtReadFile: ServiceBody = ({ kernel, args, previousMode, mem }) => {
  const [handle, , , , iosb, buffer, length] = args;
  const kind = consoleHandle(kernel.currentProcess(), handle);
  if (!kind) return STATUS_INVALID_HANDLE;
  if (kind !== 'input') return STATUS_ACCESS_DENIED;
  if (previousMode === UserMode) {
    mem.probe(iosb, IO_STATUS_BLOCK.size, true);
    mem.probe(buffer, length, true);
  }
  const io = IO_STATUS_BLOCK.at(mem, iosb);
  const data = length ? kernel.console.read(length) : new Uint8Array(0);
  if (length && data.length === 0) {
    io.set('Status', STATUS_END_OF_FILE);
    io.set('Information', 0);
    return STATUS_END_OF_FILE;
  }
  mem.writeBytes(buffer, data);
  io.set('Status', STATUS_SUCCESS);
  io.set('Information', data.length);
  return STATUS_SUCCESS;
};
