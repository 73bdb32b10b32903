// PE32 writer: console executables with an import directory and DLLs with an export
// directory and base relocations. Fixed choices keep the output deterministic (no
// time stamp): sections 0x1000-aligned in memory, 0x200 in the file, in the order
// code, read-only data, data, bss, then the generated .idata/.edata/.reloc.
import { AsmError, type Diagnostics } from './errors.ts';
import type { Import, LayoutResult, Placement, Section, SectionKind } from './layout.ts';
import type { AssembleOptions } from './index.ts';
import type { Stmt } from './parser.ts';
import { ByteBuffer } from './buffer.ts';

const SECTION_ALIGN = 0x1000;
const FILE_ALIGN = 0x200;
const align = (n: number, a: number) => Math.ceil(n / a) * a;
const KIND_ORDER: SectionKind[] = ['code', 'rdata', 'data', 'bss'];

export interface PeInfo { imageBase: number; entryRva: number; sections: { name: string; rva: number; size: number }[] }

export function defaultImageBase(format: string): number { return format === 'dll' ? 0x10000000 : 0x400000; }

// ------------------------------------------------------------------ imports

interface ImportLayout { size: number; iatOffset: Map<string, number>; iatStart: number; iatSize: number; build(rva: number): Uint8Array }

function groupByDll(imports: Import[]): Map<string, Import[]> {
  const m = new Map<string, Import[]>();
  for (const imp of imports) {
    const key = imp.dll.toLowerCase();
    m.set(key, [...(m.get(key) ?? []), imp]);
  }
  return m;
}

/** Offsets inside .idata depend only on the import list, so they are known before layout. */
function importLayout(imports: Import[]): ImportLayout {
  const dlls = [...groupByDll(imports).values()];
  const idtSize = (dlls.length + 1) * 20;
  let at = idtSize;
  const ilt: number[] = [];
  for (const fns of dlls) { ilt.push(at); at += (fns.length + 1) * 4; }
  const iatStart = at;
  const iat: number[] = [];
  const iatOffset = new Map<string, number>();
  for (const fns of dlls) {
    iat.push(at);
    fns.forEach((f, k) => iatOffset.set(f.name, at + k * 4));
    at += (fns.length + 1) * 4;
  }
  const iatSize = at - iatStart;
  const hint = new Map<string, number>();
  for (const fns of dlls) for (const f of fns) { hint.set(f.name, at); at += align(2 + f.entry.length + 1, 2); }
  const dllName: number[] = [];
  for (const fns of dlls) { dllName.push(at); at += fns[0].dll.length + 1; }
  const size = dlls.length ? align(at, 4) : 0;
  return {
    size, iatOffset, iatStart, iatSize,
    build(rva: number): Uint8Array {
      const b = new Uint8Array(size);
      const dv = new DataView(b.buffer);
      dlls.forEach((fns, d) => {
        dv.setUint32(d * 20 + 0, rva + ilt[d], true);   // OriginalFirstThunk
        dv.setUint32(d * 20 + 12, rva + dllName[d], true);
        dv.setUint32(d * 20 + 16, rva + iat[d], true);  // FirstThunk
        fns.forEach((f, k) => {
          dv.setUint32(ilt[d] + k * 4, rva + hint.get(f.name)!, true);
          dv.setUint32(iat[d] + k * 4, rva + hint.get(f.name)!, true);
          writeAscii(b, hint.get(f.name)! + 2, f.entry);
        });
        writeAscii(b, dllName[d], fns[0].dll);
      });
      return b;
    },
  };
}

function writeAscii(b: Uint8Array, at: number, s: string): void {
  for (let i = 0; i < s.length; i++) b[at + i] = s.charCodeAt(i) & 0xff;
}

function importsOf(stmts: Stmt[]): Import[] {
  const out: Import[] = [];
  for (const s of stmts) {
    const b = s.body;
    if (b.k === 'import' && !out.some(i => i.name === b.name)) out.push({ name: b.name, dll: b.dll, entry: b.entry, pos: s.pos });
  }
  return out;
}

// ------------------------------------------------------------------ placement

function ordered<T extends { kind: SectionKind }>(sections: T[]): T[] {
  return KIND_ORDER.flatMap(k => sections.filter(s => s.kind === k));
}

export function pePlacement(format: string, stmts: Stmt[], opts: AssembleOptions): Placement {
  const base = opts.imageBase ?? defaultImageBase(format);
  const imports = importLayout(importsOf(stmts));
  return {
    place(sections) {
      const starts = new Map<string, number>();
      let rva = SECTION_ALIGN;
      for (const s of ordered(sections)) {
        starts.set(s.name, base + rva);
        rva += align(s.size, SECTION_ALIGN);
      }
      starts.set('.idata', base + rva);
      return starts;
    },
    importAddress(name, starts) {
      const off = imports.iatOffset.get(name);
      return off === undefined ? undefined : starts.get('.idata')! + off;
    },
  };
}

// ------------------------------------------------------------------ exports and relocations

function exportSection(names: { name: string; rva: number }[], dllName: string, rva: number): Uint8Array {
  const sorted = [...names].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const n = sorted.length;
  const eat = 40, npt = eat + n * 4, ord = npt + n * 4, nameAt = ord + n * 2;
  let at = nameAt + dllName.length + 1;
  const strAt: number[] = [];
  for (const s of sorted) { strAt.push(at); at += s.name.length + 1; }
  const b = new Uint8Array(align(at, 4));
  const dv = new DataView(b.buffer);
  dv.setUint32(12, rva + nameAt, true);
  dv.setUint32(16, 1, true);            // ordinal base
  dv.setUint32(20, n, true);            // number of functions
  dv.setUint32(24, n, true);            // number of names
  dv.setUint32(28, rva + eat, true);
  dv.setUint32(32, rva + npt, true);
  dv.setUint32(36, rva + ord, true);
  writeAscii(b, nameAt, dllName);
  sorted.forEach((s, i) => {
    dv.setUint32(eat + i * 4, s.rva, true);
    dv.setUint32(npt + i * 4, rva + strAt[i], true);
    dv.setUint16(ord + i * 2, i, true);
    writeAscii(b, strAt[i], s.name);
  });
  return b;
}

function relocSection(rvas: number[]): Uint8Array {
  const out = new ByteBuffer();
  const pages = new Map<number, number[]>();
  for (const r of [...rvas].sort((a, b) => a - b)) {
    const page = r & ~0xfff;
    pages.set(page, [...(pages.get(page) ?? []), r & 0xfff]);
  }
  for (const [page, offs] of pages) {
    const entries = offs.length + (offs.length & 1); // pad to a 4-byte block size
    out.le(page, 4);
    out.le(8 + entries * 2, 4);
    for (const o of offs) out.le((3 << 12) | o, 2);   // IMAGE_REL_BASED_HIGHLOW
    if (offs.length & 1) out.le(0, 2);
  }
  return out.toArray();
}

// ------------------------------------------------------------------ the image

interface OutSection { name: string; rva: number; vsize: number; data: Uint8Array; flags: number }

const FLAGS: Record<SectionKind, number> = {
  code: 0x60000020, rdata: 0x40000040, data: 0xc0000040, bss: 0xc0000080,
};

const ENTRY_NAMES: Record<string, string[]> = {
  exe: ['start', '_start', 'main', '_main', 'WinMain', 'mainCRTStartup'],
  dll: ['DllMain', '_DllMain@12', 'DllEntryPoint', '_DllMainCRTStartup'],
};

export function buildPe(format: 'exe' | 'dll', layout: LayoutResult, opts: AssembleOptions, diags: Diagnostics):
    { bytes: Uint8Array; entry: number; info: PeInfo } {
  const base = opts.imageBase ?? defaultImageBase(format);
  const secs: OutSection[] = [];
  for (const s of ordered(layout.sections)) {
    if (s.size === 0) continue;
    if (s.name.length > 8) throw new AsmError(`section name '${s.name}' is longer than 8 characters`);
    secs.push({ name: s.name, rva: s.start - base, vsize: s.size, data: s.kind === 'bss' ? new Uint8Array(0) : s.data.toArray(), flags: FLAGS[s.kind] });
  }
  const lastEnd = () => (secs.length ? align(secs[secs.length - 1].rva + secs[secs.length - 1].vsize, SECTION_ALIGN) : SECTION_ALIGN);
  const imports = importLayout(layout.imports);
  const dirs: [number, number][] = Array.from({ length: 16 }, () => [0, 0]);
  if (imports.size) {
    const rva = placedIdata(layout, base, lastEnd());
    secs.push({ name: '.idata', rva, vsize: imports.size, data: imports.build(rva), flags: 0xc0000040 });
    dirs[1] = [rva, (layout.imports.length ? groupByDll(layout.imports).size + 1 : 0) * 20];
    dirs[12] = [rva + imports.iatStart, imports.iatSize];
  }
  const entryRva = entryPoint(format, layout, base, diags);
  if (format === 'dll') {
    const names = exportNames(layout, entryRva + base);
    const exp = names.map(n => ({ name: n, rva: layout.symbols.get(n)!.value - base }));
    const rva = lastEnd();
    const dllName = opts.dllName ?? dllNameOf(opts.fileName ?? 'input.asm');
    const data = exportSection(exp, dllName, rva);
    secs.push({ name: '.edata', rva, vsize: data.length, data, flags: 0x40000040 });
    dirs[0] = [rva, data.length];
    const rvas = layout.sections.flatMap(s => s.relocs.map(r => s.start - base + r));
    if (rvas.length) {
      const rrva = lastEnd();
      const rdata = relocSection(rvas);
      secs.push({ name: '.reloc', rva: rrva, vsize: rdata.length, data: rdata, flags: 0x42000040 });
      dirs[5] = [rrva, rdata.length];
    }
  }
  const bytes = writeImage(format, secs, dirs, base, entryRva);
  return { bytes, entry: base + entryRva, info: { imageBase: base, entryRva, sections: secs.map(s => ({ name: s.name, rva: s.rva, size: s.vsize })) } };
}

function placedIdata(layout: LayoutResult, base: number, fallback: number): number {
  const first = layout.imports[0];
  const sym = first && layout.symbols.get(first.name);
  // The IAT slot addresses used during layout fix where .idata must go.
  return sym ? sym.value - base - importLayout(layout.imports).iatOffset.get(first.name)! : fallback;
}

function entryPoint(format: string, layout: LayoutResult, base: number, diags: Diagnostics): number {
  for (const n of ENTRY_NAMES[format]) {
    const s = layout.symbols.get(n);
    if (s && s.section) return s.value - base;
  }
  if (format === 'exe') {
    diags.error({ file: layout.lineMap[0]?.file ?? 'input.asm', line: 1, col: 1 }, "no entry point: define the label 'start' (global start)");
  }
  return 0;
}

/** `export` directives if any, else every `global` label (the DLL entry point excluded). */
function exportNames(layout: LayoutResult, entry: number): string[] {
  const list = layout.exports.length ? layout.exports : [...layout.globals].filter(n => {
    const s = layout.symbols.get(n);
    return s && s.section && !(ENTRY_NAMES.dll.includes(n) && s.value === entry);
  });
  return [...new Set(list)].filter(n => layout.symbols.get(n)?.section);
}

function dllNameOf(file: string): string {
  const baseName = file.split(/[\\/]/).pop() ?? file;
  return baseName.replace(/\.[^.]*$/, '') + '.dll';
}

function writeImage(format: string, secs: OutSection[], dirs: [number, number][], base: number, entryRva: number): Uint8Array {
  const headerSize = align(0x40 + 4 + 20 + 224 + 40 * secs.length, FILE_ALIGN);
  let filePos = headerSize;
  const raw = secs.map(s => {
    const size = align(s.data.length, FILE_ALIGN);
    const ptr = size ? filePos : 0;
    filePos += size;
    return { ptr, size };
  });
  const out = new Uint8Array(filePos);
  const dv = new DataView(out.buffer);
  out[0] = 0x4d; out[1] = 0x5a;                 // MZ
  dv.setUint32(0x3c, 0x40, true);                // e_lfanew
  writeAscii(out, 0x40, 'PE\0\0');
  const coff = 0x44;
  dv.setUint16(coff, 0x14c, true);               // i386
  dv.setUint16(coff + 2, secs.length, true);
  dv.setUint16(coff + 16, 224, true);
  dv.setUint16(coff + 18, format === 'dll' ? 0x2102 : 0x0103, true);
  const oh = coff + 20;
  const sum = (k: (s: OutSection) => boolean) => secs.filter(k).reduce((a, s, i) => a + align(s.data.length || s.vsize, FILE_ALIGN) + 0 * i, 0);
  const code = secs.find(s => s.flags === FLAGS.code);
  const data = secs.find(s => s.flags !== FLAGS.code);
  dv.setUint16(oh, 0x10b, true);
  out[oh + 2] = 1;
  dv.setUint32(oh + 4, sum(s => s.flags === FLAGS.code), true);
  dv.setUint32(oh + 8, sum(s => (s.flags & 0x40) !== 0), true);
  dv.setUint32(oh + 12, sum(s => (s.flags & 0x80) !== 0), true);
  dv.setUint32(oh + 16, entryRva, true);
  dv.setUint32(oh + 20, code?.rva ?? 0, true);
  dv.setUint32(oh + 24, data?.rva ?? 0, true);
  dv.setUint32(oh + 28, base, true);
  dv.setUint32(oh + 32, SECTION_ALIGN, true);
  dv.setUint32(oh + 36, FILE_ALIGN, true);
  dv.setUint16(oh + 40, 4, true);                // OS version 4.0
  dv.setUint16(oh + 48, 4, true);                // subsystem version 4.0
  const last = secs[secs.length - 1];
  dv.setUint32(oh + 56, last ? align(last.rva + last.vsize, SECTION_ALIGN) : SECTION_ALIGN, true);
  dv.setUint32(oh + 60, headerSize, true);
  dv.setUint16(oh + 68, 3, true);                // console subsystem
  dv.setUint32(oh + 72, 0x100000, true);
  dv.setUint32(oh + 76, 0x1000, true);
  dv.setUint32(oh + 80, 0x100000, true);
  dv.setUint32(oh + 84, 0x1000, true);
  dv.setUint32(oh + 92, 16, true);
  dirs.forEach(([rva, size], i) => { dv.setUint32(oh + 96 + i * 8, rva, true); dv.setUint32(oh + 100 + i * 8, size, true); });
  secs.forEach((s, i) => {
    const h = oh + 224 + i * 40;
    writeAscii(out, h, s.name);
    dv.setUint32(h + 8, s.vsize, true);
    dv.setUint32(h + 12, s.rva, true);
    dv.setUint32(h + 16, raw[i].size, true);
    dv.setUint32(h + 20, raw[i].ptr, true);
    dv.setUint32(h + 36, s.flags, true);
    out.set(s.data, raw[i].ptr);
  });
  return out;
}

export type { Section };
