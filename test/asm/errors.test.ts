// Diagnostics: file:line:column messages, several per run, never a host exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble, formatDiagnostic } from '../../kernel/asm/index.ts';

const BAD = [
  'movv eax, 1',             // 1 unknown mnemonic
  'mov eax, bl',             // 2 invalid operand combination
  'jmp nowhere',             // 3 undefined symbol
  'mov al, 300',             // 4 value out of range
  '%macro M 2',
  'nop',
  '%endmacro',
  'M 1',                     // 8 macro misuse
  'inc [eax]',               // 9 size missing
  'mov eax, [eax+ebx+ecx]',  // 10 bad address
  'foo: nop',
  'foo: nop',                // 12 redefinition
  'jmp short far_away',      // 13 short jump out of range
  'times 200 nop',
  'far_away: ret',
].join('\n');

test('several errors are reported, each as file:line:column: message', () => {
  const r = assemble(BAD, { fileName: 'bad.asm' });
  assert.equal(r.ok, false);
  assert.equal(r.bytes.length, 0);
  const text = r.errors.map(formatDiagnostic);
  const expect: [number, RegExp][] = [
    [1, /^bad\.asm:1:1: error: unknown mnemonic 'movv'$/],
    [2, /^bad\.asm:2:1: error: invalid combination of operands for 'mov'; valid forms: .*mov r32, r\/m32/],
    [3, /^bad\.asm:3:5: error: undefined symbol 'nowhere'$/],
    [4, /^bad\.asm:4:1: error: value 300 out of range for 'mov'/],
    [8, /^bad\.asm:8:1: error: macro 'M' expects 2 parameter\(s\), got 1$/],
    [9, /^bad\.asm:9:1: error: operation size not specified/],
    [10, /^bad\.asm:10:10: error: too many registers in address$/],
    [12, /symbol 'foo' redefined/],
    [13, /^bad\.asm:13:1: error: short jump is out of range/],
  ];
  assert.equal(text.length, expect.length, text.join('\n'));
  expect.forEach(([line, re], i) => {
    assert.equal(r.errors[i].line, line);
    assert.match(text[i], re);
  });
});

test('preprocessor mistakes are reported too', () => {
  const r = assemble('%if 1\nnop\n%include "missing.inc"\n%endif\n%endif\n%bogus\n%if 1\n', { fileName: 'pp.asm' });
  const msgs = r.errors.map(e => `${e.line}: ${e.message}`);
  assert.deepEqual(msgs, [
    "3: cannot open include file 'missing.inc'",
    '5: %endif without %if',
    "6: unknown preprocessor directive '%bogus'",
    '7: %if without %endif',
  ]);
});

test('garbage never escapes as an exception', () => {
  for (const src of ['mov [', 'db "unterminated', ')(', 'mov eax, [eax*', '%macro', 'times -1 nop', 'align 3', 'dd 1/0', '\u0000\u0001']) {
    const r = assemble(src, { fileName: 'g.asm' });
    assert.equal(r.ok, false, src);
    assert.ok(r.errors.every(e => e.file === 'g.asm' && e.line >= 1 && e.col >= 1), src);
  }
});

test('a warning does not fail the assembly', () => {
  const r = assemble('db 300\nadd ax, byte 0xff\n');
  assert.equal(r.ok, true);
  assert.equal(Buffer.from(r.bytes).toString('hex'), '2c' + '6683c0ff');
  assert.equal(r.warnings.length, 2);
});

test('useless lock/rep prefixes are warned about, as iced knows which forms take them', () => {
  const r = assemble('lock mov eax, ebx\nrep add eax, 1\nlock add [eax], ebx\nrep movsb\nrepne scasb\n');
  assert.equal(r.ok, true);
  assert.deepEqual(r.warnings.map(w => [w.line, w.message]), [
    [1, "'mov' with these operands is not lockable (#UD at run time)"],
    [2, "'rep' has no effect on 'add'"],
  ]);
});
