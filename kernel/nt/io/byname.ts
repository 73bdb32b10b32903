// The services that take a name instead of a handle: NtQueryAttributesFile (open, ask for
// FileBasicInformation, close -- no handle is ever made) and NtDeleteFile (open with
// DELETE, set the disposition, and the cleanup a last handle would send).
import type { ServiceBody } from '../ke/services.ts';
import { dereferenceObject } from '../ob/object.ts';
import { UserMode } from '../ke/irql.ts';
import { IRP_MJ_QUERY_INFORMATION, IRP_MJ_SET_INFORMATION } from './iomgr.ts';
import { callDriverForFile } from './request.ts';
import { openFileObject, sendCleanup, FILE_OPEN, NO_OBJECT_NAME, type OpenPacket } from './file.ts';
import { FileBasicInformation, FileDispositionInformation, FILE_BASIC_INFORMATION_SIZE } from './infoclass.ts';
import { FILE_READ_ATTRIBUTES, DELETE, SYNCHRONIZE } from '../ob/access.ts';
import { STATUS_OBJECT_PATH_SYNTAX_BAD, ntSuccess } from '../ex/status.ts';

const SHARE_ALL = 7;
const openPacket = (access: number): OpenPacket => ({ access, disposition: FILE_OPEN, options: 0, fileAttributes: 0, shareAccess: SHARE_ALL, information: 0, related: 0 });

/** NtQueryAttributesFile(ObjectAttributes, FileInformation): FILE_BASIC_INFORMATION by name. */
export const NtQueryAttributesFile: ServiceBody = ({ kernel: k, mem, previousMode, args: [oa, info] }) => {
  if (previousMode === UserMode) mem.probe(info, FILE_BASIC_INFORMATION_SIZE, true);
  const r = openFileObject(k, mem, previousMode, oa, openPacket(FILE_READ_ATTRIBUTES | SYNCHRONIZE));
  if (r.status === NO_OBJECT_NAME) return STATUS_OBJECT_PATH_SYNTAX_BAD;
  if (!ntSuccess(r.status)) return r.status;
  try {
    const q = callDriverForFile(k, r.body, { major: IRP_MJ_QUERY_INFORMATION, length: FILE_BASIC_INFORMATION_SIZE, infoClass: FileBasicInformation, mode: previousMode });
    if (ntSuccess(q.status)) mem.writeBytes(info, q.output);
    return q.status;
  } finally {
    sendCleanup(k, r.body);           // the open is over (fcb.ts counts it until then)
    dereferenceObject(k, r.body);
  }
};

/** NtDeleteFile(ObjectAttributes). */
export const NtDeleteFile: ServiceBody = ({ kernel: k, mem, previousMode, args: [oa] }) => {
  const r = openFileObject(k, mem, previousMode, oa, openPacket(DELETE));
  if (r.status === NO_OBJECT_NAME) return STATUS_OBJECT_PATH_SYNTAX_BAD;
  if (!ntSuccess(r.status)) return r.status;
  try {
    const d = callDriverForFile(k, r.body, { major: IRP_MJ_SET_INFORMATION, length: 1, infoClass: FileDispositionInformation, input: Uint8Array.of(1), mode: previousMode });
    return d.status;
  } finally {
    sendCleanup(k, r.body);           // what a last handle would send: the delete happens here
    dereferenceObject(k, r.body);
  }
};
