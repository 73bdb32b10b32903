// System calls as strace prints them, one line per call when it returns:
//   NtWriteFile(FileHandle=0x8, Event=NULL, ..., Length=7, ByteOffset=NULL, Key=NULL) = STATUS_SUCCESS
// Arguments are decoded from the service's signature (kernel/nt/ke/signatures.ts).
import type { TraceEvent, TraceSink } from '../trace/events.ts';
import { SIGNATURES, type ParamKind } from '../nt/ke/signatures.ts';
import { NtCurrentProcess, NtCurrentThread } from '../nt/ke/constants.ts';
import { statusName } from '../nt/ex/status.ts';

const hex = (n: number) => '0x' + (n >>> 0).toString(16);
/** Values small enough to read better in decimal. */
const DECIMAL_LIMIT = 0x10000;

export function formatArg(kind: ParamKind, v: number): string {
  switch (kind) {
    case 'handle': return v === NtCurrentProcess ? 'NtCurrentProcess' : v === NtCurrentThread ? 'NtCurrentThread' : v === 0 ? 'NULL' : hex(v);
    case 'ptr': return v === 0 ? 'NULL' : hex(v);
    case 'ulong': return v < DECIMAL_LIMIT ? String(v) : hex(v);
    case 'bool': return v ? 'TRUE' : 'FALSE';
    case 'status': return statusName(v);
    case 'access': return hex(v);
  }
}

export function formatCall(name: string, number: number, args: readonly number[]): string {
  if (!name) return `<invalid service ${hex(number)}>()`;
  const sig = SIGNATURES[name];
  const parts = args.map((v, i) => sig?.[i] ? `${sig[i][0]}=${formatArg(sig[i][1], v)}` : hex(v));
  return `${name}(${parts.join(', ')})`;
}

/** A trace sink that writes strace lines through `write`; the `[int2e]`/`[sysenter]` tag
 *  says how the call entered the kernel, and `fast I/O` that a read was served from the
 *  file system's cache without an IRP. */
export function straceSink(write: (line: string) => void): TraceSink {
  let pending: Extract<TraceEvent, { kind: 'syscall-enter' }> | null = null;
  let exited = false;   // the call that ended the process already has its line
  let fastIo = false;   // the pending call went through FastIoRead
  return {
    push(e: TraceEvent) {
      if (exited && e.kind === 'syscall-exit') { exited = false; return; }
      if (e.kind === 'syscall-enter') {
        if (pending) write(`${formatCall(pending.name, pending.number, pending.args)} = ?\n`);
        pending = e;
        fastIo = false;
      } else if (e.kind === 'syscall-exit') {
        const call = pending && pending.number === e.number ? formatCall(pending.name, pending.number, pending.args) : formatCall(e.name, e.number, []);
        const tag = pending ? ` [${pending.path}${pending.previousMode ? '' : ', kernel mode'}${fastIo ? ', fast I/O' : ''}]` : '';
        const note = e.implemented || !e.name ? '' : ' (no host body)';
        write(`${call} = ${e.statusName}${note}${tag}\n`);
        pending = null;
      } else if (e.kind === 'process-exit' && pending) {
        write(`${formatCall(pending.name, pending.number, pending.args)} = ? (process exited with ${statusName(e.status)})\n`);
        pending = null;
        exited = true;
      } else if (e.kind === 'fast-io') {
        fastIo = true;
      } else if (e.kind === 'exception') {
        write(`--- exception ${hex(e.vector)} at ${hex(e.eip)}: ${statusName(e.code)} ---\n`);
      }
    },
  };
}
