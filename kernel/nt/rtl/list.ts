// Doubly linked lists in guest memory (LIST_ENTRY), as NT's InitializeListHead and
// InsertTailList macros work on them.
import { LIST_ENTRY } from '../layouts.ts';
import type { GuestAccess } from '../struct.ts';

export function initializeListHead(mem: GuestAccess, head: number): void {
  const h = LIST_ENTRY.at(mem, head);
  h.set('Flink', head);
  h.set('Blink', head);
}

export function insertTailList(mem: GuestAccess, head: number, entry: number): void {
  const h = LIST_ENTRY.at(mem, head), e = LIST_ENTRY.at(mem, entry);
  const last = h.get('Blink');
  e.set('Flink', head);
  e.set('Blink', last);
  LIST_ENTRY.at(mem, last).set('Flink', entry);
  h.set('Blink', entry);
}

export function isListEmpty(mem: GuestAccess, head: number): boolean {
  return mem.read32(head + LIST_ENTRY.off.Flink) >>> 0 === head >>> 0;
}
