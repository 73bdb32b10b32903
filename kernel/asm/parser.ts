// Parser: one preprocessed line -> one statement (plus an optional label). Local
// labels (`.loop`) are qualified here with the last non-local label, so everything
// after this point sees plain global names.
import type { Register } from 'iced-x86';
import { AsmError, type SourcePos } from './errors.ts';
import { tokenize, type Token } from './lexer.ts';
import { parseExpr, TokStream, type Expr } from './expr.ts';
import { registerInfo, type RegInfo } from './registers.ts';

export type Operand =
  | { k: 'reg'; reg: Register; info: RegInfo; name: string; col: number }
  | { k: 'mem'; base?: Register; index?: Register; scale: number; disp: Expr | null; seg?: Register;
      size: number; far: boolean; nosplit: boolean; dispSize: number; col: number }
  | { k: 'imm'; e: Expr; size: number; strict: boolean; jump?: 'short' | 'near' | 'far'; col: number }
  | { k: 'far'; seg: Expr; off: Expr; size: number; col: number };

export type DataItem = { k: 'expr'; e: Expr; col: number } | { k: 'str'; s: string } | { k: 'float'; v: number; col: number };

export type Body =
  | { k: 'insn'; mnem: string; prefixes: string[]; ops: Operand[]; col: number }
  | { k: 'data'; unit: number; items: DataItem[] }
  | { k: 'res'; unit: number; count: Expr }
  | { k: 'times'; count: Expr; body: Body }
  | { k: 'align'; n: Expr; fill: Body | null; bss: boolean }
  | { k: 'equ'; e: Expr }
  | { k: 'org'; e: Expr }
  | { k: 'section'; name: string }
  | { k: 'names'; dir: 'global' | 'extern' | 'export'; names: string[] }
  | { k: 'import'; name: string; dll: string; entry: string }
  | { k: 'struc'; name: string }
  | { k: 'endstruc' }
  | { k: 'istruc'; name: string }
  | { k: 'at'; field: Expr; body: Body | null }
  | { k: 'iend' }
  | { k: 'absolute'; e: Expr }
  | { k: 'incbin'; file: string; skip: Expr | null; len: Expr | null }
  | { k: 'none' };

export interface Stmt {
  pos: SourcePos;
  label?: string;
  body: Body;
}

export const SIZE_KEYWORDS: Record<string, number> = {
  byte: 1, word: 2, dword: 4, fword: 6, pword: 6, qword: 8, tword: 10, oword: 16,
};
const DATA_UNITS: Record<string, number> = { db: 1, dw: 2, dd: 4, dq: 8, dt: 10 };
const RES_UNITS: Record<string, number> = { resb: 1, resw: 2, resd: 4, resq: 8, rest: 10 };
const PREFIXES = new Set(['rep', 'repe', 'repz', 'repne', 'repnz', 'lock', 'o16', 'o32']);
const DIRECTIVES = new Set([
  ...Object.keys(DATA_UNITS), ...Object.keys(RES_UNITS), 'times', 'align', 'alignb', 'equ', 'org',
  'section', 'segment', 'global', 'extern', 'export', 'import', 'bits', 'use32', 'struc',
  'endstruc', 'istruc', 'at', 'iend', 'absolute', 'cpu', 'default', 'incbin',
]);

export interface ParserOptions {
  isMnemonic(name: string): boolean;
}

export class Parser {
  private scope = '';
  constructor(private opts: ParserOptions) {}

  /** Qualify `.local` names with the current non-local label. */
  qualify(name: string): string {
    if (name.startsWith('.') && !name.startsWith('..')) return this.scope + name;
    return name;
  }

  private isKeyword(word: string): boolean {
    const w = word.toLowerCase();
    return DIRECTIVES.has(w) || PREFIXES.has(w) || this.opts.isMnemonic(w);
  }

  parseLine(text: string, pos: SourcePos): Stmt | null {
    const toks = tokenize(text);
    if (toks[0].kind === 'eol') return null;
    const ts = new TokStream(toks);
    const scopeBefore = this.scope;
    let label: string | undefined;
    const first = ts.peek();
    if (first.kind === 'id' && first.text.toLowerCase() === 'struc') {
      // handled below as a directive
    } else if (first.kind === 'id' && ts.peek(1).kind === 'op' && ts.peek(1).text === ':' &&
        !registerInfo(first.text)) {
      label = this.defineLabel(first.text);
      ts.i += 2;
    } else if (first.kind === 'id' && !this.isKeyword(first.text) &&
        (ts.peek(1).kind === 'eol' || (ts.peek(1).kind === 'id' && this.isKeyword(ts.peek(1).text)))) {
      label = this.defineLabel(first.text);
      ts.i += 1;
    }
    if (ts.atEnd()) return { pos, label, body: { k: 'none' } };
    const col = ts.peek().col;
    const body = this.parseBody(ts, label);
    if (body.k === 'equ') this.scope = scopeBefore; // in NASM, `equ` does not start a local-label scope
    return { pos: { ...pos, col }, label, body };
  }

  private defineLabel(name: string): string {
    const full = this.qualify(name.startsWith('$') ? name.slice(1) : name);
    if (!name.startsWith('.') && !name.startsWith('..@')) this.scope = full;
    return full;
  }

  private expr(ts: TokStream): Expr {
    return this.qualifyExpr(parseExpr(ts));
  }

  private qualifyExpr(e: Expr): Expr {
    switch (e.k) {
      case 'sym': return e.name.startsWith('.') && !e.name.startsWith('..') ? { ...e, name: this.scope + e.name } : e;
      case 'un': return { ...e, a: this.qualifyExpr(e.a) };
      case 'bin': return { ...e, a: this.qualifyExpr(e.a), b: this.qualifyExpr(e.b) };
      default: return e;
    }
  }

  private parseBody(ts: TokStream, label: string | undefined): Body {
    const t = ts.next();
    if (t.kind !== 'id') throw new AsmError(`instruction or directive expected, found '${t.text}'`, t.col);
    const w = t.text.toLowerCase();
    if (w in DATA_UNITS) return { k: 'data', unit: DATA_UNITS[w], items: this.dataItems(ts) };
    if (w in RES_UNITS) return this.end(ts, { k: 'res', unit: RES_UNITS[w], count: this.expr(ts) });
    switch (w) {
      case 'times': {
        const count = this.expr(ts);
        return { k: 'times', count, body: this.parseBody(ts, label) };
      }
      case 'align': case 'alignb': {
        const n = this.expr(ts);
        let fill: Body | null = null;
        if (ts.eatOp(',')) fill = this.parseBody(ts, label);
        return this.end(ts, { k: 'align', n, fill, bss: w === 'alignb' });
      }
      case 'equ':
        if (!label) throw new AsmError('equ needs a label', t.col);
        return this.end(ts, { k: 'equ', e: this.expr(ts) });
      case 'org': return this.end(ts, { k: 'org', e: this.expr(ts) });
      case 'absolute': return this.end(ts, { k: 'absolute', e: this.expr(ts) });
      case 'section': case 'segment': {
        const name = ts.next();
        if (name.kind !== 'id') throw new AsmError('section name expected', name.col);
        ts.i = ts.toks.length - 1; // attributes (align=, progbits...) are accepted and ignored
        return { k: 'section', name: name.text };
      }
      case 'global': case 'extern': case 'export':
        return { k: 'names', dir: w, names: this.nameList(ts) };
      case 'import': return this.importDirective(ts);
      case 'bits': case 'use32': {
        const n = w === 'use32' ? 32 : ts.next().value;
        if (n !== 32) throw new AsmError('only 32-bit code is supported (bits 32)', t.col);
        return this.end(ts, { k: 'none' });
      }
      case 'cpu': case 'default': ts.i = ts.toks.length - 1; return { k: 'none' };
      case 'struc': {
        const name = ts.next();
        if (name.kind !== 'id') throw new AsmError('structure name expected', name.col);
        this.scope = name.text;
        return this.end(ts, { k: 'struc', name: name.text });
      }
      case 'endstruc': return this.end(ts, { k: 'endstruc' });
      case 'istruc': {
        const name = ts.next();
        if (name.kind !== 'id') throw new AsmError('structure name expected', name.col);
        return this.end(ts, { k: 'istruc', name: name.text });
      }
      case 'at': {
        const field = this.expr(ts);
        let body: Body | null = null;
        if (ts.eatOp(',')) body = this.parseBody(ts, label);
        return this.end(ts, { k: 'at', field, body });
      }
      case 'iend': return this.end(ts, { k: 'iend' });
      case 'incbin': {
        const f = ts.next();
        if (f.kind !== 'str') throw new AsmError('incbin: file name in quotes expected', f.col);
        const skip = ts.eatOp(',') ? this.expr(ts) : null;
        const len = skip && ts.eatOp(',') ? this.expr(ts) : null;
        return this.end(ts, { k: 'incbin', file: f.text, skip, len });
      }
    }
    return this.instruction(t, ts);
  }

  private end<B extends Body>(ts: TokStream, b: B): B {
    if (!ts.atEnd()) throw new AsmError(`unexpected '${ts.peek().text}' at end of line`, ts.peek().col);
    return b;
  }

  private nameList(ts: TokStream): string[] {
    const names: string[] = [];
    do {
      const n = ts.next();
      if (n.kind !== 'id') throw new AsmError('symbol name expected', n.col);
      names.push(this.qualify(n.text));
      if (ts.eatOp(':')) ts.next(); // `global foo:function` — type is ignored
    } while (ts.eatOp(','));
    this.end(ts, { k: 'none' });
    return names;
  }

  private importDirective(ts: TokStream): Body {
    // NASM obj syntax: `import Name dll [entry]`
    const name = ts.next();
    if (name.kind !== 'id') throw new AsmError('import: symbol name expected', name.col);
    const d = ts.next();
    if (d.kind !== 'id' && d.kind !== 'str') throw new AsmError('import: DLL name expected', d.col);
    const dll = d.text;
    let entry = name.text;
    if (!ts.atEnd()) entry = ts.next().text;
    return this.end(ts, { k: 'import', name: name.text, dll, entry });
  }

  private dataItems(ts: TokStream): DataItem[] {
    const items: DataItem[] = [];
    do {
      const t = ts.peek();
      const after = ts.peek(1);
      const ends = (x: Token) => x.kind === 'eol' || (x.kind === 'op' && x.text === ',');
      const neg = t.kind === 'op' && (t.text === '-' || t.text === '+') && after.kind === 'float' && ends(ts.peek(2));
      if (t.kind === 'str' && ends(after)) {
        ts.next();
        items.push({ k: 'str', s: t.text });
      } else if ((t.kind === 'float' && ends(after)) || neg) {
        if (neg) ts.next();
        const f = ts.next();
        items.push({ k: 'float', v: neg && t.text === '-' ? -f.value! : f.value!, col: f.col });
      } else {
        items.push({ k: 'expr', e: this.expr(ts), col: t.col });
      }
    } while (ts.eatOp(','));
    this.end(ts, { k: 'none' });
    return items;
  }

  private instruction(t: Token, ts: TokStream): Body {
    const prefixes: string[] = [];
    let mnem = t.text.toLowerCase();
    let col = t.col;
    while (PREFIXES.has(mnem)) {
      prefixes.push(mnem);
      const n = ts.next();
      if (n.kind === 'eol') { // a prefix alone on its line
        return { k: 'insn', mnem: prefixes.pop()!, prefixes, ops: [], col };
      }
      if (n.kind !== 'id') throw new AsmError('instruction expected after prefix', n.col);
      mnem = n.text.toLowerCase();
      col = n.col;
    }
    const ops: Operand[] = [];
    if (!ts.atEnd()) {
      do ops.push(this.operand(ts)); while (ts.eatOp(','));
    }
    return this.end(ts, { k: 'insn', mnem, prefixes, ops, col });
  }

  private operand(ts: TokStream): Operand {
    const col = ts.peek().col;
    let size = 0;
    let strict = false;
    let jump: 'short' | 'near' | 'far' | undefined;
    for (;;) {
      const p = ts.peek();
      if (p.kind !== 'id') break;
      const w = p.text.toLowerCase();
      if (w in SIZE_KEYWORDS) size = SIZE_KEYWORDS[w];
      else if (w === 'strict') strict = true;
      else if (w === 'short' || w === 'near' || w === 'far') jump = w;
      else if (w === 'ptr') { /* MASM habit, harmless */ }
      else break;
      ts.next();
    }
    const p = ts.peek();
    if (p.kind === 'op' && p.text === '[') return this.memory(ts, size, jump === 'far', undefined, col);
    if (p.kind === 'id') {
      const r = registerInfo(p.text);
      if (r && r.cls === 'sreg' && ts.peek(1).kind === 'op' && ts.peek(1).text === ':' &&
          ts.peek(2).kind === 'op' && ts.peek(2).text === '[') {
        ts.i += 2;
        return this.memory(ts, size, jump === 'far', r.reg, col);
      }
      if (r) { ts.next(); return { k: 'reg', reg: r.reg, info: r, name: p.text.toLowerCase(), col }; }
    }
    const e = this.expr(ts);
    if (ts.eatOp(':')) return { k: 'far', seg: e, off: this.expr(ts), size, col };
    return { k: 'imm', e, size, strict, jump, col };
  }

  /** `[seg: base + index*scale + disp]`, in any order NASM accepts. */
  private memory(ts: TokStream, size: number, far: boolean, seg: Register | undefined, col: number): Operand {
    ts.expectOp('[');
    let nosplit = false;
    let dispSize = 0;
    // `[nosplit eax*2]`, `[byte eax+4]`, `[dword eax+4]`: encoding hints inside the brackets.
    for (let t = ts.peek(); t.kind === 'id'; t = ts.peek()) {
      const w = t.text.toLowerCase();
      if (w === 'nosplit') nosplit = true;
      else if (w === 'byte' || w === 'dword' || w === 'word') dispSize = SIZE_KEYWORDS[w];
      else break;
      ts.next();
    }
    const s0 = ts.peek();
    const sr = s0.kind === 'id' ? registerInfo(s0.text) : undefined;
    if (sr && sr.cls === 'sreg' && ts.peek(1).kind === 'op' && ts.peek(1).text === ':') {
      seg = sr.reg; ts.i += 2;
    }
    const regs: { reg: Register; scale: number; col: number }[] = [];
    let disp: Expr | null = null;
    let sign = '+';
    for (;;) {
      const term = this.memTerm(ts);
      if ('reg' in term) {
        if (sign === '-') throw new AsmError('a register cannot be subtracted in an address', term.col);
        regs.push(term);
      } else {
        const e: Expr = term.e;
        disp = disp ? { k: 'bin', op: sign, a: disp, b: e } : (sign === '-' ? { k: 'un', op: '-', a: e } : e);
      }
      if (ts.isOp('+') || ts.isOp('-')) { sign = ts.next().text; continue; }
      break;
    }
    ts.expectOp(']');
    return { k: 'mem', ...arrangeAddress(regs, nosplit, col), disp, seg, size, far, nosplit, dispSize, col };
  }

  /** One `+`-separated term of an address: a register, `reg*n`, `n*reg`, or an expression. */
  private memTerm(ts: TokStream): { reg: Register; scale: number; col: number } | { e: Expr } {
    const t = ts.peek();
    const r = t.kind === 'id' ? registerInfo(t.text) : undefined;
    if (r && (r.cls === 'r32' || r.cls === 'r16')) {
      ts.next();
      let scale = 1;
      if (ts.eatOp('*')) scale = constant(this.parseMulOperand(ts), t.col);
      return { reg: r.reg, scale, col: t.col };
    }
    if (t.kind === 'num' && ts.peek(1).kind === 'op' && ts.peek(1).text === '*') {
      const r2 = ts.peek(2).kind === 'id' ? registerInfo(ts.peek(2).text) : undefined;
      if (r2 && (r2.cls === 'r32' || r2.cls === 'r16')) {
        ts.i += 3;
        return { reg: r2.reg, scale: t.value!, col: t.col };
      }
    }
    // A displacement term: parse at multiplicative precedence so `+`/`-` stay ours.
    return { e: this.qualifyExpr(parseExpr(ts, 9)) };
  }

  private parseMulOperand(ts: TokStream): Expr {
    const t = ts.next();
    if (t.kind === 'num') return { k: 'num', v: t.value! };
    if (t.kind === 'op' && t.text === '(') { const e = parseExpr(ts); ts.expectOp(')'); return e; }
    throw new AsmError('scale factor expected', t.col);
  }
}

function constant(e: Expr, col: number): number {
  if (e.k === 'num') return e.v;
  throw new AsmError('scale must be a number', col);
}

/**
 * Choose base and index like NASM: the unscaled register written first is the base;
 * ESP cannot be an index so it is swapped into the base; `[eax*2]` becomes
 * `[eax+eax]` (shorter than a 32-bit displacement) unless `nosplit` is given.
 */
function arrangeAddress(regs: { reg: Register; scale: number; col: number }[], nosplit: boolean, col: number):
    { base?: Register; index?: Register; scale: number } {
  // Fold `eax + eax*2` style repetitions into one scaled register.
  const merged: { reg: Register; scale: number; col: number }[] = [];
  for (const r of regs) {
    const same = merged.find(m => m.reg === r.reg && (m.scale !== 1 || r.scale !== 1));
    if (same) same.scale += r.scale; else merged.push({ ...r });
  }
  if (merged.length > 2) throw new AsmError('too many registers in address', col);
  let base: (typeof merged)[number] | undefined;
  let index: (typeof merged)[number] | undefined;
  if (merged.length === 2) {
    const scaled = merged.find(m => m.scale !== 1);
    if (scaled) { index = scaled; base = merged.find(m => m !== scaled); }
    else { base = merged[0]; index = merged[1]; }
    if (base && base.scale !== 1) throw new AsmError('invalid effective address: two scaled registers', col);
  } else if (merged.length === 1) {
    if (merged[0].scale === 1) base = merged[0]; else index = merged[0];
  }
  if (index && !base && !nosplit && [2, 3, 5, 9].includes(index.scale)) {
    base = { ...index, scale: 1 };
    index = { ...index, scale: index.scale - 1 };
  }
  if (index && index.scale === 1 && isEsp(index.reg) && base) [base, index] = [index, base];
  if (index && ![1, 2, 4, 8].includes(index.scale)) throw new AsmError(`invalid scale factor ${index.scale}`, index.col);
  return { base: base?.reg, index: index?.reg, scale: index?.scale ?? 1 };
}

function isEsp(r: Register): boolean {
  return registerInfo('esp')!.reg === r;
}
