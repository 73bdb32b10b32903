// The assembler's public API: NASM-dialect text in, a flat binary or a PE32 image out,
// with symbols, a line map (address <-> file:line) and diagnostics. Never throws for a
// mistake in the source; every problem comes back in `errors`.
import { AsmError, Diagnostics, formatDiagnostic, type Diagnostic } from './errors.ts';
import { Preprocessor, type IncludeResolver } from './preprocess.ts';
import { Parser, type Stmt } from './parser.ts';
import { isMnemonic } from './forms.ts';
import { Layout, type BinaryResolver, type LineMapEntry, type SectionKind, type SymbolInfo } from './layout.ts';
import { flatImage, flatPlacement } from './flat.ts';
import { pePlacement, buildPe, type PeInfo } from './pe.ts';

export type OutputFormat = 'bin' | 'exe' | 'dll';

export interface AssembleOptions {
  fileName?: string;
  format?: OutputFormat;
  includeResolver?: IncludeResolver;
  /** %define'd before the source, as with nasm -D. */
  defines?: Record<string, string>;
  /** PE: image base (default 0x400000 for exe, 0x10000000 for dll). */
  imageBase?: number;
  /** DLL: the name written in the export directory (default: file name with .dll). */
  dllName?: string;
  /** Absolute values for names the source does not define (a linker's job, e.g. addresses
   *  of other pieces of the boot image); usually declared `extern` in the source. */
  externals?: Record<string, number>;
  /** Bytes for `incbin "file"` (relative to the including source). */
  binaryResolver?: BinaryResolver;
}

export interface AsmSection { name: string; address: number; size: number; kind: SectionKind }

export interface AsmSymbol { name: string; address: number; section: string | null; kind: SymbolInfo['kind']; global: boolean }

export interface AssembleResult {
  ok: boolean;
  bytes: Uint8Array;
  symbols: AsmSymbol[];
  lineMap: LineMapEntry[];
  errors: Diagnostic[];
  warnings: Diagnostic[];
  /** Entry point address (PE) or origin (bin). */
  entry: number;
  /** Where each section landed (absolute addresses), including bss. */
  sections: AsmSection[];
  pe?: PeInfo;
}

export type { BinaryResolver, Diagnostic, IncludeResolver, LineMapEntry };
export { formatDiagnostic };

export function assemble(source: string, opts: AssembleOptions = {}): AssembleResult {
  const fileName = opts.fileName ?? 'input.asm';
  const format = opts.format ?? 'bin';
  const diags = new Diagnostics();
  try {
    const lines = new Preprocessor(diags, opts.includeResolver, opts.defines).run(source, fileName);
    const stmts = parse(lines, diags);
    const placement = format === 'bin' ? flatPlacement : pePlacement(format, stmts, opts);
    const layout = new Layout(stmts, placement, format, opts.externals, opts.binaryResolver).run(diags);
    let bytes: Uint8Array = new Uint8Array(0);
    let entry = layout.org ?? 0;
    let pe: PeInfo | undefined;
    if (!diags.hasErrors) {
      if (format === 'bin') bytes = flatImage(layout.sections, layout.org);
      else ({ bytes, entry, info: pe } = buildPe(format, layout, opts, diags));
    }
    const symbols = [...layout.symbols.values()].map(s => ({
      name: s.name, address: s.value, section: s.section, kind: s.kind, global: layout.globals.has(s.name),
    }));
    const sections = layout.sections.map(s => ({ name: s.name, address: s.start, size: s.size, kind: s.kind }));
    return result(diags, diags.hasErrors ? new Uint8Array(0) : bytes, symbols, layout.lineMap, entry, pe, sections);
  } catch (e) {
    // A bug in the assembler itself still must not reach the user as a stack trace.
    const msg = e instanceof AsmError ? e.message : `internal assembler error: ${(e as Error)?.message ?? e}`;
    diags.error({ file: fileName, line: 1, col: 1 }, msg);
    return result(diags, new Uint8Array(0), [], [], 0, undefined, []);
  }
}

/** Diagnostics in source order (per file), whichever stage found them. */
function sorted(list: Diagnostic[]): Diagnostic[] {
  const files = [...new Set(list.map(d => d.file))];
  return [...list].sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file) || a.line - b.line || a.col - b.col);
}

function result(diags: Diagnostics, bytes: Uint8Array, symbols: AsmSymbol[], lineMap: LineMapEntry[], entry: number,
                pe: PeInfo | undefined, sections: AsmSection[]): AssembleResult {
  return {
    ok: !diags.hasErrors, bytes, symbols, lineMap, entry, pe, sections,
    errors: sorted(diags.list.filter(d => d.severity === 'error')),
    warnings: sorted(diags.list.filter(d => d.severity === 'warning')),
  };
}

function parse(lines: { text: string; file: string; line: number }[], diags: Diagnostics): Stmt[] {
  const parser = new Parser({ isMnemonic });
  const stmts: Stmt[] = [];
  for (const l of lines) {
    const pos = { file: l.file, line: l.line, col: 1 };
    try {
      const s = parser.parseLine(l.text, pos);
      if (s) stmts.push(s);
    } catch (e) {
      if (!(e instanceof AsmError)) throw e;
      diags.error({ ...pos, col: e.col ?? 1 }, e.message);
    }
  }
  return stmts;
}
