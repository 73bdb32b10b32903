// Nonpaged pool leaks: a loop of common calls, run N times and then N times more in one
// process, leaves the pool's bytes in use where the first N left them. (Found this way:
// every file object's name buffer was never given back, 24+ bytes a CreateFile.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Machine } from '../../kernel/machine.ts';
import { assemble } from '../../kernel/asm/index.ts';
import { fsIncludeResolver } from '../../kernel/asm/fs-include.ts';

const GUEST_DIR = join(import.meta.dirname, '..', '..', 'guest');
const ROUNDS = 20;

const SOURCE = `%include "include/win32.inc"
kernel32 CreateFileA, ReadFile, CloseHandle, CreateEventA, SetEvent, WaitForSingleObject, FindFirstFileA, FindNextFileA, FindClose, DuplicateHandle, GetCurrentProcess, ExitProcess
section .data
hello: db "C:\\SAMPLES\\HELLO.TXT", 0
missing: db "C:\\SAMPLES\\NOSUCH.TXT", 0
pattern: db "C:\\SAMPLES\\*", 0
got: dd 0
dup: dd 0
; what the last round's calls returned, for the test to check they did their work
opened: dd 0
duplicated: dd 0
notFound: dd 0
search: dd 0
next: dd 0
section .bss
buf: resb 16
found: resb 320
section .text
global start
start:
    call rounds
first:
    call rounds
second:
    invoke ExitProcess, 0
rounds:
    mov edi, ${ROUNDS}
.loop:
    invoke CreateFileA, hello, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL
    mov esi, eax
    mov [opened], eax
    invoke ReadFile, esi, buf, 4, got, NULL
    invoke GetCurrentProcess
    invoke DuplicateHandle, eax, esi, eax, dup, 0, 0, DUPLICATE_SAME_ACCESS
    mov [duplicated], eax
    invoke CloseHandle, [dup]
    invoke CloseHandle, esi
    invoke CreateFileA, missing, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL
    mov [notFound], eax
    invoke CreateEventA, NULL, 1, 0, NULL
    mov esi, eax
    invoke SetEvent, esi
    invoke WaitForSingleObject, esi, 0
    invoke CloseHandle, esi
    invoke FindFirstFileA, pattern, found
    mov esi, eax
    mov [search], eax
    invoke FindNextFileA, esi, found
    mov [next], eax
    invoke FindClose, esi
    dec edi
    jnz .loop
    ret
`;

test(`pool: ${ROUNDS} more rounds of open/read/duplicate/close, a failed open, an event, a directory search leave the pool as it was`, () => {
  const built = assemble(SOURCE, { fileName: 'leaks.asm', format: 'exe', includeResolver: fsIncludeResolver([GUEST_DIR]) });
  assert.ok(built.ok, built.ok ? '' : built.errors.map(e => e.message).join('\n'));
  const at = (name: string) => built.symbols.find(s => s.name === name)!.address;
  const m = new Machine();
  m.start('leaks.exe', built.bytes);
  const inUse: number[] = [];
  for (const label of ['first', 'second']) {
    m.cpu.breakpoints.add(at(label));
    const r = m.run(50_000_000);
    assert.equal(r.kind, 'breakpoint', `${label}: ${JSON.stringify(r)} ${m.notices.join('')}`);
    m.cpu.breakpoints.delete(at(label));
    inUse.push(m.kernel.pool.inUse);
  }
  assert.ok(inUse[0] > 0);
  const value = (name: string) => m.kernel.vm.read32(at(name)) | 0;
  assert.ok(value('opened') > 0, 'CreateFileA opened the file');
  assert.equal(value('got'), 4, 'ReadFile read 4 bytes');
  assert.equal(value('duplicated'), 1, 'DuplicateHandle succeeded');
  assert.equal(value('notFound'), -1, 'the missing file: INVALID_HANDLE_VALUE');
  assert.ok(value('search') > 0, 'FindFirstFileA found a file');
  assert.equal(value('next'), 1, 'FindNextFileA found another');
  assert.equal(inUse[1], inUse[0], `bytes of pool in use after ${ROUNDS} rounds, then after ${ROUNDS} more`);
  assert.deepEqual(m.run(50_000_000), { kind: 'exited', status: 0 });
});
