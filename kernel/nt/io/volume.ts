// NtQueryVolumeInformationFile and NtFlushBuffersFile. FileFsDeviceInformation is the I/O
// manager's own answer, from the DEVICE_OBJECT (DeviceType, Characteristics): GetFileType
// builds on it (behaviour 17). The other classes go to the driver as
// IRP_MJ_QUERY_VOLUME_INFORMATION; a flush is IRP_MJ_FLUSH_BUFFERS.
import type { ServiceBody } from '../ke/services.ts';
import { FILE_OBJECT, DEVICE_OBJECT } from '../oblayouts.ts';
import { IO_STATUS_BLOCK } from '../layouts.ts';
import { referenceObjectByHandle } from '../ob/handle.ts';
import { dereferenceObject } from '../ob/object.ts';
import { obType } from '../ob/types.ts';
import { UserMode } from '../ke/irql.ts';
import { IRP_MJ_QUERY_VOLUME_INFORMATION, IRP_MJ_FLUSH_BUFFERS } from './iomgr.ts';
import { callDriverForFile, type FsResult } from './request.ts';
import { InfoWriter } from './infobuffer.ts';
import { QUERY_VOLUME_CLASSES, FileFsDeviceInformation, FILE_FS_DEVICE_INFORMATION_SIZE } from './infoclass.ts';
import { FILE_WRITE_DATA, FILE_APPEND_DATA } from '../ob/access.ts';
import { STATUS_SUCCESS, STATUS_INVALID_INFO_CLASS, STATUS_INFO_LENGTH_MISMATCH, STATUS_ACCESS_DENIED } from '../ex/status.ts';

/** NtQueryVolumeInformationFile(FileHandle, IoStatusBlock, FsInformation, Length, FsInformationClass). */
export const NtQueryVolumeInformationFile: ServiceBody = ({ kernel: k, mem, previousMode, args: [handle, iosb, buffer, length, infoClass] }) => {
  const rule = QUERY_VOLUME_CLASSES[infoClass];
  if (!rule) return STATUS_INVALID_INFO_CLASS;
  if (length < rule.minLength) return STATUS_INFO_LENGTH_MISMATCH;
  if (previousMode === UserMode) { mem.probe(iosb, IO_STATUS_BLOCK.size, true); mem.probe(buffer, length, true); }
  const r = referenceObjectByHandle(k, handle, rule.access, obType(k, 'File'), previousMode);
  if (r.status !== STATUS_SUCCESS) return r.status;
  try {
    let result: FsResult;
    if (infoClass === FileFsDeviceInformation) {
      const d = DEVICE_OBJECT.at(k.vm, FILE_OBJECT.at(k.vm, r.body).get('DeviceObject'));
      const bytes = new InfoWriter(FILE_FS_DEVICE_INFORMATION_SIZE).u32(0, d.get('DeviceType')).u32(4, d.get('Characteristics')).bytes;
      result = { status: STATUS_SUCCESS, information: bytes.length, output: bytes };
    } else {
      result = callDriverForFile(k, r.body, { major: IRP_MJ_QUERY_VOLUME_INFORMATION, length, infoClass, mode: previousMode });
    }
    if (result.output.length) mem.writeBytes(buffer, result.output);
    IO_STATUS_BLOCK.at(mem, iosb).set('Status', result.status);
    IO_STATUS_BLOCK.at(mem, iosb).set('Information', result.information);
    return result.status;
  } finally {
    dereferenceObject(k, r.body);
  }
};

/** NtFlushBuffersFile(FileHandle, IoStatusBlock): the handle must be able to write. */
export const NtFlushBuffersFile: ServiceBody = ({ kernel: k, mem, previousMode, args: [handle, iosb] }) => {
  if (previousMode === UserMode) mem.probe(iosb, IO_STATUS_BLOCK.size, true);
  const r = referenceObjectByHandle(k, handle, 0, obType(k, 'File'), previousMode);
  if (r.status !== STATUS_SUCCESS) return r.status;
  try {
    if (previousMode === UserMode && !(r.access & (FILE_WRITE_DATA | FILE_APPEND_DATA))) return STATUS_ACCESS_DENIED;
    const result = callDriverForFile(k, r.body, { major: IRP_MJ_FLUSH_BUFFERS, length: 0, mode: previousMode });
    IO_STATUS_BLOCK.at(mem, iosb).set('Status', result.status);
    IO_STATUS_BLOCK.at(mem, iosb).set('Information', 0);
    return result.status;
  } finally {
    dereferenceObject(k, r.body);
  }
};
