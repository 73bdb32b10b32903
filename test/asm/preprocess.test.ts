// Preprocessor, structures and directives, checked against nasm on the same source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../../kernel/asm/index.ts';
import { nasmAssemble, nasmAvailable } from './nasm.ts';

const INCLUDE = `
%define STATUS_SUCCESS 0
%define MAKE(a, b) ((a) << 8 | (b))
struc KTRAP_FRAME
  .DbgEbp   resd 1
  .DbgEip   resd 1
  .Eax      resd 1
  .Flags    resw 1
  .Pad      resb 2
endstruc
`;

const MAIN = `bits 32
%include "nt.inc"
%macro STDCALL 1-*
  %rep %0 - 1
    %rotate -1
    push %1
  %endrep
  %rotate -1
  call %1
%endmacro
%macro ZERO 1
  xor %1, %1
%%again:
  dec %1
  jnz %%again
%endmacro
%assign COUNT 3
%ifdef DEBUG
  int3
%elif COUNT > 2
  nop
%else
  hlt
%endif
%ifndef DEBUG
  cld
%endif
%if MAKE(1, 2) == 0x102
  mov eax, MAKE(1, 2)
%endif
start:
  mov eax, [esp + KTRAP_FRAME.Eax]
  mov ecx, KTRAP_FRAME_size
  ZERO ecx
  ZERO edx
  STDCALL [0x1000], 1, eax, start
  STDCALL ebx
.loop:
  loop .loop
  jmp start.loop
  mov eax, STATUS_SUCCESS
%rep COUNT
  inc eax
%endrep
frame:
  istruc KTRAP_FRAME
    at KTRAP_FRAME.DbgEbp, dd 1
    at KTRAP_FRAME.Eax, dd 0x55
    at KTRAP_FRAME.Flags, dw 7
  iend
  align 16
  db 0
  align 8, db 0xcc
  times 3 db 'ab'
msg: db \`a\\tb\\n\`, 0, "it's", 'say "hi"'
len equ $ - msg
  dd len, frame, $$, $ - start
  dw 1, 2, 'xy', -1
  dd 'abc', 0x12345678, (1 + 2) * 3 - 4 / 2, 17 % 5, 1 << 31, 0x80000000 >> 4, ~1, 6 & 3 | 8 ^ 1
here_is_a_label_without_colon db 9
  mov eax, here_is_a_label_without_colon
  resb 2
`;

const resolver = (name: string) => (name === 'nt.inc' ? { file: 'nt.inc', text: INCLUDE } : undefined);

test('macros, %rep/%rotate, %if, %include, struc/istruc, data and expressions match nasm', { skip: !nasmAvailable() && 'no nasm' }, () => {
  const ours = assemble(MAIN, { fileName: 'main.asm', includeResolver: resolver });
  assert.deepEqual(ours.errors, []);
  const ref = nasmAssemble(MAIN, { 'nt.inc': INCLUDE });
  assert.equal(Buffer.from(ours.bytes).toString('hex'), Buffer.from(ref.bytes).toString('hex'));
});

test('struc fields are usable as displacements and sizes', () => {
  const r = assemble(`${INCLUDE}\nmov eax, [esp + KTRAP_FRAME.Eax]\nmov ecx, KTRAP_FRAME_size\n`, { includeResolver: resolver });
  assert.deepEqual(r.errors, []);
  assert.equal(Buffer.from(r.bytes).toString('hex'), '8b442408' + 'b910000000');
  const field = r.symbols.find(s => s.name === 'KTRAP_FRAME.Eax');
  assert.equal(field?.address, 8);
  assert.equal(field?.section, null);
});

test('%%local labels are unique per macro call', () => {
  const r = assemble('%macro W 0\n%%l: jmp %%l\n%endmacro\nW\nW\n');
  assert.deepEqual(r.errors, []);
  assert.equal(Buffer.from(r.bytes).toString('hex'), 'ebfeebfe');
  assert.equal(r.symbols.filter(s => s.name.startsWith('..@')).length, 2);
});

test('%define from options, like nasm -D', () => {
  const r = assemble('%ifdef FAST\nnop\n%else\nhlt\n%endif\n', { defines: { FAST: '1' } });
  assert.equal(Buffer.from(r.bytes).toString('hex'), '90');
});

const CONDITIONALS = `bits 32
%macro PUSHARG 1
%ifidni %1, addr
  push 0
%elifnum %1
  push byte %1
%elifstr %1
  push dword %1
%elifid %1
  push %1
%else
  push dword %1
%endif
%endmacro
%macro OPT 0-1
%ifempty %1
  nop
%else
  int3
%endif
%endmacro
PUSHARG ADDR
PUSHARG 5
PUSHARG 'ab'
PUSHARG eax
PUSHARG [eax]
OPT
OPT 1
%ifn 0
  hlt
%endif
%ifndef NOPE
  cld
%endif
%ifnidn a, b
  std
%endif
`;

test('%ifidni/%ifnum/%ifstr/%ifid/%ifempty/%ifn and %elif forms match nasm', { skip: !nasmAvailable() && 'no nasm' }, () => {
  const ours = assemble(CONDITIONALS);
  assert.deepEqual(ours.errors, []);
  assert.equal(Buffer.from(ours.bytes).toString('hex'), Buffer.from(nasmAssemble(CONDITIONALS).bytes).toString('hex'));
});

const STRINGS = `bits 32
%strlen LEN 'hello'
%substr CH 'hello', 2
%substr TAIL 'hello', 2, 3
%macro DEFLABEL 1
lbl_ %+ %1: dd LEN
%endmacro
DEFLABEL one
DEFLABEL two
mov eax, lbl_one
mov al, CH
mov eax, TAIL
db TAIL
`;

test('%strlen, %substr and %+ token pasting match nasm', { skip: !nasmAvailable() && 'no nasm' }, () => {
  const ours = assemble(STRINGS);
  assert.deepEqual(ours.errors, []);
  assert.equal(Buffer.from(ours.bytes).toString('hex'), Buffer.from(nasmAssemble(STRINGS).bytes).toString('hex'));
  assert.ok(ours.symbols.some(s => s.name === 'lbl_two'));
});
