// The object manager's services: NtClose, NtDuplicateObject, NtQueryObject, directories
// (NtCreateDirectoryObject, NtOpenDirectoryObject) and symbolic links
// (NtCreateSymbolicLinkObject, NtOpenSymbolicLinkObject, NtQuerySymbolicLinkObject).
import type { ServiceBody } from '../ke/services.ts';
import type { Kernel } from '../kernel.ts';
import { OBJECT_DIRECTORY, OBJECT_SYMBOLIC_LINK, OBJECT_HEADER, OBJECT_TYPE } from '../oblayouts.ts';
import { UNICODE_STRING } from '../layouts.ts';
import { closeHandle, createHandle, currentEprocess, lookupHandle, lookupHandleOrPseudo, referenceObjectByHandle } from './handle.ts';
import { createObject, dereferenceObject, headerOf, objectType, writeUnicodeString, readUnicodeStringAt } from './object.ts';
import { obType, mapAccess } from './types.ts';
import { fullName, linkTarget } from './namespace.ts';
import { insertObject, openObjectByName } from './insert.ts';
import { captureObjectAttributes, captureUnicodeString } from './capture.ts';
import { DUPLICATE_CLOSE_SOURCE, DUPLICATE_SAME_ACCESS, DUPLICATE_SAME_ATTRIBUTES, OBJ_INHERIT, PROCESS_DUP_HANDLE, SYMBOLIC_LINK_QUERY } from './access.ts';
import { UserMode } from '../ke/irql.ts';
import {
  STATUS_SUCCESS, STATUS_INVALID_HANDLE, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_INFO_CLASS, STATUS_BUFFER_TOO_SMALL,
  STATUS_INSUFFICIENT_RESOURCES, STATUS_OBJECT_NAME_INVALID,
} from '../ex/status.ts';

/** NtClose(Handle). */
export const NtClose: ServiceBody = ({ kernel, args: [handle] }) =>
  closeHandle(kernel, currentEprocess(kernel), handle) ? STATUS_SUCCESS : STATUS_INVALID_HANDLE;

/** NtDuplicateObject(SourceProcessHandle, SourceHandle, TargetProcessHandle, TargetHandle,
 *  DesiredAccess, HandleAttributes, Options): the source handle's object gets a handle in
 *  the target process (any two processes the caller has PROCESS_DUP_HANDLE on). */
export const NtDuplicateObject: ServiceBody = ({ kernel, mem, previousMode, args }) => {
  const [sourceProcess, sourceHandle, targetProcess, targetOut, desired, attributes, options] = args;
  // Probed before any reference is taken (as NT does), so a bad pointer leaks none.
  if (targetOut && previousMode === UserMode) mem.probe(targetOut, 4, true);
  const processType = obType(kernel, 'Process');
  const src = referenceObjectByHandle(kernel, sourceProcess, PROCESS_DUP_HANDLE, processType, previousMode);
  if (src.status !== STATUS_SUCCESS) return src.status;
  const source = lookupHandleOrPseudo(kernel, src.body, sourceHandle);
  if (!source) { dereferenceObject(kernel, src.body); return STATUS_INVALID_HANDLE; }
  let status = STATUS_SUCCESS;
  if (targetProcess) {
    const dst = referenceObjectByHandle(kernel, targetProcess, PROCESS_DUP_HANDLE, processType, previousMode);
    if (dst.status !== STATUS_SUCCESS) status = dst.status;
    else {
      const access = options & DUPLICATE_SAME_ACCESS ? source.access : mapAccess(kernel, objectType(kernel, source.body), desired);
      const attrs = options & DUPLICATE_SAME_ATTRIBUTES ? source.attributes : attributes & OBJ_INHERIT;
      const handle = createHandle(kernel, dst.body, source.body, access, attrs);
      if (!handle) status = STATUS_INSUFFICIENT_RESOURCES;
      else if (targetOut) mem.write32(targetOut, handle);
      dereferenceObject(kernel, dst.body);
    }
  }
  if (options & DUPLICATE_CLOSE_SOURCE) closeHandle(kernel, src.body, sourceHandle);
  dereferenceObject(kernel, src.body);
  return status;
};

/** NtQueryObject's classes. */
export const ObjectBasicInformation = 0, ObjectNameInformation = 1, ObjectTypeInformation = 2;
const OBJECT_BASIC_INFORMATION_SIZE = 0x38;
const OBJECT_TYPE_INFORMATION_SIZE = 0x60;

/** A UNICODE_STRING at `at` whose text follows it in the same buffer; the bytes used. */
function putStringInfo(mem: { write16(a: number, v: number): void; write32(a: number, v: number): void }, at: number, text: string, headerSize: number): number {
  const buffer = at + headerSize;
  for (let i = 0; i < text.length; i++) mem.write16(buffer + 2 * i, text.charCodeAt(i));
  mem.write16(buffer + 2 * text.length, 0);
  mem.write16(at + UNICODE_STRING.off.Length, 2 * text.length);
  mem.write16(at + UNICODE_STRING.off.MaximumLength, 2 * text.length + 2);
  mem.write32(at + UNICODE_STRING.off.Buffer, buffer);
  return headerSize + 2 * text.length + 2;
}

/** NtQueryObject(Handle, ObjectInformationClass, ObjectInformation, Length, ReturnLength). */
export const NtQueryObject: ServiceBody = ({ kernel, mem, previousMode, args: [handle, infoClass, buffer, length, returnLength] }) => {
  if (previousMode === UserMode) { mem.probe(buffer, length, true); if (returnLength) mem.probe(returnLength, 4, true); }
  const r = referenceObjectByHandle(kernel, handle, 0, 0, previousMode);
  if (r.status !== STATUS_SUCCESS) return r.status;
  try {
    const needed = queryObjectSize(kernel, infoClass, r.body);
    if (needed < 0) return STATUS_INVALID_INFO_CLASS;
    if (returnLength) mem.write32(returnLength, needed);
    if (length < needed) return infoClass === ObjectBasicInformation ? STATUS_INFO_LENGTH_MISMATCH : STATUS_BUFFER_TOO_SMALL;
    const h = OBJECT_HEADER.at(kernel.vm, headerOf(r.body));
    if (infoClass === ObjectBasicInformation) {
      const info = lookupHandle(kernel, currentEprocess(kernel), handle);
      for (let i = 0; i < OBJECT_BASIC_INFORMATION_SIZE; i += 4) mem.write32(buffer + i, 0);
      mem.write32(buffer, info?.attributes ?? 0);
      mem.write32(buffer + 4, info?.access ?? r.access);
      mem.write32(buffer + 8, h.get('HandleCount'));
      mem.write32(buffer + 12, h.get('PointerCount') - 1);     // not counting this call's
    } else if (infoClass === ObjectNameInformation) {
      putStringInfo(mem, buffer, fullName(kernel, r.body), UNICODE_STRING.size);
    } else {
      for (let i = 0; i < OBJECT_TYPE_INFORMATION_SIZE; i += 4) mem.write32(buffer + i, 0);
      const t = OBJECT_TYPE.at(kernel.vm, objectType(kernel, r.body));
      mem.write32(buffer + 8, t.get('TotalNumberOfObjects'));
      mem.write32(buffer + 12, t.get('TotalNumberOfHandles'));
      putStringInfo(mem, buffer, typeNameOf(kernel, r.body), OBJECT_TYPE_INFORMATION_SIZE);
    }
    return STATUS_SUCCESS;
  } finally {
    dereferenceObject(kernel, r.body);
  }
};

const typeNameOf = (k: Kernel, body: number) => readUnicodeStringAt(k, OBJECT_TYPE.at(k.vm, objectType(k, body)).addressOf('Name'));

function queryObjectSize(k: Kernel, infoClass: number, body: number): number {
  if (infoClass === ObjectBasicInformation) return OBJECT_BASIC_INFORMATION_SIZE;
  if (infoClass === ObjectNameInformation) return UNICODE_STRING.size + 2 * fullName(k, body).length + 2;
  if (infoClass === ObjectTypeInformation) return OBJECT_TYPE_INFORMATION_SIZE + 2 * typeNameOf(k, body).length + 2;
  return -1;
}

/** NtCreateDirectoryObject(DirectoryHandle, DesiredAccess, ObjectAttributes). */
export const NtCreateDirectoryObject: ServiceBody = ({ kernel, mem, previousMode, args: [handleOut, access, oa] }) => {
  if (previousMode === UserMode) mem.probe(handleOut, 4, true);
  const attrs = captureObjectAttributes(mem, oa, previousMode);
  if (attrs.status !== STATUS_SUCCESS) return attrs.status;
  const dir = createObject(kernel, obType(kernel, 'Directory'), OBJECT_DIRECTORY.size, attrs.name ?? undefined);
  return insertObject(kernel, dir, attrs, access, previousMode, handleOut, mem);
};

/** NtOpenDirectoryObject(DirectoryHandle, DesiredAccess, ObjectAttributes). */
export const NtOpenDirectoryObject: ServiceBody = ({ kernel, mem, previousMode, args: [handleOut, access, oa] }) =>
  openObjectByName(kernel, mem, previousMode, { handleOut, access, oa, type: obType(kernel, 'Directory') });

/** NtCreateSymbolicLinkObject(LinkHandle, DesiredAccess, ObjectAttributes, LinkTarget). */
export const NtCreateSymbolicLinkObject: ServiceBody = ({ kernel, mem, previousMode, args: [handleOut, access, oa, target] }) => {
  if (previousMode === UserMode) mem.probe(handleOut, 4, true);
  const attrs = captureObjectAttributes(mem, oa, previousMode);
  if (attrs.status !== STATUS_SUCCESS) return attrs.status;
  const text = captureUnicodeString(mem, target, previousMode);
  if (text === null) return STATUS_OBJECT_NAME_INVALID;
  const link = createObject(kernel, obType(kernel, 'SymbolicLink'), OBJECT_SYMBOLIC_LINK.size, attrs.name ?? undefined);
  writeUnicodeString(kernel, OBJECT_SYMBOLIC_LINK.at(kernel.vm, link).addressOf('LinkTarget'), text);
  return insertObject(kernel, link, attrs, access, previousMode, handleOut, mem);
};

/** NtOpenSymbolicLinkObject(LinkHandle, DesiredAccess, ObjectAttributes): the link itself
 *  (the last component is not followed, as with OBJ_OPENLINK). */
export const NtOpenSymbolicLinkObject: ServiceBody = ({ kernel, mem, previousMode, args: [handleOut, access, oa] }) =>
  openObjectByName(kernel, mem, previousMode, { handleOut, access, oa, type: obType(kernel, 'SymbolicLink'), openLink: true });

/** NtQuerySymbolicLinkObject(LinkHandle, LinkTarget, ReturnedLength): the target into the
 *  caller's UNICODE_STRING buffer. */
export const NtQuerySymbolicLinkObject: ServiceBody = ({ kernel, mem, previousMode, args: [handle, target, returned] }) => {
  if (previousMode === UserMode) { mem.probe(target, UNICODE_STRING.size, true); if (returned) mem.probe(returned, 4, true); }
  const r = referenceObjectByHandle(kernel, handle, SYMBOLIC_LINK_QUERY, obType(kernel, 'SymbolicLink'), previousMode);
  if (r.status !== STATUS_SUCCESS) return r.status;
  const text = linkTarget(kernel, r.body);
  dereferenceObject(kernel, r.body);
  const s = UNICODE_STRING.at(mem, target);
  const bytes = 2 * text.length;
  if (returned) mem.write32(returned, bytes + 2);
  if (s.get('MaximumLength') < bytes) return STATUS_BUFFER_TOO_SMALL;
  const buffer = s.get('Buffer');
  if (previousMode === UserMode) mem.probe(buffer, bytes, true);
  for (let i = 0; i < text.length; i++) mem.write16(buffer + 2 * i, text.charCodeAt(i));
  if (s.get('MaximumLength') >= bytes + 2) mem.write16(buffer + bytes, 0);
  s.set('Length', bytes);
  return STATUS_SUCCESS;
};
