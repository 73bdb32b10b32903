// File names the way NT's file systems treat them: a name keeps the case it was created
// with, but two names that differ only in case are the same name. NTFS decides "same"
// with its upcase table, one UTF-16 code unit at a time (no 'ß' -> 'SS' expansion); the
// key below does the same, so "readme.txt", "README.TXT" and "ReadMe.Txt" share one key.
import { fail, ok, StoreError, type Result } from './errors.ts';

/** NTFS's limit on one path component, in UTF-16 code units (FileFsAttributeInformation reports it). */
export const MAX_NAME_LENGTH = 255;

/** Characters no NT file system accepts in a name (besides control characters). */
const RESERVED_CHARACTERS = new Set(['\\', '/', ':', '*', '?', '"', '<', '>', '|']);
const FIRST_PRINTABLE = 0x20;
const ASCII_LIMIT = 0x80;

/** The case-insensitive identity of a name: what the unique index of a directory compares. */
export function nameKey(name: string): string {
  let asciiOnly = true;
  for (let i = 0; i < name.length && asciiOnly; i++) asciiOnly = name.charCodeAt(i) < ASCII_LIMIT;
  if (asciiOnly) return name.toUpperCase();
  let key = '';
  for (const unit of name.split('')) key += upcaseUnit(unit);
  return key;
}

/** One UTF-16 code unit upcased, unless upcasing would change its length (as NTFS's table). */
function upcaseUnit(unit: string): string {
  const upper = unit.toUpperCase();
  return upper.length === 1 ? upper : unit;
}

/** Is this a name a file or directory may have? Why not, if not. */
export function checkName(name: string): Result<string> {
  if (name.length === 0) return fail(StoreError.InvalidName, 'empty name');
  if (name.length > MAX_NAME_LENGTH) return fail(StoreError.InvalidName, `name longer than ${MAX_NAME_LENGTH} characters`);
  if (name === '.' || name === '..') return fail(StoreError.InvalidName, `'${name}' cannot be a name`);
  for (const ch of name) {
    if (ch.charCodeAt(0) < FIRST_PRINTABLE) return fail(StoreError.InvalidName, `control character in name '${printable(name)}'`);
    if (RESERVED_CHARACTERS.has(ch)) return fail(StoreError.InvalidName, `'${ch}' is not allowed in a name ('${name}')`);
  }
  return ok(name);
}

function printable(name: string): string {
  return name.replace(/[\x00-\x1f]/g, c => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A path on the disk, as the command line and tools write it: "C:\DIR\FILE", "\DIR", "DIR/FILE". */
export interface DiskPath {
  /** Drive letter, upper case, or undefined when the path names none. */
  readonly drive?: string;
  readonly components: string[];
}

/**
 * Splits a disk path into its drive and components. Both separators are accepted, so a
 * path can be typed in a Unix shell without quoting backslashes; empty components (from
 * "\\" or a trailing separator) are dropped: this is for people, not for NT's strict parser.
 */
export function parseDiskPath(text: string): DiskPath {
  const drive = /^([A-Za-z]):/.exec(text);
  const rest = drive ? text.slice(2) : text;
  const components = rest.split(/[\\/]+/).filter(c => c.length > 0);
  return drive ? { drive: drive[1].toUpperCase(), components } : { components };
}

/** The Windows spelling of a path inside a volume: "C:\DIR\FILE" (or "C:\" for the root). */
export function formatDiskPath(drive: string, components: readonly string[]): string {
  return `${drive}:\\${components.join('\\')}`;
}
