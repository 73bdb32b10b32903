// ObInitSystem and IoInitSystem at boot: the object types, the namespace, the file
// parsing and completion of the I/O manager, and the drivers: the file system over the
// machine's disk (\Device\HarddiskVolume1), \Device\Null and \Device\Console.
import type { Kernel } from '../kernel.ts';
import type { VirtualDisk } from '../../store/disk.ts';
import { createObjectTypes } from '../ob/types.ts';
import { createNamespace } from '../ob/namespace.ts';
import { registerFileParsing } from './file.ts';
import { registerCompletion } from './complete.ts';
import { createNullDriver } from './null.ts';
import { createConsoleDriver } from './console.ts';
import { createFileSystem } from './fs.ts';

export function initObjectAndIoSystems(k: Kernel, disk: VirtualDisk): void {
  createNamespace(k, createObjectTypes(k));
  registerFileParsing(k);
  registerCompletion();
  createFileSystem(k, disk);
  createNullDriver(k);
  createConsoleDriver(k);
}
