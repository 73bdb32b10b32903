// ntdll's Rtl routines that kernel32 stands on, run as guest code: RtlNtStatusToDosError
// against the host's copy of the same table (kernel/nt/rtl/doserror.ts, the one source of
// truth) and the reference's status table; RtlDosPathNameToNtPathName_U on each form of
// Win32 path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as status from '../../kernel/nt/ex/status.ts';
import { EXTRA_STATUSES, STATUS_TO_DOS, ntStatusToDosError, statusValue, winerrorInc } from '../../kernel/nt/rtl/doserror.ts';
import { runSource, lines } from './run.ts';

test('doserror.ts: statuses it names agree with ex/status.ts; the reference table maps as documented', () => {
  for (const [name, value] of Object.entries(EXTRA_STATUSES)) {
    const known = (status as Record<string, unknown>)[name];
    if (typeof known === 'number') assert.equal(known >>> 0, value >>> 0, name);
  }
  for (const [name] of STATUS_TO_DOS) statusValue(name);   // every row names a known status
  // ../shared/reference/nt-i386.md, "Status codes and Win32 errors"
  const reference: [number, number][] = [
    [0x00000000, 0], [0x00000103, 997], [0x80000005, 234], [0xC0000008, 6], [0xC000000D, 87],
    [0xC0000011, 38], [0xC0000005, 998], [0xC000001C, 1], [0xC0000022, 5], [0xC0000024, 6],
    [0xC0000033, 123], [0xC0000034, 2], [0xC0000035, 183], [0xC000003A, 3], [0xC000003B, 161],
    [0xC0000002, 1], [0xC000009A, 1450], [0xC00000E8, 1784],
  ];
  for (const [s, e] of reference) assert.equal(ntStatusToDosError(s), e, `0x${s.toString(16)}`);
  assert.equal(ntStatusToDosError(0x80070005), 5, 'HRESULT_FROM_WIN32 gives its code back');
  assert.equal(ntStatusToDosError(0xE0000001), 0xE0000001, 'customer codes pass through');
  assert.equal(ntStatusToDosError(0xC0001234), 317, 'an unknown status is ERROR_MR_MID_NOT_FOUND');
  assert.match(winerrorInc(), /^ERROR_INVALID_USER_BUFFER equ 1784$/m);
});

const PRINT_DEC = `
%include "include/win32.inc"
section .text
%include "include/guestlib.inc"
`;

test('RtlNtStatusToDosError (guest) gives what the host table says for every row and rule; TEB.LastStatusValue keeps the status', () => {
  const statuses = [...STATUS_TO_DOS.map(([n]) => statusValue(n)), 0x80070005, 0xE0000001, 0xD0000022, 0xC0001234, 0x000000C0];
  const r = runSource(PRINT_DEC + `
ntdll RtlNtStatusToDosError
global start
start:
    mov esi, table
.next:
    cmp esi, tableEnd
    je .done
    invoke RtlNtStatusToDosError, [esi]
    push eax
    call PrintDec
    push space
    call Print
    mov eax, [fs:0xBF4]             ; TEB.LastStatusValue
    push eax
    call PrintHex
    push crlf
    call Print
    add esi, 4
    jmp .next
.done:
    invoke ExitProcess, 0
section .data
table: dd ${statuses.map(s => '0x' + s.toString(16)).join(', ')}
tableEnd:
space: db " ", 0
crlf: db 13, 10, 0
`);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout).filter(Boolean);
  assert.deepEqual(out, statuses.map(s => `${ntStatusToDosError(s)} 0x${s.toString(16).toUpperCase().padStart(8, '0')}`));
});

test('RtlDosPathNameToNtPathName_U: drive, rooted, relative, \\\\?\\, \\\\.\\, UNC, DOS devices, slashes; FilePart; too long and empty fail', () => {
  const cases: [string, string, string][] = [
    // DOS name, NT name, file part
    ['C:\\README.TXT', '\\??\\C:\\README.TXT', 'README.TXT'],
    ['c:/dir/sub/file.txt', '\\??\\c:\\dir\\sub\\file.txt', 'file.txt'],
    ['\\SAMPLES\\HELLO.TXT', '\\??\\C:\\SAMPLES\\HELLO.TXT', 'HELLO.TXT'],
    ['README.TXT', '\\??\\C:\\README.TXT', 'README.TXT'],
    ['\\\\?\\C:\\x', '\\??\\C:\\x', 'x'],
    ['\\\\.\\CONIN$', '\\??\\CONIN$', 'CONIN$'],
    ['\\\\server\\share\\f', '\\??\\UNC\\server\\share\\f', 'f'],
    ['nul', '\\??\\nul', 'nul'],
    ['CONOUT$', '\\??\\CONOUT$', 'CONOUT$'],
    ['C:\\dir\\', '\\??\\C:\\dir\\', '(null)'],
    ['', 'FALSE', ''],
    ['C:\\' + 'x'.repeat(300), 'FALSE', ''],
  ];
  const wide = (s: string) => s.length ? `dw ${[...s].map(c => c.charCodeAt(0)).join(', ')}, 0` : 'dw 0';
  const r = runSource(PRINT_DEC + `
ntdll RtlDosPathNameToNtPathName_U
global start
start:
    mov esi, names
.next:
    mov ebx, [esi]
    test ebx, ebx
    jz .done
    mov word [ntName], 0
    mov word [ntName+2], 600            ; MaximumLength: 300 characters
    mov dword [ntName+4], buffer
    mov dword [filePart], 0x12345678
    invoke RtlDosPathNameToNtPathName_U, ebx, ntName, filePart, NULL
    test al, al
    jz .false
    movzx eax, word [ntName]
    push buffer
    call PrintWide
    push bar
    call Print
    mov eax, [filePart]
    test eax, eax
    jz .null
    push eax
    call PrintWide
    jmp .line
.null:
    push nullText
    call Print
    jmp .line
.false:
    push falseText
    call Print
    push bar
    call Print
.line:
    push crlf
    call Print
    add esi, 4
    jmp .next
.done:
    invoke ExitProcess, 0
PrintWide:                      ; a zero-terminated UTF-16 string, narrowed
    push esi
    mov esi, [esp+8]
.char:
    lodsw
    test ax, ax
    jz .end
    mov [narrow], al
    push 1
    push narrow
    call PrintN
    jmp .char
.end:
    pop esi
    ret 4
section .data
names: dd ${cases.map((_, i) => `n${i}`).join(', ')}, 0
${cases.map(([dos], i) => `n${i}: ${wide(dos)}`).join('\n')}
bar: db "|", 0
nullText: db "(null)", 0
falseText: db "FALSE", 0
crlf: db 13, 10, 0
narrow: db 0
ntName: dd 0, 0
filePart: dd 0
buffer: times 600 db 0
`);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r.stdout).filter(Boolean), cases.map(([, nt, part]) => `${nt}|${part}`));
});
