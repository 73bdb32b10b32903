// What the guest HAL code needs to talk to the interrupt controller (into ks386.inc).
import { PRIMARY_VECTOR_BASE } from '../ke/irql.ts';

export const PIC1_COMMAND = 0x20;
export const PIC2_COMMAND = 0xA0;
/** OCW2: non-specific end of interrupt. */
export const PIC_NONSPECIFIC_EOI = 0x20;
/** IRQ 0 (the 8254 clock) arrives here. */
export const CLOCK_VECTOR = PRIMARY_VECTOR_BASE;
