// Time. The machine's clock is the instruction count (principle 4): the 8254 counts one
// input clock per `instructionsPerClock` instructions (pit.ts), and the HAL programs it for
// a tick every CLOCK_INTERVAL_MS, on which KeUpdateSystemTime advances
// KUSER_SHARED_DATA.TickCountLow. Milliseconds and instruction counts convert through it.
import type { Kernel } from '../kernel.ts';
import { KUSER_SHARED_DATA } from '../layouts.ts';
import { KI_USER_SHARED_DATA } from '../memmap.ts';
import { CLOCK_INTERVAL_MS } from '../hal/hal.ts';
import { PIT_INPUT_HZ, DEFAULT_INSTRUCTIONS_PER_CLOCK } from '../../cpu/pit.ts';

/** Instructions per millisecond of machine time. */
export function instructionsPerMs(k: Kernel): number {
  return (k.hal?.pit.instructionsPerClock ?? DEFAULT_INSTRUCTIONS_PER_CLOCK) * PIT_INPUT_HZ / 1000;
}

/** GetTickCount's value: milliseconds since boot, in clock ticks. */
export function tickCount(k: Kernel): number {
  return (KUSER_SHARED_DATA.at(k.vm, KI_USER_SHARED_DATA).get('TickCountLow') * CLOCK_INTERVAL_MS) >>> 0;
}

/** 100-nanosecond units (NT's time unit) to instructions. */
export function hundredNsToInstructions(k: Kernel, units: number): number {
  return Math.ceil(units / 10_000 * instructionsPerMs(k));
}
