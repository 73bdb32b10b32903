// Shared sources for the assembler tests.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The hello.asm of DESIGN.md ("Outside interfaces"), as shipped in guest/hello.asm. */
export const HELLO = readFileSync(resolve(import.meta.dirname, '..', '..', 'guest', 'hello.asm'), 'utf8');
