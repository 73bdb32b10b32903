// The file system's IRP_MJ_DIRECTORY_CONTROL / IRP_MN_QUERY_DIRECTORY: directory entries
// as FILE_DIRECTORY/FULL_DIR/BOTH_DIR/NAMES_INFORMATION records, each 8-byte aligned and
// chained by NextEntryOffset. The listing's state -- the pattern fixed by the first query
// and the name of the last entry returned -- is the file object's context block (a CCB in
// pool, at FILE_OBJECT.FsContext2): FindNextFile resumes after that name, RestartScan
// starts over. No "." and ".." entries (the store has none).
import type { Kernel } from '../kernel.ts';
import type { NodeInfo } from '../../store/types.ts';
import { FILE_OBJECT, IRP } from '../oblayouts.ts';
import { UNICODE_STRING } from '../layouts.ts';
import { completeWith, currentStackLocation } from './iomgr.ts';
import { diskOf, statusOfDiskError } from './fs.ts';
import { InfoWriter } from './infobuffer.ts';
import { readUnicodeStringAt, writeUnicodeString } from '../ob/object.ts';
import { FileDirectoryInformation, FileFullDirectoryInformation, FileBothDirectoryInformation, FileNamesInformation } from './infoclass.ts';
import { STATUS_SUCCESS, STATUS_NO_SUCH_FILE, STATUS_NO_MORE_FILES, STATUS_BUFFER_OVERFLOW, STATUS_INVALID_PARAMETER, STATUS_INVALID_DEVICE_REQUEST } from '../ex/status.ts';

/** IO_STACK_LOCATION.Flags of a directory query. */
export const SL_RESTART_SCAN = 0x1, SL_RETURN_SINGLE_ENTRY = 0x2;
export const IRP_MN_QUERY_DIRECTORY = 0x1;
/** Where each record's name starts (the fixed part's size). */
export const DIRECTORY_NAME_OFFSET: Record<number, number> = {
  [FileDirectoryInformation]: 0x40, [FileFullDirectoryInformation]: 0x44, [FileBothDirectoryInformation]: 0x5E, [FileNamesInformation]: 0xC,
};
const ENTRY_ALIGNMENT = 8;
/** The CCB: Pattern (UNICODE_STRING) +0, ResumeName (UNICODE_STRING) +8. */
const CCB_SIZE = 2 * UNICODE_STRING.size, CCB_PATTERN = 0, CCB_RESUME = UNICODE_STRING.size;

/** One record for `n` in `infoClass`'s layout. */
function record(infoClass: number, n: NodeInfo): Uint8Array {
  const at = DIRECTORY_NAME_OFFSET[infoClass];
  const w = new InfoWriter(at + 2 * n.name.length);
  if (infoClass === FileNamesInformation) {
    w.u32(8, 2 * n.name.length).utf16(at, n.name);
    return w.bytes;
  }
  w.i64(8, n.creationTime).i64(0x10, n.lastAccessTime).i64(0x18, n.lastWriteTime).i64(0x20, n.changeTime)
    .i64(0x28, n.endOfFile).i64(0x30, n.allocationSize).u32(0x38, n.attributes).u32(0x3C, 2 * n.name.length);
  w.utf16(at, n.name);
  return w.bytes;
}

/** The file object's CCB, made at the first query. */
function ccbOf(k: Kernel, file: number): number {
  const f = FILE_OBJECT.at(k.vm, file);
  if (!f.get('FsContext2')) f.set('FsContext2', k.pool.allocate(CCB_SIZE, k.vm));
  return f.get('FsContext2');
}

/** Replaces a UNICODE_STRING in the CCB (the old text's pool goes back). */
function setCcbString(k: Kernel, at: number, text: string): void {
  const s = UNICODE_STRING.at(k.vm, at);
  if (s.get('Buffer')) k.pool.release(s.get('Buffer'), s.get('MaximumLength'));
  writeUnicodeString(k, at, text);
}

export function directoryControl(k: Kernel, _device: number, irp: number): number {
  const s = currentStackLocation(k, irp);
  if (s.get('MinorFunction') !== IRP_MN_QUERY_DIRECTORY) return completeWith(k, irp, STATUS_INVALID_DEVICE_REQUEST, 0);
  const file = s.get('FileObject'), infoClass = s.get('FileInformationClass');
  if (DIRECTORY_NAME_OFFSET[infoClass] === undefined) return completeWith(k, irp, STATUS_INVALID_PARAMETER, 0);
  const ccb = ccbOf(k, file);
  const first = !UNICODE_STRING.at(k.vm, ccb + CCB_RESUME).get('Buffer') && !UNICODE_STRING.at(k.vm, ccb + CCB_PATTERN).get('Buffer');
  const restart = !!(s.get('Flags') & SL_RESTART_SCAN);
  const patternAt = s.get('Parameters[2]');
  if (first || restart) {
    setCcbString(k, ccb + CCB_PATTERN, (patternAt && readUnicodeStringAt(k, patternAt)) || '*');
    setCcbString(k, ccb + CCB_RESUME, '');
  }
  const pattern = readUnicodeStringAt(k, ccb + CCB_PATTERN);
  const after = readUnicodeStringAt(k, ccb + CCB_RESUME);
  const single = !!(s.get('Flags') & SL_RETURN_SINGLE_ENTRY);
  const listed = diskOf(k).disk.list(FILE_OBJECT.at(k.vm, file).get('FsContext'), { pattern, syntax: 'dos', after: after || undefined });
  if (!listed.ok) return completeWith(k, irp, statusOfDiskError(listed.error), 0);
  if (!listed.value.length) return completeWith(k, irp, after || !(first || restart) ? STATUS_NO_MORE_FILES : STATUS_NO_SUCH_FILE, 0);
  return fill(k, irp, ccb, infoClass, single ? listed.value.slice(0, 1) : listed.value);
}

/** As many records as fit; the first one always goes, cut short if it must be. */
function fill(k: Kernel, irp: number, ccb: number, infoClass: number, nodes: NodeInfo[]): number {
  const length = currentStackLocation(k, irp).get('Length');
  const buffer = IRP.at(k.vm, irp).get('SystemBuffer');
  let offset = 0, previous = -1, last = '';
  for (const n of nodes) {
    const bytes = record(infoClass, n);
    if (offset + bytes.length > length) {
      if (previous >= 0) break;
      k.vm.writeBytes(buffer, bytes.subarray(0, length));
      return completeWith(k, irp, STATUS_BUFFER_OVERFLOW, length);
    }
    if (previous >= 0) k.vm.write32(buffer + previous, offset - previous);
    k.vm.writeBytes(buffer + offset, bytes);
    previous = offset;
    last = n.name;
    const end = offset + bytes.length;
    offset = (end + ENTRY_ALIGNMENT - 1) & ~(ENTRY_ALIGNMENT - 1);
    if (offset > length) { offset = end; break; }
  }
  setCcbString(k, ccb + CCB_RESUME, last);
  return completeWith(k, irp, STATUS_SUCCESS, Math.min(offset, length));
}

/** The CCB goes with the file object's last handle (IRP_MJ_CLEANUP). */
export function releaseCcb(k: Kernel, file: number): void {
  const f = FILE_OBJECT.at(k.vm, file);
  const ccb = f.get('FsContext2');
  if (!ccb) return;
  setCcbString(k, ccb + CCB_PATTERN, '');
  setCcbString(k, ccb + CCB_RESUME, '');
  k.pool.release(ccb, CCB_SIZE);
  f.set('FsContext2', 0);
}
