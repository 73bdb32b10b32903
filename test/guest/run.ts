// Running guest programs for the tests the way a user does: `ntlab run FILE.asm ARGS...`
// in-process (kernel/cli.ts main), console input from a string, and every trace event kept
// (--trace-json) so a test can see which services the program met that the kernel does not
// implement yet. `todoIfMissing` turns such a test into a node:test todo naming them: the
// test is written in full against NT's behaviour and starts counting the day the services
// land.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { main } from '../../kernel/cli.ts';
import type { TraceEvent } from '../../kernel/trace/events.ts';

const STATUS_NOT_IMPLEMENTED = 0xC0000002;

export const GUEST_DIR = resolve(import.meta.dirname, '..', '..', 'guest');

export interface GuestRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Services the program called that returned STATUS_NOT_IMPLEMENTED (no host body). */
  missing: string[];
  /** Every system call made, in order, with its status. */
  calls: { name: string; status: number }[];
}

/** Runs `file` (a path, or a name under guest/) with `args`, console input `input`. */
export function runGuest(file: string, args: string[] = [], input = '', options: string[] = []): GuestRun {
  const path = file.includes('/') ? file : join(GUEST_DIR, file);
  const dir = mkdtempSync(join(tmpdir(), 'ntlab-guest-'));
  try {
    const traceFile = join(dir, 'trace.jsonl');
    let stdout = '', stderr = '';
    const bytes = Buffer.from(input, 'latin1');
    let at = 0;
    const code = main(['run', '--trace-json', traceFile, '--max-instructions', '200000000', ...options, path, ...args], {
      stdout: t => { stdout += t; }, stderr: t => { stderr += t; },
      stdin: max => { const b = bytes.subarray(at, at + max); at += b.length; return new Uint8Array(b); },
    });
    if (!existsSync(traceFile)) return { code, stdout, stderr, missing: [], calls: [] };   // it did not assemble
    const events = readFileSync(traceFile, 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l) as TraceEvent);
    const exits = events.filter(e => e.kind === 'syscall-exit') as Extract<TraceEvent, { kind: 'syscall-exit' }>[];
    // (a bad service number has no name and is not a missing service)
    const missing = [...new Set(exits.filter(e => !e.implemented && e.name && (e.status >>> 0) === STATUS_NOT_IMPLEMENTED).map(e => e.name))];
    return { code, stdout, stderr, missing, calls: exits.map(e => ({ name: e.name, status: e.status >>> 0 })) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a program given as source text; `%include "include/..."` finds guest/include. */
export function runSource(source: string, args: string[] = [], input = '', options: string[] = []): GuestRun {
  const dir = mkdtempSync(join(tmpdir(), 'ntlab-src-'));
  try {
    const file = join(dir, 'prog.asm');
    writeFileSync(file, source.replaceAll('"include/', `"${GUEST_DIR}/include/`));
    return runGuest(file, args, input, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Marks the running test todo when the program met unimplemented services (the kernel
 *  side of issue 5 landing piece by piece); the assertions still run and are reported. */
export function todoIfMissing(t: TestContext, ...runs: GuestRun[]): void {
  const missing = [...new Set(runs.flatMap(r => r.missing))].filter(n => !FALLBACKS.has(n));
  if (missing.length) t.todo(`needs ${missing.join(', ')} from the kernel (STATUS_NOT_IMPLEMENTED today)`);
}

/** Marks the running test todo for a known bug on the kernel side of issue 5 (not a missing
 *  service): the test states NT's behaviour and starts counting when the kernel does. */
export function kernelGap(t: TestContext, what: string): void {
  t.todo(`kernel gap: ${what}`);
}

/** Services kernel32 copes without (none today). */
const FALLBACKS = new Set<string>();

/** Lines of console output, CR LF split. */
export const lines = (s: string) => s.split('\r\n');
