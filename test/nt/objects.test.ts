// The object manager and the I/O manager through guest code: events and waits, handle
// checks of NtReadFile (behaviour 12), and a file on the virtual disk read by NtCreateFile
// + NtReadFile with the IO_STATUS_BLOCK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, imports } from './machine.ts';

function results(m: ReturnType<typeof run>['m'], n: number): number[] {
  const p = m.program!.process;
  const exe = p.modules.find(x => x.name === 'test.exe')!;
  const data = exe.base + exe.image.sections.find(s => s.name === '.data')!.rva;
  return Array.from({ length: n }, (_, i) => p.vm.read32(data + 4 * i) >>> 0);
}

const PROGRAM = imports('NtCreateEvent', 'NtSetEvent', 'NtWaitForSingleObject', 'NtReadFile', 'NtCreateFile', 'NtClose', 'NtTerminateProcess') + `
section .data
r:      times 8 dd 0
hEvent: dd 0
hFile:  dd 0
iosb:   dd 0, 0
zero:   dd 0, 0
name:   dw ${[...String.raw`\??\C:\SAMPLES\HELLO.TXT`].map(c => c.charCodeAt(0)).join(", ")}
nameEnd:
us:     dw nameEnd - name, nameEnd - name
        dd name
oa:     dd 0x18, 0, us, 0x40, 0, 0
buf:    times 64 db 0
section .text
global start
start:  push 0
        push 0                          ; NotificationEvent
        push 0
        push 0x1F0003
        push hEvent
        call [NtCreateEvent]
        mov [r], eax
        push zero                       ; a zero timeout: it is not signalled
        push 0
        push dword [hEvent]
        call [NtWaitForSingleObject]
        mov [r+4], eax
        push 0
        push dword [hEvent]
        call [NtSetEvent]
        push 0
        push 0
        push dword [hEvent]
        call [NtWaitForSingleObject]
        mov [r+8], eax
        push 0
        push 0
        push 0
        push 64
        push buf
        push iosb
        push 0
        push 0
        push 0
        push dword [hEvent]             ; an event handle
        call [NtReadFile]
        mov [r+12], eax
        push 0
        push 0
        push 0
        push 64
        push buf
        push iosb
        push 0
        push 0
        push 0
        push 0x1234                     ; a made-up handle
        call [NtReadFile]
        mov [r+16], eax
        push 0
        push 0
        push 0x20                       ; FILE_SYNCHRONOUS_IO_NONALERT
        push 1                          ; FILE_OPEN
        push 1
        push 0
        push 0
        push iosb
        push oa
        push 0x120089                   ; FILE_GENERIC_READ
        push hFile
        call [NtCreateFile]
        mov [r+20], eax
        push 0
        push 0
        push 0
        push 64
        push buf
        push iosb
        push 0
        push 0
        push 0
        push dword [hFile]
        call [NtReadFile]
        mov [r+24], eax
        mov eax, [iosb+4]
        mov [r+28], eax
        push 0
        push -1
        call [NtTerminateProcess]
`;

test('events, waits, NtReadFile handle checks and a disk file read through the I/O manager', () => {
  const { m, r } = run(PROGRAM, {}, 5_000_000);
  assert.deepEqual(r, { kind: 'exited', status: 0 }, m.notices.join(''));
  const [create, timeout, signalled, onEvent, made, open, read, count] = results(m, 8);
  assert.equal(create, 0, 'NtCreateEvent');
  assert.equal(timeout, 0x102, 'STATUS_TIMEOUT');
  assert.equal(signalled, 0, 'STATUS_WAIT_0');
  assert.equal(onEvent, 0xC0000024, 'STATUS_OBJECT_TYPE_MISMATCH');
  assert.equal(made, 0xC0000008, 'STATUS_INVALID_HANDLE');
  assert.equal(open, 0, 'NtCreateFile');
  assert.equal(read, 0, 'NtReadFile');
  assert.equal(count, 'Hello from the NT Lab virtual disk!\r\n'.length);
});
