// NtQueryDirectoryFile: the class and the fixed part's length, the probes, the pattern
// captured, then the directory's handle (FILE_LIST_DIRECTORY) and IRP_MJ_DIRECTORY_CONTROL
// to its file system (fsdir.ts). The pattern travels as a UNICODE_STRING in pool, its
// address in the stack location's Parameters[2]. Completion is synchronous: the IOSB and
// the event are set before the service returns; an APC routine is not queued (a gap).
import type { ServiceBody } from '../ke/services.ts';
import type { Kernel } from '../kernel.ts';
import { IO_STATUS_BLOCK, UNICODE_STRING } from '../layouts.ts';
import { referenceObjectByHandle } from '../ob/handle.ts';
import { dereferenceObject, writeUnicodeString } from '../ob/object.ts';
import { obType } from '../ob/types.ts';
import { UserMode } from '../ke/irql.ts';
import { setSignalState } from '../ke/dispatcher.ts';
import { IRP_MJ_DIRECTORY_CONTROL } from './iomgr.ts';
import { callDriverForFile } from './request.ts';
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
  const [handle, eventHandle, , , iosb, buffer, length, infoClass, single, fileName, restart] = args;
  const fixed = DIRECTORY_NAME_OFFSET[infoClass];
  if (fixed === undefined) return STATUS_INVALID_INFO_CLASS;
  if (length < fixed) return STATUS_INFO_LENGTH_MISMATCH;
  if (previousMode === UserMode) { mem.probe(iosb, IO_STATUS_BLOCK.size, true); mem.probe(buffer, length, true); }
  const pattern = capturePattern(mem, fileName, previousMode);
  const r = referenceObjectByHandle(k, handle, FILE_LIST_DIRECTORY, obType(k, 'File'), previousMode);
  if (r.status !== STATUS_SUCCESS) return r.status;
  let event = 0;
  try {
    if (eventHandle) {
      const e = referenceObjectByHandle(k, eventHandle, EVENT_MODIFY_STATE, obType(k, 'Event'), previousMode);
      if (e.status !== STATUS_SUCCESS) return e.status;
      event = e.body;
      setSignalState(k, event, 0);
    }
    const result = query(k, r.body, { length, infoClass, pattern, mode: previousMode, flags: (restart & 0xFF ? SL_RESTART_SCAN : 0) | (single & 0xFF ? SL_RETURN_SINGLE_ENTRY : 0) });
    if (result.output.length) mem.writeBytes(buffer, result.output);
    IO_STATUS_BLOCK.at(mem, iosb).set('Status', result.status);
    IO_STATUS_BLOCK.at(mem, iosb).set('Information', result.information);
    if (event) setSignalState(k, event, 1);
    return result.status;
  } finally {
    if (event) dereferenceObject(k, event);
    dereferenceObject(k, r.body);
  }
};

interface Query { length: number; infoClass: number; pattern: string | null; mode: number; flags: number }

function query(k: Kernel, file: number, q: Query) {
  const patternAt = q.pattern === null ? 0 : k.pool.allocate(UNICODE_STRING.size, k.vm);
  if (patternAt) writeUnicodeString(k, patternAt, q.pattern!);
  try {
    return callDriverForFile(k, file, {
      major: IRP_MJ_DIRECTORY_CONTROL, minor: IRP_MN_QUERY_DIRECTORY, length: q.length, infoClass: q.infoClass,
      parameter2: patternAt, flags: q.flags, mode: q.mode,
    });
  } finally {
    if (patternAt) {
      const s = UNICODE_STRING.at(k.vm, patternAt);
      if (s.get('Buffer')) k.pool.release(s.get('Buffer'), s.get('MaximumLength'));
      k.pool.release(patternAt, UNICODE_STRING.size);
    }
  }
}
