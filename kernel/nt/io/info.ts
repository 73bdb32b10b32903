// NtQueryInformationFile and NtSetInformationFile. The order is NT's: the class and the
// buffer's length, then (user callers) the probes of the IO_STATUS_BLOCK and the buffer,
// then the handle with the access the class needs (infoclass.ts). Position, mode, access
// and alignment are the I/O manager's own answers (they live in the FILE_OBJECT and the
// handle); everything else is an IRP_MJ_QUERY/SET_INFORMATION to the file's driver.
import type { ServiceBody, ServiceCall } from '../ke/services.ts';
import type { Kernel } from '../kernel.ts';
import { FILE_OBJECT } from '../oblayouts.ts';
import { IO_STATUS_BLOCK } from '../layouts.ts';
import { referenceObjectByHandle } from '../ob/handle.ts';
import { dereferenceObject } from '../ob/object.ts';
import { obType } from '../ob/types.ts';
import { UserMode } from '../ke/irql.ts';
import { IRP_MJ_QUERY_INFORMATION, IRP_MJ_SET_INFORMATION } from './iomgr.ts';
import { callDriverForFile, type FsResult } from './request.ts';
import { FO_SYNCHRONOUS_IO, FO_ALERTABLE_IO, FILE_SYNCHRONOUS_IO_ALERT, FILE_SYNCHRONOUS_IO_NONALERT, sendCleanup } from './file.ts';
import { openRenameTarget } from './rename.ts';
import {
  QUERY_FILE_CLASSES, SET_FILE_CLASSES, type ClassRule, FilePositionInformation, FileModeInformation,
  FileAccessInformation, FileAlignmentInformation, FileRenameInformation,
} from './infoclass.ts';
import { STATUS_SUCCESS, STATUS_INVALID_INFO_CLASS, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_PARAMETER } from '../ex/status.ts';

/** FILE_BYTE_ALIGNMENT: no alignment asked of buffers. */
const FILE_BYTE_ALIGNMENT = 0;

/** The checks both services make before touching the handle: class, length, probes. */
function validate(call: ServiceCall, rules: Record<number, ClassRule>, write: boolean): ClassRule | number {
  const { mem, previousMode, args: [, iosb, buffer, length, infoClass] } = call;
  const rule = rules[infoClass];
  if (!rule) return STATUS_INVALID_INFO_CLASS;
  if (length < rule.minLength) return STATUS_INFO_LENGTH_MISMATCH;
  if (previousMode === UserMode) {
    mem.probe(iosb, IO_STATUS_BLOCK.size, true);
    mem.probe(buffer, length, write);
  }
  return rule;
}

/** Runs `body` on the file a handle names (with `access`), then drops the reference. */
function withFile(call: ServiceCall, access: number, body: (file: number, granted: number) => FsResult | number): number {
  const { kernel: k, mem, previousMode, args: [handle, iosb, buffer] } = call;
  const r = referenceObjectByHandle(k, handle, access, obType(k, 'File'), previousMode);
  if (r.status !== STATUS_SUCCESS) return r.status;
  try {
    const result = body(r.body, r.access);
    if (typeof result === 'number') return result;
    if (result.output.length) mem.writeBytes(buffer, result.output);
    const io = IO_STATUS_BLOCK.at(mem, iosb);
    io.set('Status', result.status);
    io.set('Information', result.information);
    return result.status;
  } finally {
    dereferenceObject(k, r.body);
  }
}

const done = (bytes: Uint8Array): FsResult => ({ status: STATUS_SUCCESS, information: bytes.length, output: bytes });
const u32 = (...v: number[]) => new Uint8Array(new Uint32Array(v).buffer);

/** NtQueryInformationFile(FileHandle, IoStatusBlock, FileInformation, Length, FileInformationClass). */
export const NtQueryInformationFile: ServiceBody = call => {
  const rule = validate(call, QUERY_FILE_CLASSES, true);
  if (typeof rule === 'number') return rule;
  const { kernel: k, previousMode, args: [, , , length, infoClass] } = call;
  return withFile(call, rule.access, (file, granted) => {
    const f = FILE_OBJECT.at(k.vm, file);
    switch (infoClass) {
      case FilePositionInformation: return done(u32(f.get('CurrentByteOffset[0]'), f.get('CurrentByteOffset[1]')));
      case FileModeInformation: return done(u32(modeOf(f.get('Flags'))));
      case FileAccessInformation: return done(u32(granted));
      case FileAlignmentInformation: return done(u32(FILE_BYTE_ALIGNMENT));
    }
    return callDriverForFile(k, file, { major: IRP_MJ_QUERY_INFORMATION, length, infoClass, mode: previousMode });
  });
};

/** FileModeInformation: the FILE_OBJECT's flags as the create options that made them. */
function modeOf(flags: number): number {
  if (!(flags & FO_SYNCHRONOUS_IO)) return 0;
  return flags & FO_ALERTABLE_IO ? FILE_SYNCHRONOUS_IO_ALERT : FILE_SYNCHRONOUS_IO_NONALERT;
}

/** NtSetInformationFile(FileHandle, IoStatusBlock, FileInformation, Length, FileInformationClass). */
export const NtSetInformationFile: ServiceBody = call => {
  const rule = validate(call, SET_FILE_CLASSES, false);
  if (typeof rule === 'number') return rule;
  const { kernel: k, mem, previousMode, args: [, , buffer, length, infoClass] } = call;
  const input = mem.readBytes(buffer, length);
  return withFile(call, rule.access, file => {
    if (infoClass === FilePositionInformation) return setPosition(k, file, input);
    if (infoClass === FileRenameInformation) return rename(k, file, input, previousMode);
    return callDriverForFile(k, file, { major: IRP_MJ_SET_INFORMATION, length, infoClass, input, mode: previousMode });
  });
};

/** FilePositionInformation: a new CurrentByteOffset; negative is invalid. */
function setPosition(k: Kernel, file: number, input: Uint8Array): FsResult | number {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const low = view.getUint32(0, true), high = view.getInt32(4, true);
  if (high < 0) return STATUS_INVALID_PARAMETER;
  const f = FILE_OBJECT.at(k.vm, file);
  f.set('CurrentByteOffset[0]', low);
  f.set('CurrentByteOffset[1]', high);
  return { status: STATUS_SUCCESS, information: 0, output: new Uint8Array(0) };
}

/** FileRenameInformation: a name with a directory in it (or a RootDirectory) has its target
 *  directory opened first (IopOpenLinkOrRenameTarget) and handed to the driver. */
function rename(k: Kernel, file: number, input: Uint8Array, mode: number): FsResult | number {
  const target = openRenameTarget(k, file, input, mode);
  if (typeof target === 'number') return target;
  try {
    return callDriverForFile(k, file, { major: IRP_MJ_SET_INFORMATION, length: input.length, infoClass: FileRenameInformation, input, parameter2: target.directory, mode });
  } finally {
    // The target directory was opened without a handle: its cleanup is sent here.
    if (target.directory) { sendCleanup(k, target.directory); dereferenceObject(k, target.directory); }
  }
}
