// Expressions: parsed once into a small tree, evaluated on every layout pass with
// that pass's symbol values. A value remembers whether it is an address (relocatable)
// because NASM never shrinks an address to a sign-extended byte, and PE images need a
// base relocation for every absolute address they store.
import { AsmError, type SourcePos } from './errors.ts';
import { stringValue, type Token } from './lexer.ts';

export type Expr =
  | { k: 'num'; v: number }
  | { k: 'sym'; name: string; col: number }
  | { k: 'here' }
  | { k: 'base' }
  | { k: 'un'; op: string; a: Expr }
  | { k: 'bin'; op: string; a: Expr; b: Expr };

export interface Value {
  n: number;
  /** Non-null when the value is an address: the section (or import) it moves with. */
  rel: string | null;
  /** True when some symbol was not known yet (early passes, forward references). */
  unknown: boolean;
}

export interface EvalContext {
  lookup(name: string, col: number): Value | undefined;
  here: Value;
  sectionStart: Value;
}

/** Cursor over a token array. */
export class TokStream {
  i = 0;
  constructor(public toks: Token[]) {}
  peek(o = 0): Token { return this.toks[Math.min(this.i + o, this.toks.length - 1)]; }
  next(): Token { return this.toks[Math.min(this.i++, this.toks.length - 1)]; }
  atEnd(): boolean { return this.peek().kind === 'eol'; }
  isOp(text: string): boolean { const t = this.peek(); return t.kind === 'op' && t.text === text; }
  isId(text: string): boolean { const t = this.peek(); return t.kind === 'id' && t.text.toLowerCase() === text; }
  eatOp(text: string): boolean { if (this.isOp(text)) { this.i++; return true; } return false; }
  expectOp(text: string): void {
    if (!this.eatOp(text)) throw new AsmError(`expected '${text}'`, this.peek().col);
  }
}

// NASM precedence, lowest first.
const LEVELS: string[][] = [
  ['||'], ['^^'], ['&&'], ['==', '!=', '<>', '<', '>', '<=', '>='],
  ['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '%', '//', '%%'],
];

export function parseExpr(ts: TokStream, level = 0): Expr {
  if (level >= LEVELS.length) return parseUnary(ts);
  let a = parseExpr(ts, level + 1);
  for (;;) {
    const t = ts.peek();
    if (t.kind !== 'op' || !LEVELS[level].includes(t.text)) return a;
    ts.next();
    const b = parseExpr(ts, level + 1);
    a = { k: 'bin', op: t.text, a, b };
  }
}

function parseUnary(ts: TokStream): Expr {
  const t = ts.peek();
  if (t.kind === 'op' && ['-', '+', '~', '!'].includes(t.text)) {
    ts.next();
    return { k: 'un', op: t.text, a: parseUnary(ts) };
  }
  return parsePrimary(ts);
}

function parsePrimary(ts: TokStream): Expr {
  const t = ts.next();
  if (t.kind === 'num') return { k: 'num', v: t.value! };
  if (t.kind === 'float') throw new AsmError('a floating-point constant can only be data (dd, dq)', t.col);
  if (t.kind === 'str') return { k: 'num', v: stringValue(t.text) };
  if (t.kind === 'op' && t.text === '(') {
    const e = parseExpr(ts);
    ts.expectOp(')');
    return e;
  }
  if (t.kind === 'id') {
    if (t.text === '$') return { k: 'here' };
    if (t.text === '$$') return { k: 'base' };
    return { k: 'sym', name: t.text.startsWith('$') ? t.text.slice(1) : t.text, col: t.col };
  }
  if (t.kind === 'op' && t.text === '$') return { k: 'here' };
  throw new AsmError(t.kind === 'eol' ? 'expression expected' : `unexpected '${t.text}' in expression`, t.col);
}

const abs = (n: number, unknown = false): Value => ({ n, rel: null, unknown });

export function evaluate(e: Expr, ctx: EvalContext): Value {
  switch (e.k) {
    case 'num': return abs(e.v);
    case 'here': return ctx.here;
    case 'base': return ctx.sectionStart;
    case 'sym': {
      const v = ctx.lookup(e.name, e.col);
      return v ?? { n: 0, rel: null, unknown: true };
    }
    case 'un': {
      const a = evaluate(e.a, ctx);
      if (e.op === '+') return a;
      scalar(a, e.op);
      const n = e.op === '-' ? -a.n : e.op === '~' ? ~a.n : (a.n === 0 ? 1 : 0);
      return abs(n, a.unknown);
    }
    case 'bin': return binary(e.op, evaluate(e.a, ctx), evaluate(e.b, ctx));
  }
}

function scalar(v: Value, op: string): void {
  if (v.rel && !v.unknown) throw new AsmError(`'${op}' cannot be applied to an address (relocatable value)`);
}

function binary(op: string, a: Value, b: Value): Value {
  const unknown = a.unknown || b.unknown;
  if (op === '+') {
    if (a.rel && b.rel && !unknown) throw new AsmError('cannot add two addresses');
    return { n: a.n + b.n, rel: a.rel ?? b.rel, unknown };
  }
  if (op === '-') {
    if (b.rel && !a.rel && !unknown) throw new AsmError('cannot subtract an address from a number');
    return { n: a.n - b.n, rel: a.rel && b.rel ? null : a.rel, unknown };
  }
  scalar(a, op); scalar(b, op);
  const x = a.n, y = b.n;
  const r = (n: number): Value => abs(n, unknown);
  const divisor = (): number => {
    if (y === 0) { if (unknown) return 1; throw new AsmError('division by zero'); }
    return y;
  };
  switch (op) {
    case '*': return r(Number(BigInt.asIntN(64, BigInt(Math.trunc(x)) * BigInt(Math.trunc(y)))));
    case '/': return r(Math.floor(toU32(x) / toU32(divisor())));
    case '%': return r(toU32(x) % toU32(divisor()));
    case '//': return r(Math.trunc(x / divisor()));
    case '%%': return r(x % divisor());
    case '<<': return r(Number(BigInt.asIntN(64, BigInt(x) << BigInt(y & 63))));
    case '>>': return r(Math.floor(toU32(x) / 2 ** (y & 63)));
    case '&': return r(Number(BigInt.asIntN(64, BigInt(x) & BigInt(y))));
    case '|': return r(Number(BigInt.asIntN(64, BigInt(x) | BigInt(y))));
    case '^': return r(Number(BigInt.asIntN(64, BigInt(x) ^ BigInt(y))));
    case '==': return r(+(x === y));
    case '!=': case '<>': return r(+(x !== y));
    case '<': return r(+(x < y));
    case '>': return r(+(x > y));
    case '<=': return r(+(x <= y));
    case '>=': return r(+(x >= y));
    case '&&': return r(+(x !== 0 && y !== 0));
    case '||': return r(+(x !== 0 || y !== 0));
    case '^^': return r(+((x !== 0) !== (y !== 0)));
  }
  throw new AsmError(`unknown operator '${op}'`);
}

/** Unsigned view for NASM's unsigned `/`, `%` and `>>` on values that fit 32 bits. */
function toU32(n: number): number {
  return n < 0 && n >= -0x80000000 ? n >>> 0 : n;
}

/** Symbols an expression mentions (for `extern`/import checks and error messages). */
export function symbolsOf(e: Expr, out: string[] = []): string[] {
  if (e.k === 'sym') out.push(e.name);
  else if (e.k === 'un') symbolsOf(e.a, out);
  else if (e.k === 'bin') { symbolsOf(e.a, out); symbolsOf(e.b, out); }
  return out;
}

export type { SourcePos };
