// Assembling the guest code: kernel/asm with the generated include files (ks386.inc, the
// service tables, the ntdll stubs) served from memory and everything else from the source
// tree. A mistake in guest source is a build error of NT Lab itself, so it throws.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { assemble, formatDiagnostic, type AssembleOptions, type AssembleResult } from '../asm/index.ts';
import { fsIncludeResolver } from '../asm/fs-include.ts';
import { ks386 } from './asmgen.ts';

/** The repository's kernel/ directory. */
export const KERNEL_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface GuestBuild {
  /** Entry source, relative to kernel/. */
  main: string;
  /** Generated include files by name (ks386.inc is always there). */
  generated?: Record<string, string>;
  options: Omit<AssembleOptions, 'fileName' | 'includeResolver'>;
}

export function assembleGuest(b: GuestBuild): AssembleResult {
  const file = join(KERNEL_DIR, b.main);
  const generated: Record<string, string> = { 'ks386.inc': ks386(), ...b.generated };
  const fromTree = fsIncludeResolver([]);
  const r = assemble(readFileSync(file, 'utf8'), {
    ...b.options,
    fileName: file,
    includeResolver: (name, from) => name in generated ? { file: name, text: generated[name] } : fromTree(name, from),
  });
  if (!r.ok) throw new Error(`assembling ${b.main} failed:\n` + r.errors.slice(0, 20).map(formatDiagnostic).join('\n'));
  return r;
}

/** name -> address for a result's symbols. */
export function symbolMap(r: AssembleResult): Map<string, number> {
  return new Map(r.symbols.map(s => [s.name, s.address >>> 0]));
}
