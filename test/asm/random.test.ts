// Random (seeded, so deterministic) operand values in valid shapes, compared with nasm:
// immediates and displacements at and around every size boundary, random base/index/
// scale combinations, random segment overrides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../../kernel/asm/index.ts';
import { nasmAssemble, nasmAvailable } from './nasm.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32; };
}

const R32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const R16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const R8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'];
const EDGES = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];

function generate(n: number, seed: number): string[] {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const num = (max: number): string => {
    const edge = pick(EDGES);
    const v = r() < 0.5 ? edge + Math.floor(r() * 3) - 1 : Math.floor(r() * max);
    const neg = r() < 0.3;
    const m = Math.min(Math.abs(v), max);
    return (neg ? '-' : '') + (r() < 0.5 ? `0x${m.toString(16)}` : String(m));
  };
  const mem = (): string => {
    const parts: string[] = [];
    const base = r() < 0.8 ? pick(R32) : undefined;
    const index = r() < 0.5 ? pick(R32.filter(x => x !== 'esp')) : undefined;
    if (base) parts.push(base);
    if (index) parts.push(`${index}*${pick([1, 2, 4, 8])}`);
    if (r() < 0.7 || parts.length === 0) parts.push(num(0x7fffffff));
    const seg = r() < 0.15 ? `${pick(['es', 'cs', 'ss', 'ds', 'fs', 'gs'])}:` : '';
    return `[${seg}${parts.join('+').replace(/\+-/g, '-')}]`;
  };
  const lines: string[] = [];
  const alu = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp', 'mov', 'test'];
  while (lines.length < n) {
    const op = pick(alu);
    const size = pick([8, 16, 32]);
    const regs = size === 8 ? R8 : size === 16 ? R16 : R32;
    const kw = size === 8 ? 'byte' : size === 16 ? 'word' : 'dword';
    const lim = size === 8 ? 0xff : size === 16 ? 0xffff : 0x7fffffff;
    switch (Math.floor(r() * 7)) {
      case 0: lines.push(`${op} ${pick(regs)}, ${num(lim >> 1)}`); break;
      case 1: lines.push(`${op} ${kw} ${mem()}, ${num(lim >> 1)}`); break;
      case 2: lines.push(`${op} ${mem()}, ${pick(regs)}`); break;
      case 3: lines.push(`${op === 'test' ? 'mov' : op} ${pick(regs)}, ${mem()}`); break;
      case 4: lines.push(`lea ${pick(R32)}, ${mem()}`); break;
      case 5: lines.push(`push ${r() < 0.5 ? num(0x7fffffff) : `dword ${mem()}`}`); break;
      case 6: lines.push(`${pick(['shl', 'sar', 'rol', 'rcr'])} ${kw} ${mem()}, ${pick(['1', 'cl', String(Math.floor(r() * 32))])}`); break;
    }
  }
  return lines;
}

test('4000 random operand values agree with nasm', { skip: !nasmAvailable() && 'no nasm' }, () => {
  const lines = generate(4000, 20261124);
  const src = ['bits 32', ...lines].join('\n') + '\n';
  const ours = assemble(src, { fileName: 'random.asm' });
  assert.deepEqual(ours.errors.slice(0, 5), []);
  const ref = nasmAssemble(src);
  const perLine = new Map<number, string>();
  for (const e of ours.lineMap) perLine.set(e.line, Buffer.from(ours.bytes.subarray(e.address, e.address + e.size)).toString('hex'));
  const bad: string[] = [];
  for (const [line, hex] of ref.perLine) if (perLine.get(line) !== hex) bad.push(`${lines[line - 2]}: nasm ${hex}, ours ${perLine.get(line)}`);
  assert.deepEqual(bad.slice(0, 10), []);
  assert.ok(Buffer.from(ours.bytes).equals(Buffer.from(ref.bytes)));
});
