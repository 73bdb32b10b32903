// The trace's vocabulary: one small typed record per interesting event, stamped with the
// instruction count (the machine's clock) and the thread it happened on.

/** How a system call entered the kernel. */
export type EntryPath = 'int2e' | 'sysenter';

interface Stamp {
  /** Instructions retired when the event happened. */
  icount: number;
  /** The current KTHREAD's address (0 before the first thread exists). */
  thread: number;
}

export type TraceEvent = Stamp & (
  | { kind: 'syscall-enter'; number: number; name: string; args: number[]; previousMode: 0 | 1; path: EntryPath }
  /** `implemented` false: the SSDT thunk has no host body (STATUS_NOT_IMPLEMENTED). `name`
   *  is '' for a number no table holds (STATUS_INVALID_SYSTEM_SERVICE). */
  | { kind: 'syscall-exit'; number: number; name: string; status: number; statusName: string; implemented: boolean }
  | { kind: 'irql'; from: number; to: number }
  | { kind: 'interrupt'; vector: number; source: 'exception' | 'software' | 'external'; errorCode?: number; eip: number }
  | { kind: 'apc-queue' | 'apc-deliver'; apc: number; mode: 0 | 1; routine: number }
  | { kind: 'dpc-queue' | 'dpc-run'; dpc: number; routine: number }
  | { kind: 'context-switch'; from: number; to: number }
  | { kind: 'bugcheck'; code: number; params: number[] }
  /** A CPU exception the kernel dispatched: what it became (NTSTATUS) and where. */
  | { kind: 'exception'; vector: number; code: number; eip: number; previousMode: 0 | 1; errorCode: number }
  | { kind: 'process-exit'; process: number; status: number }
  /** The object manager made or deleted an object (`type` is its OBJECT_TYPE's name). */
  | { kind: 'object-create'; object: number; type: string; name: string }
  | { kind: 'object-delete'; object: number; type: string }
  /** IoCallDriver sent an IRP to a device; IoCompleteRequest completed it. */
  | { kind: 'irp-dispatch'; irp: number; major: number; device: number; driver: string }
  | { kind: 'irp-complete'; irp: number; major: number; status: number; information: number }
  /** NtReadFile served a read from the file system's cache through its FastIoRead: no IRP. */
  | { kind: 'fast-io'; major: number; file: number; device: number; status: number; information: number }
);

export type TraceKind = TraceEvent['kind'];

/** Where the machine puts events: a TraceRing, or a consumer that formats them as they come
 *  (the command line's --trace). */
export interface TraceSink {
  push(e: TraceEvent): void;
}
