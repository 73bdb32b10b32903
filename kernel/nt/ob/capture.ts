// Capturing a caller's OBJECT_ATTRIBUTES and UNICODE_STRINGs (ObpCaptureObjectCreateInfo):
// probed when the caller is user mode, copied out before anything is looked up.
import type { VirtualMemory } from '../mm/virtual.ts';
import { OBJECT_ATTRIBUTES, UNICODE_STRING } from '../layouts.ts';
import { UserMode } from '../ke/irql.ts';
import { OBJ_VALID_ATTRIBUTES } from './access.ts';
import { STATUS_INVALID_PARAMETER, STATUS_OBJECT_NAME_INVALID, STATUS_SUCCESS } from '../ex/status.ts';

export interface CapturedAttributes {
  status: number;
  rootDirectory: number;
  /** null: no ObjectName at all (an unnamed object). */
  name: string | null;
  attributes: number;
}

/** A UNICODE_STRING's text (its Length must be even and within MaximumLength). */
export function captureUnicodeString(mem: VirtualMemory, ptr: number, previousMode: number): string | null {
  if (previousMode === UserMode) mem.probe(ptr, UNICODE_STRING.size, false);
  const s = UNICODE_STRING.at(mem, ptr);
  const length = s.get('Length'), buffer = s.get('Buffer');
  if (length & 1 || length > s.get('MaximumLength') && s.get('MaximumLength') !== 0) return null;
  if (previousMode === UserMode && length) mem.probe(buffer, length, false);
  let text = '';
  for (let i = 0; i < length; i += 2) text += String.fromCharCode(mem.read16(buffer + i));
  return text;
}

export function captureObjectAttributes(mem: VirtualMemory, ptr: number, previousMode: number): CapturedAttributes {
  const bad = (status: number): CapturedAttributes => ({ status, rootDirectory: 0, name: null, attributes: 0 });
  if (!ptr) return { status: STATUS_SUCCESS, rootDirectory: 0, name: null, attributes: 0 };
  if (previousMode === UserMode) mem.probe(ptr, OBJECT_ATTRIBUTES.size, false);
  const oa = OBJECT_ATTRIBUTES.at(mem, ptr);
  if (oa.get('Length') !== OBJECT_ATTRIBUTES.size) return bad(STATUS_INVALID_PARAMETER);
  const attributes = oa.get('Attributes');
  if (attributes & ~OBJ_VALID_ATTRIBUTES) return bad(STATUS_INVALID_PARAMETER);
  const namePtr = oa.get('ObjectName');
  const name = namePtr ? captureUnicodeString(mem, namePtr, previousMode) : null;
  if (namePtr && name === null) return bad(STATUS_OBJECT_NAME_INVALID);
  return { status: STATUS_SUCCESS, rootDirectory: oa.get('RootDirectory'), name, attributes };
}
