// Assembles test snippets with Debian's nasm (a reference assembler, independent of ours),
// caching the bytes by source hash so repeated runs do not spawn it again.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cacheDir = join(tmpdir(), 'ntlab-nasm-cache');

export function nasm(source: string, org = 0): Uint8Array {
  const text = `bits 32\norg ${org}\n${source}\n`;
  const key = createHash('sha1').update(text).digest('hex');
  mkdirSync(cacheDir, { recursive: true });
  const out = join(cacheDir, key + '.bin');
  if (!existsSync(out)) {
    const src = join(cacheDir, key + '.asm');
    writeFileSync(src, text);
    execFileSync('nasm', ['-f', 'bin', '-o', out + '.tmp', src], { stdio: ['ignore', 'ignore', 'pipe'] });
    writeFileSync(out, readFileSync(out + '.tmp'));
  }
  return new Uint8Array(readFileSync(out));
}
