// Small kernel services that need no other component.
import type { ServiceBody } from './services.ts';
import { tickCount } from './clock.ts';
import { STATUS_SUCCESS, STATUS_NO_YIELD_PERFORMED } from '../ex/status.ts';

/** NtTestAlert(): delivers pending user APCs on the way out (none can be queued yet, so
 *  there is nothing to set up); the cheapest round trip there is, used by the benchmark. */
export const NtTestAlert: ServiceBody = () => STATUS_SUCCESS;

/** NtGetTickCount(): milliseconds since boot (in EAX, not an NTSTATUS). */
export const NtGetTickCount: ServiceBody = ({ kernel }) => tickCount(kernel);

/** NtYieldExecution(): no other thread is ever ready yet. */
export const NtYieldExecution: ServiceBody = () => STATUS_NO_YIELD_PERFORMED;
