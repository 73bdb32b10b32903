// Objects: a body in nonpaged pool with an OBJECT_HEADER in front of it (and, for a named
// object, an OBJECT_HEADER_NAME_INFO in front of that). The header counts pointer
// references and handles; when both reach zero the type's delete procedure runs and the
// memory goes back to the pool. Everything here is guest memory read through the struct
// layer; the only host state is the registry of per-type procedures (code, not state).
import type { Kernel } from '../kernel.ts';
import { OBJECT_HEADER, OBJECT_HEADER_NAME_INFO, OBJECT_TYPE } from '../oblayouts.ts';
import { UNICODE_STRING } from '../layouts.ts';
import { removeDirectoryEntry } from './directory.ts';
import { fields } from '../struct.ts';

const HEADER_SIZE = OBJECT_HEADER.size;
/** The header fields every reference and type check touches, resolved once. */
const Header = fields(OBJECT_HEADER, ['Type', 'PointerCount', 'HandleCount', 'Flags']);
const NAME_INFO_SIZE = OBJECT_HEADER_NAME_INFO.size;
/** OBJECT_HEADER.Flags. */
export const OB_FLAG_PERMANENT_OBJECT = 0x10;
/** Allocation sizes of bodies, for giving them back to the pool (host cache, rebuilt from
 *  the type's body size if ever needed). */
const bodySizes = new WeakMap<Kernel, Map<number, number>>();
const sizesOf = (k: Kernel) => { let m = bodySizes.get(k); if (!m) bodySizes.set(k, m = new Map()); return m; };

export const headerOf = (body: number) => (body - HEADER_SIZE) >>> 0;
export const bodyOf = (header: number) => (header + HEADER_SIZE) >>> 0;

/** What an object type does beyond the generic (host routines, by type address). */
export interface TypeProcedures {
  /** Last reference gone: release what the body holds. */
  delete?(k: Kernel, body: number): void;
  /** A handle closed (the process that held it, the handles left). */
  close?(k: Kernel, body: number, handlesLeft: number): void;
}
const procedures = new WeakMap<Kernel, Map<number, TypeProcedures>>();
export function setTypeProcedures(k: Kernel, type: number, p: TypeProcedures): void {
  let m = procedures.get(k);
  if (!m) procedures.set(k, m = new Map());
  m.set(type, p);
}
const proceduresOf = (k: Kernel, type: number) => procedures.get(k)?.get(type);

/** ObCreateObject: a zeroed body of `size` bytes of type `type` (an OBJECT_TYPE body;
 *  0 while the Type type itself is being made), with one pointer reference, named `name`
 *  if given (the name is inserted into a directory separately). */
export function createObject(k: Kernel, type: number, size: number, name?: string): number {
  const nameInfo = name !== undefined ? NAME_INFO_SIZE : 0;
  const block = k.pool.allocate(nameInfo + HEADER_SIZE + size, k.vm);
  const header = block + nameInfo;
  const h = OBJECT_HEADER.at(k.vm, header);
  h.set('PointerCount', 1);
  h.set('Type', type);
  h.set('NameInfoOffset', nameInfo);
  if (name !== undefined) writeUnicodeString(k, OBJECT_HEADER_NAME_INFO.at(k.vm, block).addressOf('Name'), name);
  const body = bodyOf(header);
  sizesOf(k).set(body, size);
  if (type) {
    const t = OBJECT_TYPE.at(k.vm, type);
    const n = t.get('TotalNumberOfObjects') + 1;
    t.set('TotalNumberOfObjects', n);
    if (n > t.get('HighWaterNumberOfObjects')) t.set('HighWaterNumberOfObjects', n);
  }
  // Objects made by a running thread only (boot's namespace would flood the trace).
  if (k.trace && k.currentThread()) k.emit({ kind: 'object-create', object: body, type: type ? typeName(k, type) : 'Type', name: name ?? '' });
  return body;
}

/** A UNICODE_STRING at `at` holding `text`, its buffer in pool. */
export function writeUnicodeString(k: Kernel, at: number, text: string): void {
  const buffer = text.length ? k.pool.allocate(2 * text.length + 2, k.vm) : 0;
  for (let i = 0; i < text.length; i++) k.vm.write16(buffer + 2 * i, text.charCodeAt(i));
  const s = UNICODE_STRING.at(k.vm, at);
  s.set('Length', 2 * text.length);
  s.set('MaximumLength', text.length ? 2 * text.length + 2 : 0);
  s.set('Buffer', buffer);
}

/** ObInsertObject names the object after the last component of the name it was created
 *  with: the directory it goes into holds the rest of the path. The old buffer goes back
 *  to the pool. */
export function renameObject(k: Kernel, body: number, name: string): void {
  const header = headerOf(body);
  const offset = OBJECT_HEADER.at(k.vm, header).get('NameInfoOffset');
  if (!offset) return;
  const at = header - offset + OBJECT_HEADER_NAME_INFO.off.Name;
  releaseUnicodeString(k, at);
  writeUnicodeString(k, at, name);
}

/** The pool buffer of a UNICODE_STRING writeUnicodeString made goes back to the pool. */
export function releaseUnicodeString(k: Kernel, at: number): void {
  const s = UNICODE_STRING.at(k.vm, at);
  if (s.get('Buffer')) k.pool.release(s.get('Buffer'), s.get('MaximumLength'));
  s.set('Buffer', 0);
}

export function readUnicodeStringAt(k: Kernel, at: number): string {
  const s = UNICODE_STRING.at(k.vm, at);
  const n = s.get('Length') >>> 1, buf = s.get('Buffer');
  let text = '';
  for (let i = 0; i < n; i++) text += String.fromCharCode(k.vm.read16(buf + 2 * i));
  return text;
}

export function objectType(k: Kernel, body: number): number {
  return Header.Type.get(k.vm, headerOf(body));
}

export function typeName(k: Kernel, type: number): string {
  return readUnicodeStringAt(k, OBJECT_TYPE.at(k.vm, type).addressOf('Name'));
}

/** The object's name ('' for an unnamed one), and the directory it is in (0: none). */
export function objectName(k: Kernel, body: number): { name: string; directory: number } | null {
  const header = headerOf(body);
  const offset = OBJECT_HEADER.at(k.vm, header).get('NameInfoOffset');
  if (!offset) return null;
  const info = header - offset;
  return { name: readUnicodeStringAt(k, info + OBJECT_HEADER_NAME_INFO.off.Name), directory: OBJECT_HEADER_NAME_INFO.at(k.vm, info).get('Directory') };
}

export function setObjectDirectory(k: Kernel, body: number, directory: number): void {
  const header = headerOf(body);
  const offset = OBJECT_HEADER.at(k.vm, header).get('NameInfoOffset');
  if (offset) OBJECT_HEADER_NAME_INFO.at(k.vm, header - offset).set('Directory', directory);
}

/** ObReferenceObject. */
export function referenceObject(k: Kernel, body: number): void {
  const h = headerOf(body);
  Header.PointerCount.set(k.vm, h, Header.PointerCount.get(k.vm, h) + 1);
}

/** ObDereferenceObject: the last reference (with no handle left) deletes the object,
 *  unless it is permanent (the namespace's directories, types, devices). */
export function dereferenceObject(k: Kernel, body: number): void {
  const h = headerOf(body), vm = k.vm;
  const refs = Header.PointerCount.get(vm, h) - 1;
  Header.PointerCount.set(vm, h, refs);
  if (refs > 0 || Header.HandleCount.get(vm, h) > 0 || Header.Flags.get(vm, h) & OB_FLAG_PERMANENT_OBJECT) return;
  deleteObject(k, body);
}

export function makePermanent(k: Kernel, body: number): void {
  const h = OBJECT_HEADER.at(k.vm, headerOf(body));
  h.set('Flags', h.get('Flags') | OB_FLAG_PERMANENT_OBJECT);
}

/** ObpDeleteObject: the type's delete procedure, the counts, the memory. */
function deleteObject(k: Kernel, body: number): void {
  const header = headerOf(body);
  const h = OBJECT_HEADER.at(k.vm, header);
  const type = h.get('Type');
  proceduresOf(k, type)?.delete?.(k, body);
  const t = OBJECT_TYPE.at(k.vm, type);
  t.set('TotalNumberOfObjects', t.get('TotalNumberOfObjects') - 1);
  if (k.trace && k.currentThread()) k.emit({ kind: 'object-delete', object: body, type: typeName(k, type) });
  const nameInfo = h.get('NameInfoOffset');
  if (nameInfo) releaseUnicodeString(k, header - nameInfo + OBJECT_HEADER_NAME_INFO.off.Name);
  const size = sizesOf(k).get(body);
  h.set('Type', 0);                        // a stale pointer now names no type
  if (size === undefined) return;
  sizesOf(k).delete(body);
  k.pool.release(header - nameInfo, nameInfo + HEADER_SIZE + size);
}

/** A handle to the object was closed: the count, then the type's close procedure. */
export function handleClosed(k: Kernel, body: number): void {
  const h = OBJECT_HEADER.at(k.vm, headerOf(body));
  const left = h.get('HandleCount') - 1;
  h.set('HandleCount', left);
  const type = h.get('Type');
  const t = OBJECT_TYPE.at(k.vm, type);
  t.set('TotalNumberOfHandles', t.get('TotalNumberOfHandles') - 1);
  proceduresOf(k, type)?.close?.(k, body, left);
  // ObpDeleteNameCheck: a temporary named object leaves the namespace with its last handle.
  if (left === 0 && !(h.get('Flags') & OB_FLAG_PERMANENT_OBJECT)) removeDirectoryEntry(k, body);
  dereferenceObject(k, body);
}

export function handleOpened(k: Kernel, body: number): void {
  const h = OBJECT_HEADER.at(k.vm, headerOf(body));
  h.set('HandleCount', h.get('HandleCount') + 1);
  const t = OBJECT_TYPE.at(k.vm, h.get('Type'));
  const n = t.get('TotalNumberOfHandles') + 1;
  t.set('TotalNumberOfHandles', n);
  if (n > t.get('HighWaterNumberOfHandles')) t.set('HighWaterNumberOfHandles', n);
}
