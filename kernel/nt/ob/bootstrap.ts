// Handles before the object manager: a small per-process table of what a handle value
// names -- the console (for stdin/stdout/stderr) or a thread. Values are handed out as the
// real handle table will hand them out, (index + 1) << 2.
// This is the seam issue 5 replaces with handle tables in guest memory, object headers and
// ObReferenceObjectByHandle; every user of it goes through the three functions below.
import type { Process } from '../ps/process.ts';

export type BootstrapObject =
  | { kind: 'console'; direction: 'input' | 'output' }
  | { kind: 'thread'; ethread: number };

const HANDLE_GRANULARITY = 4;

export function createHandle(p: Process, object: BootstrapObject): number {
  let h = HANDLE_GRANULARITY;
  while (p.handles.has(h)) h += HANDLE_GRANULARITY;
  p.handles.set(h, object);
  return h;
}

export function lookupHandle(p: Process | undefined, handle: number): BootstrapObject | undefined {
  return p?.handles.get(handle >>> 0);
}

export function closeHandle(p: Process | undefined, handle: number): boolean {
  return p?.handles.delete(handle >>> 0) ?? false;
}
