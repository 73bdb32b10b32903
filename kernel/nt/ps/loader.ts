// The image loader (the host half of what NT splits between MmMapViewOfSection and ntdll's
// Ldr): maps an executable and, recursively, the DLLs it imports into a process, applies
// base relocations when a DLL cannot have its preferred base, and resolves imports by name
// by writing each import-address-table slot with the export's address.
import type { Kernel } from '../kernel.ts';
import type { Process } from './process.ts';
import { parsePe, BadImage, IMAGE_SCN_MEM_WRITE, type PeImage } from './pe.ts';
import { mapFreshPages, protectPage, PAGE_USER_RO, PAGE_USER_RW } from '../mm/pagetables.ts';
import { PAGE_SIZE, PAGE_MASK } from '../../cpu/types.ts';
import { MM_HIGHEST_USER_ADDRESS, MM_LOWEST_USER_ADDRESS } from '../memmap.ts';
import { STATUS_DLL_NOT_FOUND, STATUS_ENTRYPOINT_NOT_FOUND, STATUS_INVALID_IMAGE_FORMAT } from '../ex/status.ts';

export interface LoadedModule {
  name: string;
  base: number;
  size: number;
  entry: number;
  image: PeImage;
  /** Export name -> address in this process. */
  exports: Map<string, number>;
}

/** Where DLL files come from: the system DLLs NT Lab builds, later the virtual disk. */
export type DllProvider = (name: string) => Uint8Array | undefined;

/** A load failure, with the NTSTATUS NT would report. */
export class LoaderError extends Error {
  constructor(message: string, readonly status: number) { super(message); }
}

const ALLOCATION_GRANULARITY = 0x10000;

export function loadExecutable(k: Kernel, p: Process, name: string, bytes: Uint8Array, dlls: DllProvider): LoadedModule {
  const exe = mapImage(k, p, name, bytes);
  resolveImports(k, p, exe, dlls, [name.toLowerCase()]);
  return exe;
}

/** Maps a DLL (and what it imports) unless the process has it already. */
export function loadDll(k: Kernel, p: Process, name: string, dlls: DllProvider): LoadedModule {
  const have = findModule(p, name);
  if (have) return have;
  const bytes = dlls(name.toLowerCase());
  if (!bytes) throw new LoaderError(`${name} was not found`, STATUS_DLL_NOT_FOUND);
  const m = mapImage(k, p, name.toLowerCase(), bytes);
  resolveImports(k, p, m, dlls, [name.toLowerCase()]);
  return m;
}

export function findModule(p: Process, name: string): LoadedModule | undefined {
  return p.modules.find(m => m.name.toLowerCase() === name.toLowerCase());
}

function mapImage(k: Kernel, p: Process, name: string, bytes: Uint8Array): LoadedModule {
  let image: PeImage;
  try { image = parsePe(bytes); } catch (e) {
    if (e instanceof BadImage) throw new LoaderError(`${name}: ${e.message}`, STATUS_INVALID_IMAGE_FORMAT);
    throw e;
  }
  const size = (image.sizeOfImage + PAGE_MASK) & ~PAGE_MASK;
  let base = image.imageBase;
  if (!rangeFree(p, base, size)) {
    if (!image.relocations.length && !image.isDll) throw new LoaderError(`${name}: its base 0x${base.toString(16)} is taken and it has no relocations`, STATUS_INVALID_IMAGE_FORMAT);
    base = findFreeRange(p, size, name);
  }
  // Every page writable while the loader fills it; then each section gets its protection.
  mapFreshPages(k.cpu.mem, k.pages, p.pd, base, size, PAGE_USER_RW);
  p.vm.writeBytes(base, bytes.subarray(0, Math.min(image.sizeOfHeaders, bytes.length)));
  for (const s of image.sections) {
    const raw = bytes.subarray(s.rawOffset, s.rawOffset + Math.min(s.rawSize, s.virtualSize || s.rawSize));
    p.vm.writeBytes(base + s.rva, raw);
  }
  if (base !== image.imageBase) relocate(p, image, base);
  for (let va = base; va < base + image.sizeOfHeaders; va += PAGE_SIZE) protectPage(k.cpu.mem, p.pd, va, PAGE_USER_RO);
  for (const s of image.sections) {
    if (s.characteristics & IMAGE_SCN_MEM_WRITE) continue;
    for (let va = base + s.rva; va < base + s.rva + s.virtualSize; va += PAGE_SIZE) protectPage(k.cpu.mem, p.pd, va & ~PAGE_MASK, PAGE_USER_RO);
  }
  const exports = new Map([...image.exports].map(([n, rva]) => [n, (base + rva) >>> 0]));
  const m: LoadedModule = { name, base, size, entry: image.entryRva ? base + image.entryRva : 0, image, exports };
  p.modules.push(m);
  return m;
}

function relocate(p: Process, image: PeImage, base: number): void {
  const delta = (base - image.imageBase) | 0;
  for (const rva of image.relocations) p.vm.write32(base + rva, (p.vm.read32(base + rva) + delta) | 0);
}

function resolveImports(k: Kernel, p: Process, m: LoadedModule, dlls: DllProvider, loading: string[]): void {
  for (const imp of m.image.imports) {
    let dll = findModule(p, imp.dll);
    if (!dll) {
      if (loading.includes(imp.dll.toLowerCase())) throw new LoaderError(`${imp.dll}: circular imports are not supported`, STATUS_DLL_NOT_FOUND);
      const bytes = dlls(imp.dll.toLowerCase());
      if (!bytes) throw new LoaderError(`${m.name} needs ${imp.dll}, which was not found`, STATUS_DLL_NOT_FOUND);
      dll = mapImage(k, p, imp.dll.toLowerCase(), bytes);
      resolveImports(k, p, dll, dlls, [...loading, imp.dll.toLowerCase()]);
    }
    for (const e of imp.entries) {
      const addr = dll.exports.get(e.name);
      if (addr === undefined) throw new LoaderError(`${m.name} imports ${e.name} from ${imp.dll}, which does not export it`, STATUS_ENTRYPOINT_NOT_FOUND);
      p.vm.write32(m.base + e.iatRva, addr);
    }
  }
}

function rangeFree(p: Process, base: number, size: number): boolean {
  if (base < MM_LOWEST_USER_ADDRESS || base + size > MM_HIGHEST_USER_ADDRESS) return false;
  for (let va = base; va < base + size; va += PAGE_SIZE) if (p.vm.isMapped(va)) return false;
  return true;
}

function findFreeRange(p: Process, size: number, name: string): number {
  for (let base = ALLOCATION_GRANULARITY * 0x1000; base + size < MM_HIGHEST_USER_ADDRESS; base += ALLOCATION_GRANULARITY)
    if (rangeFree(p, base, size)) return base;
  throw new LoaderError(`${name}: no room in the address space`, STATUS_INVALID_IMAGE_FORMAT);
}
