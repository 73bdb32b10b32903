// What the guest half of the keyboard needs (into ks386.inc): the i8042's ports, IRQ 1's
// vector and IRQL, and the host calls of its interrupt service routine and of the console
// driver's DPC. Host-call numbers of the HAL and drivers start at 0x10100, apart from the
// kernel's (ke/hostcall.ts).
import { PRIMARY_VECTOR_BASE, PROFILE_LEVEL } from '../ke/irql.ts';
import { I8042_DATA_PORT, I8042_STATUS_PORT, I8042_OUTPUT_BUFFER_FULL, KEYBOARD_IRQ } from '../../cpu/i8042.ts';

export { I8042_DATA_PORT, I8042_STATUS_PORT, I8042_OUTPUT_BUFFER_FULL };
/** IRQ 1 arrives here. */
export const KEYBOARD_VECTOR = PRIMARY_VECTOR_BASE + KEYBOARD_IRQ;
/** A device IRQL: 27 - IRQ (the reference's IRQL = 27 - (vector - 0x30)). */
export const KEYBOARD_LEVEL = PROFILE_LEVEL - KEYBOARD_IRQ;
/** I8042KeyboardInterruptService's host half: EDX = the byte read from the data port. */
export const HC_I8042_INTERRUPT = 0x10100;
/** The console device's DPC routine (IopConsoleDpcRoutine): completes waiting reads. */
export const HC_CONSOLE_DPC = 0x10101;
