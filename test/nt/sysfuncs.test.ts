// sysfuncs.lst and what the generator makes of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nativeServices, win32kServices } from '../../kernel/nt/ke/sysfuncs.ts';
import { ntdllStub } from '../../kernel/nt/ke/genntdll.ts';
import { assemble } from '../../kernel/asm/index.ts';

const hexBytes = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

test('232 services; the article\'s anchors hold', () => {
  const list = nativeServices();
  assert.equal(list.length, 232);
  assert.deepEqual(list.slice(0, 4).map(s => `${s.name} ${s.argc}`),
    ['NtAcceptConnectPort 6', 'NtAccessCheck 8', 'NtAccessCheckAndAuditAlarm 11', 'NtAddAtom 3']);
  const by = new Map(list.map(s => [s.name, s]));
  assert.equal(by.get('NtReadFile')!.number, 152);
  assert.equal(by.get('NtReadFile')!.argc, 9);
  assert.equal(by.get('NtClose')!.argc, 1);
  assert.equal(by.get('NtWriteFile')!.argc, 9);
  assert.equal(by.get('NtTerminateProcess')!.argc, 2);
  // The line number is the service number plus one: line 153 is NtReadFile.
  const lines = readFileSync(new URL('../../kernel/nt/sysfuncs.lst', import.meta.url), 'utf8').split('\n');
  assert.equal(lines[0], 'NtAcceptConnectPort 6');
  assert.equal(lines[152], 'NtReadFile 9');
  assert.equal(new Set(list.map(s => s.name)).size, 232, 'no name twice');
  const names = list.map(s => s.name.toLowerCase());
  assert.deepEqual(names, [...names].sort(), 'alphabetical');
});

test('the win32k demo table numbers from 0x1000', () => {
  const w = win32kServices();
  assert.ok(w.length >= 2);
  assert.equal(w[0].number, 0x1000);
  assert.ok(w.some(s => s.name === 'NtUserGetTickCount'));
});

function stubBytes(name: string, form: 'int2e' | 'sysenter'): string {
  const s = nativeServices().find(x => x.name === name)!;
  const r = assemble(ntdllStub(s, form), { format: 'bin' });
  assert.ok(r.ok, r.errors.map(e => e.message).join());
  return hexBytes(r.bytes);
}

// (mov ebp, esp is 89 E5 as NASM encodes it; Microsoft's assembler writes 8B EC.)
test('int 0x2e stub: push ebp; mov ebp,esp; mov eax,N; lea edx,[ebp+8]; int 0x2e; pop ebp; ret 4*argc', () => {
  assert.equal(stubBytes('NtReadFile', 'int2e'), '55' + '89E5' + 'B898000000' + '8D5508' + 'CD2E' + '5D' + 'C22400');
  assert.equal(stubBytes('NtClose', 'int2e'), '55' + '89E5' + 'B812000000' + '8D5508' + 'CD2E' + '5D' + 'C20400');
  assert.equal(stubBytes('NtTestAlert', 'int2e'), '55' + '89E5' + 'B8D8000000' + '8D5508' + 'CD2E' + '5D' + 'C3');
});

test('sysenter stub: mov eax,N; mov edx,0x7FFE0300; call [edx]; ret 4*argc', () => {
  assert.equal(stubBytes('NtReadFile', 'sysenter'), 'B898000000' + 'BA0003FE7F' + 'FF12' + 'C22400');
});
