// \Device\Null (NUL): reads are at the end of the file, writes vanish in full.
import type { Kernel } from '../kernel.ts';
import { createDriver, createDevice, completeWith, currentStackLocation, FILE_DEVICE_NULL, IRP_MJ_CREATE, IRP_MJ_READ, IRP_MJ_WRITE, IRP_MJ_CLEANUP, IRP_MJ_CLOSE } from './iomgr.ts';
import { STATUS_SUCCESS, STATUS_END_OF_FILE } from '../ex/status.ts';

export function createNullDriver(k: Kernel): number {
  const ok = (kk: Kernel, _d: number, irp: number) => completeWith(kk, irp, STATUS_SUCCESS, 0);
  const driver = createDriver(k, {
    name: 'Null',
    dispatch: {
      [IRP_MJ_CREATE]: (kk, _d, irp) => completeWith(kk, irp, STATUS_SUCCESS, 1),
      [IRP_MJ_READ]: (kk, _d, irp) => completeWith(kk, irp, STATUS_END_OF_FILE, 0),
      [IRP_MJ_WRITE]: (kk, _d, irp) => completeWith(kk, irp, STATUS_SUCCESS, currentStackLocation(kk, irp).get('Length')),
      [IRP_MJ_CLEANUP]: ok,
      [IRP_MJ_CLOSE]: ok,
    },
  });
  return createDevice(k, driver, 'Null', FILE_DEVICE_NULL);
}
