// Layout: multi-pass branch sizing, sections in flat binaries, org, the symbol table
// and the line map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../../kernel/asm/index.ts';
import { nasmAssemble, nasmAvailable } from './nasm.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const skip = !nasmAvailable() && 'no nasm';

test('forward jumps start short and grow only when they must (cascade)', { skip }, () => {
  // Each jump's distance depends on the sizes of the jumps after it.
  const lines = ['bits 32', 'start:'];
  for (let i = 0; i < 40; i++) lines.push(`jz l${i}`, `jmp l${39 - i}`, 'times 3 nop');
  for (let i = 0; i < 40; i++) lines.push(`l${i}: times ${i % 7} nop`, `jnz start + ${i % 3}`, 'jmp start');
  const src = lines.join('\n') + '\n';
  const r = assemble(src);
  assert.deepEqual(r.errors, []);
  assert.equal(hex(r.bytes), hex(nasmAssemble(src).bytes));
});

test('sections in a flat binary are laid out like nasm -f bin', { skip }, () => {
  const src = [
    'bits 32', 'org 0x7c00', 'section .data', 'd1 db 1', 'section .text', 'nop', 'mov eax, d1', 'mov eax, b1',
    'mov eax, d2', 'mov eax, r1', 'jmp $$', 'section .bss', 'b1 resb 3', 'section .data', 'd2 db 2, 3, 4, 5, 6',
    'section .rdata', 'r1 db 7', 'section .text', 'ret',
  ].join('\n') + '\n';
  const r = assemble(src);
  assert.deepEqual(r.errors, []);
  assert.equal(hex(r.bytes), hex(nasmAssemble(src).bytes));
  const sym = (n: string) => r.symbols.find(s => s.name === n)!;
  assert.equal(sym('d1').address, 0x7c18);
  assert.equal(sym('d1').section, '.data');
  assert.equal(sym('b1').address, 0x7c24);
});

test('symbols and the line map describe the output', () => {
  const src = 'org 0x1000\nstart:\n  mov eax, 1\n.loop:\n  dec eax\n  jnz .loop\nN equ 42\n  db N\n';
  const r = assemble(src, { fileName: 'm.asm' });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.symbols.map(s => [s.name, s.address, s.kind]), [
    ['start', 0x1000, 'label'], ['start.loop', 0x1005, 'label'], ['N', 42, 'equ'],
  ]);
  assert.deepEqual(r.lineMap.map(e => [e.address, e.size, e.file, e.line]), [
    [0x1000, 5, 'm.asm', 3], [0x1005, 1, 'm.asm', 5], [0x1006, 2, 'm.asm', 6], [0x1008, 1, 'm.asm', 8],
  ]);
});

test('explicit short/near/byte/dword and strict are honoured', () => {
  const r = assemble('l: jmp near l\njmp short l\njmp l\npush byte 1\npush dword 1\npush strict dword 1\nadd eax, strict byte 1\ncall l\n');
  assert.deepEqual(r.errors, []);
  assert.equal(hex(r.bytes), 'e9fbffffff' + 'ebf9' + 'ebf7' + '6a01' + '6a01' + '6801000000' + '83c001' + 'e8e6ffffff');
});

test('forward references to equ constants still choose the short immediate', () => {
  const r = assemble('add eax, LATER\nLATER equ 4\n');
  assert.equal(hex(r.bytes), '83c004');
});

test('local-label scope, equ, times with $, %define in operands: as nasm', { skip }, () => {
  const src = ['bits 32', 'foo:', '.a: nop', 'X equ 5', '.b: jmp .a', 'bar: jmp foo.a', '.a: jmp foo.b', 'dd foo.b',
    'times 4 - ($ - $$) % 4 db 0xcc', '%define REG eax', 'mov REG, X', 'lbl times 2 nop', 'jmp lbl'].join('\n') + '\n';
  const r = assemble(src);
  assert.deepEqual(r.errors, []);
  assert.equal(hex(r.bytes), hex(nasmAssemble(src).bytes));
  assert.ok(r.symbols.some(s => s.name === 'foo.b'));
});

test('times repeats position-independent bodies by copying, others line by line', { skip }, () => {
  // `$` is the start of the line in every round, as in NASM; relative jumps still move.
  const src = 'bits 32\nstart: times 3 jmp start\ntimes 4 dd $ - start\ntimes 0x20000 db 0x90\ntimes 3 mov eax, [ebx+start]\n';
  const r = assemble(src);
  assert.deepEqual(r.errors, []);
  assert.equal(hex(r.bytes.subarray(0, 22)), 'ebfeebfcebfa' + '06000000'.repeat(4));
  assert.ok(Buffer.from(r.bytes).equals(Buffer.from(nasmAssemble(src).bytes)), 'same bytes as nasm');
  const pe = assemble('global DllMain\nDllMain: ret\nt: times 3 dd t\n', { format: 'dll' });
  assert.deepEqual(pe.errors, []);
  assert.deepEqual(pe.pe!.sections.map(s => s.name), ['.text', '.edata', '.reloc']);
  assert.equal(pe.pe!.sections[2].size, 8 + 4 * 2); // one block, three HIGHLOW fixups + padding
});

test('externals give values to extern names; sections report where they landed', () => {
  const r = assemble('extern KiServiceTable\norg 0x8000\nmov eax, [KiServiceTable + 4]\nsection .bss\nx resd 1\n',
    { externals: { KiServiceTable: 0x80123000 } });
  assert.deepEqual(r.errors, []);
  assert.equal(hex(r.bytes), 'a104301280');
  assert.deepEqual(r.sections, [
    { name: '.text', address: 0x8000, size: 5, kind: 'code' },
    { name: '.bss', address: 0x8008, size: 4, kind: 'bss' },
  ]);
});

test('label differences and forward equ are plain numbers, so byte forms apply (as nasm)', { skip }, () => {
  const src = ['bits 32', 'start:', 'push len', 'add esp, end - start', 'cmp eax, fwd_const', 'mov ecx, [ebx + (end - start)]',
    'jmp short next', 'next:', 'msg db "hello"', 'len equ $ - msg', 'end:', 'fwd_const equ 3', 'sub eax, end - start + 0x100'].join('\n') + '\n';
  const r = assemble(src);
  assert.deepEqual(r.errors, []);
  assert.equal(hex(r.bytes), hex(nasmAssemble(src).bytes));
  assert.equal(hex(r.bytes.subarray(0, 5)), '6a0583c412');
});

test('floating-point data constants match nasm; in code they are an error', { skip }, () => {
  const src = 'bits 32\ndd 1.5, -2.25, 0.1, 3.0e8, 1.\ndq 3.141592653589793, -0.5, 1.0e-10\ndd 1, 2.5\n';
  const r = assemble(src);
  assert.deepEqual(r.errors, []);
  assert.equal(hex(r.bytes), hex(nasmAssemble(src).bytes));
  assert.match(assemble('mov eax, 1.5\n').errors[0].message, /floating-point constant can only be data/);
});
