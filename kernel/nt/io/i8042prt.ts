// The keyboard's host halves: I8042KeyboardInterruptService (each byte the guest ISR read
// from the data port goes into the console's type-ahead buffer; when that lets a waiting
// read finish, the console's DPC is queued: IoRequestDpc on DEVICE_OBJECT.Dpc) and the
// console's DPC routine (IoCompleteRequest for every read that can finish, at
// DISPATCH_LEVEL, in whatever thread the interrupt found: the I/O manager finishes it in
// the requester's context by kernel APC). And where input comes from: a read that must
// wait asks the machine's input source for more, which arrives as keystrokes on the
// instruction clock (stamped in the keyboard's input log), KEYSTROKE_LATENCY
// instructions later -- after the reader is asleep, as a typist is slower than a CPU.
import type { Kernel } from '../kernel.ts';
import { DEVICE_OBJECT, IRP } from '../oblayouts.ts';
import { KTRAP_FRAME, KDPC } from '../layouts.ts';
import { EBP, EDX, ESP } from '../../cpu/types.ts';
import { initializeDpc, insertQueueDpc } from '../ke/dpc.ts';
import { completeWith, currentStackLocation } from './iomgr.ts';
import { CONSOLE_EXTENSION, typeAhead, endInput, readable, take, hasPendingReads, pendingReads, unqueueRead, inputEnded, freeSpace } from './conbuffer.ts';
import { HC_I8042_INTERRUPT, HC_CONSOLE_DPC, KEYBOARD_VECTOR } from '../hal/keyboard.ts';
import { STATUS_SUCCESS, STATUS_END_OF_FILE } from '../ex/status.ts';

/** Ctrl+Z: the end of console input. */
export const CONSOLE_EOF = 0x1A;
/** Instructions between asking the input source and its keystrokes arriving. */
export const KEYSTROKE_LATENCY = 10_000;

const extensionOf = (k: Kernel, device: number) => DEVICE_OBJECT.at(k.vm, device).get('DeviceExtension');

/** A read that can finish now takes its bytes and completes; returns false if it waits. */
export function satisfyRead(k: Kernel, device: number, irp: number): boolean {
  const ext = extensionOf(k, device);
  const n = readable(k, ext, currentStackLocation(k, irp).get('Length'));
  if (n < 0) return false;
  if (n === 0) { completeWith(k, irp, STATUS_END_OF_FILE, 0); return true; }
  k.vm.writeBytes(IRP.at(k.vm, irp).get('SystemBuffer'), take(k, ext, n));
  completeWith(k, irp, STATUS_SUCCESS, n);
  return true;
}

/** More input wanted: unless keystrokes are on their way, ask the source (nothing left
 *  there is Ctrl+Z). */
export function requestInput(k: Kernel, device: number): void {
  const keyboard = k.hal!.keyboard;
  const ext = extensionOf(k, device);
  if (!keyboard.idle || inputEnded(k, ext)) return;
  const data = k.console.read(freeSpace(k, ext));
  keyboard.schedule(k.cpu.icount + KEYSTROKE_LATENCY, data.length ? data : Uint8Array.of(CONSOLE_EOF));
}

/** I8042KeyboardInterruptService's host half: EDX = the byte. */
function keyboardInterrupt(k: Kernel, device: number): void {
  const byte = k.cpu.regs[EDX] & 0xFF;
  k.emit({ kind: 'interrupt', vector: KEYBOARD_VECTOR, source: 'external', eip: KTRAP_FRAME.at(k.vm, k.cpu.regs[EBP] >>> 0).get('Eip') });
  const ext = extensionOf(k, device);
  if (byte === CONSOLE_EOF) endInput(k, ext); else typeAhead(k, ext, byte);
  const first = pendingReads(k, ext)[0];
  if (first === undefined) return;
  if (readable(k, ext, currentStackLocation(k, first).get('Length')) >= 0) insertQueueDpc(k, device + DEVICE_OBJECT.off.Dpc, 0, 0);
  else requestInput(k, device);        // a line begun and the typist paused: more, please
}

/** The console's DPC routine: every waiting read that can finish does; if some still
 *  wait, more input is asked for. */
function consoleDpc(k: Kernel): void {
  const dpc = k.vm.read32((k.cpu.regs[ESP] >>> 0) + 4) >>> 0;
  const device = KDPC.at(k.vm, dpc).get('DeferredContext');
  const ext = extensionOf(k, device);
  for (const irp of pendingReads(k, ext)) {
    unqueueRead(k, irp);
    if (!satisfyRead(k, device, irp)) { requeue(k, ext, irp); break; }
  }
  if (hasPendingReads(k, ext)) requestInput(k, device);
}

function requeue(k: Kernel, ext: number, irp: number): void {
  // Back at the head (InsertHeadList): it is still the oldest.
  const head = ext + CONSOLE_EXTENSION.off.PendingReads, entry = irp + IRP.off.ListEntry;
  const first = k.vm.read32(head) >>> 0;
  k.vm.write32(entry, first);
  k.vm.write32(entry + 4, head);
  k.vm.write32(first + 4, entry);
  k.vm.write32(head, entry);
}

/** Boot: the console device's DPC, and the host calls of the guest stubs. */
export function connectKeyboard(k: Kernel, console: number): void {
  initializeDpc(k, console + DEVICE_OBJECT.off.Dpc, k.sym('IopConsoleDpcRoutine'), console);
  k.hostCalls.register(HC_I8042_INTERRUPT, () => keyboardInterrupt(k, console));
  k.hostCalls.register(HC_CONSOLE_DPC, () => consoleDpc(k));
}
