// The object namespace: the root directory (the kernel variable ObpRootDirectoryObject),
// \Device, \GLOBAL?? (with \?? a link to it), \ObjectTypes, \BaseNamedObjects, and
// ObpLookupObjectName: walking a name through directories, following symbolic links, and
// handing the rest of the name to a type's parse procedure (a device: the I/O manager
// opens a file). The name errors are those of behaviour 16.
import type { Kernel } from '../kernel.ts';
import { OBJECT_DIRECTORY, OBJECT_SYMBOLIC_LINK } from '../oblayouts.ts';
import { createObject, makePermanent, objectType, referenceObject, dereferenceObject, writeUnicodeString, readUnicodeStringAt, objectName } from './object.ts';
import { insertDirectoryEntry, lookupDirectoryEntry } from './directory.ts';
import { obType, type TypeName } from './types.ts';
import { OBJ_OPENIF, OBJ_OPENLINK } from './access.ts';
import {
  STATUS_SUCCESS, STATUS_OBJECT_PATH_SYNTAX_BAD, STATUS_OBJECT_NAME_INVALID, STATUS_OBJECT_PATH_NOT_FOUND,
  STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_NAME_COLLISION, STATUS_OBJECT_NAME_EXISTS, STATUS_OBJECT_TYPE_MISMATCH,
} from '../ex/status.ts';

const SEPARATOR = '\\';
/** ObpLookupObjectName gives up after this many symbolic-link reparses. */
const MAX_REPARSE = 32;

export interface LookupRequest {
  /** The RootDirectory's body (0: the name is absolute). */
  root: number;
  name: string;
  attributes: number;
  /** Create: this (named, unlinked) object goes where the name ends, if nothing is there. */
  insert?: number;
  /** What a parse procedure needs (the I/O manager's open packet). */
  parse?: unknown;
}

/** The object found (with a reference the caller owns) and the status: STATUS_SUCCESS,
 *  STATUS_OBJECT_NAME_EXISTS (OBJ_OPENIF found one), or an error with body 0. */
export interface LookupResult { status: number; body: number }

/** A parse procedure: `remaining` is the rest of the name, '' or starting with '\'. */
export type ParseProcedure = (k: Kernel, object: number, remaining: string, req: LookupRequest) => LookupResult;
const parsers = new WeakMap<Kernel, Map<number, ParseProcedure>>();
export function setParseProcedure(k: Kernel, type: number, p: ParseProcedure): void {
  let m = parsers.get(k);
  if (!m) parsers.set(k, m = new Map());
  m.set(type, p);
}

export function rootDirectory(k: Kernel): number { return k.vm.read32(k.sym('ObpRootDirectoryObject')) >>> 0; }

const fail = (status: number): LookupResult => ({ status, body: 0 });
const found = (k: Kernel, body: number, status = STATUS_SUCCESS): LookupResult => { referenceObject(k, body); return { status, body }; };

/** ObpLookupObjectName. */
export function lookupObjectName(k: Kernel, req: LookupRequest): LookupResult {
  let directory = req.root, name = req.name;
  if (!directory) {
    if (!name.startsWith(SEPARATOR)) return fail(STATUS_OBJECT_PATH_SYNTAX_BAD);
    directory = rootDirectory(k);
    name = name.slice(1);
  } else if (name.startsWith(SEPARATOR)) {
    return fail(STATUS_OBJECT_PATH_SYNTAX_BAD);      // a root with an absolute name
  } else if (objectType(k, directory) !== obType(k, 'Directory')) {
    const parse = parsers.get(k)?.get(objectType(k, directory));
    return parse ? parse(k, directory, name ? SEPARATOR + name : '', req) : fail(STATUS_OBJECT_TYPE_MISMATCH);
  }
  for (let reparse = 0; reparse <= MAX_REPARSE; reparse++) {
    const r = walk(k, directory, name, req);
    if (typeof r !== 'string') return r;
    directory = rootDirectory(k);                  // a link: start again from its target
    name = r.slice(1);
  }
  return fail(STATUS_OBJECT_NAME_NOT_FOUND);
}

/** Walks `name` (relative to `directory`): the result, or an absolute name to reparse. */
function walk(k: Kernel, directory: number, name: string, req: LookupRequest): LookupResult | string {
  if (name === '') return req.insert ? fail(STATUS_OBJECT_NAME_COLLISION) : found(k, directory);
  const parts = name.split(SEPARATOR);
  for (let i = 0; i < parts.length; i++) {
    // "a\", "\\x": an empty component is invalid in the object namespace; past a parse
    // procedure the rest is the device's ("\??\C:\" is the volume's root directory).
    if (parts[i] === '') return fail(STATUS_OBJECT_NAME_INVALID);
    const last = i === parts.length - 1;
    const object = lookupDirectoryEntry(k, directory, parts[i]);
    if (!object) {
      if (!last) return fail(STATUS_OBJECT_PATH_NOT_FOUND);
      if (!req.insert) return fail(STATUS_OBJECT_NAME_NOT_FOUND);
      insertDirectoryEntry(k, directory, req.insert);
      return found(k, req.insert);
    }
    const rest = last ? '' : SEPARATOR + parts.slice(i + 1).join(SEPARATOR);
    const type = objectType(k, object);
    if (type === obType(k, 'SymbolicLink') && !(last && req.attributes & OBJ_OPENLINK))
      return linkTarget(k, object) + rest;
    const parse = parsers.get(k)?.get(type);
    if (parse) return parse(k, object, rest, req);
    if (last) {
      if (!req.insert) return found(k, object);
      if (!(req.attributes & OBJ_OPENIF)) return fail(STATUS_OBJECT_NAME_COLLISION);
      if (type !== objectType(k, req.insert)) return fail(STATUS_OBJECT_TYPE_MISMATCH);
      return found(k, object, STATUS_OBJECT_NAME_EXISTS);
    }
    if (type !== obType(k, 'Directory')) return fail(STATUS_OBJECT_PATH_NOT_FOUND);
    directory = object;
  }
  return fail(STATUS_OBJECT_NAME_NOT_FOUND);
}

export function linkTarget(k: Kernel, link: number): string {
  return readUnicodeStringAt(k, OBJECT_SYMBOLIC_LINK.at(k.vm, link).addressOf('LinkTarget'));
}

/** A named object of `type`, `size` bytes, inserted in `directory` (0: unnamed), permanent
 *  when boot makes it. Returns the body (with the creation's reference). */
export function createNamedObject(k: Kernel, type: TypeName, size: number, directory: number, name: string, permanent = true): number {
  const body = createObject(k, obType(k, type), size, name);
  if (directory) insertDirectoryEntry(k, directory, body);
  if (permanent) makePermanent(k, body);
  return body;
}

export function createDirectory(k: Kernel, parent: number, name: string): number {
  return createNamedObject(k, 'Directory', OBJECT_DIRECTORY.size, parent, name);
}

export function createSymbolicLink(k: Kernel, directory: number, name: string, target: string, permanent = true): number {
  const link = createNamedObject(k, 'SymbolicLink', OBJECT_SYMBOLIC_LINK.size, directory, name, permanent);
  writeUnicodeString(k, OBJECT_SYMBOLIC_LINK.at(k.vm, link).addressOf('LinkTarget'), target);
  return link;
}

/** An absolute path's object without following a final link (0 when missing); no reference. */
export function findObject(k: Kernel, path: string): number {
  const r = lookupObjectName(k, { root: 0, name: path, attributes: OBJ_OPENLINK });
  if (!r.body) return 0;
  dereferenceObject(k, r.body);            // permanent objects stay: only the count drops
  return r.body;
}

/** The object's full name (\Device\Null), '' for an unnamed one. */
export function fullName(k: Kernel, body: number): string {
  const parts: string[] = [];
  const root = rootDirectory(k);
  for (let o = body; o && o !== root; ) {
    const info = objectName(k, o);
    if (!info) return parts.length ? SEPARATOR + parts.join(SEPARATOR) : '';
    parts.unshift(info.name);
    o = info.directory;
    if (!o) break;
  }
  return SEPARATOR + parts.join(SEPARATOR);
}

/** ObInitSystem's namespace: the directories, the types in \ObjectTypes, the DOS links. */
export function createNamespace(k: Kernel, types: Map<TypeName, number>): void {
  const root = createObject(k, types.get('Directory')!, OBJECT_DIRECTORY.size, '');
  makePermanent(k, root);
  k.vm.write32(k.sym('ObpRootDirectoryObject'), root);
  createDirectory(k, root, 'Device');
  const global = createDirectory(k, root, 'GLOBAL??');
  const objectTypes = createDirectory(k, root, 'ObjectTypes');
  createDirectory(k, root, 'BaseNamedObjects');
  createSymbolicLink(k, root, '??', '\\GLOBAL??');
  for (const t of types.values()) insertDirectoryEntry(k, objectTypes, t);
  createSymbolicLink(k, global, 'C:', '\\Device\\HarddiskVolume1');
  createSymbolicLink(k, global, 'NUL', '\\Device\\Null');
  createSymbolicLink(k, global, 'CON', '\\Device\\Console');
  createSymbolicLink(k, global, 'CONIN$', '\\Device\\Console\\Input');
  createSymbolicLink(k, global, 'CONOUT$', '\\Device\\Console\\Output');
}
