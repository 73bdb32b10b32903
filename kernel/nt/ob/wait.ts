// NtWaitForSingleObject and NtWaitForMultipleObjects (NT's obwait.c): handles to dispatcher
// objects -- events, threads, processes, and files (whose FILE_OBJECT.Event the File type
// names as its default object) -- waited on through ke/dispatcher.ts.
import type { ServiceBody, ServiceCall } from '../ke/services.ts';
import { referenceObjectByHandle } from './handle.ts';
import { dereferenceObject, objectType } from './object.ts';
import { waitableObject } from './types.ts';
import { waitForObjects } from '../ke/dispatcher.ts';
import { dueIcount } from '../ke/wait.ts';
import { SYNCHRONIZE } from './access.ts';
import { UserMode } from '../ke/irql.ts';
import { STATUS_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_OBJECT_TYPE_MISMATCH } from '../ex/status.ts';

/** MAXIMUM_WAIT_OBJECTS. */
export const MAXIMUM_WAIT_OBJECTS = 64;
/** NtWaitForMultipleObjects' WaitType. */
export const WaitAll = 0, WaitAny = 1;

/** References each handle and finds its dispatcher object; the references are dropped
 *  again at once (the waiting thread holds its handles, as the caller's do in NT). */
function dispatcherObjects(call: ServiceCall, handles: number[]): { status: number; objects: number[] } {
  const objects: number[] = [];
  for (const handle of handles) {
    const r = referenceObjectByHandle(call.kernel, handle, SYNCHRONIZE, 0, call.previousMode);
    if (r.status !== STATUS_SUCCESS) return { status: r.status, objects };
    const object = waitableObject(call.kernel, objectType(call.kernel, r.body), r.body);
    dereferenceObject(call.kernel, r.body);
    if (!object) return { status: STATUS_OBJECT_TYPE_MISMATCH, objects };
    objects.push(object);
  }
  return { status: STATUS_SUCCESS, objects };
}

/** NtWaitForSingleObject(Handle, Alertable, Timeout). */
export const NtWaitForSingleObject: ServiceBody = call => {
  const [handle, alertable, timeout] = call.args;
  const due = dueIcount(call.kernel, call.mem, timeout, call.previousMode);
  const { status, objects } = dispatcherObjects(call, [handle]);
  if (status !== STATUS_SUCCESS) return status;
  return waitForObjects(call.kernel, { objects, waitAll: false, alertable: !!alertable, dueIcount: due });
};

/** NtWaitForMultipleObjects(Count, Handles, WaitType, Alertable, Timeout). */
export const NtWaitForMultipleObjects: ServiceBody = call => {
  const [count, handlesPtr, waitType, alertable, timeout] = call.args;
  const { mem, previousMode } = call;
  if (count === 0 || count > MAXIMUM_WAIT_OBJECTS) return STATUS_INVALID_PARAMETER;
  if (waitType !== WaitAll && waitType !== WaitAny) return STATUS_INVALID_PARAMETER;
  if (previousMode === UserMode) mem.probe(handlesPtr, 4 * count, false);
  const handles = Array.from({ length: count }, (_, i) => mem.read32(handlesPtr + 4 * i) >>> 0);
  const due = dueIcount(call.kernel, mem, timeout, previousMode);
  const { status, objects } = dispatcherObjects(call, handles);
  if (status !== STATUS_SUCCESS) return status;
  if (waitType === WaitAll && new Set(objects).size !== objects.length) return STATUS_INVALID_PARAMETER;
  return waitForObjects(call.kernel, { objects, waitAll: waitType === WaitAll, alertable: !!alertable, dueIcount: due });
};
