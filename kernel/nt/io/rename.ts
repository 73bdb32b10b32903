// IopOpenLinkOrRenameTarget: FILE_RENAME_INFORMATION names the new name either alone (the
// same directory: the driver needs nothing more) or with a directory -- a full path, or
// relative to RootDirectory. Then the I/O manager opens that directory (a FILE_OBJECT
// without a handle) and passes it to the driver, which renames into it; another device is
// STATUS_NOT_SAME_DEVICE.
import type { Kernel } from '../kernel.ts';
import { FILE_OBJECT } from '../oblayouts.ts';
import { referenceObjectByHandle } from '../ob/handle.ts';
import { dereferenceObject } from '../ob/object.ts';
import { obType } from '../ob/types.ts';
import { lookupObjectName } from '../ob/namespace.ts';
import { FILE_OPEN, FILE_DIRECTORY_FILE, type OpenPacket } from './file.ts';
import { FILE_WRITE_DATA, SYNCHRONIZE } from '../ob/access.ts';
import { FILE_RENAME_INFORMATION_HEADER } from './infoclass.ts';
import { STATUS_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_NOT_SAME_DEVICE, ntSuccess } from '../ex/status.ts';

const SEPARATOR = '\\';
/** FILE_RENAME_INFORMATION: ReplaceIfExists +0 (BOOLEAN), RootDirectory +4, FileNameLength +8, FileName +0xC. */
const ROOT_DIRECTORY = 4, FILE_NAME_LENGTH = 8;
const SHARE_ALL = 7;

export interface RenameInformation { replaceIfExists: boolean; root: number; name: string }

export function parseRenameInformation(input: Uint8Array): RenameInformation | null {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const bytes = view.getUint32(FILE_NAME_LENGTH, true);
  if (bytes === 0 || bytes & 1 || FILE_RENAME_INFORMATION_HEADER + bytes > input.length) return null;
  let name = '';
  for (let i = 0; i < bytes; i += 2) name += String.fromCharCode(view.getUint16(FILE_RENAME_INFORMATION_HEADER + i, true));
  return { replaceIfExists: input[0] !== 0, root: view.getUint32(ROOT_DIRECTORY, true), name };
}

/** The target directory's FILE_OBJECT (referenced), 0 for "same directory", or a status. */
export function openRenameTarget(k: Kernel, file: number, input: Uint8Array, mode: number): { directory: number } | number {
  const info = parseRenameInformation(input);
  if (!info) return STATUS_INVALID_PARAMETER;
  if (!info.root && !info.name.includes(SEPARATOR)) return { directory: 0 };
  let root = 0;
  if (info.root) {
    const r = referenceObjectByHandle(k, info.root, 0, obType(k, 'File'), mode);
    if (r.status !== STATUS_SUCCESS) return r.status;
    root = r.body;
  }
  const cut = info.name.lastIndexOf(SEPARATOR);
  const parent = cut < 0 ? '' : info.name.slice(0, cut);
  let directory = root;
  if (parent !== '' || !root) {
    const open: OpenPacket = { access: FILE_WRITE_DATA | SYNCHRONIZE, disposition: FILE_OPEN, options: FILE_DIRECTORY_FILE, fileAttributes: 0, shareAccess: SHARE_ALL, information: 0, related: 0 };
    const r = lookupObjectName(k, { root, name: parent || SEPARATOR, attributes: 0, parse: open });
    if (root) dereferenceObject(k, root);
    if (!ntSuccess(r.status)) return r.status;
    directory = r.body;
  }
  if (FILE_OBJECT.at(k.vm, directory).get('DeviceObject') !== FILE_OBJECT.at(k.vm, file).get('DeviceObject')) {
    dereferenceObject(k, directory);
    return STATUS_NOT_SAME_DEVICE;
  }
  return { directory };
}
