// Closing a file: the last handle sends IRP_MJ_CLEANUP (IopCloseFile), the last reference
// IRP_MJ_CLOSE (IopDeleteFile), in that order and once each, whatever handle goes last;
// a create the driver refused sends neither.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './machine.ts';
import { nt, save, program, objectAttributes, results } from './ntcalls.ts';
import { IRP_MJ_CREATE, IRP_MJ_CLEANUP, IRP_MJ_CLOSE } from '../../kernel/nt/io/iomgr.ts';
import type { TraceEvent } from '../../kernel/trace/events.ts';

const SUCCESS = 0, NOT_FOUND = 0xC0000034;
const READ_ONLY = 0x120089, SYNC = 0x20, FILE_OPEN = 1, DUPLICATE_SAME_ACCESS = 2;
const open = (handle: string, oa: string) => nt('NtCreateFile', handle, READ_ONLY, oa, 'iosb', 0, 0, 7, FILE_OPEN, SYNC, 0, 0);
/** A marker in the trace between the steps: a call that fails at once. */
const mark = nt('NtClose', 0);

const SOURCE = program(['NtCreateFile', 'NtDuplicateObject', 'NtClose'], `
h1: dd 0
h2: dd 0
h3: dd 0
iosb: dd 0, 0
${objectAttributes('hello', String.raw`\??\C:\SAMPLES\HELLO.TXT`)}
${objectAttributes('missing', String.raw`\??\C:\SAMPLES\NOSUCH.TXT`)}`,
  open('h1', 'hello_oa') + save(0) +
  nt('NtDuplicateObject', -1, '[h1]', -1, 'h2', 0, 0, DUPLICATE_SAME_ACCESS) + save(1) + mark +
  nt('NtClose', '[h1]') + save(2) + mark +                    // a handle is left: nothing is sent
  nt('NtClose', '[h2]') + save(3) + mark +                    // the last one: cleanup, then close
  open('h3', 'missing_oa') + save(4) + mark);                 // (the process's end closes its console handles after this)

test('IRP_MJ_CLEANUP at the last handle, then IRP_MJ_CLOSE at the last reference; none for a refused create', () => {
  const ran = run(SOURCE, { trace: 100_000 }, 20_000_000);
  assert.deepEqual(ran.r, { kind: 'exited', status: 0 }, ran.m.notices.join(''));
  assert.deepEqual(results(ran, 5), [SUCCESS, SUCCESS, SUCCESS, SUCCESS, NOT_FOUND]);
  const trace = ran.m.trace!;
  const names: Record<number, string> = { [IRP_MJ_CREATE]: 'create', [IRP_MJ_CLEANUP]: 'cleanup', [IRP_MJ_CLOSE]: 'close' };
  const steps = (trace.since(trace.first, trace.capacity) as TraceEvent[])
    .filter(e => (e.kind === 'irp-dispatch' && names[e.major]) || (e.kind === 'syscall-enter' && e.name === 'NtClose' && e.args[0] === 0))
    .map(e => e.kind === 'irp-dispatch' ? names[e.major] : '|');
  assert.deepEqual(steps.slice(0, 8), ['create', '|', '|', 'cleanup', 'close', '|', 'create', '|']);
});
