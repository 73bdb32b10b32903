// Matching names against the patterns of NtQueryDirectoryFile and FindFirstFile.
//
// NT's file systems match with FsRtlIsNameInExpression, which knows five wildcards:
//   *  any run of characters          ?  exactly one character
//   <  DOS_STAR: any run up to the final '.' of the name
//   >  DOS_QM: one character, or none at a '.' or at the end of the name
//   "  DOS_DOT: a '.', or nothing at the end of the name
// kernel32's FindFirstFile rewrites the DOS pattern the user typed into that language
// before calling NtQueryDirectoryFile: "*.*" becomes "*" (so it also matches names with
// no dot), '?' becomes '>', a '*' before a '.' becomes '<', and a '.' before '?', '*' or
// the end becomes '"'. `dosPatternToNt` does that rewrite; `compilePattern` takes
// either language. Matching ignores case, like the file names themselves.
import { nameKey } from './names.ts';

export type PatternSyntax = 'dos' | 'nt';

const DOS_STAR = '<';
const DOS_QM = '>';
const DOS_DOT = '"';

/** kernel32's rewrite of a FindFirstFile pattern into an NT expression. */
export function dosPatternToNt(pattern: string): string {
  if (pattern === '*.*') return '*';
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    const next = pattern[i + 1];
    if (ch === '?') out += DOS_QM;
    else if (ch === '*' && next === '.') out += DOS_STAR;
    else if (ch === '.' && (next === '?' || next === '*' || next === undefined)) out += DOS_DOT;
    else out += ch;
  }
  return out;
}

export type NameMatcher = (name: string) => boolean;

/** A matcher for `pattern`; "*" (and no pattern at all) matches everything without work. */
export function compilePattern(pattern: string | undefined, syntax: PatternSyntax = 'dos'): NameMatcher {
  if (pattern === undefined || pattern === '') return () => true;
  const expression = nameKey(syntax === 'dos' ? dosPatternToNt(pattern) : pattern);
  if (expression === '*') return () => true;
  if (!/[*?<>"]/.test(expression)) return name => nameKey(name) === expression;
  return name => isNameInExpression(expression, nameKey(name));
}

/**
 * FsRtlIsNameInExpression's semantics, by recursion over (pattern position, name
 * position) with memoization, so patterns like "*a*a*a*" stay polynomial.
 * Both strings are already upcased.
 */
export function isNameInExpression(expression: string, name: string): boolean {
  const lastDot = name.lastIndexOf('.');
  const memo = new Map<number, boolean>();
  const width = name.length + 1;

  const match = (p: number, n: number): boolean => {
    if (p === expression.length) return n === name.length;
    const key = p * width + n;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const result = step(p, n);
    memo.set(key, result);
    return result;
  };

  const step = (p: number, n: number): boolean => {
    const atEnd = n === name.length;
    switch (expression[p]) {
      case '*':
        return match(p + 1, n) || (!atEnd && match(p, n + 1));
      case '?':
        return !atEnd && match(p + 1, n + 1);
      case DOS_STAR: {
        // Up to, not past, the final dot: "<.TXT" must leave ".TXT" for the rest.
        const limit = lastDot >= n ? lastDot : name.length;
        for (let k = n; k <= limit; k++) if (match(p + 1, k)) return true;
        return false;
      }
      case DOS_QM:
        return atEnd || name[n] === '.' ? match(p + 1, n) : match(p + 1, n + 1);
      case DOS_DOT:
        return atEnd ? match(p + 1, n) : name[n] === '.' && match(p + 1, n + 1);
      default:
        return !atEnd && expression[p] === name[n] && match(p + 1, n + 1);
    }
  };

  return match(0, 0);
}
