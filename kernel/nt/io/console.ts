// The console, before the I/O manager exists. A process starts with three handle values
// that stand for the console (stdin, stdout, stderr in its process parameters, entries of
// the bootstrap handle table in ob/bootstrap.ts); NtReadFile and NtWriteFile recognise them
// and talk to the machine's ConsoleDevice.
// This is the seam issue 5 replaces: real handles in the process's handle table naming a
// FILE_OBJECT on the console device, reached through IoCallDriver.
import type { Process } from '../ps/process.ts';
import { lookupHandle } from '../ob/bootstrap.ts';

/** Handle values as the handle table will hand them out: (index + 1) << 2. */
export const CONSOLE_INPUT_HANDLE = 0x4;
export const CONSOLE_OUTPUT_HANDLE = 0x8;
export const CONSOLE_ERROR_HANDLE = 0xC;

export function consoleHandle(p: Process | undefined, handle: number): 'input' | 'output' | undefined {
  const o = lookupHandle(p, handle);
  return o?.kind === 'console' ? o.direction : undefined;
}
