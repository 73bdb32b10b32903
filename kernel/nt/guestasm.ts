// Assembling the guest code: kernel/asm with the generated include files (ks386.inc, the
// service tables, the ntdll stubs) served from memory and everything else from the source
// tree. A mistake in guest source is a build error of NT Lab itself, so it throws.
//
// Results are cached on disk (node_modules/.cache/ntlab-guest), keyed by a hash of every
// input -- the guest sources, the generated text, the options and the assembler's own
// source -- so a fresh process boots without assembling anything when nothing changed.
import { readFileSync, readdirSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { assemble, formatDiagnostic, type AssembleOptions, type AsmSection } from '../asm/index.ts';
import { fsIncludeResolver } from '../asm/fs-include.ts';
import { ks386 } from './asmgen.ts';

/** The repository's kernel/ directory. */
export const KERNEL_DIR = fileURLToPath(new URL('..', import.meta.url));
const CACHE_DIR = join(KERNEL_DIR, '..', 'node_modules', '.cache', 'ntlab-guest');
/** Directories whose files a guest build may include. */
const GUEST_SOURCE_DIRS = ['nt/ke/i386', 'win32'];

export interface GuestBuild {
  /** Entry source, relative to kernel/. */
  main: string;
  /** Generated include files by name (ks386.inc is always there). */
  generated?: Record<string, string>;
  options: Omit<AssembleOptions, 'fileName' | 'includeResolver'>;
}

/** What the rest of the kernel needs from an assembled guest image. */
export interface GuestImage {
  bytes: Uint8Array;
  symbols: Map<string, number>;
  sections: AsmSection[];
}

export function assembleGuest(b: GuestBuild): GuestImage {
  const generated: Record<string, string> = { 'ks386.inc': ks386(), ...b.generated };
  const key = cacheKey(b, generated);
  const cached = readCache(key);
  if (cached) return cached;
  const file = join(KERNEL_DIR, b.main);
  const fromTree = fsIncludeResolver([]);
  const r = assemble(readFileSync(file, 'utf8'), {
    ...b.options,
    fileName: file,
    includeResolver: (name, from) => name in generated ? { file: name, text: generated[name] } : fromTree(name, from),
  });
  if (!r.ok) throw new Error(`assembling ${b.main} failed:\n` + r.errors.slice(0, 20).map(formatDiagnostic).join('\n'));
  const image = { bytes: r.bytes, symbols: new Map(r.symbols.map(s => [s.name, s.address >>> 0])), sections: r.sections };
  writeCache(key, image);
  return image;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p)); else out.push(p);
  }
  return out;
}

let staticInputs: string | null = null;

function cacheKey(b: GuestBuild, generated: Record<string, string>): string {
  const h = createHash('sha256');
  if (staticInputs === null) {
    const files = [...GUEST_SOURCE_DIRS.map(d => join(KERNEL_DIR, d)), join(KERNEL_DIR, 'asm')].flatMap(filesUnder);
    const s = createHash('sha256');
    for (const f of files) s.update(f).update(readFileSync(f));
    staticInputs = s.digest('hex');
  }
  h.update(staticInputs).update(b.main).update(JSON.stringify(b.options));
  for (const [name, text] of Object.entries(generated).sort()) h.update(name).update(text);
  return h.digest('hex');
}

function readCache(key: string): GuestImage | null {
  try {
    const j = JSON.parse(readFileSync(join(CACHE_DIR, key + '.json'), 'utf8'));
    return { bytes: new Uint8Array(Buffer.from(j.bytes, 'base64')), symbols: new Map(j.symbols), sections: j.sections };
  } catch {
    return null;
  }
}

function writeCache(key: string, image: GuestImage): void {
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const j = { bytes: Buffer.from(image.bytes).toString('base64'), symbols: [...image.symbols], sections: image.sections };
    writeFileSync(join(CACHE_DIR, key + '.json'), JSON.stringify(j));
  } catch {
    // a read-only tree: assemble every time
  }
}
