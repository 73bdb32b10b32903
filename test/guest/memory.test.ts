// Virtual memory: NtAllocateVirtualMemory, NtFreeVirtualMemory, NtQueryVirtualMemory and
// NtProtectVirtualMemory from a guest program (reserve at 64 KiB granularity, commit page
// by page, zeroed pages, protections seen by probes and by the CPU, decommit, release),
// kernel32's VirtualAlloc/VirtualFree/VirtualProtect/VirtualQuery, and CreateThread taking
// its stacks from NtAllocateVirtualMemory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSource, lines } from './run.ts';

const hex = (n: number) => '0x' + (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

const PRELUDE = `
%include "include/win32.inc"
section .text
%include "include/guestlib.inc"
%macro showval 2
section .rdata
%%s: db %1, " ", 0
section .text
    push dword %2
    push %%s
    call Print
    call PrintHex
    push crlf
    call Print
%endmacro
`;
const DATA = `
section .data
crlf: db 13, 10, 0
base: dd 0
size: dd 0
old:  dd 0
base2: dd 0
size2: dd 0
mbi:  istruc MEMORY_BASIC_INFORMATION
      iend
`;
/** NtAllocateVirtualMemory(-1, &base, 0, &size, type, protect) with base/size set first. */
const alloc = (base: string, size: string, type: string, protect: string) => `
    mov dword [base2], ${base}
    mov dword [size2], ${size}
    invoke NtAllocateVirtualMemory, -1, base2, 0, size2, ${type}, ${protect}`;
const query = (address: string, out = 'mbi') => `
    invoke NtQueryVirtualMemory, -1, ${address}, 0, ${out}, MEMORY_BASIC_INFORMATION_size, NULL`;
const showMbi = (label: string) => `
    mov eax, [mbi + MEMORY_BASIC_INFORMATION.BaseAddress]
    sub eax, [base]
    showval "${label} offset", eax
    mov eax, [mbi + MEMORY_BASIC_INFORMATION.AllocationBase]
    sub eax, [base]
    showval "${label} allocation base", eax
    showval "${label} allocation protect", [mbi + MEMORY_BASIC_INFORMATION.AllocationProtect]
    showval "${label} size", [mbi + MEMORY_BASIC_INFORMATION.RegionSize]
    showval "${label} state", [mbi + MEMORY_BASIC_INFORMATION.State]
    showval "${label} protect", [mbi + MEMORY_BASIC_INFORMATION.Protect]
    showval "${label} type", [mbi + MEMORY_BASIC_INFORMATION.Type]`;

test('NtAllocateVirtualMemory reserves at 64 KiB, commits zeroed pages; NtQueryVirtualMemory, NtProtectVirtualMemory and NtFreeVirtualMemory', () => {
  const r = runSource(PRELUDE + `
ntdll NtAllocateVirtualMemory, NtFreeVirtualMemory, NtQueryVirtualMemory, NtProtectVirtualMemory
global start
start:
    mov dword [size], 0x2800
    invoke NtAllocateVirtualMemory, -1, base, 0, size, MEM_RESERVE, PAGE_READWRITE
    showval "reserve", eax
    mov eax, [base]
    and eax, 0xFFFF
    showval "reserve granule offset", eax
    showval "reserve size", [size]
${query('[base]')}
${showMbi('reserved')}
    mov eax, [base]
    add eax, 0x1000
${alloc('eax', '4', 'MEM_COMMIT', 'PAGE_READWRITE')}
    showval "commit", eax
    mov eax, [base2]
    sub eax, [base]
    showval "commit offset", eax
    showval "commit size", [size2]
    mov ebx, [base]
    showval "zeroed", [ebx + 0x1FFC]
    mov dword [ebx + 0x1000], 0x1234
    lea eax, [ebx + 0x1000]
${query('eax')}
${showMbi('committed')}
${query('[base]')}
    showval "first page state", [mbi + MEMORY_BASIC_INFORMATION.State]
    mov eax, [base]
    add eax, 0x1000
${alloc('eax', '0x1000', '0', 'PAGE_READWRITE')}
    showval "no type", eax
    mov eax, [base]
    add eax, 0x1000
    mov [base2], eax
    mov dword [size2], 0x1000
    invoke NtProtectVirtualMemory, -1, base2, size2, PAGE_NOACCESS, old
    showval "protect noaccess", eax
    showval "old", [old]
    mov eax, [base]
    add eax, 0x1000
${query('eax', 'eax')}
    showval "probe noaccess", eax
    mov eax, [base]
    add eax, 0x1000
${query('eax')}
    showval "noaccess protect", [mbi + MEMORY_BASIC_INFORMATION.Protect]
    invoke NtProtectVirtualMemory, -1, base2, size2, PAGE_EXECUTE_READ, old
    showval "protect execute-read", eax
    showval "old", [old]
    mov ebx, [base]
    showval "kept", [ebx + 0x1000]
    lea eax, [ebx + 0x1000]
${query('eax', 'eax')}
    showval "probe read-only", eax
    mov eax, [base]
    add eax, 0x2000
    mov [base2], eax
    invoke NtProtectVirtualMemory, -1, base2, size2, PAGE_READWRITE, old
    showval "protect uncommitted", eax
    invoke NtProtectVirtualMemory, -1, base2, size2, PAGE_GUARD | PAGE_READWRITE, old
    showval "protect guard", eax
    mov eax, [base]
${alloc('eax', '0x1000', 'MEM_RESERVE', 'PAGE_READWRITE')}
    showval "reserve again", eax
${alloc('0x60000000', '0x1000', 'MEM_COMMIT', 'PAGE_READWRITE')}
    showval "commit unreserved", eax
${alloc('0', '0x1000', 'MEM_COMMIT', 'PAGE_GUARD | PAGE_READWRITE')}
    showval "guard", eax
${alloc('0', '0x1000', 'MEM_COMMIT | 0x40', 'PAGE_READWRITE')}
    showval "bad type", eax
${alloc('0x400000', '0x1000', 'MEM_RESERVE', 'PAGE_READWRITE')}
    showval "over the image", eax
    mov eax, [base]
    add eax, 0x1000
    mov [base2], eax
    mov dword [size2], 0
    invoke NtFreeVirtualMemory, -1, base2, size2, MEM_RELEASE
    showval "release not at base", eax
    mov dword [size2], 0x1000
    invoke NtFreeVirtualMemory, -1, base2, size2, MEM_DECOMMIT
    showval "decommit", eax
    mov eax, [base]
    add eax, 0x1000
${query('eax')}
    showval "decommitted state", [mbi + MEMORY_BASIC_INFORMATION.State]
    mov eax, [base]
    mov [base2], eax
    mov dword [size2], 0
    invoke NtFreeVirtualMemory, -1, base2, size2, MEM_RELEASE
    showval "release", eax
    showval "released size", [size2]
${query('[base]')}
    showval "released state", [mbi + MEMORY_BASIC_INFORMATION.State]
    invoke NtFreeVirtualMemory, -1, base2, size2, MEM_RELEASE
    showval "release again", eax
    ; MEM_COMMIT at no address reserves too; code runs from an executable page
${alloc('0', '0x20000', 'MEM_COMMIT', 'PAGE_EXECUTE_READWRITE')}
    showval "code", eax
    mov edi, [base2]
    mov byte [edi], 0xB8              ; mov eax, 42
    mov dword [edi + 1], 42
    mov byte [edi + 5], 0xC3          ; ret
    call edi
    showval "called", eax
    invoke ExitProcess, 0
` + DATA);
  const RW = 4, COMMIT = 0x1000, RESERVE = 0x2000, FREE = 0x10000, PRIVATE = 0x20000;
  assert.deepEqual(lines(r.stdout).filter(Boolean), [
    `reserve ${hex(0)}`, `reserve granule offset ${hex(0)}`, `reserve size ${hex(0x3000)}`,
    `reserved offset ${hex(0)}`, `reserved allocation base ${hex(0)}`, `reserved allocation protect ${hex(RW)}`,
    `reserved size ${hex(0x3000)}`, `reserved state ${hex(RESERVE)}`, `reserved protect ${hex(0)}`, `reserved type ${hex(PRIVATE)}`,
    `commit ${hex(0)}`, `commit offset ${hex(0x1000)}`, `commit size ${hex(0x1000)}`, `zeroed ${hex(0)}`,
    `committed offset ${hex(0x1000)}`, `committed allocation base ${hex(0)}`, `committed allocation protect ${hex(RW)}`,
    `committed size ${hex(0x1000)}`, `committed state ${hex(COMMIT)}`, `committed protect ${hex(RW)}`, `committed type ${hex(PRIVATE)}`,
    `first page state ${hex(RESERVE)}`, `no type ${hex(0xC00000F3)}`,
    `protect noaccess ${hex(0)}`, `old ${hex(RW)}`, `probe noaccess ${hex(0xC0000005)}`, `noaccess protect ${hex(1)}`,
    `protect execute-read ${hex(0)}`, `old ${hex(1)}`, `kept ${hex(0x1234)}`, `probe read-only ${hex(0xC0000005)}`,
    `protect uncommitted ${hex(0xC000002D)}`, `protect guard ${hex(0xC0000045)}`,
    `reserve again ${hex(0xC0000018)}`, `commit unreserved ${hex(0xC0000018)}`, `guard ${hex(0xC0000045)}`,
    `bad type ${hex(0xC00000F3)}`, `over the image ${hex(0xC0000018)}`,
    `release not at base ${hex(0xC000009F)}`, `decommit ${hex(0)}`, `decommitted state ${hex(RESERVE)}`,
    `release ${hex(0)}`, `released size ${hex(0x3000)}`, `released state ${hex(FREE)}`, `release again ${hex(0xC00000A0)}`,
    `code ${hex(0)}`, `called ${hex(42)}`,
  ], r.stderr);
  assert.equal(r.code, 0, r.stderr);
});

test('touching a reserved, uncommitted page ends the process with STATUS_ACCESS_VIOLATION', () => {
  const r = runSource(PRELUDE + `
kernel32 VirtualAlloc
global start
start:
    invoke VirtualAlloc, NULL, 0x10000, MEM_RESERVE, PAGE_READWRITE
    mov dword [eax], 1
    invoke ExitProcess, 0
` + DATA);
  assert.equal(r.code >>> 0, 0xC0000005, r.stderr);
});

test('VirtualAlloc, VirtualQuery, VirtualProtect, VirtualFree (and their errors)', () => {
  const r = runSource(PRELUDE + `
kernel32 VirtualAlloc, VirtualFree, VirtualProtect, VirtualQuery
global start
start:
    invoke VirtualAlloc, NULL, 0x1800, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE
    mov [base], eax
    and eax, 0xFFFF
    showval "granule offset", eax
    mov ebx, [base]
    mov dword [ebx + 0x1000], 7
    invoke VirtualQuery, [base], mbi, MEMORY_BASIC_INFORMATION_size
    showval "query", eax
    showval "size", [mbi + MEMORY_BASIC_INFORMATION.RegionSize]
    showval "state", [mbi + MEMORY_BASIC_INFORMATION.State]
    invoke VirtualProtect, [base], 0x1000, PAGE_READONLY, old
    showval "protect", eax
    showval "old", [old]
    invoke VirtualProtect, [base], 0x1000, PAGE_READWRITE, NULL
    showval "protect NULL old", eax
    invoke VirtualFree, [base], 0x2000, MEM_RELEASE
    showval "release with a size", eax
    call [GetLastError]
    showval "error", eax
    invoke VirtualFree, [base], 0, MEM_RELEASE
    showval "release", eax
    invoke VirtualFree, [base], 0, MEM_RELEASE
    showval "release again", eax
    call [GetLastError]
    showval "error", eax
    invoke VirtualAlloc, 0x60000000, 0x1000, MEM_COMMIT, PAGE_READWRITE
    showval "commit unreserved", eax
    call [GetLastError]
    showval "error", eax
    invoke ExitProcess, 0
` + DATA);
  assert.deepEqual(lines(r.stdout).filter(Boolean), [
    `granule offset ${hex(0)}`, `query ${hex(0x1C)}`, `size ${hex(0x2000)}`, `state ${hex(0x1000)}`,
    `protect ${hex(1)}`, `old ${hex(4)}`, `protect NULL old ${hex(0)}`,
    `release with a size ${hex(0)}`, `error ${hex(87)}`, `release ${hex(1)}`, `release again ${hex(0)}`, `error ${hex(487)}`,
    `commit unreserved ${hex(0)}`, `error ${hex(487)}`,
  ], r.stderr);
});

test('CreateThread takes each stack from NtAllocateVirtualMemory: more threads than the old static pool of four', () => {
  const THREADS = 8;
  const r = runSource(PRELUDE + `
kernel32 CreateThread, WaitForMultipleObjects
global start
start:
    xor esi, esi
.create:
    invoke CreateThread, NULL, 0, Worker, esi, 0, NULL
    mov [handles + esi*4], eax
    test eax, eax
    jz .failed
    inc esi
    cmp esi, ${THREADS}
    jb .create
    invoke WaitForMultipleObjects, ${THREADS}, handles, TRUE, INFINITE
    showval "wait", eax
    showval "sum", [sum]
    invoke ExitProcess, 0
.failed:
    call [GetLastError]
    showval "CreateThread failed", eax
    invoke ExitProcess, 1
Worker:                                 ; DWORD WINAPI Worker(LPVOID n): sum += n + 1
    mov eax, [esp+4]
    inc eax
    lock add [sum], eax
    xor eax, eax
    ret 4
` + DATA + `
sum: dd 0
handles: times ${THREADS} dd 0
`);
  assert.deepEqual(lines(r.stdout).filter(Boolean), [`wait ${hex(0)}`, `sum ${hex(THREADS * (THREADS + 1) / 2)}`], r.stderr);
  assert.equal(r.code, 0, r.stderr);
});

test('regions by address: the VAD tree keeps its order through releases (a node with two children, then the rest); a process handle works like NtCurrentProcess', () => {
  const order = [0x30000000, 0x20000000, 0x40000000, 0x38000000, 0x50000000, 0x34000000];
  const release = [0x30000000, 0x40000000, 0x20000000, 0x38000000, 0x50000000, 0x34000000];
  const reserveAll = order.map(a => `
${alloc(hex(a), '0x10000', 'MEM_RESERVE', 'PAGE_READWRITE')}
    showval "reserve ${hex(a)}", eax`).join('');
  const states = (label: string) => order.map(a => `
${query(hex(a))}
    showval "${label} ${hex(a)}", [mbi + MEMORY_BASIC_INFORMATION.State]`).join('');
  const releaseOne = (a: number) => `
    mov dword [base2], ${hex(a)}
    mov dword [size2], 0
    invoke NtFreeVirtualMemory, [process], base2, size2, MEM_RELEASE
    showval "release ${hex(a)}", eax`;
  const r = runSource(PRELUDE + `
ntdll NtAllocateVirtualMemory, NtFreeVirtualMemory, NtQueryVirtualMemory, NtDuplicateObject
global start
start:
    invoke NtDuplicateObject, -1, -1, -1, process, 0, 0, DUPLICATE_SAME_ACCESS
    showval "duplicate", eax
${reserveAll}
${releaseOne(release[0])}
${states('after one')}
${release.slice(1).map(releaseOne).join('')}
${states('after all')}
    invoke NtFreeVirtualMemory, 0x1234, base2, size2, MEM_RELEASE
    showval "bad handle", eax
    invoke ExitProcess, 0
` + DATA + `
process: dd 0
`);
  const RESERVE = 0x2000, FREE = 0x10000;
  assert.deepEqual(lines(r.stdout).filter(Boolean), [
    `duplicate ${hex(0)}`,
    ...order.map(a => `reserve ${hex(a)} ${hex(0)}`),
    `release ${hex(release[0])} ${hex(0)}`,
    ...order.map(a => `after one ${hex(a)} ${hex(a === release[0] ? FREE : RESERVE)}`),
    ...release.slice(1).map(a => `release ${hex(a)} ${hex(0)}`),
    ...order.map(a => `after all ${hex(a)} ${hex(FREE)}`),
    `bad handle ${hex(0xC0000008)}`,
  ], r.stderr);
});
