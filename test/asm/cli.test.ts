// `ntlab asm`: the real bin script, run as a user would run it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HELLO } from './fixtures.ts';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'ntlab.mjs');

function ntlab(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'ntlab-cli-'));
  try { fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('ntlab asm writes a PE32 EXE by default and nothing to stdout', () => withDir(dir => {
  writeFileSync(join(dir, 'hello.asm'), HELLO);
  const r = ntlab(['asm', 'hello.asm'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  const exe = readFileSync(join(dir, 'hello.exe'));
  assert.equal(exe.subarray(0, 2).toString('latin1'), 'MZ');
}));

test('ntlab asm --format bin -o, with %include and incbin', () => withDir(dir => {
  writeFileSync(join(dir, 'consts.inc'), 'VALUE equ 0x2e\n');
  writeFileSync(join(dir, 'blob.bin'), Buffer.from('0102030405', 'hex'));
  writeFileSync(join(dir, 'boot.asm'), '%include "consts.inc"\norg 0x7c00\nint VALUE\njmp $\nincbin "blob.bin", 1, 3\n');
  const r = ntlab(['asm', 'boot.asm', '--format', 'bin', '-o', 'boot.img', '--map'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(dir, 'boot.img')).toString('hex'), 'cd2eebfe' + '020304');
  assert.ok(existsSync(join(dir, 'boot.img.map')));
}));

test('ntlab asm reports errors as file:line:col on stderr and exits 1', () => withDir(dir => {
  writeFileSync(join(dir, 'bad.asm'), 'nop\nmov eax, bl\njmp nowhere\n');
  const r = ntlab(['asm', 'bad.asm'], dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^bad\.asm:2:1: error: invalid combination of operands for 'mov'/m);
  assert.match(r.stderr, /^bad\.asm:3:5: error: undefined symbol 'nowhere'$/m);
  assert.doesNotMatch(r.stderr, /\n\s+at /); // no stack trace
  assert.ok(!existsSync(join(dir, 'bad.exe')));
}));

test('unknown subcommands and bad options print usage and exit 2', () => withDir(dir => {
  const r = ntlab(['frobnicate'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
  assert.match(r.stderr, /usage: ntlab/);
  assert.equal(ntlab(['asm', 'x.asm', '--format', 'elf'], dir).code, 2);
  assert.equal(ntlab([], dir).code, 2);
}));

test('ntlab asm builds a DLL at a chosen image base', () => withDir(dir => {
  writeFileSync(join(dir, 'lib.asm'), 'global Foo\nFoo: mov eax, Foo\nret\n');
  const r = ntlab(['asm', 'lib.asm', '-o', 'ntdll.dll', '--image-base', '0x7c900000', '--dll-name', 'ntdll.dll'], dir);
  assert.equal(r.code, 0, r.stderr);
  const dll = readFileSync(join(dir, 'ntdll.dll'));
  const pe = dll.readUInt32LE(0x3c);
  assert.equal(dll.readUInt32LE(pe + 24 + 28), 0x7c900000);   // ImageBase
  assert.equal(dll.readUInt16LE(pe + 22) & 0x2000, 0x2000);   // IMAGE_FILE_DLL
  assert.equal(ntlab(['asm', 'lib.asm', '--image-base', '0x1234'], dir).code, 2);
}));
