// The file system's IRP_MJ_DIRECTORY_CONTROL / IRP_MN_QUERY_DIRECTORY: directory entries
// as FILE_DIRECTORY/FULL_DIR/BOTH_DIR/NAMES_INFORMATION records, each 8-byte aligned and
// chained by NextEntryOffset. The listing's state -- the pattern fixed by the first query
// and the name of the last entry returned -- is the file object's context block (a CCB in
// pool, at FILE_OBJECT.FsContext2): FindNextFile resumes after that name, RestartScan
// starts over. A directory other than a volume's root lists "." (itself) and ".." (its
// parent) first, as NTFS does; the store has no such entries, so the CCB also records
// how far through those two the listing is.
import type { Kernel } from '../kernel.ts';
import type { NodeInfo } from '../../store/types.ts';
import { FILE_OBJECT, IRP } from '../oblayouts.ts';
import { UNICODE_STRING } from '../layouts.ts';
import { completeWith, currentStackLocation } from './iomgr.ts';
import { diskOf, statusOfDiskError } from './fs.ts';
import { InfoWriter } from './infobuffer.ts';
import { compilePattern } from '../../store/wildcard.ts';
import { readUnicodeStringAt, writeUnicodeString, releaseUnicodeString } from '../ob/object.ts';
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
/** The CCB: Pattern (UNICODE_STRING) +0, ResumeName (UNICODE_STRING) +8, Dots (ULONG)
 *  +0x10: how many of "." and ".." have been returned (2 for a root, which has none). */
const CCB_PATTERN = 0, CCB_RESUME = UNICODE_STRING.size, CCB_DOTS = 2 * UNICODE_STRING.size, CCB_SIZE = CCB_DOTS + 4;
const DOT_NAMES = ['.', '..'];

/** An entry to list: the node it describes, under the name it is listed by. */
interface Entry { node: NodeInfo; name: string }

/** One record for `e` in `infoClass`'s layout. */
function record(infoClass: number, { node: n, name }: Entry): Uint8Array {
  const at = DIRECTORY_NAME_OFFSET[infoClass];
  const w = new InfoWriter(at + 2 * name.length);
  if (infoClass === FileNamesInformation) {
    w.u32(8, 2 * name.length).utf16(at, name);
    return w.bytes;
  }
  w.i64(8, n.creationTime).i64(0x10, n.lastAccessTime).i64(0x18, n.lastWriteTime).i64(0x20, n.changeTime)
    .i64(0x28, n.endOfFile).i64(0x30, n.allocationSize).u32(0x38, n.attributes).u32(0x3C, 2 * name.length);
  w.utf16(at, name);
  return w.bytes;
}

/** The "." and ".." entries still to list that match `pattern`: the directory itself and
 *  its parent, from `dots` (how many were returned already) on. */
function dotEntries(k: Kernel, dir: number, dots: number, pattern: string): Entry[] {
  if (dots >= DOT_NAMES.length) return [];
  const disk = diskOf(k).disk, self = disk.stat(dir);
  if (!self.ok || self.value.parent === null) return [];
  const parent = disk.stat(self.value.parent);
  const matches = compilePattern(pattern, 'dos'), out: Entry[] = [];
  for (let i = dots; i < DOT_NAMES.length; i++) {
    const node = i === 0 ? self.value : parent.ok ? parent.value : self.value;
    if (matches(DOT_NAMES[i])) out.push({ node, name: DOT_NAMES[i] });
  }
  return out;
}

/** The file object's CCB, made at the first query. */
function ccbOf(k: Kernel, file: number): number {
  const f = FILE_OBJECT.at(k.vm, file);
  if (!f.get('FsContext2')) f.set('FsContext2', k.pool.allocate(CCB_SIZE, k.vm));
  return f.get('FsContext2');
}

/** Replaces a UNICODE_STRING in the CCB (the old text's pool goes back). */
function setCcbString(k: Kernel, at: number, text: string): void {
  releaseUnicodeString(k, at);
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
    k.vm.write32(ccb + CCB_DOTS, 0);
  }
  const pattern = readUnicodeStringAt(k, ccb + CCB_PATTERN);
  const after = readUnicodeStringAt(k, ccb + CCB_RESUME);
  const dots = k.vm.read32(ccb + CCB_DOTS);
  const single = !!(s.get('Flags') & SL_RETURN_SINGLE_ENTRY);
  const dir = FILE_OBJECT.at(k.vm, file).get('FsContext');
  const listed = diskOf(k).disk.list(dir, { pattern, syntax: 'dos', after: after || undefined });
  if (!listed.ok) return completeWith(k, irp, statusOfDiskError(listed.error), 0);
  const entries = [...dotEntries(k, dir, dots, pattern), ...listed.value.map(node => ({ node, name: node.name }))];
  if (!entries.length) return completeWith(k, irp, after || dots || !(first || restart) ? STATUS_NO_MORE_FILES : STATUS_NO_SUCH_FILE, 0);
  return fill(k, irp, ccb, infoClass, single ? entries.slice(0, 1) : entries);
}

/** As many records as fit; the first one always goes, cut short if it must be. The CCB
 *  then says where the next query resumes: after the last name, or within the dots. */
function fill(k: Kernel, irp: number, ccb: number, infoClass: number, entries: Entry[]): number {
  const length = currentStackLocation(k, irp).get('Length');
  const buffer = IRP.at(k.vm, irp).get('SystemBuffer');
  let offset = 0, previous = -1, last: Entry | null = null;
  for (const e of entries) {
    const bytes = record(infoClass, e);
    if (offset + bytes.length > length) {
      if (previous >= 0) break;
      k.vm.writeBytes(buffer, bytes.subarray(0, length));
      return completeWith(k, irp, STATUS_BUFFER_OVERFLOW, length);
    }
    if (previous >= 0) k.vm.write32(buffer + previous, offset - previous);
    k.vm.writeBytes(buffer + offset, bytes);
    previous = offset;
    last = e;
    const end = offset + bytes.length;
    offset = (end + ENTRY_ALIGNMENT - 1) & ~(ENTRY_ALIGNMENT - 1);
    if (offset > length) { offset = end; break; }
  }
  const dot = DOT_NAMES.indexOf(last!.name);      // no file is named "." or ".."
  if (dot >= 0) k.vm.write32(ccb + CCB_DOTS, dot + 1);
  else { k.vm.write32(ccb + CCB_DOTS, DOT_NAMES.length); setCcbString(k, ccb + CCB_RESUME, last!.name); }
  return completeWith(k, irp, STATUS_SUCCESS, Math.min(offset, length));
}

/** The CCB goes with the file object (IRP_MJ_CLOSE). */
export function releaseCcb(k: Kernel, file: number): void {
  const f = FILE_OBJECT.at(k.vm, file);
  const ccb = f.get('FsContext2');
  if (!ccb) return;
  setCcbString(k, ccb + CCB_PATTERN, '');
  setCcbString(k, ccb + CCB_RESUME, '');
  k.pool.release(ccb, CCB_SIZE);
  f.set('FsContext2', 0);
}
