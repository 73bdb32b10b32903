// Conformance: the test386 "EE" reference vectors (../shared/conformance, read in place,
// never copied; see test/support/conformance.ts). Every one of the 44,926 lines runs the instruction sequence its legend
// entry gives, assembled by the project's own assembler, on the CPU at ring 0, and must
// leave the registers and the compared flags the reference shows.
//
//   bcd line:  daa EAX=… PS=… EAX=… PS=…       (all flags in, EAX and masked flags out)
//   ops line:  01 ADD W EAX=… EDX=… PS=… EAX=… EDX=… PS=…   or  … #DE EAX=… EDX=… PS=…
//
// For ops lines only the flags in the entry's mask are set from PS: the others carry over
// from the previous line, as on the machine that printed the reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { conformanceDir, conformanceFile, conformanceMissing } from '../support/conformance.ts';
import { assemble } from '../../kernel/asm/index.ts';
import { makeCpu, CODE, IDT, KSTACK_TOP } from './fixture.ts';
import { DE } from '../../kernel/cpu/types.ts';
import type { Cpu } from '../../kernel/cpu/cpu.ts';


interface Entry { name: string; asm: string[]; flagsMask: number; lines: number }
interface Legend { bcd: Entry[]; ops: Entry[] }

/** A #DE handler that only halts, so the registers stay as the fault left them. */
const DE_HANDLER = 0x8000;

/** Each sequence assembled once, at its own address, followed by hlt. */
function loadSequences(c: Cpu, entries: Entry[]): number[] {
  let at = CODE;
  return entries.map(e => {
    const r = assemble(`bits 32\norg ${at}\n${e.asm.join('\n')}\nhlt\n`, { fileName: `${e.name}.asm` });
    assert.ok(r.ok, `${e.name}: ${r.errors.map(x => x.message).join('; ')}`);
    c.mem.load(at, r.bytes);
    const start = at;
    at += (r.bytes.length + 15) & ~15;
    return start;
  });
}

function hex(s: string): number { return parseInt(s, 16) | 0; }

const FIELD = /(EAX|EDX|PS)=([0-9A-F]{4,8})/g;

/** The register and flag values of one line: [before, after] maps, and whether #DE. */
function parseLine(line: string): { before: Map<string, number>; after: Map<string, number>; de: boolean } {
  const de = line.includes('#DE');
  const fields = [...line.matchAll(FIELD)].map(m => [m[1], hex(m[2])] as const);
  const half = fields.length / 2;
  return { before: new Map(fields.slice(0, half)), after: new Map(fields.slice(half)), de };
}

test('test386 EE reference vectors: all 44,926 lines', { skip: !conformanceDir && conformanceMissing }, () => {
  const legend = JSON.parse(readFileSync(conformanceFile('test386-EE-legend.json'), 'utf8')) as Legend;
  const lines = readFileSync(conformanceFile('test386-EE-reference.txt'), 'utf8').split('\n').filter(l => l.trim() !== '');
  const entries = [...legend.bcd, ...legend.ops];
  assert.equal(entries.reduce((n, e) => n + e.lines, 0), lines.length, 'the legend covers every line');

  const c = makeCpu();
  c.mem.write8(DE_HANDLER, 0xf4);                                   // hlt
  c.mem.write32(IDT + DE * 8, (0x08 << 16) | DE_HANDLER);
  c.mem.write32(IDT + DE * 8 + 4, 0x8e00);                          // interrupt gate: IF = 0
  const starts = loadSequences(c, entries);

  const failures: string[] = [];
  let n = 0, flags = 0x2;
  entries.forEach((e, k) => {
    const isBcd = k < legend.bcd.length;
    for (let i = 0; i < e.lines; i++, n++) {
      const { before, after, de } = parseLine(lines[n]);
      c.regs[0] = before.get('EAX')!;
      if (before.has('EDX')) c.regs[2] = before.get('EDX')!;
      c.regs[4] = KSTACK_TOP;
      flags = isBcd ? before.get('PS')! : (flags & ~e.flagsMask) | (before.get('PS')! & e.flagsMask);
      c.flags.set(flags & ~0x200);
      c.eip = starts[k];
      c.halted = false;
      const stop = c.run(1000);
      flags = c.flags.get();
      const got = [`EAX=${h8(c.regs[0])}`, after.has('EDX') ? `EDX=${h8(c.regs[2])}` : '', `PS=${h4(flags & e.flagsMask)}`];
      const want = [`EAX=${h8(after.get('EAX')!)}`, after.has('EDX') ? `EDX=${h8(after.get('EDX')!)}` : '', `PS=${h4(after.get('PS')! & e.flagsMask)}`];
      const faulted = c.eip === DE_HANDLER + 1;
      if (stop.kind !== 'halted' || faulted !== de || got.join(' ') !== want.join(' '))
        failures.push(`line ${n + 1} [${e.asm.join(' ; ')}]: ${lines[n].trim()}\n    got ${got.join(' ')}${faulted ? ' #DE' : ''} (${stop.kind})`);
    }
  });
  assert.equal(failures.length, 0, `${failures.length} lines differ:\n${failures.slice(0, 30).join('\n')}`);
});

function h8(v: number): string { return (v >>> 0).toString(16).toUpperCase().padStart(8, '0'); }
function h4(v: number): string { return (v >>> 0).toString(16).toUpperCase().padStart(4, '0'); }
