// Tokenizer for one source line of NASM-dialect assembly. Columns are kept on every
// token so diagnostics can point at the offending operand.
import { AsmError } from './errors.ts';

export type TokKind = 'id' | 'num' | 'float' | 'str' | 'op' | 'eol';

export interface Token {
  kind: TokKind;
  text: string;      // identifiers as written; strings without quotes
  col: number;       // 1-based column in the line
  value?: number;    // numbers
}

const ID_START = /[A-Za-z_.?@$]/;
const ID_CHAR = /[A-Za-z0-9_.?@$#~]/;
// Multi-character operators first so `<<` is not read as two `<`.
const OPS = ['<<', '>>', '//', '%%', '==', '!=', '<>', '<=', '>=', '&&', '||', '^^'];

/** Parse a NASM numeric literal; undefined if the text is not a number. */
export function parseNumber(text: string): number | undefined {
  const t = text.replace(/_/g, '').toLowerCase();
  let m: RegExpMatchArray | null;
  if ((m = t.match(/^(?:0x|0h|\$)([0-9a-f]+)$/)) && !(t.startsWith('$') && !/^\$[0-9]/.test(t))) return parseInt(m[1], 16);
  if ((m = t.match(/^([0-9][0-9a-f]*)h$/))) return parseInt(m[1], 16);
  if ((m = t.match(/^(?:0b|0y)([01]+)$/)) || (m = t.match(/^([01]+)[by]$/))) return parseInt(m[1], 2);
  if ((m = t.match(/^(?:0o|0q)([0-7]+)$/)) || (m = t.match(/^([0-7]+)[oq]$/))) return parseInt(m[1], 8);
  if ((m = t.match(/^(?:0d)?([0-9]+)d?$/))) return parseInt(m[1], 10);
  return undefined;
}

/** Strip a trailing `;` comment, respecting quotes. */
export function stripComment(line: string): string {
  let q = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) { if (c === q) q = ''; continue; }
    if (c === '"' || c === "'" || c === '`') q = c;
    else if (c === ';') return line.slice(0, i);
  }
  return line;
}

export function tokenize(line: string): Token[] {
  const toks: Token[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line[i];
    if (c === ';') break;
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    const col = i + 1;
    if (c === '"' || c === "'" || c === '`') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) throw new AsmError('unterminated string', col);
      let s = line.slice(i + 1, end);
      if (c === '`') s = unescapeBacktick(s);
      toks.push({ kind: 'str', text: s, col });
      i = end + 1;
      continue;
    }
    const float = /^[0-9][0-9_]*\.[0-9_]*(?:[eE][+-]?[0-9]+)?/.exec(line.slice(i, i + 64));
    if (float && !/[0-9A-Za-z_.]/.test(line[i + float[0].length] ?? '')) {
      // Floating-point constants (`dd 1.5`, `dq 3.0e8`) are only meaningful as data.
      toks.push({ kind: 'float', text: float[0], col, value: Number(float[0].replace(/_/g, '')) });
      i += float[0].length;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '$' && /[0-9]/.test(line[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_]/.test(line[j])) j++;
      const text = line.slice(i, j);
      const value = parseNumber(text);
      if (value === undefined) throw new AsmError(`invalid number '${text}'`, col);
      toks.push({ kind: 'num', text, col, value });
      i = j;
      continue;
    }
    if (ID_START.test(c)) {
      let j = i + 1;
      while (j < n && ID_CHAR.test(line[j])) j++;
      toks.push({ kind: 'id', text: line.slice(i, j), col });
      i = j;
      continue;
    }
    const op = OPS.find(o => line.startsWith(o, i)) ?? c;
    toks.push({ kind: 'op', text: op, col });
    i += op.length;
  }
  toks.push({ kind: 'eol', text: '', col: n + 1 });
  return toks;
}

function unescapeBacktick(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', '0': '\0', e: '\x1b', a: '\x07', b: '\b', f: '\f', v: '\v' };
    return map[e] ?? e;
  });
}

/** Bytes of a string constant used as a number: little-endian, as NASM does. */
export function stringValue(s: string): number {
  let v = 0;
  for (let k = Math.min(s.length, 4) - 1; k >= 0; k--) v = v * 256 + (s.charCodeAt(k) & 0xff);
  return v;
}
