// %include resolution from the file system: relative to the including file first,
// then each directory of the search path (like nasm -I). Kept apart from the
// assembler core, which never touches the file system itself.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { IncludeResolver } from './preprocess.ts';
import type { BinaryResolver } from './layout.ts';

function findFile<T>(name: string, fromFile: string, searchPath: string[], read: (file: string) => T): T | undefined {
  const candidates = isAbsolute(name) ? [name] : [join(dirname(fromFile), name), ...searchPath.map(d => join(d, name))];
  for (const file of candidates) {
    try {
      return read(file);
    } catch {
      // try the next directory
    }
  }
  return undefined;
}

export function fsIncludeResolver(searchPath: string[] = []): IncludeResolver {
  return (name, fromFile) => findFile(name, fromFile, searchPath, file => ({ file, text: readFileSync(file, 'utf8') }));
}

/** `incbin` files, searched like includes. */
export function fsBinaryResolver(searchPath: string[] = []): BinaryResolver {
  return (name, fromFile) => findFile(name, fromFile, searchPath, file => new Uint8Array(readFileSync(file)));
}
