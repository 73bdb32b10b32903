// Interrupt request levels (reference: "IRQL"). KPCR.Irql holds the current one.
export const PASSIVE_LEVEL = 0;
export const APC_LEVEL = 1;
export const DISPATCH_LEVEL = 2;
export const PROFILE_LEVEL = 27;
export const CLOCK_LEVEL = 28;
export const IPI_LEVEL = 29;
export const POWER_LEVEL = 30;
export const HIGH_LEVEL = 31;

/** Hardware IRQs are delivered from this vector up; device IRQL = 27 - (vector - 0x30). */
export const PRIMARY_VECTOR_BASE = 0x30;
export function irqlOfVector(vector: number): number { return PROFILE_LEVEL - (vector - PRIMARY_VECTOR_BASE); }

/** KPROCESSOR_MODE, as KTHREAD.PreviousMode holds it. */
export const KernelMode = 0;
export const UserMode = 1;
