#!/usr/bin/env node
// `ntlab` entry point: runs kernel/cli.ts under tsx, so the TypeScript sources are the
// program (no build step).
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

register();
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { main } = await import(join(root, 'kernel', 'cli.ts'));
process.exitCode = main(process.argv.slice(2));
