// The I/O manager's requests that carry a buffer in and out of a driver and complete in
// the issuing service (query/set information, volume information, flush): an IRP with a
// system buffer, flagged IRP_DEFER_IO_COMPLETION so that
// IoCompleteRequest leaves the ending to the issuer, as NT does for these on a
// synchronous path. NT Lab's drivers finish them inside their dispatch routine.
import type { Kernel } from '../kernel.ts';
import { FILE_OBJECT, IRP, IO_STACK_LOCATION, DEVICE_OBJECT } from '../oblayouts.ts';
import { allocateIrp, callDriver, freeIrp, nextStackLocation } from './iomgr.ts';
import { IRP_BUFFERED_IO, IRP_DEFER_IO_COMPLETION } from './complete.ts';
import { STATUS_PENDING } from '../ex/status.ts';

export interface FsRequest {
  major: number;
  minor?: number;
  /** The system buffer's size (IO_STACK_LOCATION.Parameters.*.Length). */
  length: number;
  /** Parameters[1]: FileInformationClass / FsInformationClass. */
  infoClass?: number;
  /** Parameters[2] and [3]: the request's own (SetFile's target FILE_OBJECT, ...). */
  parameter2?: number;
  parameter3?: number;
  /** What the system buffer holds going in (set information). */
  input?: Uint8Array;
  /** IO_STACK_LOCATION.Flags (SL_RESTART_SCAN, SL_RETURN_SINGLE_ENTRY, ...). */
  flags?: number;
  mode: number;
}

export interface FsResult { status: number; information: number; output: Uint8Array }

/** Builds the IRP, calls the file's driver and returns what it answered: the status, the
 *  IoStatus.Information and the first `information` bytes of the system buffer. */
export function callDriverForFile(k: Kernel, file: number, r: FsRequest): FsResult {
  const device = FILE_OBJECT.at(k.vm, file).get('DeviceObject');
  const irp = allocateIrp(k, DEVICE_OBJECT.at(k.vm, device).get('StackSize'));
  const i = IRP.at(k.vm, irp);
  const system = r.length ? k.pool.allocate(r.length, k.vm) : 0;
  if (system) k.vm.writeBytes(system, r.input ?? new Uint8Array(r.length));
  i.set('Flags', IRP_BUFFERED_IO | IRP_DEFER_IO_COMPLETION);
  i.set('SystemBuffer', system);
  i.set('Thread', k.currentThread());
  i.set('RequestorMode', r.mode);
  i.set('OriginalFileObject', file);
  const s = IO_STACK_LOCATION.at(k.vm, nextStackLocation(k, irp));
  s.set('MajorFunction', r.major);
  s.set('MinorFunction', r.minor ?? 0);
  s.set('Flags', r.flags ?? 0);
  s.set('FileObject', file);
  s.set('Parameters[0]', r.length);
  s.set('Parameters[1]', r.infoClass ?? 0);
  s.set('Parameters[2]', r.parameter2 ?? 0);
  s.set('Parameters[3]', r.parameter3 ?? 0);
  const status = callDriver(k, device, irp) >>> 0;
  if (status === STATUS_PENDING) throw new Error('a driver pended a request the I/O manager completes itself');
  const information = i.get('IoStatus.Information');
  const output = system && information ? k.vm.readBytes(system, Math.min(information, r.length)) : new Uint8Array(0);
  if (system) k.pool.release(system, r.length);
  freeIrp(k, irp);
  return { status, information, output };
}
