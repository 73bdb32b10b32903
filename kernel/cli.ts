// `ntlab` command line: a small dispatcher. Each subcommand takes the remaining
// arguments and returns the process exit code. Diagnostics go to stderr.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { assemble, formatDiagnostic, type OutputFormat } from './asm/index.ts';
import { fsBinaryResolver, fsIncludeResolver } from './asm/fs-include.ts';
import { diskCommand } from './store/cli.ts';
import { runCommand, stdinReader, RUN_USAGE, type RunIo } from './commands/run.ts';

/** Where a command's output goes (tests pass their own). */
export type Io = RunIo;

const nodeIo: Io = {
  stdout: t => process.stdout.write(t),
  stderr: t => process.stderr.write(t),
  stdoutBytes: b => process.stdout.write(b),
  stdin: stdinReader(),
};

const USAGE = `usage: ntlab <command> [options]

commands:
  asm FILE.asm [-o OUT] [--format exe|dll|bin] [-I DIR] [-D NAME[=VALUE]] [--map]
               [--image-base ADDR] [--dll-name NAME]
        assemble NASM-dialect source into a PE32 executable (default), a DLL or a flat binary
  disk new FILE | ls [PATH] | import HOSTDIR | export HOSTDIR | check   [--disk FILE]
        make, list, fill and empty a virtual disk (ntlab disk --help for the options)
${RUN_USAGE}
`;

type Command = (args: string[], io: Io) => number;

const COMMANDS: Record<string, Command> = { asm: asmCommand, disk: diskCommand, run: runCommand };

export function main(argv: string[], io: Io = nodeIo): number {
  const [cmd, ...rest] = argv;
  if (cmd === '-h' || cmd === '--help' || cmd === 'help') { io.stdout(USAGE); return 0; }
  const run = cmd ? COMMANDS[cmd] : undefined;
  if (!run) {
    io.stderr(cmd ? `ntlab: unknown command '${cmd}'\n\n${USAGE}` : USAGE);
    return 2;
  }
  try {
    return run(rest, io);
  } catch (e) {
    io.stderr(`ntlab ${cmd}: ${(e as Error).message ?? e}\n`);
    return 1;
  }
}

interface AsmArgs {
  file: string; out?: string; format: OutputFormat; include: string[]; defines: Record<string, string>; map: boolean;
  imageBase?: number; dllName?: string;
}

function parseAsmArgs(args: string[]): AsmArgs | string {
  const a: Partial<AsmArgs> = { include: [], defines: {}, map: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => { if (i + 1 >= args.length) throw new Error(`${arg} needs a value`); return args[++i]; };
    if (arg === '-o') a.out = value();
    else if (arg === '--format' || arg === '-f') {
      const f = value();
      if (f !== 'exe' && f !== 'dll' && f !== 'bin') return `unknown format '${f}' (exe, dll or bin)`;
      a.format = f;
    } else if (arg.startsWith('--format=')) {
      const f = arg.slice(9);
      if (f !== 'exe' && f !== 'dll' && f !== 'bin') return `unknown format '${f}' (exe, dll or bin)`;
      a.format = f;
    } else if (arg === '-I') a.include!.push(value());
    else if (arg.startsWith('-I')) a.include!.push(arg.slice(2));
    else if (arg.startsWith('-D')) {
      const [k, v = ''] = (arg.length > 2 ? arg.slice(2) : value()).split('=');
      a.defines![k] = v;
    } else if (arg === '--map') a.map = true;
    else if (arg === '--image-base') {
      const v = value();
      const n = Number(v.replace(/h$/i, '').replace(/^(?!0x)([0-9a-f]*[a-f][0-9a-f]*)$/i, '0x$1'));
      if (!Number.isInteger(n) || n < 0 || n > 0xffffffff || n % 0x10000) return `bad image base '${v}' (a multiple of 0x10000)`;
      a.imageBase = n;
    } else if (arg === '--dll-name') a.dllName = value();
    else if (arg.startsWith('-')) return `unknown option '${arg}'`;
    else if (a.file) return `only one input file, got '${a.file}' and '${arg}'`;
    else a.file = arg;
  }
  if (!a.file) return 'no input file';
  // Without --format, the output name decides (x.dll, x.bin); otherwise an EXE.
  const byName = a.out?.toLowerCase().match(/\.(dll|bin)$/)?.[1] as OutputFormat | undefined;
  return { format: byName ?? 'exe', ...a } as AsmArgs;
}

function asmCommand(args: string[], io: Io): number {
  const parsed = parseAsmArgs(args);
  if (typeof parsed === 'string') { io.stderr(`ntlab asm: ${parsed}\n\n${USAGE}`); return 2; }
  let source: string;
  try {
    source = readFileSync(parsed.file, 'utf8');
  } catch {
    io.stderr(`ntlab asm: cannot read '${parsed.file}'\n`);
    return 1;
  }
  const result = assemble(source, {
    fileName: parsed.file, format: parsed.format, defines: parsed.defines,
    imageBase: parsed.imageBase, dllName: parsed.dllName,
    includeResolver: fsIncludeResolver(parsed.include),
    binaryResolver: fsBinaryResolver(parsed.include),
  });
  for (const d of [...result.errors, ...result.warnings]) io.stderr(formatDiagnostic(d) + '\n');
  if (!result.ok) {
    io.stderr(`ntlab asm: ${result.errors.length} error(s), nothing written\n`);
    return 1;
  }
  const ext = { exe: '.exe', dll: '.dll', bin: '.bin' }[parsed.format];
  const out = parsed.out ?? basename(parsed.file, extname(parsed.file)) + ext;
  writeFileSync(out, result.bytes);
  if (parsed.map) {
    const lines = result.symbols.map(s => `${s.address.toString(16).padStart(8, '0')} ${s.kind.padEnd(6)} ${s.name}`);
    writeFileSync(out + '.map', lines.join('\n') + '\n');
  }
  return 0;
}
