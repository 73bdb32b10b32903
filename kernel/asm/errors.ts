// Diagnostics: every problem in the source is reported as `file:line:column: message`
// and collected, so one run reports several errors and nothing escapes as a host
// stack trace.

export interface SourcePos {
  file: string;
  line: number;   // 1-based
  col: number;    // 1-based
}

export interface Diagnostic extends SourcePos {
  severity: 'error' | 'warning';
  message: string;
}

/** Thrown inside one statement to abandon it; caught by the statement loop. */
export class AsmError extends Error {
  constructor(message: string, public col?: number) {
    super(message);
  }
}

export class Diagnostics {
  readonly list: Diagnostic[] = [];
  private seen = new Set<string>();

  add(severity: Diagnostic['severity'], pos: SourcePos, message: string): void {
    // Several passes may hit the same problem; report it once.
    const key = `${severity}|${pos.file}|${pos.line}|${pos.col}|${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ severity, file: pos.file, line: pos.line, col: pos.col, message });
  }
  error(pos: SourcePos, message: string): void { this.add('error', pos, message); }
  warning(pos: SourcePos, message: string): void { this.add('warning', pos, message); }
  get errors(): Diagnostic[] { return this.list.filter(d => d.severity === 'error'); }
  get hasErrors(): boolean { return this.list.some(d => d.severity === 'error'); }
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`;
}
