// PE32 output: the DESIGN.md hello.asm becomes a console EXE with an import
// directory; a DLL gets an export directory and base relocations. A real tool
// (mingw objdump) must read both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble } from '../../kernel/asm/index.ts';
import { HELLO } from './fixtures.ts';

const OBJDUMP = 'i686-w64-mingw32-objdump';
const haveObjdump = (() => { try { execFileSync(OBJDUMP, ['--version'], { stdio: 'ignore' }); return true; } catch { return false; } })();


const LIB = `import ExitProcess kernel32.dll
section .text
global DllMain, Add2, GetMsg
DllMain: mov eax, 1
         ret 12
Add2:    mov eax, [esp+4]
         add eax, [esp+8]
         ret 8
GetMsg:  mov eax, msg
         mov ecx, [table+4]
         jmp [ExitProcess]
section .rdata
msg db "hi", 0
table dd Add2, GetMsg
section .bss
buf resb 64
`;

function objdump(bytes: Uint8Array, name: string, args: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ntlab-pe-'));
  try {
    writeFileSync(join(dir, name), bytes);
    return execFileSync(OBJDUMP, [...args, join(dir, name)], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const u16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number) => (u16(b, o) | (u16(b, o + 2) << 16)) >>> 0;

test('hello.asm from DESIGN.md assembles to a PE32 console EXE', () => {
  const r = assemble(HELLO, { fileName: 'hello.asm', format: 'exe' });
  assert.deepEqual(r.errors, []);
  const b = r.bytes;
  assert.equal(String.fromCharCode(b[0], b[1]), 'MZ');
  const pe = u32(b, 0x3c);
  assert.equal(u32(b, pe), 0x4550);                 // "PE\0\0"
  assert.equal(u16(b, pe + 4), 0x14c);              // i386
  assert.equal(u16(b, pe + 24), 0x10b);             // PE32
  assert.equal(u16(b, pe + 24 + 68), 3);            // console
  assert.equal(r.entry, 0x401000);
  assert.equal(r.symbols.find(s => s.name === 'start')?.address, 0x401000);
  // call [GetStdHandle] goes through the IAT slot the import directive named.
  const iat = r.symbols.find(s => s.name === 'GetStdHandle')!;
  assert.equal(iat.kind, 'import');
  const text = r.lineMap.find(e => e.line === 12)!;
  assert.equal(text.address, 0x401002);
});

test('objdump reads the EXE import directory', { skip: !haveObjdump && 'no mingw objdump' }, () => {
  const r = assemble(HELLO, { fileName: 'hello.asm', format: 'exe' });
  const out = objdump(r.bytes, 'hello.exe', ['-p']);
  assert.match(out, /file format pei-i386/);
  assert.match(out, /Subsystem\s+00000003\s+\(Windows CUI\)/);
  assert.match(out, /DLL Name: kernel32\.dll/);
  for (const fn of ['GetStdHandle', 'WriteFile', 'ExitProcess']) assert.match(out, new RegExp(`\\b${fn}\\b`));
  const dis = objdump(r.bytes, 'hello.exe', ['-d', '-M', 'intel']);
  const slot = r.symbols.find(s => s.name === 'WriteFile')!.address.toString(16);
  assert.match(dis, new RegExp(`call\\s+DWORD PTR ds:0x${slot}`));
});

test('a DLL gets exports (global symbols) and base relocations that objdump reads', { skip: !haveObjdump && 'no mingw objdump' }, () => {
  const r = assemble(LIB, { fileName: 'lib.asm', format: 'dll' });
  assert.deepEqual(r.errors, []);
  const out = objdump(r.bytes, 'lib.dll', ['-p']);
  assert.match(out, /Name\s+[0-9a-f]+ lib\.dll/);
  assert.match(out, /\[\s*0\] Add2/);
  assert.match(out, /\[\s*1\] GetMsg/);
  assert.doesNotMatch(out, /\] DllMain/);
  // mov eax, msg / mov ecx, [table+4] / jmp [ExitProcess] / dd Add2, GetMsg
  const fixups = [...out.matchAll(/reloc\s+\d+ offset\s+[0-9a-f]+ \[([0-9a-f]+)\] HIGHLOW/g)].map(m => m[1]);
  assert.deepEqual(fixups, ['1014', '101a', '1020', '2003', '2007']);
  assert.equal(r.entry, 0x10001000);
});

test('an export directive limits the exports', { skip: !haveObjdump && 'no mingw objdump' }, () => {
  const r = assemble(LIB.replace('global DllMain, Add2, GetMsg', 'global DllMain, Add2, GetMsg\nexport Add2'), { fileName: 'lib.asm', format: 'dll', dllName: 'mylib.dll' });
  const out = objdump(r.bytes, 'lib.dll', ['-p']);
  assert.match(out, /mylib\.dll/);
  assert.match(out, /\[\s*0\] Add2/);
  assert.doesNotMatch(out, /\] GetMsg/);
});

test('extern without import is an error in a PE; EXE without start is an error', () => {
  const r = assemble('extern Foo\nglobal start\nstart: call [Foo]\n', { fileName: 'x.asm', format: 'exe' });
  assert.equal(r.ok, false);
  assert.match(r.errors[0].message, /Foo.*extern but not imported/);
  assert.equal(r.errors[0].line, 3);
  const n = assemble('nop\n', { fileName: 'y.asm', format: 'exe' });
  assert.match(n.errors[0].message, /no entry point/);
});

test('an invoke-style macro makes stdcall imports readable', () => {
  const src = `%macro invoke 1-*
  %rep %0 - 1
    %rotate -1
    push dword %1
  %endrep
  %rotate -1
  call [%1]
%endmacro
import ReadFile kernel32.dll
import ExitProcess kernel32.dll
section .bss
buf resb 16
got resd 1
section .text
global start
start:
  invoke ReadFile, ebx, buf, 16, got, 0
  invoke ExitProcess, 0
`;
  const r = assemble(src, { fileName: 'read.asm', format: 'exe' });
  assert.deepEqual(r.errors, []);
  const at = (n: string) => r.symbols.find(s => s.name === n)!.address;
  const le = (v: number) => Buffer.from(Uint32Array.of(v).buffer).toString('hex');
  const text = r.pe!.sections.find(s => s.name === '.text')!;
  assert.equal(text.rva, 0x1000);
  const code = Buffer.from(r.bytes.subarray(0x200, 0x200 + text.size)).toString('hex');
  assert.equal(code, '6a00' + '68' + le(at('got')) + '6a10' + '68' + le(at('buf')) + '53' + 'ff15' + le(at('ReadFile')) +
    '6a00' + 'ff15' + le(at('ExitProcess')));
  // The lines of the expansion map back to the invoking line.
  assert.deepEqual([...new Set(r.lineMap.map(e => e.line))], [17, 18]);
});

test('calling an import without brackets is warned about', () => {
  const r = assemble('import ExitProcess kernel32.dll\nglobal start\nstart: push 0\ncall ExitProcess\n', { format: 'exe' });
  assert.equal(r.ok, true);
  assert.deepEqual(r.warnings.map(w => [w.line, w.message]),
    [[4, "'call ExitProcess' transfers to the import address table slot; did you mean 'call [ExitProcess]'?"]]);
});
