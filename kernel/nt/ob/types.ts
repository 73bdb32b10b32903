// Object types (ObCreateObjectType): each an object of type "Type" named in \ObjectTypes,
// with its generic mapping and valid access mask, and -- for types waited on through a
// field of the body rather than a DISPATCHER_HEADER at the start -- the field's offset.
import type { Kernel } from '../kernel.ts';
import { OBJECT_TYPE, OBJECT_TYPE_INITIALIZER, OBJECT_HEADER, FILE_OBJECT } from '../oblayouts.ts';
import { createObject, makePermanent, writeUnicodeString, headerOf } from './object.ts';
import * as A from './access.ts';
import { fields } from '../struct.ts';

/** DefaultObject of a type whose objects cannot be waited on. */
export const OB_NO_DEFAULT_OBJECT = 0xFFFFFFFF;
/** DefaultObject of a type whose body starts with a DISPATCHER_HEADER. */
const AT_BODY = 0;

interface TypeSpec {
  name: string;
  read: number; write: number; execute: number; all: number;
  /** Waitable through the body (0) or a field of it; OB_NO_DEFAULT_OBJECT when not. */
  defaultObject: number;
}

const STANDARD_READ = A.READ_CONTROL;

/** The types of issue 5, with winnt.h's generic mappings. */
const TYPES: TypeSpec[] = [
  { name: 'Type', read: STANDARD_READ, write: STANDARD_READ, execute: STANDARD_READ, all: A.OBJECT_TYPE_ALL_ACCESS, defaultObject: OB_NO_DEFAULT_OBJECT },
  { name: 'Directory', read: STANDARD_READ | A.DIRECTORY_QUERY | A.DIRECTORY_TRAVERSE, write: STANDARD_READ | A.DIRECTORY_CREATE_OBJECT | A.DIRECTORY_CREATE_SUBDIRECTORY, execute: STANDARD_READ | A.DIRECTORY_QUERY | A.DIRECTORY_TRAVERSE, all: A.DIRECTORY_ALL_ACCESS, defaultObject: OB_NO_DEFAULT_OBJECT },
  { name: 'SymbolicLink', read: STANDARD_READ | A.SYMBOLIC_LINK_QUERY, write: STANDARD_READ, execute: STANDARD_READ | A.SYMBOLIC_LINK_QUERY, all: A.SYMBOLIC_LINK_ALL_ACCESS, defaultObject: OB_NO_DEFAULT_OBJECT },
  { name: 'Device', read: A.FILE_GENERIC_READ, write: A.FILE_GENERIC_WRITE, execute: A.FILE_GENERIC_EXECUTE, all: A.FILE_ALL_ACCESS, defaultObject: OB_NO_DEFAULT_OBJECT },
  { name: 'Driver', read: STANDARD_READ, write: STANDARD_READ, execute: STANDARD_READ, all: A.STANDARD_RIGHTS_REQUIRED | 0x1FF, defaultObject: OB_NO_DEFAULT_OBJECT },
  { name: 'File', read: A.FILE_GENERIC_READ, write: A.FILE_GENERIC_WRITE, execute: A.FILE_GENERIC_EXECUTE, all: A.FILE_ALL_ACCESS, defaultObject: FILE_OBJECT.off.Event },
  { name: 'Event', read: STANDARD_READ | A.EVENT_QUERY_STATE, write: STANDARD_READ | A.EVENT_MODIFY_STATE, execute: STANDARD_READ | A.SYNCHRONIZE, all: A.EVENT_ALL_ACCESS, defaultObject: AT_BODY },
  { name: 'Process', read: STANDARD_READ | 0x410, write: STANDARD_READ | 0x0BEA, execute: STANDARD_READ | A.SYNCHRONIZE, all: A.PROCESS_ALL_ACCESS, defaultObject: AT_BODY },
  { name: 'Thread', read: STANDARD_READ | 0x48, write: STANDARD_READ | 0x37, execute: STANDARD_READ | A.SYNCHRONIZE, all: A.THREAD_ALL_ACCESS, defaultObject: AT_BODY },
];

export type TypeName = 'Type' | 'Directory' | 'SymbolicLink' | 'Device' | 'Driver' | 'File' | 'Event' | 'Process' | 'Thread';

/** The OBJECT_TYPE bodies, by name (a cache: the truth is \ObjectTypes). */
const typeCache = new WeakMap<Kernel, Map<TypeName, number>>();

export function obType(k: Kernel, name: TypeName): number {
  const t = typeCache.get(k)?.get(name);
  if (t === undefined) throw new Error(`object type ${name} not created yet`);
  return t;
}

/** ObCreateObjectType for every type; the Type type is its own type. Inserting them into
 *  \ObjectTypes is the namespace's job (namespace.ts). */
export function createObjectTypes(k: Kernel): Map<TypeName, number> {
  const m = new Map<TypeName, number>();
  typeCache.set(k, m);
  for (const [index, spec] of TYPES.entries()) {
    const body = createObject(k, m.get('Type') ?? 0, OBJECT_TYPE.size, spec.name);
    if (spec.name === 'Type') OBJECT_HEADER.at(k.vm, headerOf(body)).set('Type', body);   // its own type
    const t = OBJECT_TYPE.at(k.vm, body);
    writeUnicodeString(k, t.addressOf('Name'), spec.name);
    t.set('Index', index + 1);
    t.set('DefaultObject', spec.defaultObject);
    t.set('TypeInfo.Length', OBJECT_TYPE_INITIALIZER.size);
    t.set('TypeInfo.CaseInsensitive', 1);
    t.set('TypeInfo.InvalidAttributes', 0);
    t.set('TypeInfo.GenericMapping.GenericRead', spec.read);
    t.set('TypeInfo.GenericMapping.GenericWrite', spec.write);
    t.set('TypeInfo.GenericMapping.GenericExecute', spec.execute);
    t.set('TypeInfo.GenericMapping.GenericAll', spec.all);
    t.set('TypeInfo.ValidAccessMask', spec.all | A.SYNCHRONIZE | A.MAXIMUM_ALLOWED);
    t.set('TypeInfo.MaintainHandleCount', 1);
    makePermanent(k, body);
    m.set(spec.name as TypeName, body);
  }
  return m;
}

/** RtlMapGenericMask, then the type's valid mask: the access a handle is granted.
 *  MAXIMUM_ALLOWED (there is no security yet) grants everything the type has. */
/** The OBJECT_TYPE fields an access check reads (on every handle reference), resolved once. */
const TypeInfo = fields(OBJECT_TYPE, ['TypeInfo.GenericMapping.GenericRead', 'TypeInfo.GenericMapping.GenericWrite',
  'TypeInfo.GenericMapping.GenericExecute', 'TypeInfo.GenericMapping.GenericAll', 'TypeInfo.ValidAccessMask']);

export function mapAccess(k: Kernel, type: number, desired: number): number {
  const vm = k.vm;
  let mask = desired >>> 0;
  if (mask & A.GENERIC_READ) mask |= TypeInfo['TypeInfo.GenericMapping.GenericRead'].get(vm, type);
  if (mask & A.GENERIC_WRITE) mask |= TypeInfo['TypeInfo.GenericMapping.GenericWrite'].get(vm, type);
  if (mask & A.GENERIC_EXECUTE) mask |= TypeInfo['TypeInfo.GenericMapping.GenericExecute'].get(vm, type);
  if (mask & (A.GENERIC_ALL | A.MAXIMUM_ALLOWED)) mask |= TypeInfo['TypeInfo.GenericMapping.GenericAll'].get(vm, type);
  return (mask & TypeInfo['TypeInfo.ValidAccessMask'].get(vm, type) & ~(A.GENERIC_READ | A.GENERIC_WRITE | A.GENERIC_EXECUTE | A.GENERIC_ALL | A.MAXIMUM_ALLOWED)) >>> 0;
}

/** The dispatcher object to wait on for a body of this type, or 0 when it has none. */
export function waitableObject(k: Kernel, type: number, body: number): number {
  const off = OBJECT_TYPE.at(k.vm, type).get('DefaultObject');
  return off === OB_NO_DEFAULT_OBJECT ? 0 : (body + off) >>> 0;
}
