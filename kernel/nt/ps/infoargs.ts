// What NtQuery/SetInformationThread and ...Process share: probing the caller's buffer the
// way NT does (before anything else, for a user-mode caller), reading a ULONG-sized
// argument of a Set call, and referencing the object the handle names.
import type { Kernel } from '../kernel.ts';
import type { VirtualMemory } from '../mm/virtual.ts';
import { UserMode } from '../ke/irql.ts';
import { referenceObjectByHandle } from '../ob/handle.ts';
import { dereferenceObject } from '../ob/object.ts';
import { obType } from '../ob/types.ts';
import { STATUS_INFO_LENGTH_MISMATCH, STATUS_SUCCESS } from '../ex/status.ts';

/** A Set call's argument: one ULONG (KPRIORITY, KAFFINITY, a TLS index, ...). */
export const ULONG_SIZE = 4;

/** The ULONG a Set call passes, or a status when the length is wrong. */
export function readUlongArgument(mem: VirtualMemory, previousMode: number, info: number, length: number): { status: number; value: number } {
  if (length !== ULONG_SIZE) return { status: STATUS_INFO_LENGTH_MISMATCH, value: 0 };
  if (previousMode === UserMode) mem.probe(info, ULONG_SIZE, false);
  return { status: STATUS_SUCCESS, value: mem.read32(info) | 0 };
}

/** ProbeForWrite of a Query call's buffer and ReturnLength, before the class is looked at. */
export function probeQueryBuffers(mem: VirtualMemory, previousMode: number, info: number, length: number, returnLength: number): void {
  if (previousMode !== UserMode) return;
  if (length) mem.probe(info, length, true);
  if (returnLength) mem.probe(returnLength, ULONG_SIZE, true);
}

/** ObReferenceObjectByHandle for a thread or process handle, run around `use`: the body's
 *  status, or the reference's failure (STATUS_INVALID_HANDLE, _OBJECT_TYPE_MISMATCH,
 *  _ACCESS_DENIED). */
export function withObject(k: Kernel, handle: number, access: number, type: 'Thread' | 'Process', previousMode: number, use: (body: number) => number): number {
  const r = referenceObjectByHandle(k, handle, access, obType(k, type), previousMode);
  if (r.status !== STATUS_SUCCESS) return r.status;
  try { return use(r.body); } finally { dereferenceObject(k, r.body); }
}
