// Helpers for comparing with the real nasm: run it on a source and read its listing
// back as bytes per source line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function nasmAvailable(): boolean {
  try { execFileSync('nasm', ['-v'], { stdio: 'ignore' }); return true; } catch { return false; }
}

/** Assemble with nasm -f bin; return the image and the bytes listed for each source line. */
export function nasmAssemble(source: string, files: Record<string, string> = {}): { bytes: Uint8Array; perLine: Map<number, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'ntlab-nasm-'));
  try {
    writeFileSync(join(dir, 'a.asm'), source);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    execFileSync('nasm', ['-f', 'bin', '-w-all', '-I', dir + '/', '-o', join(dir, 'a.bin'), '-l', join(dir, 'a.lst'), join(dir, 'a.asm')], { stdio: 'pipe' });
    const perLine = new Map<number, string>();
    for (const l of readFileSync(join(dir, 'a.lst'), 'latin1').split('\n')) {
      const m = l.match(/^\s*(\d+) [0-9A-F]{8} ([0-9A-F[\]()]+)-?\s/);
      if (!m || l.includes('<rep')) continue;
      const line = +m[1];
      perLine.set(line, (perLine.get(line) ?? '') + m[2].replace(/[[\]()]/g, '').toLowerCase());
    }
    return { bytes: readFileSync(join(dir, 'a.bin')), perLine };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
