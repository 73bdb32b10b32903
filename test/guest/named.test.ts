// Named objects (ObInsertObject, ObOpenObjectByName): an event, a directory and a symbolic
// link created with a name are found by it, through a RootDirectory handle and through the
// link; creating the name again collides; the name leaves the namespace with the object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSource, lines } from './run.ts';

const hex = (n: number) => '0x' + (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
const ustr = (label: string, s: string) => `${label}: dw ${s.length * 2}, ${s.length * 2}\n    dd ${label}_text\n${label}_text: dw ${[...s].map(c => c.charCodeAt(0)).join(', ')}\n`;
/** OBJECT_ATTRIBUTES { Length, RootDirectory, ObjectName, Attributes, 0, 0 }. */
const oa = (label: string, name: string, attributes = 'OBJ_CASE_INSENSITIVE') => `${label}: dd 24, 0, ${name}, ${attributes}, 0, 0\n`;
const show = (label: string) => `
section .rdata
${label.replace(/\W/g, '_')}_s: db "${label} ", 0
section .text
    push eax
    push ${label.replace(/\W/g, '_')}_s
    call Print
    call PrintHex
    push crlf
    call Print`;

const DIRECTORY_ALL_ACCESS = 0xF000F, SYMBOLIC_LINK_ALL_ACCESS = 0xF0001;

test('named objects: NtOpenEvent finds a named event, the name leaves with the last handle; directories and links are named too', () => {
  const r = runSource(`
%include "include/win32.inc"
section .text
%include "include/guestlib.inc"
ntdll NtCreateEvent, NtOpenEvent, NtSetEvent, NtWaitForSingleObject, NtClose, NtCreateDirectoryObject, NtCreateSymbolicLinkObject
global start
start:
    invoke NtCreateEvent, h1, EVENT_ALL_ACCESS, ev_oa, 0, 0
${show('create')}
    invoke NtOpenEvent, h2, EVENT_ALL_ACCESS, ev_oa
${show('open')}
    invoke NtSetEvent, [h2], 0
    invoke NtWaitForSingleObject, [h1], 0, zero
${show('same-event')}
    invoke NtClose, [h1]
    invoke NtOpenEvent, h3, EVENT_ALL_ACCESS, ev_oa
${show('open-one-handle-left')}
    invoke NtClose, [h3]
    invoke NtClose, [h2]
    invoke NtOpenEvent, h3, EVENT_ALL_ACCESS, ev_oa
${show('open-after-close')}
    invoke NtCreateDirectoryObject, hd, ${DIRECTORY_ALL_ACCESS}, dir_oa
${show('directory')}
    invoke NtCreateDirectoryObject, h3, ${DIRECTORY_ALL_ACCESS}, dir_oa
${show('directory-again')}
    mov eax, [hd]
    mov [inner_oa + 4], eax             ; RootDirectory: the new directory
    invoke NtCreateEvent, h1, EVENT_ALL_ACCESS, inner_oa, 0, 0
${show('relative')}
    invoke NtOpenEvent, h2, EVENT_ALL_ACCESS, full_oa
${show('open-full')}
    invoke NtCreateSymbolicLinkObject, hl, ${SYMBOLIC_LINK_ALL_ACCESS}, link_oa, target
${show('link')}
    invoke NtOpenEvent, h3, EVENT_ALL_ACCESS, via_oa
${show('open-via-link')}
    invoke NtCreateEvent, h3, EVENT_ALL_ACCESS, wrongif_oa, 0, 0
${show('openif-other-type')}
    invoke ExitProcess, 0
section .data
crlf: db 13, 10, 0
zero: dd 0, 0
h1: dd 0
h2: dd 0
h3: dd 0
hd: dd 0
hl: dd 0
${ustr('ev', '\\BaseNamedObjects\\NamedTest')}${oa('ev_oa', 'ev')}
${ustr('dir', '\\BaseNamedObjects\\NtLabDir')}${oa('dir_oa', 'dir')}
${ustr('inner', 'Inner')}${oa('inner_oa', 'inner')}
${ustr('full', '\\BaseNamedObjects\\NtLabDir\\Inner')}${oa('full_oa', 'full')}
${ustr('link', '\\BaseNamedObjects\\NtLabLink')}${oa('link_oa', 'link')}
${ustr('target', '\\BaseNamedObjects\\NtLabDir')}
${ustr('via', '\\BaseNamedObjects\\NtLabLink\\Inner')}${oa('via_oa', 'via')}
${oa('wrongif_oa', 'dir', 'OBJ_OPENIF')}
`);
  assert.deepEqual(lines(r.stdout).filter(Boolean), [
    `create ${hex(0)}`, `open ${hex(0)}`, `same-event ${hex(0)}`, `open-one-handle-left ${hex(0)}`,
    `open-after-close ${hex(0xC0000034)}`, `directory ${hex(0)}`, `directory-again ${hex(0xC0000035)}`,
    `relative ${hex(0)}`, `open-full ${hex(0)}`, `link ${hex(0)}`, `open-via-link ${hex(0)}`,
    `openif-other-type ${hex(0xC0000024)}`,
  ], r.stderr);
  assert.equal(r.code, 0, r.stderr);
});

test('NtDuplicateObject turns the pseudo-handle NtCurrentProcess into a real handle', () => {
  const r = runSource(`
%include "include/win32.inc"
section .text
%include "include/guestlib.inc"
ntdll NtDuplicateObject, NtClose
global start
start:
    invoke NtDuplicateObject, -1, -1, -1, h1, 0, 0, DUPLICATE_SAME_ACCESS
${show('duplicate')}
    mov eax, [h1]
    and eax, 0x80000003                 ; a table handle: positive, a multiple of 4
${show('handle bits')}
    invoke NtClose, [h1]
${show('close')}
    invoke ExitProcess, 0
section .data
crlf: db 13, 10, 0
h1: dd 0
`);
  assert.deepEqual(lines(r.stdout).filter(Boolean), [`duplicate ${hex(0)}`, `handle bits ${hex(0)}`, `close ${hex(0)}`], r.stderr);
});
