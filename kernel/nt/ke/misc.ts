// Small kernel services that need no other component.
import type { ServiceBody } from './services.ts';
import { tickCount } from './clock.ts';

/** NtGetTickCount(): milliseconds since boot (in EAX, not an NTSTATUS). */
export const NtGetTickCount: ServiceBody = ({ kernel }) => tickCount(kernel);
