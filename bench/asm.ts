// `npm run bench:asm`: source lines per second of the project's assembler beside nasm
// on the same generated source, measured in the same run and printed as a ratio.
// The source is the instruction corpus of the tests, repeated in blocks with local
// labels and branches between them, so relaxation and symbol lookup are exercised too.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble } from '../kernel/asm/index.ts';
import { corpusLines } from '../test/asm/corpus.ts';
import { HELLO } from '../test/asm/fixtures.ts';

const TARGET_LINES = Number(process.env.BENCH_ASM_LINES ?? 60_000);
const RUNS = 3;

function generate(target: number): string {
  const body = corpusLines().filter(l => !/^(times|d[bwd])\b|\$/.test(l) && !/back_label|far_label/.test(l));
  const out = ['bits 32', 'equ_small equ 5', 'equ_big equ 0x12345'];
  let block = 0;
  for (; out.length < target; block++) {
    out.push(`block${block}:`, '.top:');
    for (let i = 0; i < 200; i++) out.push(body[(block * 200 + i) % body.length]);
    out.push('.tail: dec ecx', '  loop .tail', '  jnz .top', `  jmp block${block + 1}`);
  }
  out.push(`block${block}:`, 'data_label: dd 0');
  return out.join('\n') + '\n';
}

function best(fn: () => void): number {
  let min = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return min;
}

// Cold start first: the first call also builds the form index from iced's tables.
const cold0 = process.hrtime.bigint();
assemble(HELLO, { fileName: 'hello.asm', format: 'exe' });
const coldMs = Number(process.hrtime.bigint() - cold0) / 1e6;

const source = generate(TARGET_LINES);
const lines = source.split('\n').length - 1;
const dir = mkdtempSync(join(tmpdir(), 'ntlab-bench-asm-'));
try {
  const file = join(dir, 'bench.asm');
  writeFileSync(file, source);
  const check = assemble(source, { fileName: file });
  if (!check.ok) throw new Error(`bench source does not assemble: ${check.errors[0]?.message}`);
  const ours = best(() => { assemble(source, { fileName: file }); });
  let theirs: number | undefined;
  try {
    theirs = best(() => execFileSync('nasm', ['-f', 'bin', '-o', join(dir, 'out.bin'), file], { stdio: 'pipe' }));
  } catch {
    theirs = undefined;
  }
  const rate = (s: number) => Math.round(lines / s).toLocaleString('en-US');
  console.log(`assembler benchmark: ${lines.toLocaleString('en-US')} lines, ${check.bytes.length.toLocaleString('en-US')} bytes of output, best of ${RUNS}`);
  console.log(`  first call: ${coldMs.toFixed(1)} ms for hello.asm -> EXE (includes building the form index)`);
  console.log(`  ntlab asm : ${ours.toFixed(3)} s  ${rate(ours)} lines/s`);
  if (theirs === undefined) {
    console.log('  nasm      : not installed');
  } else {
    console.log(`  nasm      : ${theirs.toFixed(3)} s  ${rate(theirs)} lines/s (includes process start)`);
    console.log(`  ratio     : ntlab asm runs at ${(theirs / ours).toFixed(2)}x nasm's speed`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
