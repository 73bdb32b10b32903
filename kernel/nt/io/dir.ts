// NtQueryDirectoryFile: the class and the fixed part's length, the probes, the pattern
// captured, then the directory's handle (FILE_LIST_DIRECTORY) and IRP_MJ_DIRECTORY_CONTROL
// to its file system (fsdir.ts). The pattern travels as a UNICODE_STRING in pool, its
// address in the stack location's Parameters[2]. The IRP completes to the caller as a
// read's does (servicetail.ts, IopCompleteRequest): the records copied to the caller's
// buffer, the IOSB, the event, the APC routine queued; an asynchronous directory handle
// gets STATUS_PENDING.
import type { ServiceBody } from '../ke/services.ts';
import type { Kernel } from '../kernel.ts';
import { IO_STATUS_BLOCK, UNICODE_STRING } from '../layouts.ts';
import { referenceObjectByHandle } from '../ob/handle.ts';
import { dereferenceObject, writeUnicodeString, releaseUnicodeString } from '../ob/object.ts';
import { obType } from '../ob/types.ts';
import { UserMode } from '../ke/irql.ts';
import { IRP_MJ_DIRECTORY_CONTROL, nextStackLocation } from './iomgr.ts';
import { allocateCallerIrp, issueCallerRequest, isSynchronous, type CallerRequest } from './servicetail.ts';
import { IO_STACK_LOCATION } from '../oblayouts.ts';
import { DIRECTORY_NAME_OFFSET, IRP_MN_QUERY_DIRECTORY, SL_RESTART_SCAN, SL_RETURN_SINGLE_ENTRY } from './fsdir.ts';
import { FILE_LIST_DIRECTORY, EVENT_MODIFY_STATE } from '../ob/access.ts';
import type { VirtualMemory } from '../mm/virtual.ts';
import { STATUS_SUCCESS, STATUS_INVALID_INFO_CLASS, STATUS_INFO_LENGTH_MISMATCH } from '../ex/status.ts';

/** The caller's pattern (a UNICODE_STRING), '' when none. */
function capturePattern(mem: VirtualMemory, at: number, mode: number): string | null {
  if (!at) return null;
  if (mode === UserMode) mem.probe(at, UNICODE_STRING.size, false);
  const s = UNICODE_STRING.at(mem, at);
  const bytes = s.get('Length'), buffer = s.get('Buffer');
  if (mode === UserMode && bytes) mem.probe(buffer, bytes, false);
  let text = '';
  for (let i = 0; i < bytes; i += 2) text += String.fromCharCode(mem.read16(buffer + i));
  return text;
}

/** NtQueryDirectoryFile(FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, FileInformation,
 *  Length, FileInformationClass, ReturnSingleEntry, FileName, RestartScan). */
export const NtQueryDirectoryFile: ServiceBody = ({ kernel: k, mem, previousMode, args }) => {
  const [handle, eventHandle, apcRoutine, apcContext, iosb, buffer, length, infoClass, single, fileName, restart] = args;
  const fixed = DIRECTORY_NAME_OFFSET[infoClass];
  if (fixed === undefined) return STATUS_INVALID_INFO_CLASS;
  if (length < fixed) return STATUS_INFO_LENGTH_MISMATCH;
  if (previousMode === UserMode) { mem.probe(iosb, IO_STATUS_BLOCK.size, true); mem.probe(buffer, length, true); }
  const pattern = capturePattern(mem, fileName, previousMode);
  const r = referenceObjectByHandle(k, handle, FILE_LIST_DIRECTORY, obType(k, 'File'), previousMode);
  if (r.status !== STATUS_SUCCESS) return r.status;
  const file = r.body;
  let event = 0;
  if (eventHandle) {
    const e = referenceObjectByHandle(k, eventHandle, EVENT_MODIFY_STATE, obType(k, 'Event'), previousMode);
    if (e.status !== STATUS_SUCCESS) { dereferenceObject(k, file); return e.status; }
    event = e.body;
  }
  // From here the IRP owns the two references; its completion drops them.
  const request: CallerRequest = {
    file, event, apcRoutine, apcContext, iosb, buffer, length, mode: previousMode, output: true, input: null,
    sync: isSynchronous(k, file),
  };
  const irp = allocateCallerIrp(k, request);
  const st = IO_STACK_LOCATION.at(k.vm, nextStackLocation(k, irp));
  st.set('MajorFunction', IRP_MJ_DIRECTORY_CONTROL);
  st.set('MinorFunction', IRP_MN_QUERY_DIRECTORY);
  st.set('Flags', (restart & 0xFF ? SL_RESTART_SCAN : 0) | (single & 0xFF ? SL_RETURN_SINGLE_ENTRY : 0));
  st.set('FileObject', file);
  st.set('Parameters[0]', length);
  st.set('Parameters[1]', infoClass);
  // The pattern lives for the call: the file system reads it while it dispatches the
  // request (and keeps its own copy in the CCB), and it completes there.
  const patternAt = pattern === null ? 0 : k.pool.allocate(UNICODE_STRING.size, k.vm);
  if (patternAt) writeUnicodeString(k, patternAt, pattern!);
  st.set('Parameters[2]', patternAt);
  try {
    return issueCallerRequest(k, request, irp);
  } finally {
    if (patternAt) { releaseUnicodeString(k, patternAt); k.pool.release(patternAt, UNICODE_STRING.size); }
  }
};
