// The preprocessor: %include, %define/%undef/%assign, %macro with parameters and
// %%local labels, %rep, and %if/%ifdef/%ifndef/%elif/%else/%endif. It turns source
// text into plain lines, each still carrying the file and line it came from.
import { AsmError, Diagnostics, type SourcePos } from './errors.ts';
import { stripComment, tokenize } from './lexer.ts';
import { evaluate, parseExpr, TokStream } from './expr.ts';

export interface SourceLine { text: string; file: string; line: number }

/** Returns the text of an included file, or undefined if it cannot be found. */
export type IncludeResolver = (name: string, fromFile: string) => { file: string; text: string } | undefined;

interface Macro { name: string; min: number; max: number; greedy: boolean; body: SourceLine[]; pos: SourcePos }
interface Define { params: string[] | null; body: string }
/** The parameters of the macro call being expanded (%rotate changes them). */
interface Frame { args: string[]; id: number }
interface Cond { active: boolean; done: boolean; parentActive: boolean; sawElse: boolean; pos: SourcePos }

const MAX_DEPTH = 64;

export class Preprocessor {
  private defines = new Map<string, Define>();
  private macros = new Map<string, Macro[]>();
  private out: SourceLine[] = [];
  private uniq = 0;

  constructor(private diags: Diagnostics, private resolve?: IncludeResolver, predefined: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(predefined)) this.defines.set(k, { params: null, body: v });
  }

  run(text: string, file: string): SourceLine[] {
    this.process(splitLines(text, file), 0);
    return this.out;
  }

  private process(lines: SourceLine[], depth: number, frame?: Frame): void {
    if (depth > MAX_DEPTH) throw new AsmError('macro or include nesting too deep');
    const conds: Cond[] = [];
    const active = () => conds.length === 0 || conds[conds.length - 1].active;
    for (let i = 0; i < lines.length; i++) {
      const src = frame ? { ...lines[i], text: substitute(lines[i].text, frame.args, frame.id) } : lines[i];
      const pos = { file: src.file, line: src.line, col: 1 };
      try {
        const trimmed = stripComment(src.text).trim();
        const dir = trimmed.match(/^%([a-z]+)\b\s*(.*)$/i);
        const word = dir?.[1].toLowerCase();
        if (word && this.conditional(word, dir![2], conds, pos)) continue;
        if (!active()) continue;
        if (word === 'macro' || word === 'imacro') { i = this.defineMacro(lines, i, dir![2], pos); continue; }
        if (word === 'rep') { i = this.rep(lines, i, dir![2], pos, depth, frame); continue; }
        if (word === 'rotate') { this.rotate(dir![2], pos, frame); continue; }
        if (word) { this.directive(word, dir![2], pos, depth); continue; }
        this.line(src, depth);
      } catch (e) {
        if (!(e instanceof AsmError)) throw e;
        this.diags.error({ ...pos, col: e.col ?? 1 }, e.message);
      }
    }
    if (conds.length) this.diags.error(conds[conds.length - 1].pos, '%if without %endif');
  }

  /** Handles %if-family lines (%if, %ifn, %ifdef, %ifidn, ... and %elif forms); false otherwise. */
  private conditional(word: string, arg: string, conds: Cond[], pos: SourcePos): boolean {
    const top = conds[conds.length - 1];
    const parentActive = conds.length === 0 || top.active;
    const m = word.match(/^(el)?if(n?)(def|macro|idni|idn|num|str|id|empty)?$/);
    if (m) {
      const test = () => this.testCondition(m[3] ?? '', arg, pos) !== (m[2] === 'n');
      if (!m[1]) {
        const v = parentActive && test();
        conds.push({ active: v, done: v, parentActive, sawElse: false, pos });
        return true;
      }
      if (!top) throw new AsmError(`%${word} without %if`);
      if (top.sawElse) throw new AsmError(`%${word} after %else`);
      const v = top.parentActive && !top.done && test();
      top.active = v; top.done ||= v;
      return true;
    }
    switch (word) {
      case 'else':
        if (!top) throw new AsmError('%else without %if');
        if (top.sawElse) throw new AsmError('%else after %else');
        top.sawElse = true; top.active = top.parentActive && !top.done; top.done = true;
        return true;
      case 'endif':
        if (!top) throw new AsmError('%endif without %if');
        conds.pop();
        return true;
    }
    return false;
  }

  private testCondition(kind: string, arg: string, pos: SourcePos): boolean {
    const text = arg.trim();
    switch (kind) {
      case 'def': return this.defines.has(text);
      case 'macro': return this.macros.has(text.split(/\s+/)[0].toLowerCase());
      case 'idn': case 'idni': {
        const parts = splitArgs(this.expand(text, pos));
        if (parts.length !== 2) throw new AsmError(`%if${kind} needs two comma-separated texts`);
        const [a, b] = parts.map(p => p.replace(/\s+/g, ''));
        return kind === 'idn' ? a === b : a.toLowerCase() === b.toLowerCase();
      }
      case 'num': return /^-?(?:[0-9][0-9a-fA-F_]*[hHbBqQoOdD]?|0[xX][0-9a-fA-F_]+|\$[0-9][0-9a-fA-F_]*)$/.test(this.expand(text, pos).trim());
      case 'str': return /^(["'`]).*\1$/.test(this.expand(text, pos).trim());
      case 'id': return /^[A-Za-z_.?$@][\w.?$@#~]*$/.test(this.expand(text, pos).trim());
      case 'empty': return this.expand(text, pos).trim() === '';
      default: return this.evalCondition(arg, pos) !== 0;
    }
  }

  private evalCondition(arg: string, pos: SourcePos): number {
    const text = this.expand(arg, pos);
    const ts = new TokStream(tokenize(text));
    const e = parseExpr(ts);
    const v = evaluate(e, {
      lookup: (name) => { throw new AsmError(`'${name}' is not a constant known to the preprocessor`); },
      here: { n: 0, rel: null, unknown: false }, sectionStart: { n: 0, rel: null, unknown: false },
    });
    return v.n;
  }

  private directive(word: string, arg: string, pos: SourcePos, depth: number): void {
    switch (word) {
      case 'define': case 'xdefine': case 'idefine': {
        const m = arg.match(/^([A-Za-z_.?$@][\w.?$@#~]*)(\(([^)]*)\))?\s*(.*)$/);
        if (!m) throw new AsmError('%define: name expected');
        const params = m[2] ? m[3].split(',').map(p => p.trim()).filter(Boolean) : null;
        const body = word === 'xdefine' ? this.expand(m[4], pos) : m[4];
        this.defines.set(m[1], { params, body });
        return;
      }
      case 'undef': this.defines.delete(arg.trim()); return;
      case 'assign': {
        const m = arg.match(/^(\S+)\s+(.*)$/);
        if (!m) throw new AsmError('%assign: name and value expected');
        this.defines.set(m[1], { params: null, body: String(this.evalCondition(m[2], pos)) });
        return;
      }
      case 'strlen': {
        const m = arg.match(/^(\S+)\s+(.*)$/);
        if (!m) throw new AsmError('%strlen: name and string expected');
        this.defines.set(m[1], { params: null, body: String(this.stringArg(m[2], pos).length) });
        return;
      }
      case 'substr': {
        const m = arg.match(/^(\S+)\s+(.*)$/);
        const parts = m ? splitArgs(m[2]) : [];
        if (!m || parts.length < 2) throw new AsmError('%substr: name, string and start expected');
        const str = this.stringArg(parts[0], pos);
        const start = this.evalCondition(parts[1], pos);
        const len = parts[2] !== undefined ? this.evalCondition(parts[2], pos) : 1;
        this.defines.set(m[1], { params: null, body: `'${str.substr(start - 1, len < 0 ? str.length : len)}'` });
        return;
      }
      case 'include': {
        const name = arg.trim().replace(/^["'<](.*)["'>]$/, '$1');
        const inc = this.resolve?.(name, pos.file);
        if (!inc) throw new AsmError(`cannot open include file '${name}'`);
        this.process(splitLines(inc.text, inc.file), depth + 1);
        return;
      }
      case 'error': throw new AsmError(arg.trim().replace(/^["'](.*)["']$/, '$1'));
      case 'warning': this.diags.warning(pos, arg.trim().replace(/^["'](.*)["']$/, '$1')); return;
      case 'endmacro': case 'endm': throw new AsmError('%endmacro without %macro');
      case 'endrep': throw new AsmError('%endrep without %rep');
      case 'line': case 'pragma': return;
    }
    throw new AsmError(`unknown preprocessor directive '%${word}'`);
  }

  private stringArg(text: string, pos: SourcePos): string {
    const t = this.expand(text, pos).trim();
    const m = t.match(/^(["'`])(.*)\1$/);
    if (!m) throw new AsmError(`string expected, got '${t}'`);
    return m[2];
  }

  private defineMacro(lines: SourceLine[], i: number, arg: string, pos: SourcePos): number {
    const m = arg.match(/^([A-Za-z_.?$@][\w.?$@#~]*)\s+(\d+)(?:-(\d+|\*))?(\+)?/);
    if (!m) throw new AsmError('%macro: name and parameter count expected (e.g. %macro name 2)');
    const body: SourceLine[] = [];
    let nest = 0;
    for (let j = i + 1; j < lines.length; j++) {
      const t = stripComment(lines[j].text).trim().toLowerCase();
      if (/^%i?macro\b/.test(t)) nest++;
      if (/^%(endmacro|endm)\b/.test(t)) {
        if (nest-- === 0) {
          const min = +m[2];
          const max = m[3] === '*' ? Infinity : m[3] ? +m[3] : min;
          const list = this.macros.get(m[1].toLowerCase()) ?? [];
          list.push({ name: m[1], min, max, greedy: !!m[4], body, pos });
          this.macros.set(m[1].toLowerCase(), list);
          return j;
        }
      }
      body.push(lines[j]);
    }
    throw new AsmError(`%macro '${m[1]}' has no %endmacro`);
  }

  private rotate(arg: string, pos: SourcePos, frame: Frame | undefined): void {
    if (!frame) throw new AsmError('%rotate outside a macro');
    const n = this.evalCondition(arg, pos);
    const len = frame.args.length;
    if (len === 0) return;
    const k = ((n % len) + len) % len;
    frame.args = [...frame.args.slice(k), ...frame.args.slice(0, k)];
  }

  private rep(lines: SourceLine[], i: number, arg: string, pos: SourcePos, depth: number, frame?: Frame): number {
    const count = this.evalCondition(arg, pos);
    let nest = 0;
    for (let j = i + 1; j < lines.length; j++) {
      const t = stripComment(lines[j].text).trim().toLowerCase();
      if (/^%rep\b/.test(t)) nest++;
      if (/^%endrep\b/.test(t) && nest-- === 0) {
        const body = lines.slice(i + 1, j);
        for (let k = 0; k < count; k++) this.process(body, depth + 1, frame);
        return j;
      }
    }
    throw new AsmError('%rep without %endrep');
  }

  /** An ordinary line: expand single-line macros, then maybe a multi-line macro call. */
  private line(src: SourceLine, depth: number): void {
    const pos = { file: src.file, line: src.line, col: 1 };
    const text = this.expand(src.text, pos).replace(/\s*%\+\s*/g, '');
    const m = stripComment(text).match(/^(\s*(?:[A-Za-z_.?$@][\w.?$@#~]*:)?\s*)([A-Za-z_.?$@][\w.?$@#~]*)(?:\s+(.*?))?\s*$/);
    const macros = m ? this.macros.get(m[2].toLowerCase()) : undefined;
    if (!m || !macros) { this.out.push({ ...src, text }); return; }
    const args = splitArgs(m[3] ?? '');
    const mac = macros.find(x => args.length >= x.min && (args.length <= x.max || x.greedy));
    if (!mac) {
      const want = macros.map(x => x.max === x.min ? `${x.min}` : `${x.min}-${x.max === Infinity ? '*' : x.max}`).join(' or ');
      throw new AsmError(`macro '${m[2]}' expects ${want} parameter(s), got ${args.length}`, m[1].length + 1);
    }
    if (mac.greedy && args.length > mac.max) {
      const rest = args.slice(mac.max - 1).join(', ');
      args.splice(mac.max - 1, args.length, rest);
    }
    if (m[1].trim()) this.out.push({ ...src, text: m[1] });
    const body = mac.body.map(l => ({ ...l, file: src.file, line: src.line }));
    this.process(body, depth + 1, { args, id: ++this.uniq });
  }

  /** Replace %define'd names (whole identifiers, outside strings), repeatedly. */
  private expand(text: string, pos: SourcePos, depth = 0): string {
    if (this.defines.size === 0 || depth > 32) return text;
    let changed = false;
    const out = text.replace(/("[^"]*"|'[^']*'|`[^`]*`|;.*$)|([A-Za-z_.?$@][\w.?$@#~]*)(\s*\(([^()]*)\))?/g,
      (all, quoted: string | undefined, name: string | undefined, call: string | undefined, args: string | undefined) => {
        if (quoted || !name) return all;
        const d = this.defines.get(name);
        if (!d) return all;
        if (d.params) {
          if (call === undefined) return all;
          const vals = splitArgs(args ?? '');
          changed = true;
          return d.params.reduce((b, p, k) => b.replace(new RegExp(`\\b${escapeRe(p)}\\b`, 'g'), vals[k] ?? ''), d.body);
        }
        changed = true;
        return d.body + (call ?? '');
      });
    return changed ? this.expand(out, pos, depth + 1) : out;
  }
}

function escapeRe(s: string): string { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

function splitLines(text: string, file: string): SourceLine[] {
  const raw = text.split(/\r?\n/);
  const lines: SourceLine[] = [];
  for (let i = 0; i < raw.length; i++) {
    // A trailing backslash continues the line.
    let t = raw[i];
    const line = i + 1;
    while (t.endsWith('\\') && i + 1 < raw.length) t = t.slice(0, -1) + raw[++i];
    lines.push({ text: t, file, line });
  }
  return lines;
}

/** Split macro arguments on top-level commas; `{a, b}` groups one argument. */
export function splitArgs(s: string): string[] {
  const text = stripComment(s).trim();
  if (!text) return [];
  const args: string[] = [];
  let cur = '';
  let depth = 0;
  let q = '';
  for (const c of text) {
    if (q) { cur += c; if (c === q) q = ''; continue; }
    if (c === '"' || c === "'" || c === '`') { q = c; cur += c; continue; }
    if (c === '(' || c === '[') depth++;
    if (c === ')' || c === ']') depth--;
    if (c === '{' && depth === 0 && cur.trim() === '') { depth = -100; continue; }
    if (c === '}' && depth === -100) { depth = 0; continue; }
    if (c === ',' && depth === 0) { args.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  args.push(cur.trim());
  return args;
}

/** Macro body substitution: %0, %1..%n, %{n}, %%label. */
function substitute(text: string, args: string[], id: number): string {
  return text
    .replace(/%%([A-Za-z_.?$@][\w.?$@#~]*)/g, (_, n: string) => `..@${id}.${n}`)
    .replace(/%\{(\d+)\}|%(\d+)/g, (_, a: string | undefined, b: string | undefined) => {
      const k = +(a ?? b!);
      return k === 0 ? String(args.length) : (args[k - 1] ?? '');
    });
}
