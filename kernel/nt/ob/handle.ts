// Per-process handle tables in guest memory (EPROCESS.ObjectTable -> HANDLE_TABLE -> an
// array of HANDLE_TABLE_ENTRY). Handle values are (index + 1) << 2, as the reference
// gives them: multiples of 4, never 0. An entry holds the object's header address with
// OBJ_INHERIT in its low bits, and the access granted when the handle was made.
// ObReferenceObjectByHandle checks the type and the access, and knows the pseudo-handles
// NtCurrentProcess() (-1) and NtCurrentThread() (-2).
import type { Kernel } from '../kernel.ts';
import type { Process } from '../ps/process.ts';
import { EPROCESS, KTHREAD } from '../layouts.ts';
import { HANDLE_TABLE, HANDLE_TABLE_ENTRY } from '../oblayouts.ts';
import { headerOf, bodyOf, objectType, referenceObject, handleOpened, handleClosed } from './object.ts';
import { obType, mapAccess } from './types.ts';
import { OBJ_INHERIT, PROCESS_ALL_ACCESS, THREAD_ALL_ACCESS } from './access.ts';
import { NtCurrentProcess, NtCurrentThread } from '../ke/constants.ts';
import { STATUS_SUCCESS, STATUS_INVALID_HANDLE, STATUS_OBJECT_TYPE_MISMATCH, STATUS_ACCESS_DENIED, STATUS_INSUFFICIENT_RESOURCES } from '../ex/status.ts';
import { KernelMode } from '../ke/irql.ts';
import { fields } from '../struct.ts';

// The fields every handle lookup reads, resolved once (ObReferenceObjectByHandle runs on
// nearly every system call).
const ObjectTable = fields(EPROCESS, ['ObjectTable']).ObjectTable;
const Table = fields(HANDLE_TABLE, ['Table', 'Capacity']);
const Entry = fields(HANDLE_TABLE_ENTRY, ['Object', 'GrantedAccess']);
const ThreadProcess = fields(KTHREAD, ['ApcState.Process'])['ApcState.Process'];

const INITIAL_CAPACITY = 64;
const MAXIMUM_CAPACITY = 1 << 16;
const HANDLE_SHIFT = 2;
/** The tag bits of a handle value, which NT ignores when looking it up. */
const HANDLE_TAG_BITS = 3;
/** The attribute bits kept in HANDLE_TABLE_ENTRY.Object (headers are 8-byte aligned). */
const ENTRY_ATTRIBUTE_BITS = 0x7;

export const handleToIndex = (h: number) => ((h >>> 0) >>> HANDLE_SHIFT) - 1;
export const indexToHandle = (i: number) => ((i + 1) << HANDLE_SHIFT) >>> 0;

/** ExCreateHandleTable, hung on EPROCESS.ObjectTable. */
export function createHandleTable(k: Kernel, eprocess: number): number {
  const table = k.pool.allocate(HANDLE_TABLE.size, k.vm);
  const t = HANDLE_TABLE.at(k.vm, table);
  t.set('Table', k.pool.allocate(INITIAL_CAPACITY * HANDLE_TABLE_ENTRY.size, k.vm));
  t.set('Capacity', INITIAL_CAPACITY);
  t.set('QuotaProcess', eprocess);
  t.set('UniqueProcessId', EPROCESS.at(k.vm, eprocess).get('UniqueProcessId'));
  EPROCESS.at(k.vm, eprocess).set('ObjectTable', table);
  return table;
}

function tableOf(k: Kernel, eprocess: number) { return HANDLE_TABLE.at(k.vm, EPROCESS.at(k.vm, eprocess).get('ObjectTable')); }
function entryAt(k: Kernel, eprocess: number, index: number) {
  const address = entryAddress(k, ObjectTable.get(k.vm, eprocess), index);
  return address ? HANDLE_TABLE_ENTRY.at(k.vm, address) : null;
}
/** The address of entry `index` of a HANDLE_TABLE, or 0 beyond its capacity. */
function entryAddress(k: Kernel, table: number, index: number): number {
  if (index < 0 || index >= Table.Capacity.get(k.vm, table)) return 0;
  return Table.Table.get(k.vm, table) + index * HANDLE_TABLE_ENTRY.size;
}

/** Doubles the entry array (copying the entries), up to MAXIMUM_CAPACITY. */
function grow(k: Kernel, eprocess: number): boolean {
  const t = tableOf(k, eprocess);
  const old = t.get('Table'), capacity = t.get('Capacity');
  if (capacity * 2 > MAXIMUM_CAPACITY) return false;
  const table = k.pool.allocate(capacity * 2 * HANDLE_TABLE_ENTRY.size, k.vm);
  for (let i = 0; i < capacity * HANDLE_TABLE_ENTRY.size; i += 4) k.vm.write32(table + i, k.vm.read32(old + i));
  k.pool.release(old, capacity * HANDLE_TABLE_ENTRY.size);
  t.set('Table', table);
  t.set('Capacity', capacity * 2);
  return true;
}

/** ObpCreateHandle: the lowest free entry gets the object (its header), with `access`
 *  granted; the object gains a handle and a reference. Returns the handle (0: no room). */
export function createHandle(k: Kernel, eprocess: number, body: number, access: number, attributes = 0): number {
  if (!EPROCESS.at(k.vm, eprocess).get('ObjectTable')) return 0;     // an ended, reaped process
  for (;;) {
    const t = tableOf(k, eprocess);
    const capacity = t.get('Capacity');
    for (let i = 0; i < capacity; i++) {
      const e = entryAt(k, eprocess, i)!;
      if (e.get('Object')) continue;
      e.set('Object', headerOf(body) | (attributes & OBJ_INHERIT));
      e.set('GrantedAccess', access);
      t.set('HandleCount', t.get('HandleCount') + 1);
      referenceObject(k, body);
      handleOpened(k, body);
      return indexToHandle(i);
    }
    if (!grow(k, eprocess)) return 0;
  }
}

export interface HandleInfo { body: number; access: number; attributes: number }

/** The entry a handle names in `eprocess`'s table, or null. */
export function lookupHandle(k: Kernel, eprocess: number, handle: number): HandleInfo | null {
  const table = (handle >>> 0) & ~HANDLE_TAG_BITS ? ObjectTable.get(k.vm, eprocess) : 0;
  if (table) {
    const e = entryAddress(k, table, handleToIndex(handle & ~HANDLE_TAG_BITS));
    const v = e ? Entry.Object.get(k.vm, e) : 0;
    if (v) return { body: bodyOf(v & ~ENTRY_ATTRIBUTE_BITS), access: Entry.GrantedAccess.get(k.vm, e), attributes: v & ENTRY_ATTRIBUTE_BITS };
  }
  return null;
}

/** ObpCloseHandle: false when the handle names nothing. */
export function closeHandle(k: Kernel, eprocess: number, handle: number): boolean {
  const info = lookupHandle(k, eprocess, handle);
  if (!info) return false;
  entryAt(k, eprocess, handleToIndex(handle & ~HANDLE_TAG_BITS))!.set('Object', 0);
  const t = tableOf(k, eprocess);
  t.set('HandleCount', t.get('HandleCount') - 1);
  handleClosed(k, info.body);
  return true;
}

/** ExDestroyHandleTable: an ended process's (empty) table goes back to the pool; the
 *  process can hold no handle any more. */
export function deleteHandleTable(k: Kernel, eprocess: number): void {
  const table = EPROCESS.at(k.vm, eprocess).get('ObjectTable');
  if (!table) return;
  closeAllHandles(k, eprocess);
  const t = HANDLE_TABLE.at(k.vm, table);
  k.pool.release(t.get('Table'), t.get('Capacity') * HANDLE_TABLE_ENTRY.size);
  k.pool.release(table, HANDLE_TABLE.size);
  EPROCESS.at(k.vm, eprocess).set('ObjectTable', 0);
}

/** ObKillProcess: every handle of an ending process closes. */
export function closeAllHandles(k: Kernel, eprocess: number): void {
  if (!EPROCESS.at(k.vm, eprocess).get('ObjectTable')) return;
  const capacity = tableOf(k, eprocess).get('Capacity');
  for (let i = 0; i < capacity; i++) closeHandle(k, eprocess, indexToHandle(i));
}

/** The current process's EPROCESS (the current thread's ApcState.Process). */
export function currentEprocess(k: Kernel): number {
  return ThreadProcess.get(k.vm, k.currentThread());
}

/** lookupHandle, and for the current process the pseudo-handles NtCurrentProcess (-1) and
 *  NtCurrentThread (-2), which name no table entry (NtDuplicateObject turns them into real
 *  handles). */
export function lookupHandleOrPseudo(k: Kernel, eprocess: number, handle: number, current = currentEprocess(k)): HandleInfo | null {
  if (eprocess === current) {
    if (handle >>> 0 === NtCurrentProcess) return { body: eprocess, access: PROCESS_ALL_ACCESS, attributes: 0 };
    if (handle >>> 0 === NtCurrentThread) return { body: k.currentThread(), access: THREAD_ALL_ACCESS, attributes: 0 };
  }
  return lookupHandle(k, eprocess, handle);
}

export type Referenced = { status: typeof STATUS_SUCCESS; body: number; access: number } | { status: number; body: 0; access: 0 };

/** ObReferenceObjectByHandle(Handle, DesiredAccess, ObjectType, AccessMode): the object
 *  with a reference the caller drops with dereferenceObject. `type` 0 accepts any type.
 *  Access is checked only for a user-mode caller, as NT does. */
/** A failed reference (module level: a closure per call costs an allocation). */
function fail(status: number): Referenced { return { status, body: 0, access: 0 }; }

export function referenceObjectByHandle(k: Kernel, handle: number, desired: number, type: number, mode: number): Referenced {
  const current = currentEprocess(k);
  const info = lookupHandleOrPseudo(k, current, handle, current);
  if (!info) return fail(STATUS_INVALID_HANDLE);
  const actual = objectType(k, info.body);
  if (type && actual !== type) return fail(STATUS_OBJECT_TYPE_MISMATCH);
  if (mode !== KernelMode) {
    const wanted = mapAccess(k, actual, desired);
    if ((wanted & info.access) >>> 0 !== wanted) return fail(STATUS_ACCESS_DENIED);
  }
  referenceObject(k, info.body);
  return { status: STATUS_SUCCESS, body: info.body, access: info.access };
}

/** ObInsertObject's handle half for a process record. */
export function insertHandle(k: Kernel, p: Process | number, body: number, access: number, attributes = 0): number {
  const eprocess = typeof p === 'number' ? p : p.eprocess;
  return createHandle(k, eprocess, body, access, attributes);
}

export { STATUS_INSUFFICIENT_RESOURCES, obType };
