// Event objects (NT's ex/event.c): a KEVENT body, notification (manual reset) or
// synchronization (auto reset), named in \BaseNamedObjects or wherever the caller says.
import type { ServiceBody, ServiceCall } from '../ke/services.ts';
import type { Kernel } from '../kernel.ts';
import { KEVENT } from '../oblayouts.ts';
import { createObject, dereferenceObject } from '../ob/object.ts';
import { obType } from '../ob/types.ts';
import { openObjectByName, insertObject } from '../ob/insert.ts';
import { referenceObjectByHandle } from '../ob/handle.ts';
import { captureObjectAttributes } from '../ob/capture.ts';
import { initializeDispatcherHeader, setSignalState } from '../ke/dispatcher.ts';
import { DISPATCHER_HEADER } from '../layouts.ts';
import { EVENT_MODIFY_STATE } from '../ob/access.ts';
import { UserMode } from '../ke/irql.ts';
import { STATUS_SUCCESS, STATUS_INVALID_PARAMETER } from '../ex/status.ts';

/** NtCreateEvent's EventType. */
export const NotificationEvent = 0, SynchronizationEvent = 1;

/** KeInitializeEvent. */
export function initializeEvent(k: Kernel, event: number, type: number, signalled: boolean): void {
  initializeDispatcherHeader(k, event, type, KEVENT.size, signalled);
}

/** NtCreateEvent(EventHandle, DesiredAccess, ObjectAttributes, EventType, InitialState). */
export const NtCreateEvent: ServiceBody = ({ kernel, mem, previousMode, args: [handleOut, access, oa, type, initial] }) => {
  if (previousMode === UserMode) mem.probe(handleOut, 4, true);
  if (type !== NotificationEvent && type !== SynchronizationEvent) return STATUS_INVALID_PARAMETER;
  const attrs = captureObjectAttributes(mem, oa, previousMode);
  if (attrs.status !== STATUS_SUCCESS) return attrs.status;
  const event = createObject(kernel, obType(kernel, 'Event'), KEVENT.size, attrs.name ?? undefined);
  initializeEvent(kernel, event, type, !!initial);
  return insertObject(kernel, event, attrs, access, previousMode, handleOut, mem);
};

/** NtOpenEvent(EventHandle, DesiredAccess, ObjectAttributes). */
export const NtOpenEvent: ServiceBody = ({ kernel, mem, previousMode, args: [handleOut, access, oa] }) =>
  openObjectByName(kernel, mem, previousMode, { handleOut, access, oa, type: obType(kernel, 'Event') });

/** Runs `change` on the event a handle names; writes the previous state if asked. */
function withEvent(call: ServiceCall, previousOut: number, change: (event: number) => number): number {
  const { kernel, mem, previousMode, args: [handle] } = call;
  if (previousOut && previousMode === UserMode) mem.probe(previousOut, 4, true);
  const r = referenceObjectByHandle(kernel, handle, EVENT_MODIFY_STATE, obType(kernel, 'Event'), previousMode);
  if (r.status !== STATUS_SUCCESS) return r.status;
  const previous = change(r.body);
  dereferenceObject(kernel, r.body);
  if (previousOut) mem.write32(previousOut, previous);
  return STATUS_SUCCESS;
}

/** NtSetEvent(EventHandle, PreviousState). */
export const NtSetEvent: ServiceBody = call => withEvent(call, call.args[1], e => setSignalState(call.kernel, e, 1));
/** NtResetEvent(EventHandle, PreviousState). */
export const NtResetEvent: ServiceBody = call => withEvent(call, call.args[1], e => setSignalState(call.kernel, e, 0));
/** NtClearEvent(EventHandle). */
export const NtClearEvent: ServiceBody = call => withEvent(call, 0, e => setSignalState(call.kernel, e, 0));
/** NtPulseEvent(EventHandle, PreviousState): set (waking who can wake), then reset. */
export const NtPulseEvent: ServiceBody = call => withEvent(call, call.args[1], e => {
  const old = setSignalState(call.kernel, e, 1);
  DISPATCHER_HEADER.at(call.kernel.vm, e).set('SignalState', 0);
  return old;
});
