// Round trip: disassemble the assembler's output with iced-x86's NASM formatter,
// assemble that text again, and get the same bytes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Code, Decoder, DecoderOptions, Formatter, FormatterSyntax, Instruction, OpKind } from 'iced-x86';
import { readFileSync } from 'node:fs';
import { assemble } from '../../kernel/asm/index.ts';
import { corpusLines, corpusSource } from './corpus.ts';
import { conformanceDir, conformanceFile, conformanceMissing } from '../support/conformance.ts';


function disassemble(bytes: Uint8Array): string[] {
  const dec = new Decoder(32, bytes, DecoderOptions.None);
  const fmt = new Formatter(FormatterSyntax.Nasm);
  fmt.showUselessPrefixes = true; // keep NASM's explicit (redundant) segment overrides
  const ins = new Instruction();
  const out: string[] = [];
  while (dec.canDecode) {
    dec.decodeOut(ins);
    let text = fmt.format(ins);
    // The formatter writes `short` for rel8 but nothing for rel32; NASM would then
    // pick the short form, so say `near` where the original was near.
    if (ins.op0Kind === OpKind.NearBranch32 && !text.includes('short')) text = text.replace(' ', ' near ');
    // Likewise `push imm16` comes out without its operand size.
    if (ins.code === Code.Push_imm16) text = text.replace('push ', 'push word ');
    out.push(text);
  }
  ins.free(); fmt.free(); dec.free();
  return out;
}

test('corpus output disassembles and reassembles to the same bytes', () => {
  // `strict` forms are deliberately non-minimal; the disassembly cannot say so.
  const lines = corpusLines().filter(l => !/^(d[bwd]|times)\b|strict|nosplit|\[dword|\[byte/.test(l));
  const first = assemble(corpusSource(lines), { fileName: 'corpus.asm' });
  assert.equal(first.errors.length, 0);
  const text = disassemble(first.bytes);
  assert.ok(text.length > 3000);
  const second = assemble('bits 32\n' + text.join('\n') + '\n', { fileName: 'disasm.asm' });
  const firstBad = second.errors.slice(0, 5).map(e => `${text[e.line - 2]}: ${e.message}`);
  const bad = [...firstBad];
  const mismatches: string[] = [];
  for (const e of second.lineMap) {
    const a = Buffer.from(first.bytes.subarray(e.address, e.address + e.size)).toString('hex');
    const b = Buffer.from(second.bytes.subarray(e.address, e.address + e.size)).toString('hex');
    if (a !== b) mismatches.push(`${text[e.line - 2]}: ${a} vs ${b}`);
  }
  assert.deepEqual([...bad, ...mismatches.slice(0, 10)], []);
  assert.deepEqual(Buffer.from(second.bytes), Buffer.from(first.bytes));
});

test('EE legend sequences round-trip too', { skip: !conformanceDir && conformanceMissing }, () => {
  const legend = JSON.parse(readFileSync(conformanceFile('test386-EE-legend.json'), 'utf8')) as Record<string, { asm: string[] }[]>;
  const src = ['bits 32', ...Object.values(legend).flat().flatMap(e => e.asm)].join('\n') + '\n';
  const first = assemble(src);
  assert.deepEqual(first.errors, []);
  const second = assemble('bits 32\n' + disassemble(first.bytes).join('\n') + '\n');
  assert.deepEqual(second.errors, []);
  assert.ok(Buffer.from(second.bytes).equals(Buffer.from(first.bytes)));
});
