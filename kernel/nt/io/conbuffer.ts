// The console device's extension (guest memory, DEVICE_OBJECT.DeviceExtension): the reads
// waiting for a line (IRPs linked through IRP.ListEntry) and the type-ahead buffer the
// keyboard's interrupt fills. A read is satisfied by a whole line (up to and including
// its '\n'), by as much as fits the caller's buffer once the line is complete, or -- after
// the end of input (Ctrl+Z, as the Windows console has it) -- by what is left, then EOF.
import type { Kernel } from '../kernel.ts';
import { defineStruct, bytes } from '../struct.ts';
import { LIST_ENTRY } from '../layouts.ts';
import { IRP } from '../oblayouts.ts';
import { initializeListHead, insertTailList, isListEmpty } from '../rtl/list.ts';

export const CONSOLE_TYPE_AHEAD = 4096;
const LINE_FEED = 0x0A;

export const CONSOLE_EXTENSION = defineStruct('CONSOLE_EXTENSION', 0x10 + CONSOLE_TYPE_AHEAD, {
  PendingReads: [0x0, LIST_ENTRY],
  Count: [0x8, 'u32'],                  // bytes in Buffer
  InputEnded: [0xC, 'u32'],             // Ctrl+Z came: reads end with what is left, then EOF
  Buffer: [0x10, bytes(CONSOLE_TYPE_AHEAD)],
});

export function initializeConsoleExtension(k: Kernel, ext: number): void {
  initializeListHead(k.vm, ext + CONSOLE_EXTENSION.off.PendingReads);
}

const view = (k: Kernel, ext: number) => CONSOLE_EXTENSION.at(k.vm, ext);

/** A typed byte into the type-ahead buffer (dropped when it is full, as a console beeps). */
export function typeAhead(k: Kernel, ext: number, byte: number): void {
  const e = view(k, ext), count = e.get('Count');
  if (count >= CONSOLE_TYPE_AHEAD) return;
  k.vm.write8(ext + CONSOLE_EXTENSION.off.Buffer + count, byte);
  e.set('Count', count + 1);
}

export function endInput(k: Kernel, ext: number): void { view(k, ext).set('InputEnded', 1); }
export const inputEnded = (k: Kernel, ext: number) => view(k, ext).get('InputEnded') !== 0;
export const freeSpace = (k: Kernel, ext: number) => CONSOLE_TYPE_AHEAD - view(k, ext).get('Count');

/** How many bytes a read of `length` takes now, or -1 when it must wait for a line. */
export function readable(k: Kernel, ext: number, length: number): number {
  const count = view(k, ext).get('Count');
  const text = k.vm.readBytes(ext + CONSOLE_EXTENSION.off.Buffer, count);
  const eol = text.indexOf(LINE_FEED);
  if (eol >= 0) return Math.min(length, eol + 1);
  if (inputEnded(k, ext) || count === CONSOLE_TYPE_AHEAD) return Math.min(length, count);
  return -1;
}

/** Takes the first `n` bytes out of the buffer. */
export function take(k: Kernel, ext: number, n: number): Uint8Array {
  const e = view(k, ext), count = e.get('Count'), at = ext + CONSOLE_EXTENSION.off.Buffer;
  const data = k.vm.readBytes(at, n);
  if (count > n) k.vm.writeBytes(at, k.vm.readBytes(at + n, count - n));
  e.set('Count', count - n);
  return data;
}

/** IoMarkIrpPending and the wait for a line: the IRP joins the queue. */
export function queueRead(k: Kernel, ext: number, irp: number): void {
  IRP.at(k.vm, irp).set('PendingReturned', 1);
  insertTailList(k.vm, ext + CONSOLE_EXTENSION.off.PendingReads, irp + IRP.off.ListEntry);
}

export const hasPendingReads = (k: Kernel, ext: number) => !isListEmpty(k.vm, ext + CONSOLE_EXTENSION.off.PendingReads);

/** The waiting reads, oldest first. */
export function pendingReads(k: Kernel, ext: number): number[] {
  const head = ext + CONSOLE_EXTENSION.off.PendingReads, irps: number[] = [];
  for (let e = LIST_ENTRY.at(k.vm, head).get('Flink'); e !== head; e = LIST_ENTRY.at(k.vm, e).get('Flink')) irps.push(e - IRP.off.ListEntry);
  return irps;
}

/** RemoveEntryList for a waiting read. */
export function unqueueRead(k: Kernel, irp: number): void {
  const entry = LIST_ENTRY.at(k.vm, irp + IRP.off.ListEntry);
  const flink = entry.get('Flink'), blink = entry.get('Blink');
  LIST_ENTRY.at(k.vm, blink).set('Flink', flink);
  LIST_ENTRY.at(k.vm, flink).set('Blink', blink);
}
