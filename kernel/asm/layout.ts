// Layout: the multi-pass walk over statements. Each pass assigns addresses with the
// previous pass's symbol values; a pass whose labels all come out the same as the one
// before is final. Branches start short and a branch that once failed to reach stays
// near, so sizes only grow and the loop terminates.
import { AsmError, Diagnostics, type SourcePos } from './errors.ts';
import { evaluate, type EvalContext, type Expr, type Value } from './expr.ts';
import { encodeInstruction, isRelativeBranch, type Encoded, type ROperand } from './encode.ts';
import type { Body, Operand, Stmt } from './parser.ts';
import { ByteBuffer } from './buffer.ts';

export type SectionKind = 'code' | 'rdata' | 'data' | 'bss';

export interface Section {
  name: string;
  kind: SectionKind;
  start: number;          // absolute address of offset 0
  data: ByteBuffer;       // empty for bss
  size: number;
  relocs: number[];       // offsets of 32-bit absolute addresses inside this section
}

export interface SymbolInfo {
  name: string;
  value: number;
  section: string | null; // null for absolute (equ, struc fields)
  kind: 'label' | 'equ' | 'import';
  pos?: SourcePos;
}

export interface LineMapEntry { address: number; size: number; file: string; line: number; section: string }

/** Bytes of a file named by `incbin`, or undefined if it cannot be found. */
export type BinaryResolver = (name: string, fromFile: string) => Uint8Array | undefined;

export interface Import { name: string; dll: string; entry: string; pos: SourcePos }

/** How sections are placed in memory; the output format decides. */
export interface Placement {
  /** Start address of every section given the sizes of the previous pass. */
  place(sections: { name: string; kind: SectionKind; size: number }[], org: number | undefined): Map<string, number>;
  /** Address of an import's IAT slot, or undefined if the format has no imports. */
  importAddress(name: string, starts: Map<string, number>): number | undefined;
}

export interface LayoutResult {
  sections: Section[];
  symbols: Map<string, SymbolInfo>;
  lineMap: LineMapEntry[];
  globals: Set<string>;
  externs: Set<string>;
  exports: string[];
  imports: Import[];
  org: number | undefined;
}

const MAX_PASSES = 40;

export function sectionKind(name: string): SectionKind {
  const n = name.toLowerCase();
  if (n === '.text' || n === '.code' || n === 'code' || n === '.init') return 'code';
  if (n === '.rdata' || n === '.rodata' || n === '.const') return 'rdata';
  if (n === '.bss' || n === 'bss' || n === '.udata') return 'bss';
  return 'data';
}

interface Scratch {
  sec: Section | null;      // null while inside struc/absolute
  absBase: number;          // absolute-mode location counter base
  absOffset: number;
  sections: Map<string, Section>;
  starts: Map<string, number>;
  istruc?: { name: string; start: number; pos: SourcePos };
  strucName?: string;
  strucPrev?: Section | null;
}

export class Layout {
  private symbols = new Map<string, SymbolInfo>();
  private prevSymbols = new Map<string, SymbolInfo>();
  private longBranch = new Set<number>();
  private diags = new Diagnostics();
  private lineMap: LineMapEntry[] = [];
  private globals = new Set<string>();
  private externs = new Set<string>();
  private exports: string[] = [];
  private imports: Import[] = [];
  private org: number | undefined;
  private pos!: SourcePos;
  private st!: Scratch;
  private stmtIndex = 0;
  private final = false;
  /** Address of every statement in this pass and the previous one. */
  private addr: number[] = [];
  private prevAddr: number[] = [];
  /** Encodings by instruction text and operand values: most lines encode the same each pass. */
  private cache = new Map<string, Encoded>();

  constructor(private stmts: Stmt[], private placement: Placement, private format: string,
              private externals: Record<string, number> = {}, private binaryResolver?: BinaryResolver) {
    this.collectDirectives();
  }

  /** Names and imports do not depend on addresses: gather them once, up front. */
  private collectDirectives(): void {
    for (const s of this.stmts) {
      const b = s.body;
      if (b.k === 'names') {
        for (const n of b.names) {
          if (b.dir === 'global') this.globals.add(n);
          else if (b.dir === 'extern') this.externs.add(n);
          else this.exports.push(n);
        }
      } else if (b.k === 'import') {
        if (!this.imports.some(i => i.name === b.name)) this.imports.push({ name: b.name, dll: b.dll, entry: b.entry, pos: s.pos });
      }
    }
  }

  run(outer: Diagnostics): LayoutResult {
    let sizes: { name: string; kind: SectionKind; size: number }[] = [];
    for (let pass = 0; ; pass++) {
      // From the second pass on every symbol has a value, so a pass may be the last
      // one: it reports errors and records the line map.
      this.final = pass >= 1;
      this.runPass(this.placement.place(sizes, this.org));
      const newSizes = [...this.st.sections.values()].map(s => ({ name: s.name, kind: s.kind, size: s.size }));
      const stable = pass > 0 && this.sameSymbols() && sameSizes(sizes, newSizes);
      sizes = newSizes;
      if (stable) break;
      if (pass === MAX_PASSES - 1) {
        if (!this.diags.hasErrors) this.diags.error({ file: this.stmts[0]?.pos.file ?? '?', line: 1, col: 1 }, 'symbol values did not converge');
        break;
      }
      this.prevSymbols = this.symbols;
      this.prevAddr = this.addr;
    }
    for (const d of this.diags.list) outer.add(d.severity, d, d.message);
    this.checkGlobals(outer);
    return {
      sections: [...this.st.sections.values()], symbols: this.symbols, lineMap: this.lineMap,
      globals: this.globals, externs: this.externs, exports: this.exports, imports: this.imports, org: this.org,
    };
  }

  private checkGlobals(outer: Diagnostics): void {
    for (const s of this.stmts) {
      if (s.body.k !== 'names' || s.body.dir === 'extern') continue;
      for (const n of s.body.names) {
        if (!this.symbols.has(n) && !this.imports.some(i => i.name === n)) outer.error(s.pos, `${s.body.dir} symbol '${n}' is not defined`);
      }
    }
  }

  private sameSymbols(): boolean {
    if (this.symbols.size !== this.prevSymbols.size) return false;
    for (const [k, v] of this.symbols) {
      const p = this.prevSymbols.get(k);
      if (!p || p.value !== v.value) return false;
    }
    return true;
  }

  private runPass(starts: Map<string, number>): void {
    this.symbols = new Map();
    this.diags = new Diagnostics();
    this.lineMap = [];
    this.st = { sec: null, absBase: 0, absOffset: 0, sections: new Map(), starts };
    this.switchSection('.text');
    for (const imp of this.imports) {
      const addr = this.placement.importAddress(imp.name, starts);
      if (addr !== undefined) this.symbols.set(imp.name, { name: imp.name, value: addr, section: '.idata', kind: 'import', pos: imp.pos });
    }
    this.stmtIndex = 0;
    this.addr = [];
    for (const s of this.stmts) {
      this.pos = s.pos;
      this.addr.push(this.here().n);
      try {
        this.statement(s);
      } catch (e) {
        if (!(e instanceof AsmError)) throw e;
        if (this.final) this.diags.error({ ...s.pos, col: e.col ?? s.pos.col }, e.message);
      }
      this.stmtIndex++;
    }
    if (this.st.strucName) this.error('struc without endstruc');
  }

  private error(msg: string): void { if (this.final) this.diags.error(this.pos, msg); }
  private warn(msg: string): void { if (this.final) this.diags.warning(this.pos, msg); }

  // ------------------------------------------------------------ location counter

  private switchSection(name: string): void {
    let sec = this.st.sections.get(name);
    if (!sec) {
      const kind = sectionKind(name);
      sec = { name, kind, start: this.st.starts.get(name) ?? 0, data: new ByteBuffer(), size: 0, relocs: [] };
      this.st.sections.set(name, sec);
    }
    this.st.sec = sec;
  }

  private here(): Value {
    const sec = this.st.sec;
    if (!sec) return { n: this.st.absBase + this.st.absOffset, rel: null, unknown: false };
    return { n: sec.start + sec.size, rel: sec.name, unknown: false };
  }

  private sectionStart(): Value {
    const sec = this.st.sec;
    if (!sec) return { n: this.st.absBase, rel: null, unknown: false };
    return { n: sec.start, rel: sec.name, unknown: false };
  }

  private emit(bytes: ArrayLike<number>, relocs: number[] = []): void {
    const sec = this.st.sec;
    if (!sec) { this.st.absOffset += bytes.length; return; }
    if (sec.kind === 'bss') {
      if ([...Array.from(bytes)].some(b => b !== 0)) this.warn('initialised data in a bss section is ignored');
      sec.size += bytes.length;
      return;
    }
    for (const r of relocs) sec.relocs.push(sec.size + r);
    sec.data.bytes(bytes);
    sec.size += bytes.length;
  }

  private reserve(n: number, fill = 0): void {
    const sec = this.st.sec;
    if (n < 0) throw new AsmError('negative size');
    if (!sec) { this.st.absOffset += n; return; }
    if (sec.kind !== 'bss') sec.data.fill(n, fill);
    sec.size += n;
  }

  // ------------------------------------------------------------ symbols and values

  private readonly lookupFn = (name: string, col: number) => this.lookup(name, col);
  /** `$`: the address where the current line starts, for every item and `times` round (NASM). */
  private lineStart: Value = { n: 0, rel: null, unknown: false };

  private ctx(): EvalContext {
    return {
      lookup: this.lookupFn,
      here: this.lineStart,
      sectionStart: this.sectionStart(),
    };
  }

  private lookup(name: string, col?: number): Value | undefined {
    const cur = this.symbols.get(name);
    if (cur) return { n: cur.value, rel: cur.section, unknown: false };
    const prev = this.prevSymbols.get(name);
    if (prev) {
      // A forward reference: last pass's value, moved by however much this section has
      // grown since last pass up to here (everything after us moved at least that far).
      const sec = this.st.sec;
      const before = this.prevAddr[this.stmtIndex];
      const shift = sec && prev.section === sec.name && before !== undefined ? this.addr[this.stmtIndex] - before : 0;
      return { n: prev.value + (prev.kind === 'label' ? shift : 0), rel: prev.section, unknown: false };
    }
    if (Object.hasOwn(this.externals, name)) return { n: this.externals[name], rel: null, unknown: false };
    if (this.final) {
      if (this.externs.has(name)) throw new AsmError(`symbol '${name}' is extern but not imported (use: import ${name} some.dll)`, col);
      throw new AsmError(`undefined symbol '${name}'`, col);
    }
    return undefined;
  }

  private eval(e: Expr): Value { return evaluate(e, this.ctx()); }

  private known(e: Expr, what: string): number {
    const v = this.eval(e);
    if (v.unknown) {
      if (this.final) throw new AsmError(`${what} must be known in the first pass`);
      return 0;
    }
    return v.n;
  }

  private define(name: string, value: Value, kind: SymbolInfo['kind']): void {
    if (this.symbols.has(name)) throw new AsmError(`symbol '${name}' redefined`);
    this.symbols.set(name, { name, value: value.n, section: value.rel, kind, pos: this.pos });
  }

  // ------------------------------------------------------------ statements

  private statement(s: Stmt): void {
    const b = s.body;
    this.lineStart = this.here();
    if (s.label && b.k !== 'equ') this.define(s.label, this.lineStart, 'label');
    if (b.k === 'equ') {
      const v = this.eval(b.e);
      this.define(s.label!, v.unknown ? { n: 0, rel: null, unknown: true } : v, 'equ');
      return;
    }
    const before = this.lineStart.n;
    const sec = this.st.sec;
    this.body(b);
    if (this.final && sec && this.st.sec === sec && sec.kind !== 'bss') {
      const size = this.here().n - before;
      if (size > 0) this.lineMap.push({ address: before, size, file: s.pos.file, line: s.pos.line, section: sec.name });
    }
  }

  private body(b: Body): void {
    switch (b.k) {
      case 'none': case 'names': case 'import': return;
      case 'insn': return this.instruction(b);
      case 'data': return this.data(b.unit, b.items);
      case 'res': return this.reserve(this.known(b.count, 'reservation size') * b.unit);
      case 'times': return this.times(b.count, b.body);
      case 'align': return this.align(b.n, b.fill, b.bss);
      case 'org': return this.setOrg(b.e);
      case 'section': {
        if (this.st.strucName) throw new AsmError('section change inside struc');
        return this.switchSection(b.name);
      }
      case 'absolute':
        this.st.sec = null; this.st.absBase = this.known(b.e, 'absolute address'); this.st.absOffset = 0;
        return;
      case 'struc':
        this.st.strucPrev = this.st.sec; this.st.strucName = b.name;
        this.define(b.name, { n: 0, rel: null, unknown: false }, 'equ');
        this.st.sec = null; this.st.absBase = 0; this.st.absOffset = 0;
        return;
      case 'endstruc': {
        if (!this.st.strucName) throw new AsmError('endstruc without struc');
        this.define(`${this.st.strucName}_size`, { n: this.st.absOffset, rel: null, unknown: false }, 'equ');
        this.st.sec = this.st.strucPrev ?? null; this.st.strucName = undefined;
        return;
      }
      case 'istruc': this.st.istruc = { name: b.name, start: this.here().n, pos: this.pos }; return;
      case 'at': return this.at(b.field, b.body);
      case 'incbin': return this.incbin(b.file, b.skip, b.len);
      case 'iend': {
        const is = this.st.istruc;
        if (!is) throw new AsmError('iend without istruc');
        const size = this.lookup(`${is.name}_size`);
        if (size) this.padTo(is.start + size.n);
        this.st.istruc = undefined;
        return;
      }
    }
  }

  private binaries = new Map<string, Uint8Array>();

  private incbin(file: string, skipExpr: Expr | null, lenExpr: Expr | null): void {
    const key = `${this.pos.file}\0${file}`;
    let data = this.binaries.get(key);
    if (!data) {
      data = this.binaryResolver?.(file, this.pos.file);
      if (!data) throw new AsmError(`incbin: cannot open '${file}'`);
      this.binaries.set(key, data);
    }
    const skip = skipExpr ? this.known(skipExpr, 'incbin offset') : 0;
    const len = lenExpr ? this.known(lenExpr, 'incbin length') : data.length - skip;
    this.emit(data.subarray(skip, skip + Math.max(0, len)));
  }

  private setOrg(e: Expr): void {
    if (this.format !== 'bin') throw new AsmError('org is only meaningful for flat binaries (--format bin)');
    const v = this.known(e, 'org');
    if (this.org !== undefined && this.org !== v) throw new AsmError('org given twice');
    this.org = v;
  }

  private at(field: Expr, body: Body | null): void {
    const is = this.st.istruc;
    if (!is) throw new AsmError('at outside istruc');
    const off = this.eval(field);
    this.padTo(is.start + off.n);
    if (body) this.body(body);
  }

  private padTo(address: number): void {
    const gap = address - this.here().n;
    if (gap < 0) throw new AsmError('structure field out of order or overlapping');
    this.reserve(gap);
  }

  private times(countExpr: Expr, body: Body): void {
    const count = this.known(countExpr, 'times count');
    if (count < 0) throw new AsmError('times count is negative');
    if (count > 0x1000000) throw new AsmError('times count too large');
    const sec = this.st.sec;
    if (count < 2 || !sec || sec.kind === 'bss' || !positionIndependent(body)) {
      for (let i = 0; i < count; i++) this.body(body);
      return;
    }
    // The same bytes every time: emit once, then copy (`times 0x100000 db 0` stays fast).
    const start = sec.size;
    const relocStart = sec.relocs.length;
    this.body(body);
    if (this.st.sec !== sec) return;
    const once = sec.data.toArray().subarray(start);
    const relocs = sec.relocs.slice(relocStart).map(r => r - start);
    for (let i = 1; i < count; i++) this.emit(once, relocs);
  }

  private align(nExpr: Expr, fill: Body | null, bss: boolean): void {
    const n = this.known(nExpr, 'alignment');
    if (n <= 0 || (n & (n - 1)) !== 0) throw new AsmError('alignment must be a power of two');
    const offset = this.here().n - this.sectionStart().n;
    const pad = (n - (offset % n)) % n;
    if (pad === 0) return;
    if (bss || this.st.sec?.kind === 'bss') return this.reserve(pad);
    if (!fill) return this.reserve(pad, 0x90); // NASM pads with NOP
    const end = this.here().n + pad;
    while (this.here().n < end) this.body(fill);
  }

  private data(unit: number, items: import('./parser.ts').DataItem[]): void {
    const ctx = this.ctx();
    for (const it of items) {
      if (it.k === 'str') {
        const bytes = Array.from(it.s, c => c.charCodeAt(0) & 0xff);
        while (bytes.length % unit) bytes.push(0);
        this.emit(bytes);
        continue;
      }
      if (it.k === 'float') { this.emit(floatBytes(it.v, unit)); continue; }
      const v = evaluate(it.e, ctx);
      if (v.rel && unit !== 4 && !v.unknown) this.warnOrError(unit);
      if (simpleRange(v, unit) === false) this.warn(`value ${v.n} does not fit in ${unit * 8} bits; truncated`);
      const buf = new ByteBuffer();
      buf.le(v.n, unit);
      this.emit(buf.toArray(), v.rel && unit === 4 ? [0] : []);
    }
  }

  private warnOrError(unit: number): void {
    if (this.format !== 'bin') throw new AsmError(`an address needs 32 bits (dd), not ${unit * 8}`);
  }

  // ------------------------------------------------------------ instructions

  private instruction(b: Extract<Body, { k: 'insn' }>): void {
    if (!this.st.sec) throw new AsmError('instructions are not allowed inside struc/absolute');
    const ctx = this.ctx();
    const ops: ROperand[] = [];
    for (const o of b.ops) ops.push(this.resolveOperand(o, ctx));
    const id = this.stmtIndex;
    let enc;
    try {
      const req = { mnem: b.mnem, prefixes: b.prefixes, ops, ip: this.here().n, allowShort: !this.longBranch.has(id) };
      const key = cacheKey(req);
      enc = this.cache.get(key);
      if (!enc) {
        enc = encodeInstruction(req);
        this.cache.set(key, enc);
      }
    } catch (e) {
      // Point at the mnemonic, not at a label in front of it.
      if (e instanceof AsmError && e.col === undefined) e.col = b.col;
      throw e;
    }
    if (enc.short === false && enc.shortFailed) this.longBranch.add(id);
    for (const w of enc.warnings) this.warn(w);
    this.checkImportCall(b);
    this.emit(enc.bytes, enc.relocs);
  }

  /** `call ExitProcess` jumps into the import table itself; the intent is `call [ExitProcess]`. */
  private checkImportCall(b: Extract<Body, { k: 'insn' }>): void {
    const op = b.ops[0];
    if (!this.final || (b.mnem !== 'call' && b.mnem !== 'jmp') || op?.k !== 'imm' || op.e.k !== 'sym') return;
    if (this.symbols.get(op.e.name)?.kind === 'import') {
      this.warn(`'${b.mnem} ${op.e.name}' transfers to the import address table slot; did you mean '${b.mnem} [${op.e.name}]'?`);
    }
  }

  private resolveOperand(o: Operand, ctx: EvalContext): ROperand {
    switch (o.k) {
      case 'reg': return { k: 'reg', info: o.info, name: o.name };
      case 'mem': {
        const disp = o.disp ? evaluate(o.disp, ctx) : null;
        return { k: 'mem', base: o.base, index: o.index, scale: o.scale, disp, seg: o.seg, size: o.size, far: o.far, dispSize: o.dispSize };
      }
      case 'imm': return { k: 'imm', v: evaluate(o.e, ctx), size: o.size, strict: o.strict, jump: o.jump };
      case 'far': return { k: 'far', seg: evaluate(o.seg, ctx), off: evaluate(o.off, ctx), size: o.size };
    }
  }
}

/** IEEE 754 little-endian: single for dd, double for dq. */
function floatBytes(v: number, unit: number): Uint8Array {
  const b = new Uint8Array(unit === 8 ? 8 : 4);
  const dv = new DataView(b.buffer);
  if (unit === 8) dv.setFloat64(0, v, true);
  else if (unit === 4) dv.setFloat32(0, v, true);
  else throw new AsmError('floating-point constants need dd (single) or dq (double)');
  return b;
}

/** True when a `times` body assembles to the same bytes wherever it is placed. */
function positionIndependent(b: Body): boolean {
  const fixed = (e: Expr): boolean =>
    e.k === 'here' || e.k === 'base' ? false : e.k === 'un' ? fixed(e.a) : e.k === 'bin' ? fixed(e.a) && fixed(e.b) : true;
  if (b.k === 'data') return b.items.every(it => it.k !== 'expr' || fixed(it.e));
  if (b.k !== 'insn' || isRelativeBranch(b.mnem)) return false;
  return b.ops.every(o => o.k === 'reg' || (o.k === 'mem' ? !o.disp || fixed(o.disp) : o.k === 'imm' ? fixed(o.e) : fixed(o.seg) && fixed(o.off)));
}

function cacheKey(req: { mnem: string; prefixes: string[]; ops: ROperand[]; ip: number; allowShort: boolean }): string {
  let k = req.mnem + ' ' + req.prefixes.join(' ');
  if (isRelativeBranch(req.mnem)) k += `@${req.ip}/${req.allowShort}`;
  const val = (v: Value | null) => (v ? `${v.n}:${v.rel}:${v.unknown}` : '-');
  for (const o of req.ops) {
    switch (o.k) {
      case 'reg': k += `|r${o.name}`; break;
      case 'mem': k += `|m${o.base},${o.index},${o.scale},${val(o.disp)},${o.seg},${o.size},${o.far},${o.dispSize}`; break;
      case 'imm': k += `|i${val(o.v)},${o.size},${o.strict},${o.jump}`; break;
      case 'far': k += `|f${val(o.seg)},${val(o.off)},${o.size}`; break;
    }
  }
  return k;
}

function simpleRange(v: Value, unit: number): boolean | undefined {
  if (v.unknown || v.rel || unit >= 8) return undefined;
  const bits = unit * 8;
  return v.n >= -(2 ** (bits - 1)) && v.n < 2 ** bits;
}

function sameSizes(a: { name: string; size: number }[], b: { name: string; size: number }[]): boolean {
  return a.length === b.length && a.every((x, i) => x.name === b[i].name && x.size === b[i].size);
}
