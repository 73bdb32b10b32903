// Reading a PE32 image file: headers, sections, imports, exports and base relocations.
// What the loader needs, read straight from the file bytes (everything is an RVA, so the
// file is "mapped" by copying each section to ImageBase + its VirtualAddress).

const IMAGE_DOS_SIGNATURE = 0x5A4D;         // MZ
const IMAGE_NT_SIGNATURE = 0x00004550;      // PE\0\0
const IMAGE_FILE_MACHINE_I386 = 0x14C;
const IMAGE_NT_OPTIONAL_HDR32_MAGIC = 0x10B;
const IMAGE_DIRECTORY_ENTRY_EXPORT = 0;
const IMAGE_DIRECTORY_ENTRY_IMPORT = 1;
const IMAGE_DIRECTORY_ENTRY_BASERELOC = 5;
const IMAGE_REL_BASED_HIGHLOW = 3;
const IMAGE_REL_BASED_ABSOLUTE = 0;
const IMAGE_ORDINAL_FLAG32 = 0x80000000;
export const IMAGE_SCN_MEM_WRITE = 0x80000000;
export const IMAGE_FILE_DLL = 0x2000;

export interface PeSection { name: string; rva: number; virtualSize: number; rawOffset: number; rawSize: number; characteristics: number }
export interface PeImport { dll: string; entries: { name: string; iatRva: number }[] }

export interface PeImage {
  imageBase: number;
  sizeOfImage: number;
  sizeOfHeaders: number;
  entryRva: number;
  isDll: boolean;
  subsystem: number;
  sections: PeSection[];
  imports: PeImport[];
  /** Exported name -> RVA. */
  exports: Map<string, number>;
  /** RVAs of HIGHLOW relocations. */
  relocations: number[];
  bytes: Uint8Array;
}

export class BadImage extends Error {}

export function parsePe(bytes: Uint8Array): PeImage {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => { if (o + 2 > bytes.length) throw new BadImage('truncated image'); return dv.getUint16(o, true); };
  const u32 = (o: number) => { if (o + 4 > bytes.length) throw new BadImage('truncated image'); return dv.getUint32(o, true); };
  if (bytes.length < 0x40 || u16(0) !== IMAGE_DOS_SIGNATURE) throw new BadImage('not an MZ executable');
  const nt = u32(0x3C);
  if (u32(nt) !== IMAGE_NT_SIGNATURE) throw new BadImage('no PE signature');
  const coff = nt + 4;
  if (u16(coff) !== IMAGE_FILE_MACHINE_I386) throw new BadImage('not an i386 image');
  const nsections = u16(coff + 2), optSize = u16(coff + 16), characteristics = u16(coff + 18);
  const oh = coff + 20;
  if (u16(oh) !== IMAGE_NT_OPTIONAL_HDR32_MAGIC) throw new BadImage('not a PE32 image');
  const dir = (i: number) => ({ rva: u32(oh + 96 + i * 8), size: u32(oh + 100 + i * 8) });

  const sections: PeSection[] = [];
  for (let i = 0, s = oh + optSize; i < nsections; i++, s += 40) {
    let name = '';
    for (let j = 0; j < 8 && bytes[s + j]; j++) name += String.fromCharCode(bytes[s + j]);
    sections.push({ name, virtualSize: u32(s + 8), rva: u32(s + 12), rawSize: u32(s + 16), rawOffset: u32(s + 20), characteristics: u32(s + 36) });
  }
  /** File offset of an RVA. */
  const off = (rva: number) => {
    const sec = sections.find(x => rva >= x.rva && rva < x.rva + Math.max(x.virtualSize, x.rawSize));
    if (!sec) throw new BadImage(`RVA 0x${rva.toString(16)} is in no section`);
    return sec.rawOffset + rva - sec.rva;
  };
  const str = (rva: number) => {
    let o = off(rva), s = '';
    while (o < bytes.length && bytes[o]) s += String.fromCharCode(bytes[o++]);
    return s;
  };

  const imports: PeImport[] = [];
  const idir = dir(IMAGE_DIRECTORY_ENTRY_IMPORT);
  if (idir.rva) {
    for (let d = off(idir.rva); u32(d + 12) !== 0; d += 20) {
      const lookup = u32(d) || u32(d + 16), iat = u32(d + 16);
      const entries: PeImport['entries'] = [];
      for (let i = 0; ; i++) {
        const v = u32(off(lookup) + i * 4);
        if (v === 0) break;
        if (v & IMAGE_ORDINAL_FLAG32) throw new BadImage('imports by ordinal are not supported');
        entries.push({ name: str(v + 2), iatRva: iat + i * 4 });
      }
      imports.push({ dll: str(u32(d + 12)), entries });
    }
  }

  const exports = new Map<string, number>();
  const edir = dir(IMAGE_DIRECTORY_ENTRY_EXPORT);
  if (edir.rva) {
    const e = off(edir.rva);
    const nnames = u32(e + 24), funcs = u32(e + 28), names = u32(e + 32), ords = u32(e + 36);
    for (let i = 0; i < nnames; i++) {
      const ord = u16(off(ords) + i * 2);
      exports.set(str(u32(off(names) + i * 4)), u32(off(funcs) + ord * 4));
    }
  }

  const relocations: number[] = [];
  const rdir = dir(IMAGE_DIRECTORY_ENTRY_BASERELOC);
  if (rdir.rva) {
    for (let b = off(rdir.rva), end = b + rdir.size; b < end;) {
      const page = u32(b), size = u32(b + 4);
      if (size < 8) break;
      for (let i = 8; i < size; i += 2) {
        const entry = u16(b + i), type = entry >>> 12;
        if (type === IMAGE_REL_BASED_HIGHLOW) relocations.push(page + (entry & 0xFFF));
        else if (type !== IMAGE_REL_BASED_ABSOLUTE) throw new BadImage(`relocation type ${type} is not supported`);
      }
      b += size;
    }
  }

  return {
    imageBase: u32(oh + 28), sizeOfImage: u32(oh + 56), sizeOfHeaders: u32(oh + 60), entryRva: u32(oh + 16),
    isDll: (characteristics & IMAGE_FILE_DLL) !== 0, subsystem: u16(oh + 68),
    sections, imports, exports, relocations, bytes,
  };
}
