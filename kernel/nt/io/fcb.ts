// The file system's per-file state, the part of NT's FCB that is about the file rather than
// one open of it: how many file objects have it open (created, and not cleaned up yet) and
// whether it is delete-pending. Delete-pending belongs to the file: once any open sets it,
// new opens fail with STATUS_DELETE_PENDING, and the file goes when the last open is
// cleaned up, whichever open that is. A host cache keyed by the disk node, as share.ts's
// counts are; a file nobody has open has no entry.
import type { Kernel } from '../kernel.ts';
import { STATUS_SUCCESS, STATUS_DELETE_PENDING } from '../ex/status.ts';

interface Fcb { opens: number; deletePending: boolean }
const tables = new WeakMap<Kernel, Map<number, Fcb>>();
function tableOf(k: Kernel): Map<number, Fcb> {
  let t = tables.get(k);
  if (!t) tables.set(k, t = new Map());
  return t;
}

/** May `node` be opened now? STATUS_DELETE_PENDING once an open has asked for its deletion. */
export function checkOpen(k: Kernel, node: number): number {
  return tableOf(k).get(node)?.deletePending ? STATUS_DELETE_PENDING : STATUS_SUCCESS;
}

/** A file object now has `node` open (the create succeeded). */
export function addOpen(k: Kernel, node: number): void {
  const t = tableOf(k), fcb = t.get(node);
  if (fcb) fcb.opens++;
  else t.set(node, { opens: 1, deletePending: false });
}

/** FileDispositionInformation (or a delete-on-close open being cleaned up). */
export function setDeletePending(k: Kernel, node: number, pending: boolean): void {
  const fcb = tableOf(k).get(node);
  if (fcb) fcb.deletePending = pending;
}

export function isDeletePending(k: Kernel, node: number): boolean {
  return tableOf(k).get(node)?.deletePending ?? false;
}

/** IRP_MJ_CLEANUP of one open: true when it was the last and the file is to be deleted. */
export function removeOpen(k: Kernel, node: number): boolean {
  const t = tableOf(k), fcb = t.get(node);
  if (!fcb || --fcb.opens > 0) return false;
  t.delete(node);
  return fcb.deletePending;
}
