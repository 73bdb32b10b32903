// The console driver (\Device\Console): \Device\Console\Input and \Device\Console\Output
// (CONIN$, CONOUT$) and \Device\Console itself (CON: reads in, writes out). Writes go to
// the machine's ConsoleDevice at once. Reads take what the ConsoleDevice has.
// GAP (see docs/io.md): the read does not yet pend for keystrokes arriving as IRQ 1; it
// completes in the dispatch routine with what the host's input source gives.
import type { Kernel } from '../kernel.ts';
import { FILE_OBJECT, IRP } from '../oblayouts.ts';
import { createDriver, createDevice, completeWith, currentStackLocation, FILE_DEVICE_CONSOLE, IRP_MJ_CREATE, IRP_MJ_READ, IRP_MJ_WRITE, IRP_MJ_CLEANUP, IRP_MJ_QUERY_VOLUME_INFORMATION } from './iomgr.ts';
import { readUnicodeStringAt } from '../ob/object.ts';
import { openFileForProcess, FILE_SYNCHRONOUS_IO_NONALERT } from './file.ts';
import { FILE_GENERIC_READ, FILE_GENERIC_WRITE } from '../ob/access.ts';
import { STATUS_SUCCESS, STATUS_END_OF_FILE, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_INVALID_DEVICE_REQUEST } from '../ex/status.ts';

/** FILE_OBJECT.FsContext of a console file: which way it goes. */
const CONSOLE_IN = 1, CONSOLE_OUT = 2;
/** Handle values the standard handles get: the first three of a new handle table. */
export const CONSOLE_INPUT_HANDLE = 0x4, CONSOLE_OUTPUT_HANDLE = 0x8, CONSOLE_ERROR_HANDLE = 0xC;

function create(k: Kernel, _device: number, irp: number): number {
  const file = currentStackLocation(k, irp).get('FileObject');
  const name = readUnicodeStringAt(k, FILE_OBJECT.at(k.vm, file).addressOf('FileName')).toUpperCase();
  const direction = name === '' ? CONSOLE_IN | CONSOLE_OUT : name === '\\INPUT' ? CONSOLE_IN : name === '\\OUTPUT' ? CONSOLE_OUT : 0;
  if (!direction) return completeWith(k, irp, STATUS_OBJECT_NAME_NOT_FOUND, 0);
  FILE_OBJECT.at(k.vm, file).set('FsContext', direction);
  return completeWith(k, irp, STATUS_SUCCESS, 1);
}

function direction(k: Kernel, irp: number): number {
  return FILE_OBJECT.at(k.vm, currentStackLocation(k, irp).get('FileObject')).get('FsContext');
}

function write(k: Kernel, _device: number, irp: number): number {
  if (!(direction(k, irp) & CONSOLE_OUT)) return completeWith(k, irp, STATUS_INVALID_DEVICE_REQUEST, 0);
  const length = currentStackLocation(k, irp).get('Length');
  if (length) k.console.write(k.vm.readBytes(IRP.at(k.vm, irp).get('SystemBuffer'), length));
  return completeWith(k, irp, STATUS_SUCCESS, length);
}

function read(k: Kernel, _device: number, irp: number): number {
  if (!(direction(k, irp) & CONSOLE_IN)) return completeWith(k, irp, STATUS_INVALID_DEVICE_REQUEST, 0);
  const length = currentStackLocation(k, irp).get('Length');
  if (!length) return completeWith(k, irp, STATUS_SUCCESS, 0);
  const data = k.console.read(length);
  if (!data.length) return completeWith(k, irp, STATUS_END_OF_FILE, 0);
  k.vm.writeBytes(IRP.at(k.vm, irp).get('SystemBuffer'), data);
  return completeWith(k, irp, STATUS_SUCCESS, data.length);
}

const ok = (k: Kernel, _d: number, irp: number) => completeWith(k, irp, STATUS_SUCCESS, 0);
/** FILE_DEVICE_CONSOLE's volume information: only the device type (for GetFileType). */
const queryVolume = (k: Kernel, d: number, irp: number) => completeWith(k, irp, STATUS_INVALID_DEVICE_REQUEST, 0 * d);

export function createConsoleDriver(k: Kernel): number {
  const driver = createDriver(k, { name: 'Console', dispatch: { [IRP_MJ_CREATE]: create, [IRP_MJ_READ]: read, [IRP_MJ_WRITE]: write, [IRP_MJ_CLEANUP]: ok, [IRP_MJ_QUERY_VOLUME_INFORMATION]: queryVolume } });
  return createDevice(k, driver, 'Console', FILE_DEVICE_CONSOLE);
}

/** A new process's standard handles: 4 (input), 8 (output), 0xC (error). */
export function openStandardHandles(k: Kernel, eprocess: number): void {
  const handles = [
    openFileForProcess(k, eprocess, '\\??\\CONIN$', FILE_GENERIC_READ, FILE_SYNCHRONOUS_IO_NONALERT),
    openFileForProcess(k, eprocess, '\\??\\CONOUT$', FILE_GENERIC_WRITE, FILE_SYNCHRONOUS_IO_NONALERT),
    openFileForProcess(k, eprocess, '\\??\\CONOUT$', FILE_GENERIC_WRITE, FILE_SYNCHRONOUS_IO_NONALERT),
  ];
  if (handles.join() !== [CONSOLE_INPUT_HANDLE, CONSOLE_OUTPUT_HANDLE, CONSOLE_ERROR_HANDLE].join()) throw new Error('standard handles out of order');
}
