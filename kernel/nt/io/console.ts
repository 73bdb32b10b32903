// The console driver (\Device\Console): \Device\Console\Input and \Device\Console\Output
// (CONIN$, CONOUT$) and \Device\Console itself (CON: reads in, writes out). Writes go to
// the machine's ConsoleDevice at once. A read takes a line from the type-ahead buffer
// (conbuffer.ts) if one is there; otherwise it pends until the keyboard's interrupt brings
// one and the console's DPC completes it (i8042prt.ts). NtCancelIoFile ends a thread's
// waiting reads with STATUS_CANCELLED.
import type { Kernel } from '../kernel.ts';
import { FILE_OBJECT, IRP, DEVICE_OBJECT } from '../oblayouts.ts';
import { CONSOLE_EXTENSION, initializeConsoleExtension, queueRead, hasPendingReads, pendingReads, unqueueRead } from './conbuffer.ts';
import { connectKeyboard, satisfyRead, requestInput } from './i8042prt.ts';
import { createDriver, createDevice, completeWith, currentStackLocation, FILE_DEVICE_CONSOLE, IRP_MJ_CREATE, IRP_MJ_READ, IRP_MJ_WRITE, IRP_MJ_CLEANUP, IRP_MJ_CLOSE, IRP_MJ_QUERY_VOLUME_INFORMATION } from './iomgr.ts';
import { readUnicodeStringAt } from '../ob/object.ts';
import { openFileForProcess, FILE_SYNCHRONOUS_IO_NONALERT } from './file.ts';
import { FILE_GENERIC_READ, FILE_GENERIC_WRITE } from '../ob/access.ts';
import { STATUS_SUCCESS, STATUS_PENDING, STATUS_CANCELLED, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_INVALID_DEVICE_REQUEST } from '../ex/status.ts';

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

function read(k: Kernel, device: number, irp: number): number {
  if (!(direction(k, irp) & CONSOLE_IN)) return completeWith(k, irp, STATUS_INVALID_DEVICE_REQUEST, 0);
  if (!currentStackLocation(k, irp).get('Length')) return completeWith(k, irp, STATUS_SUCCESS, 0);
  const ext = DEVICE_OBJECT.at(k.vm, device).get('DeviceExtension');
  if (!hasPendingReads(k, ext) && satisfyRead(k, device, irp)) return IRP.at(k.vm, irp).get('IoStatus.Status') >>> 0;
  queueRead(k, ext, irp);
  requestInput(k, device);
  return STATUS_PENDING;
}

/** The driver's cancel: `thread`'s waiting reads on `file` end with STATUS_CANCELLED. */
function cancel(k: Kernel, device: number, file: number, thread: number): void {
  const ext = DEVICE_OBJECT.at(k.vm, device).get('DeviceExtension');
  for (const irp of pendingReads(k, ext)) {
    if (IRP.at(k.vm, irp).get('Thread') !== thread || currentStackLocation(k, irp).get('FileObject') !== file) continue;
    unqueueRead(k, irp);
    IRP.at(k.vm, irp).set('Cancel', 1);
    completeWith(k, irp, STATUS_CANCELLED, 0);
  }
}

const ok = (k: Kernel, _d: number, irp: number) => completeWith(k, irp, STATUS_SUCCESS, 0);
/** FILE_DEVICE_CONSOLE's volume information: only the device type (for GetFileType). */
const queryVolume = (k: Kernel, d: number, irp: number) => completeWith(k, irp, STATUS_INVALID_DEVICE_REQUEST, 0 * d);

export function createConsoleDriver(k: Kernel): number {
  const driver = createDriver(k, { name: 'Console', dispatch: { [IRP_MJ_CREATE]: create, [IRP_MJ_READ]: read, [IRP_MJ_WRITE]: write, [IRP_MJ_CLEANUP]: ok, [IRP_MJ_CLOSE]: ok, [IRP_MJ_QUERY_VOLUME_INFORMATION]: queryVolume }, cancel });
  const device = createDevice(k, driver, 'Console', FILE_DEVICE_CONSOLE, CONSOLE_EXTENSION.size);
  initializeConsoleExtension(k, DEVICE_OBJECT.at(k.vm, device).get('DeviceExtension'));
  connectKeyboard(k, device);
  return device;
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
