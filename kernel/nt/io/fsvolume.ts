// The file system's IRP_MJ_QUERY_VOLUME_INFORMATION (volume label and serial number,
// sizes, the file system's name and limits) and IRP_MJ_FLUSH_BUFFERS (the disk's
// checkpoint: what was written is in the database file).
import type { Kernel } from '../kernel.ts';
import { IRP } from '../oblayouts.ts';
import { completeWith, currentStackLocation } from './iomgr.ts';
import { diskOf } from './fs.ts';
import { InfoWriter } from './infobuffer.ts';
import {
  FileFsVolumeInformation, FileFsSizeInformation, FileFsAttributeInformation, FileFsFullSizeInformation,
  FILE_FS_VOLUME_INFORMATION_HEADER, FILE_FS_SIZE_INFORMATION_SIZE, FILE_FS_ATTRIBUTE_INFORMATION_HEADER,
  FILE_FS_FULL_SIZE_INFORMATION_SIZE,
} from './infoclass.ts';
import { STATUS_SUCCESS, STATUS_BUFFER_OVERFLOW, STATUS_INVALID_PARAMETER, STATUS_UNSUCCESSFUL } from '../ex/status.ts';

/** FileFsAttributeInformation.FileSystemAttributes: case-preserved, Unicode names. */
const FILE_CASE_PRESERVED_NAMES = 0x2, FILE_UNICODE_ON_DISK = 0x4;

function volumeBytes(k: Kernel, infoClass: number): Uint8Array | null {
  const v = diskOf(k).disk.volumeInfo(diskOf(k).volume);
  if (!v.ok) return null;
  const vol = v.value;
  switch (infoClass) {
    case FileFsVolumeInformation: {
      const w = new InfoWriter(FILE_FS_VOLUME_INFORMATION_HEADER + 2 * vol.label.length);
      w.i64(0, vol.creationTime).u32(8, vol.serialNumber).u32(0xC, 2 * vol.label.length).u8(0x10, 0).utf16(FILE_FS_VOLUME_INFORMATION_HEADER, vol.label);
      return w.bytes;
    }
    case FileFsSizeInformation:
      return new InfoWriter(FILE_FS_SIZE_INFORMATION_SIZE).i64(0, vol.totalClusters).i64(8, vol.freeClusters)
        .u32(0x10, vol.sectorsPerCluster).u32(0x14, vol.bytesPerSector).bytes;
    case FileFsFullSizeInformation:
      return new InfoWriter(FILE_FS_FULL_SIZE_INFORMATION_SIZE).i64(0, vol.totalClusters).i64(8, vol.freeClusters)
        .i64(0x10, vol.freeClusters).u32(0x18, vol.sectorsPerCluster).u32(0x1C, vol.bytesPerSector).bytes;
    case FileFsAttributeInformation: {
      const w = new InfoWriter(FILE_FS_ATTRIBUTE_INFORMATION_HEADER + 2 * vol.fileSystemName.length);
      w.u32(0, FILE_CASE_PRESERVED_NAMES | FILE_UNICODE_ON_DISK).u32(4, vol.maxComponentLength).u32(8, 2 * vol.fileSystemName.length)
        .utf16(FILE_FS_ATTRIBUTE_INFORMATION_HEADER, vol.fileSystemName);
      return w.bytes;
    }
  }
  return null;
}

export function queryVolumeInformation(k: Kernel, _device: number, irp: number): number {
  const s = currentStackLocation(k, irp);
  const bytes = volumeBytes(k, s.get('FileInformationClass'));
  if (!bytes) return completeWith(k, irp, STATUS_INVALID_PARAMETER, 0);
  const length = Math.min(bytes.length, s.get('Length'));
  k.vm.writeBytes(IRP.at(k.vm, irp).get('SystemBuffer'), bytes.subarray(0, length));
  return completeWith(k, irp, length < bytes.length ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS, length);
}

export function flushBuffers(k: Kernel, _device: number, irp: number): number {
  return completeWith(k, irp, diskOf(k).disk.flush() ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL, 0);
}
