// The layering rules of DESIGN.md, checked by walking every import in the tree:
//   kernel/ imports nothing from main/ or renderer/, and nothing from electron;
//   kernel/cpu/ and kernel/asm/ know nothing of NT (kernel/nt, kernel/win32);
//   kernel/nt/ sits below the Machine facade and the CLI; kernel/win32/ is guest assembly;
//   kernel/store/ (the disk) knows nothing of the CPU, the assembler or NT: the file-system
//   driver in kernel/nt uses it, never the other way round;
//   renderer/ imports only the contract's types from the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(sourceFiles(p));
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(name)) out.push(p);
  }
  return out;
}

/** Every module specifier a file imports, resolved to a repo-relative path when local. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (let m; (m = re.exec(text)); ) {
    const spec = m[1] ?? m[2] ?? m[3];
    specs.push(spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)) : spec);
  }
  return specs;
}

function breaches(dir: string, forbidden: (spec: string) => boolean): string[] {
  const out: string[] = [];
  for (const f of sourceFiles(join(root, dir)))
    for (const spec of importsOf(f))
      if (forbidden(spec)) out.push(`${relative(root, f)} imports ${spec}`);
  return out;
}

test('kernel/ imports nothing from main/, renderer/ or electron', () => {
  assert.deepEqual(breaches('kernel', s => /^(main|renderer)\//.test(s) || s === 'electron'), []);
});

test('kernel/cpu and kernel/asm know nothing of NT', () => {
  const nt = (s: string) => /^kernel\/(nt|win32|store|trace)\b/.test(s) || s === 'kernel/machine' || s.startsWith('kernel/machine.');
  assert.deepEqual([...breaches('kernel/cpu', nt), ...breaches('kernel/asm', nt)], []);
});

test('kernel/cpu does not import the assembler (and the assembler not the CPU)', () => {
  assert.deepEqual([...breaches('kernel/cpu', s => s.startsWith('kernel/asm')),
                    ...breaches('kernel/asm', s => s.startsWith('kernel/cpu'))], []);
});

test('kernel/store (the virtual disk) knows nothing of the CPU, the assembler or NT', () => {
  const forbidden = (s: string) => /^kernel\/(cpu|asm|nt|win32)\b/.test(s) || s === 'electron' || s === 'kernel/cli.ts';
  assert.deepEqual(breaches('kernel/store', forbidden), []);
});

test('kernel/nt (the executive) may use the CPU, the assembler, the trace and the store, but not the Machine facade or the CLI above it', () => {
  const above = (s: string) => /^kernel\/(machine|cli|commands)\b/.test(s);
  assert.deepEqual(breaches('kernel/nt', above), []);
});

test('kernel/trace (the event vocabulary) depends on nothing else in the kernel', () => {
  assert.deepEqual(breaches('kernel/trace', s => /^kernel\//.test(s) && !s.startsWith('kernel/trace')), []);
});

test('kernel/win32 is guest assembly only (no host code hides there)', () => {
  assert.deepEqual(sourceFiles(join(root, 'kernel/win32')).map(f => relative(root, f)), []);
});

test('renderer/ imports only the contract from the rest of the tree', () => {
  assert.deepEqual(breaches('renderer', s => /^(kernel|main)\//.test(s) && !/^main\/contract/.test(s)), []);
});
