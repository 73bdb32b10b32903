// The I/O manager's core: driver and device objects, IRPs with their stack locations in
// pool, IoCallDriver and IoCompleteRequest. Drivers are host TypeScript: a DRIVER_OBJECT's
// MajorFunction slots hold the address of the I/O manager's guest stub for "a host
// dispatch routine" and the routines themselves are registered here by driver object
// (code, not state: every request, file and device is in guest memory).
import type { Kernel } from '../kernel.ts';
import { DEVICE_OBJECT, DRIVER_OBJECT, IRP, IO_STACK_LOCATION, IRP_MJ_MAXIMUM_FUNCTION, FAST_IO_DISPATCH } from '../oblayouts.ts';
import { createNamedObject } from '../ob/namespace.ts';
import { findObject } from '../ob/namespace.ts';
import { writeUnicodeString } from '../ob/object.ts';
import { STATUS_INVALID_DEVICE_REQUEST } from '../ex/status.ts';
import { fields } from '../struct.ts';

/** The fields every request touches, resolved once. */
const Irp = fields(IRP, ['Type', 'Size', 'StackCount', 'CurrentLocation', 'CurrentStackLocation', 'IoStatus.Status', 'IoStatus.Information']);
const Stack = fields(IO_STACK_LOCATION, ['DeviceObject', 'MajorFunction']);
const DeviceDriverObject = fields(DEVICE_OBJECT, ['DriverObject']).DriverObject;
const DriverFastIoDispatch = fields(DRIVER_OBJECT, ['FastIoDispatch']).FastIoDispatch;
const FastIoReadSlot = fields(FAST_IO_DISPATCH, ['FastIoRead']).FastIoRead;
const IRP_THREAD_LIST_ENTRY = IRP.off.ThreadListEntry;

export const IRP_MJ_CREATE = 0x00;
export const IRP_MJ_CLOSE = 0x02;
export const IRP_MJ_READ = 0x03;
export const IRP_MJ_WRITE = 0x04;
export const IRP_MJ_QUERY_INFORMATION = 0x05;
export const IRP_MJ_SET_INFORMATION = 0x06;
export const IRP_MJ_FLUSH_BUFFERS = 0x09;
export const IRP_MJ_QUERY_VOLUME_INFORMATION = 0x0A;
export const IRP_MJ_DIRECTORY_CONTROL = 0x0C;
export const IRP_MJ_CLEANUP = 0x12;
export const IO_TYPE_IRP = 6, IO_TYPE_DEVICE = 3, IO_TYPE_DRIVER = 4, IO_TYPE_FILE = 5;
/** DEVICE_OBJECT.DeviceType. */
export const FILE_DEVICE_DISK_FILE_SYSTEM = 0x08, FILE_DEVICE_NULL = 0x15, FILE_DEVICE_CONSOLE = 0x50;

/** A dispatch routine: returns the status IoCallDriver returns (STATUS_PENDING when it
 *  keeps the IRP to complete later). */
export type DispatchRoutine = (k: Kernel, device: number, irp: number) => number;
export interface HostDriver {
  name: string;
  dispatch: Partial<Record<number, DispatchRoutine>>;
  /** IoCancelIrp for the driver's waiting requests of `thread` on `file` (NtCancelIoFile):
   *  the CancelRoutine NT would find in each IRP, here one per driver. */
  cancel?: (k: Kernel, device: number, file: number, thread: number) => void;
  /** The driver's FAST_IO_DISPATCH routines, for a file system with a cache. */
  fastIo?: { read?: FastIoRead };
}

/** What a fast I/O routine reports when it did the transfer (its IO_STATUS_BLOCK). */
export interface FastIoResult { status: number; information: number }
/**
 * FastIoRead(FileObject, FileOffset, Length, Wait = TRUE, LockKey, Buffer, IoStatus,
 * DeviceObject): copy the bytes from the cache straight into the caller's buffer, or
 * return null (FALSE) when it cannot, and the I/O manager builds the IRP after all.
 */
export type FastIoRead = (k: Kernel, file: number, offset: number, length: number, buffer: number) => FastIoResult | null;

const drivers = new WeakMap<Kernel, Map<number, HostDriver>>();

/** IoCreateDriver: \Driver\<name>, its dispatch table filled from `driver`. */
export function createDriver(k: Kernel, driver: HostDriver): number {
  const directory = findObject(k, '\\Driver') || createNamedObject(k, 'Directory', 0xA4, findObject(k, '\\'), 'Driver');
  const object = createNamedObject(k, 'Driver', DRIVER_OBJECT.size, directory, driver.name);
  const d = DRIVER_OBJECT.at(k.vm, object);
  d.set('Type', IO_TYPE_DRIVER);
  d.set('Size', DRIVER_OBJECT.size);
  writeUnicodeString(k, d.addressOf('DriverName'), `\\Driver\\${driver.name}`);
  const invalid = k.sym('IopInvalidDeviceRequest'), host = k.sym('IopHostDispatch');
  for (let mj = 0; mj <= IRP_MJ_MAXIMUM_FUNCTION; mj++) d.set(`MajorFunction[${mj}]`, driver.dispatch[mj] ? host : invalid);
  if (driver.fastIo) d.set('FastIoDispatch', createFastIoDispatch(k, driver.fastIo));
  let m = drivers.get(k);
  if (!m) drivers.set(k, m = new Map());
  m.set(object, driver);
  return object;
}

/** IoCreateDevice: a named device in \Device, with `extension` bytes of device extension. */
export function createDevice(k: Kernel, driver: number, name: string, deviceType: number, extension = 0): number {
  const device = createNamedObject(k, 'Device', DEVICE_OBJECT.size, findObject(k, '\\Device'), name);
  const d = DEVICE_OBJECT.at(k.vm, device);
  d.set('Type', IO_TYPE_DEVICE);
  d.set('Size', DEVICE_OBJECT.size);
  d.set('DriverObject', driver);
  d.set('DeviceType', deviceType);
  d.set('StackSize', 1);
  if (extension) d.set('DeviceExtension', k.pool.allocate(extension, k.vm));
  const dr = DRIVER_OBJECT.at(k.vm, driver);
  d.set('NextDevice', dr.get('DeviceObject'));
  dr.set('DeviceObject', device);
  return device;
}

/** The driver's FAST_IO_DISPATCH in pool: like MajorFunction, each routine it has is the
 *  address of a guest stub that stands for the host routine. */
function createFastIoDispatch(k: Kernel, fastIo: NonNullable<HostDriver['fastIo']>): number {
  const table = k.pool.allocate(FAST_IO_DISPATCH.size, k.vm), t = FAST_IO_DISPATCH.at(k.vm, table);
  t.set('SizeOfFastIoDispatch', FAST_IO_DISPATCH.size);
  if (fastIo.read) t.set('FastIoRead', k.sym('IopHostFastIoRead'));
  return table;
}

/** The FastIoRead of `device`'s driver, if its FAST_IO_DISPATCH has one. */
export function fastIoReadOf(k: Kernel, device: number): FastIoRead | undefined {
  const driver = DeviceDriverObject.get(k.vm, device), table = DriverFastIoDispatch.get(k.vm, driver);
  if (!table || !FastIoReadSlot.get(k.vm, table)) return undefined;
  return drivers.get(k)?.get(driver)?.fastIo?.read;
}

export function driverOf(k: Kernel, device: number): HostDriver | undefined {
  return drivers.get(k)?.get(DeviceDriverObject.get(k.vm, device));
}

/** IoAllocateIrp(StackSize): the IRP and its stack locations, zeroed; the current
 *  location starts one past the last (IoCallDriver steps down into it). */
export function allocateIrp(k: Kernel, stackSize: number): number {
  const size = IRP.size + stackSize * IO_STACK_LOCATION.size;
  const irp = k.pool.allocate(size, k.vm), vm = k.vm;
  Irp.Type.set(vm, irp, IO_TYPE_IRP);
  Irp.Size.set(vm, irp, size);
  Irp.StackCount.set(vm, irp, stackSize);
  Irp.CurrentLocation.set(vm, irp, stackSize + 1);
  Irp.CurrentStackLocation.set(vm, irp, irp + IRP.size + stackSize * IO_STACK_LOCATION.size);
  const threadListEntry = (irp + IRP_THREAD_LIST_ENTRY) >>> 0;
  vm.write32(threadListEntry, threadListEntry);
  vm.write32(threadListEntry + 4, threadListEntry);
  return irp;
}

export function freeIrp(k: Kernel, irp: number): void {
  k.pool.release(irp, Irp.Size.get(k.vm, irp));
}

/** IoGetNextIrpStackLocation: where the caller fills in the request for the driver. */
export function nextStackLocation(k: Kernel, irp: number): number {
  return Irp.CurrentStackLocation.get(k.vm, irp) - IO_STACK_LOCATION.size;
}

/** IoGetCurrentIrpStackLocation: the request as the driver sees it. */
export function currentStackLocation(k: Kernel, irp: number) {
  return IO_STACK_LOCATION.at(k.vm, IRP.at(k.vm, irp).get('CurrentStackLocation'));
}

/** IoCallDriver: one stack location down, the device's driver's MajorFunction. */
export function callDriver(k: Kernel, device: number, irp: number): number {
  const vm = k.vm;
  Irp.CurrentLocation.set(vm, irp, Irp.CurrentLocation.get(vm, irp) - 1);
  const location = Irp.CurrentStackLocation.get(vm, irp) - IO_STACK_LOCATION.size;
  Irp.CurrentStackLocation.set(vm, irp, location);
  Stack.DeviceObject.set(vm, location, device);
  const major = Stack.MajorFunction.get(vm, location);
  const driver = driverOf(k, device);
  if (k.trace && k.currentThread()) k.emit({ kind: 'irp-dispatch', irp, major, device, driver: driver?.name ?? '?' });
  const routine = driver?.dispatch[major];
  if (!routine) return completeWith(k, irp, STATUS_INVALID_DEVICE_REQUEST, 0);
  return routine(k, device, irp);
}

/** Completes `irp` with a status and information and returns the status (for dispatch
 *  routines that finish at once). */
export function completeWith(k: Kernel, irp: number, status: number, information: number): number {
  Irp['IoStatus.Status'].set(k.vm, irp, status);
  Irp['IoStatus.Information'].set(k.vm, irp, information);
  completeRequest(k, irp);
  return status;
}

/** How the I/O manager finishes a request it issued (io/complete.ts registers it). */
let completion: (k: Kernel, irp: number) => void = () => { throw new Error('no I/O completion registered'); };
export function setCompletion(fn: (k: Kernel, irp: number) => void): void { completion = fn; }

/** IoCompleteRequest: the driver is done with the IRP. */
export function completeRequest(k: Kernel, irp: number): void {
  if (k.trace && k.currentThread()) {
    const i = IRP.at(k.vm, irp);
    k.emit({ kind: 'irp-complete', irp, major: currentStackLocation(k, irp).get('MajorFunction'), status: i.get('IoStatus.Status') >>> 0, information: i.get('IoStatus.Information') });
  }
  completion(k, irp);
}
