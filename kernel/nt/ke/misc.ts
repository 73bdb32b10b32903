// Small kernel services that need no other component.
import type { ServiceBody } from './services.ts';
import { tickCount } from './clock.ts';
import { STATUS_NO_YIELD_PERFORMED } from '../ex/status.ts';

/** NtGetTickCount(): milliseconds since boot (in EAX, not an NTSTATUS). */
export const NtGetTickCount: ServiceBody = ({ kernel }) => tickCount(kernel);

/** NtYieldExecution(): no other thread is ever ready yet. */
export const NtYieldExecution: ServiceBody = () => STATUS_NO_YIELD_PERFORMED;
