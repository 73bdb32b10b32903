// %include resolution from the file system: relative to the including file first,
// then each directory of the search path (like nasm -I). Kept apart from the
// assembler core, which never touches the file system itself.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { IncludeResolver } from './preprocess.ts';

export function fsIncludeResolver(searchPath: string[] = []): IncludeResolver {
  return (name, fromFile) => {
    const candidates = isAbsolute(name) ? [name] : [join(dirname(fromFile), name), ...searchPath.map(d => join(d, name))];
    for (const file of candidates) {
      try {
        return { file, text: readFileSync(file, 'utf8') };
      } catch {
        // try the next directory
      }
    }
    return undefined;
  };
}
