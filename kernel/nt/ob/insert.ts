// ObInsertObject and ObOpenObjectByName: giving a new object its place in the namespace
// (when it has a name) and a handle in the current process; opening an existing object
// by name with a type and access check.
import type { Kernel } from '../kernel.ts';
import type { VirtualMemory } from '../mm/virtual.ts';
import type { CapturedAttributes } from './capture.ts';
import { captureObjectAttributes } from './capture.ts';
import { createHandle, currentEprocess, referenceObjectByHandle } from './handle.ts';
import { dereferenceObject, objectType, renameObject } from './object.ts';
import { lookupObjectName } from './namespace.ts';
import { mapAccess } from './types.ts';
import { OBJ_INHERIT, OBJ_OPENLINK } from './access.ts';
import { STATUS_SUCCESS, STATUS_INSUFFICIENT_RESOURCES, STATUS_OBJECT_TYPE_MISMATCH, STATUS_OBJECT_PATH_SYNTAX_BAD, ntSuccess } from '../ex/status.ts';

const NAME_SEPARATOR = '\\';

/** The RootDirectory's object (referenced) for a captured name, 0 when absolute. */
export function rootOf(k: Kernel, attrs: CapturedAttributes, mode: number): { status: number; root: number } {
  if (!attrs.rootDirectory) return { status: STATUS_SUCCESS, root: 0 };
  const r = referenceObjectByHandle(k, attrs.rootDirectory, 0, 0, mode);
  return { status: r.status, root: r.body };
}

/** A handle to `body` for the current process, written to `handleOut`; the creation's
 *  reference passes to the handle. */
function giveHandle(k: Kernel, body: number, access: number, attributes: number, handleOut: number, mem: VirtualMemory, status: number): number {
  const handle = createHandle(k, currentEprocess(k), body, mapAccess(k, objectType(k, body), access), attributes & OBJ_INHERIT);
  dereferenceObject(k, body);
  if (!handle) return STATUS_INSUFFICIENT_RESOURCES;
  mem.write32(handleOut, handle);
  return status;
}

/** ObInsertObject: a named object goes into the namespace (or, with OBJ_OPENIF, the one
 *  already there is opened instead: STATUS_OBJECT_NAME_EXISTS), then gets a handle. */
export function insertObject(k: Kernel, body: number, attrs: CapturedAttributes, access: number, mode: number, handleOut: number, mem: VirtualMemory): number {
  if (attrs.name === null) return giveHandle(k, body, access, attrs.attributes, handleOut, mem, STATUS_SUCCESS);
  if (attrs.name === '' && !attrs.rootDirectory) return giveHandle(k, body, access, attrs.attributes, handleOut, mem, STATUS_SUCCESS);
  const { status: rs, root } = rootOf(k, attrs, mode);
  if (rs !== STATUS_SUCCESS) { dereferenceObject(k, body); return rs; }
  // The directory entry is found by the object's own name: the last component only.
  renameObject(k, body, attrs.name.slice(attrs.name.lastIndexOf(NAME_SEPARATOR) + 1));
  const r = lookupObjectName(k, { root, name: attrs.name, attributes: attrs.attributes, insert: body });
  if (root) dereferenceObject(k, root);
  dereferenceObject(k, body);            // the namespace (or nothing) has it now
  if (!ntSuccess(r.status)) return r.status;
  return giveHandle(k, r.body, access, attrs.attributes, handleOut, mem, r.status);
}

export interface OpenByName { handleOut: number; access: number; oa: number; type: number; openLink?: boolean }

/** ObOpenObjectByName for the Nt*Open* services. */
export function openObjectByName(k: Kernel, mem: VirtualMemory, mode: number, o: OpenByName): number {
  if (mode) mem.probe(o.handleOut, 4, true);
  const attrs = captureObjectAttributes(mem, o.oa, mode);
  if (attrs.status !== STATUS_SUCCESS) return attrs.status;
  if (attrs.name === null) return STATUS_OBJECT_PATH_SYNTAX_BAD;
  const { status: rs, root } = rootOf(k, attrs, mode);
  if (rs !== STATUS_SUCCESS) return rs;
  const r = lookupObjectName(k, { root, name: attrs.name, attributes: attrs.attributes | (o.openLink ? OBJ_OPENLINK : 0) });
  if (root) dereferenceObject(k, root);
  if (!ntSuccess(r.status)) return r.status;
  if (o.type && objectType(k, r.body) !== o.type) { dereferenceObject(k, r.body); return STATUS_OBJECT_TYPE_MISMATCH; }
  return giveHandle(k, r.body, o.access, attrs.attributes, o.handleOut, mem, STATUS_SUCCESS);
}
