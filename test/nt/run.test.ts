// `ntlab run`: the real bin script for the user's view (stdout is the guest's, exit code is
// the process's), and main() in-process for the variations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../kernel/cli.ts';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'ntlab.mjs');
const HELLO = resolve(import.meta.dirname, '..', '..', 'guest', 'hello.asm');

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'ntlab-run-'));
  try { fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

function runMain(args: string[], input = '') {
  let stdout = '', stderr = '';
  const bytes = Buffer.from(input, 'latin1');
  let at = 0;
  const code = main(['run', ...args], {
    stdout: t => { stdout += t; }, stderr: t => { stderr += t; },
    stdin: max => { const b = bytes.subarray(at, at + max); at += b.length; return new Uint8Array(b); },
  });
  return { code, stdout, stderr };
}

const K32 = (body: string) => `
import ExitProcess kernel32.dll
import GetStdHandle kernel32.dll
import WriteFile kernel32.dll
extern ExitProcess, GetStdHandle, WriteFile
section .text
global start
start:
${body}
`;

test('ntlab run hello.asm: "hello" on stdout, nothing else, exit code 0', () => {
  const r = spawnSync(process.execPath, [BIN, 'run', HELLO], { encoding: 'latin1' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'hello\r\n');
  assert.equal(r.stderr, '');
});

test('ntlab run FILE.exe runs an executable made by ntlab asm; --syscall sysenter', () => withDir(dir => {
  const exe = join(dir, 'hello.exe');
  assert.equal(main(['asm', HELLO, '-o', exe], { stdout: () => {}, stderr: () => {} }), 0);
  const r = runMain([exe]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hello\r\n');
  const s = runMain(['--syscall', 'sysenter', exe]);
  assert.equal(s.stdout, 'hello\r\n');
}));

test('--trace: one strace line per system call on stderr, with decoded arguments and the status name', () => {
  const r = runMain(['--trace', HELLO]);
  assert.equal(r.stdout, 'hello\r\n');
  const lines = r.stderr.trim().split('\n');
  assert.match(lines[0], /^NtWriteFile\(FileHandle=0x8, Event=NULL, ApcRoutine=NULL, ApcContext=NULL, IoStatusBlock=0x[0-9a-f]+, Buffer=0x[0-9a-f]+, Length=7, ByteOffset=NULL, Key=NULL\) = STATUS_SUCCESS \[int2e\]$/);
  assert.match(lines[1], /^NtTerminateProcess\(ProcessHandle=NtCurrentProcess, ExitStatus=STATUS_SUCCESS\) = \? \(process exited/);
  assert.equal(lines.length, 2);
  const s = runMain(['--trace', '--syscall', 'sysenter', HELLO]);
  assert.match(s.stderr, /\[sysenter\]/);
});

test('--trace marks a read served by fast I/O: the first read of a file builds an IRP, the next ones need none', () => {
  const r = runMain(['--trace', resolve(import.meta.dirname, '..', '..', 'guest', 'type.asm'), 'C:\\SAMPLES\\NUMBERS.TXT']);
  assert.equal(r.code, 0);
  const reads = r.stderr.split('\n').filter(l => l.startsWith('NtReadFile('));
  assert.deepEqual(reads.map(l => / = (\w+) \[(.*)\]$/.exec(l)!.slice(1).join(' ')),
    ['STATUS_SUCCESS int2e', 'STATUS_END_OF_FILE int2e, fast I/O']);
});

test('--trace-json writes every event as one JSON object per line', () => withDir(dir => {
  const file = join(dir, 'trace.jsonl');
  assert.equal(runMain(['--trace-json', file, HELLO]).code, 0);
  const events = readFileSync(file, 'utf8').trim().split('\n').map(l => JSON.parse(l));
  // (The process's end also closes its handles: IRPs and object deletions, checked elsewhere.)
  const io = new Set(['irp-dispatch', 'irp-complete', 'object-create', 'object-delete']);
  assert.deepEqual(events.map(e => e.kind).filter(k => !io.has(k)), ['syscall-enter', 'syscall-exit', 'syscall-enter', 'process-exit', 'syscall-exit']);
  assert.equal(events[0].name, 'NtWriteFile');
  assert.equal(events[0].number, 227);
  assert.equal(typeof events[0].icount, 'number');
}));

test('the exit code is the process\'s exit code; a fault ends it with the exception code', () => withDir(dir => {
  const f = join(dir, 'exit42.asm');
  writeFileSync(f, K32('push 42\n call [ExitProcess]'));
  assert.equal(runMain([f]).code, 42);
  writeFileSync(f, K32('mov eax, 42\n ret'));
  assert.equal(runMain([f]).code, 42, 'returning from start exits with EAX (BaseProcessStart)');
  writeFileSync(f, K32('mov eax, [0]'));
  const r = runMain([f]);
  assert.equal(r.code, 0xC0000005);
  assert.match(r.stderr, /exit42\.exe: The instruction at 0x[0-9A-F]{8} referenced memory at 0x00000000/);
}));

test('--max-instructions stops a program that does not end: exit code 124', () => withDir(dir => {
  const f = join(dir, 'loop.asm');
  writeFileSync(f, K32('spin: jmp spin'));
  const r = runMain(['--max-instructions', '100000', f]);
  assert.equal(r.code, 124);
  assert.match(r.stderr, /stopped after 100000 instructions/);
}));

test('bad usage and bad programs', () => withDir(dir => {
  assert.equal(runMain([]).code, 2);
  assert.equal(runMain(['--syscall', 'fast', HELLO]).code, 2);
  const f = join(dir, 'bad.asm');
  writeFileSync(f, 'start: mov eax,\n');
  const r = runMain([f]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.asm:1:/);
  writeFileSync(f, `import Nope nope.dll\nextern Nope\nsection .text\nglobal start\nstart: call [Nope]\n`);
  const n = runMain([f]);
  assert.equal(n.code, 1);
  assert.match(n.stderr, /nope\.dll.*not found.*STATUS_DLL_NOT_FOUND/);
}));
