// The service lists (sysfuncs.lst for the native services, w32ksvc.lst for the demo win32k
// table): one `Name ArgCount` per line, the line index being the index in the table.
// Lines from the first comment (`;`) or blank line on are commentary, not services.
import { readFileSync } from 'node:fs';

export interface ServiceEntry {
  name: string;
  argc: number;
  /** Index in its table. */
  index: number;
  /** What the caller puts in EAX: (table << 12) | index. */
  number: number;
}

export function parseServiceList(text: string, table = 0): ServiceEntry[] {
  const out: ServiceEntry[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';')) break;
    const m = /^(Nt\w+)\s+(\d+)$/.exec(line);
    if (!m) throw new Error(`service list line ${i + 1}: expected 'NtName ArgCount', got '${line}'`);
    out.push({ name: m[1], argc: Number(m[2]), index: out.length, number: (table << 12) | out.length });
  }
  return out;
}

let native: ServiceEntry[] | null = null;
let win32k: ServiceEntry[] | null = null;

/** The 232 native services of kernel/nt/sysfuncs.lst. */
export function nativeServices(): ServiceEntry[] {
  return native ??= parseServiceList(readFileSync(new URL('../sysfuncs.lst', import.meta.url), 'utf8'), 0);
}

/** The demo win32k table of kernel/nt/w32ksvc.lst (service numbers from 0x1000). */
export function win32kServices(): ServiceEntry[] {
  return win32k ??= parseServiceList(readFileSync(new URL('../w32ksvc.lst', import.meta.url), 'utf8'), 1);
}
