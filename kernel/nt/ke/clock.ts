// Time. The machine's clock is the instruction count (principle 4), so "milliseconds" are
// a fixed number of instructions: the emulated CPU is taken to run at 10 MIPS. No clock
// interrupt exists yet; KUSER_SHARED_DATA.TickCountLow is not advanced.
import type { Kernel } from '../kernel.ts';

export const INSTRUCTIONS_PER_MS = 10_000;

/** GetTickCount's value: milliseconds since boot. */
export function tickCount(k: Kernel): number { return Math.floor(k.cpu.icount / INSTRUCTIONS_PER_MS) >>> 0; }
