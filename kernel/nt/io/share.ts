// Sharing modes (IoCheckShareAccess / IoSetShareAccess / IoRemoveShareAccess): each open
// of a file says what it does (read, write, delete: FILE_OBJECT.ReadAccess...) and what it
// lets others do (SharedRead...). A new open fails with STATUS_SHARING_VIOLATION when it
// would do what an existing open does not share, or not share what an existing open does.
// An open for none of the three (attributes only) takes no part. The counts per file are
// NT's SHARE_ACCESS in the FCB; here a host cache keyed by the disk node, rebuilt from the
// open FILE_OBJECTs if ever needed.
import type { Kernel } from '../kernel.ts';
import { FILE_OBJECT } from '../oblayouts.ts';
import { STATUS_SUCCESS, STATUS_SHARING_VIOLATION } from '../ex/status.ts';

/** NtCreateFile's ShareAccess bits. */
export const FILE_SHARE_READ = 0x1, FILE_SHARE_WRITE = 0x2, FILE_SHARE_DELETE = 0x4;

interface ShareAccess { open: number; readers: number; writers: number; deleters: number; sharedRead: number; sharedWrite: number; sharedDelete: number }
const tables = new WeakMap<Kernel, Map<number, ShareAccess>>();
const tableOf = (k: Kernel) => { let t = tables.get(k); if (!t) tables.set(k, t = new Map()); return t; };

function flagsOf(k: Kernel, file: number) {
  const f = FILE_OBJECT.at(k.vm, file);
  return {
    read: f.get('ReadAccess'), write: f.get('WriteAccess'), del: f.get('DeleteAccess'),
    sRead: f.get('SharedRead'), sWrite: f.get('SharedWrite'), sDelete: f.get('SharedDelete'),
  };
}

/** The FILE_OBJECT's share bits from the create's ShareAccess (IoCreateFile's part). */
export function setSharedFlags(k: Kernel, file: number, share: number): void {
  const f = FILE_OBJECT.at(k.vm, file);
  f.set('SharedRead', share & FILE_SHARE_READ ? 1 : 0);
  f.set('SharedWrite', share & FILE_SHARE_WRITE ? 1 : 0);
  f.set('SharedDelete', share & FILE_SHARE_DELETE ? 1 : 0);
}

/** IoCheckShareAccess + IoSetShareAccess for `file` opening `node`. */
export function checkAndSetShareAccess(k: Kernel, node: number, file: number): number {
  const x = flagsOf(k, file);
  if (!x.read && !x.write && !x.del) return STATUS_SUCCESS;
  const s = tableOf(k).get(node) ?? { open: 0, readers: 0, writers: 0, deleters: 0, sharedRead: 0, sharedWrite: 0, sharedDelete: 0 };
  const conflict =
    (x.read && s.sharedRead < s.open) || (x.write && s.sharedWrite < s.open) || (x.del && s.sharedDelete < s.open) ||
    (!x.sRead && s.readers) || (!x.sWrite && s.writers) || (!x.sDelete && s.deleters);
  if (conflict) return STATUS_SHARING_VIOLATION;
  s.open++; s.readers += x.read; s.writers += x.write; s.deleters += x.del;
  s.sharedRead += x.sRead; s.sharedWrite += x.sWrite; s.sharedDelete += x.sDelete;
  tableOf(k).set(node, s);
  return STATUS_SUCCESS;
}

/** IoRemoveShareAccess: the file object's last handle went. */
export function removeShareAccess(k: Kernel, node: number, file: number): void {
  const x = flagsOf(k, file);
  const s = tableOf(k).get(node);
  if (!s || (!x.read && !x.write && !x.del)) return;
  s.open--; s.readers -= x.read; s.writers -= x.write; s.deleters -= x.del;
  s.sharedRead -= x.sRead; s.sharedWrite -= x.sWrite; s.sharedDelete -= x.sDelete;
  if (!s.open) tableOf(k).delete(node);
}
