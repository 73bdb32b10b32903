// Where the shared CPU conformance vectors are (test386 EE reference and legend). They are
// read in place, never copied into the project: `../shared/conformance` beside the
// checkout, or any ancestor's `shared/conformance`, or NTLAB_CONFORMANCE. Tests that need
// them skip with this message when none is found, and .ci/run says which one it uses.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const LEGEND = 'test386-EE-legend.json';

function find(): string | null {
  const env = process.env.NTLAB_CONFORMANCE;
  if (env) return existsSync(join(env, LEGEND)) ? resolve(env) : null;
  for (let dir = resolve(import.meta.dirname, '..', '..'); ; dir = dirname(dir)) {
    const candidate = join(dirname(dir), 'shared', 'conformance');
    if (existsSync(join(candidate, LEGEND))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** The conformance directory, or null. */
export const conformanceDir: string | null = find();

export const conformanceMissing = 'conformance vectors not found (../shared/conformance or NTLAB_CONFORMANCE)';

/** A file in the conformance directory (call only when conformanceDir is set). */
export function conformanceFile(name: string): string {
  return join(conformanceDir!, name);
}
