// Byte-for-byte agreement with nasm: the generated instruction corpus and every asm
// sequence of the test386 EE legend (read from ../shared/conformance, never copied).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assemble } from '../../kernel/asm/index.ts';
import { corpusLines, corpusSource } from './corpus.ts';
import { conformanceDir, conformanceFile, conformanceMissing } from '../support/conformance.ts';
import { nasmAssemble, nasmAvailable } from './nasm.ts';

const haveNasm = nasmAvailable();

/** Compare line by line so a failure names the instruction, not just an offset. */
function compareWithNasm(source: string): { agree: number; disagree: string[] } {
  const ours = assemble(source, { fileName: 'corpus.asm' });
  assert.deepEqual(ours.errors.map(e => `${e.line}: ${e.message}`), []);
  const ref = nasmAssemble(source);
  const perLine = new Map<number, string>();
  for (const e of ours.lineMap) {
    perLine.set(e.line, (perLine.get(e.line) ?? '') + Buffer.from(ours.bytes.subarray(e.address, e.address + e.size)).toString('hex'));
  }
  const lines = source.split('\n');
  let agree = 0;
  const disagree: string[] = [];
  for (const [line, hex] of ref.perLine) {
    if (perLine.get(line) === hex) agree++;
    else disagree.push(`${line}: ${lines[line - 1]}: nasm ${hex}, ours ${perLine.get(line) ?? '(nothing)'}`);
  }
  assert.deepEqual(Buffer.from(ours.bytes), Buffer.from(ref.bytes), 'whole image');
  return { agree, disagree };
}

test('every corpus line assembles exactly as nasm assembles it', { skip: !haveNasm && 'nasm not installed' }, () => {
  const lines = corpusLines();
  assert.ok(lines.length > 3000, `corpus has ${lines.length} lines`);
  const { agree, disagree } = compareWithNasm(corpusSource(lines));
  assert.deepEqual(disagree.slice(0, 20), []);
  assert.ok(agree >= lines.length - 5, `${agree} lines agree`);
});

test('the test386 EE legend sequences agree with nasm', { skip: !haveNasm ? 'nasm missing' : !conformanceDir && conformanceMissing }, () => {
  const legend = JSON.parse(readFileSync(conformanceFile('test386-EE-legend.json'), 'utf8')) as Record<string, { asm: string[] }[]>;
  const seqs = Object.values(legend).flat().map(e => e.asm);
  assert.ok(seqs.length > 300);
  const source = ['bits 32', ...seqs.flat()].join('\n') + '\n';
  const { agree, disagree } = compareWithNasm(source);
  assert.deepEqual(disagree, []);
  assert.equal(agree, seqs.flat().length);
});
