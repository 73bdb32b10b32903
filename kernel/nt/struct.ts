// The typed struct layer: each NT structure is defined ONCE, here-style, as a table of
// (offset, type) per field. From that one definition
//   - host code reads and writes guest memory by field name (`view.get('PreviousMode')`),
//   - the guest assembly gets NASM `struc` definitions (ks386.inc, see asmgen.ts), so
//     `[esp + KTRAP_FRAME.Eax]` in KiSystemService is the same number the host uses,
//   - UI panels list the fields with their values (`describe`), like a kernel debugger's `dt`.
// Offsets are written out explicitly (not computed from field order) because they are
// what the books and the reference table give; `defineStruct` checks that fields fit.

/** Scalar field types. `ptr` is a 32-bit guest virtual address. */
export type Scalar = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'ptr';

export interface ArrayType { readonly array: FieldType; readonly count: number }
export interface BytesType { readonly bytes: number }
export type FieldType = Scalar | StructDef | ArrayType | BytesType;

export interface FieldInfo {
  readonly name: string;
  readonly offset: number;
  readonly type: FieldType;
  readonly size: number;
}

/** Reads and writes at guest (virtual) addresses; implemented by mm/virtual.ts. */
export interface GuestAccess {
  read8(va: number): number;
  read16(va: number): number;
  read32(va: number): number;
  write8(va: number, v: number): void;
  write16(va: number, v: number): void;
  write32(va: number, v: number): void;
}

export interface StructDef<F extends string = string> {
  readonly name: string;
  readonly size: number;
  /** Fields sorted by offset. */
  readonly fields: readonly FieldInfo[];
  /** Offsets of the direct fields, by name. */
  readonly off: { readonly [K in F]: number };
  /** The direct fields by name (the fast path of `path`, `get` and `set`). */
  readonly byName: ReadonlyMap<string, FieldInfo>;
  /** Resolved paths (direct fields and dotted paths), filled as they are asked for. */
  readonly resolved: Map<string, Resolved>;
  /** Offset of a dotted path through nested structs and array elements:
   *  `ApcState.UserApcPending`, `ApcState.ApcListHead[1].Flink`. */
  path(p: string): number;
  /** A typed view of the instance at `address`. */
  at(mem: GuestAccess, address: number): StructView<F>;
}

const SCALAR_SIZE: Record<Scalar, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, ptr: 4 };

export function isScalar(t: FieldType): t is Scalar { return typeof t === 'string'; }
export function isStruct(t: FieldType): t is StructDef { return typeof t === 'object' && 'fields' in t; }
export function isArray(t: FieldType): t is ArrayType { return typeof t === 'object' && 'array' in t; }
export function isBytes(t: FieldType): t is BytesType { return typeof t === 'object' && 'bytes' in t; }

export function sizeOf(t: FieldType): number {
  if (isScalar(t)) return SCALAR_SIZE[t];
  if (isStruct(t)) return t.size;
  if (isArray(t)) return sizeOf(t.array) * t.count;
  return (t as BytesType).bytes;
}

/** An array field type: `array(LIST_ENTRY, 2)`. */
export function array(of: FieldType, count: number): FieldType { return { array: of, count }; }
/** Opaque bytes (a part of a structure NT Lab does not model field by field). */
export function bytes(n: number): FieldType { return { bytes: n }; }

/**
 * Defines a structure. `fields` maps each name to `[offset, type]`. Throws (at module load,
 * so a wrong table never ships) when a field runs past `size` or two fields overlap
 * without being declared as a union member (`union: true` as the third element).
 */
export function defineStruct<const T extends Record<string, readonly [number, FieldType] | readonly [number, FieldType, 'union']>>(
  name: string, size: number, fields: T,
): StructDef<Extract<keyof T, string>> {
  const list: FieldInfo[] = Object.entries(fields)
    .map(([n, spec]) => ({ name: n, offset: spec[0], type: spec[1], size: sizeOf(spec[1]) }))
    .sort((a, b) => a.offset - b.offset);
  let end = 0;
  for (const f of list) {
    if (f.offset + f.size > size) throw new Error(`${name}.${f.name} runs past the structure's size 0x${size.toString(16)}`);
    const union = (fields[f.name] as readonly unknown[])[2] === 'union';
    if (f.offset < end && !union) throw new Error(`${name}.${f.name} at 0x${f.offset.toString(16)} overlaps the field before it`);
    end = Math.max(end, f.offset + f.size);
  }
  const off = Object.fromEntries(list.map(f => [f.name, f.offset])) as { [K in Extract<keyof T, string>]: number };
  const def: StructDef<Extract<keyof T, string>> = {
    name, size, fields: list, off, byName: new Map(list.map(f => [f.name, f])), resolved: new Map(),
    path: p => resolvePath(def, p).offset,
    at: (mem, address) => new StructView(def, mem, address),
  };
  return def;
}

/** A resolved path: its offset, its type, and for scalars how to read it (`kind`, 0 for a
 *  structure, array or bytes). */
export interface Resolved { readonly offset: number; readonly type: FieldType; readonly kind: number }
const K_U8 = 1, K_I8 = 2, K_U16 = 3, K_I16 = 4, K_U32 = 5, K_I32 = 6;
const KIND: Record<Scalar, number> = { u8: K_U8, i8: K_I8, u16: K_U16, i16: K_I16, u32: K_U32, ptr: K_U32, i32: K_I32 };

function lookup(cache: Map<string, Resolved>, def: StructDef, p: string): Resolved {
  let r = cache.get(p);
  if (!r) {
    const { offset, type } = def.byName.get(p) ?? walkPath(def, p);
    cache.set(p, r = { offset, type, kind: isScalar(type) ? KIND[type] : 0 });
  }
  return r;
}

/** Walks `a.b[2].c` through nested structures: the offset and the final field's type. */
export function resolvePath(def: StructDef, p: string): { offset: number; type: FieldType } {
  return lookup(def.resolved, def, p);
}

function walkPath(def: StructDef, p: string): { offset: number; type: FieldType } {
  let type: FieldType = def, offset = 0;
  for (const part of p.split('.')) {
    const m = /^(\w+)((?:\[\d+\])*)$/.exec(part);
    if (!m || !isStruct(type)) throw new Error(`bad field path '${p}' in ${def.name}`);
    const f: FieldInfo | undefined = type.fields.find(x => x.name === m[1]);
    if (!f) throw new Error(`${type.name} has no field '${m[1]}' (path '${p}')`);
    offset += f.offset;
    type = f.type;
    for (const idx of m[2].match(/\d+/g) ?? []) {
      if (!isArray(type) || Number(idx) >= type.count) throw new Error(`bad index in '${p}'`);
      type = type.array;
      offset += Number(idx) * sizeOf(type);
    }
  }
  return { offset, type };
}

function readScalar(mem: GuestAccess, t: Scalar, va: number): number {
  switch (t) {
    case 'u8': return mem.read8(va);
    case 'i8': return (mem.read8(va) << 24) >> 24;
    case 'u16': return mem.read16(va);
    case 'i16': return (mem.read16(va) << 16) >> 16;
    case 'i32': return mem.read32(va) | 0;
    case 'u32': case 'ptr': return mem.read32(va) >>> 0;
  }
}

/** A scalar field resolved once (at module load), for host paths that run per system
 *  call: `IRP_FLAGS.get(k.vm, irp)` reads what `IRP.at(k.vm, irp).get('Flags')` reads,
 *  without building a view or looking the name up. */
export class Field {
  readonly offset: number;
  private readonly kind: number;
  constructor(def: StructDef, readonly path: string) {
    const r = lookup(def.resolved, def, path);
    if (!r.kind) throw new Error(`${def.name}.${path} is not a scalar field`);
    this.offset = r.offset; this.kind = r.kind;
  }
  get(mem: GuestAccess, address: number): number {
    const va = (address + this.offset) | 0;
    switch (this.kind) {
      case K_U32: return mem.read32(va) >>> 0;
      case K_I32: return mem.read32(va) | 0;
      case K_U8: return mem.read8(va);
      case K_U16: return mem.read16(va);
      case K_I8: return (mem.read8(va) << 24) >> 24;
      default: return (mem.read16(va) << 16) >> 16;
    }
  }
  set(mem: GuestAccess, address: number, value: number): void {
    const va = (address + this.offset) | 0;
    switch (this.kind) {
      case K_U32: case K_I32: mem.write32(va, value | 0); return;
      case K_U8: case K_I8: mem.write8(va, value & 0xff); return;
      default: mem.write16(va, value & 0xffff);
    }
  }
}

/** Resolved fields of `def` by path: `const Irp = fields(IRP, ['Flags', 'IoStatus.Status'])`. */
export function fields<F extends string, const P extends string>(def: StructDef<F>, paths: readonly P[]): { readonly [K in P]: Field } {
  return Object.fromEntries(paths.map(p => [p, new Field(def, p)])) as { [K in P]: Field };
}

/** One instance of a structure in guest memory. Scalars read as numbers (unsigned for
 *  u8/u16/u32/ptr, signed for i8/i16/i32); `addressOf` gives a field's guest address for nested access. */
export class StructView<F extends string = string> {
  constructor(readonly def: StructDef<F>, readonly mem: GuestAccess, readonly address: number) {}

  get(path: F | `${F}.${string}` | `${F}[${string}`): number {
    const r = lookup(this.def.resolved, this.def, path);
    const va = (this.address + r.offset) | 0, mem = this.mem;
    switch (r.kind) {
      case K_U32: return mem.read32(va) >>> 0;
      case K_I32: return mem.read32(va) | 0;
      case K_U8: return mem.read8(va);
      case K_U16: return mem.read16(va);
      case K_I8: return (mem.read8(va) << 24) >> 24;
      case K_I16: return (mem.read16(va) << 16) >> 16;
    }
    throw new Error(`${this.def.name}.${path} is not a scalar field`);
  }

  set(path: F | `${F}.${string}` | `${F}[${string}`, value: number): void {
    const r = lookup(this.def.resolved, this.def, path);
    const va = (this.address + r.offset) | 0;
    switch (r.kind) {
      case K_U32: case K_I32: this.mem.write32(va, value | 0); return;
      case K_U8: case K_I8: this.mem.write8(va, value & 0xff); return;
      case K_U16: case K_I16: this.mem.write16(va, value & 0xffff); return;
    }
    throw new Error(`${this.def.name}.${path} is not a scalar field`);
  }

  addressOf(path: F | `${F}.${string}` | `${F}[${string}`): number {
    return (this.address + lookup(this.def.resolved, this.def, path).offset) >>> 0;
  }

  /** A view of a nested structure field. */
  sub(path: F | `${F}.${string}`): StructView {
    const { offset, type } = lookup(this.def.resolved, this.def, path);
    if (!isStruct(type)) throw new Error(`${this.def.name}.${path} is not a structure`);
    return new StructView(type, this.mem, (this.address + offset) | 0);
  }
}

/** One row per scalar field (nested structures and arrays flattened), for panels and
 *  debugging output: what `dt` shows in a kernel debugger. */
export interface FieldRow { path: string; offset: number; type: string; value: number | null }

export function describe(def: StructDef, mem: GuestAccess, address: number): FieldRow[] {
  const rows: FieldRow[] = [];
  const walk = (t: FieldType, path: string, offset: number) => {
    if (isScalar(t)) rows.push({ path, offset, type: t, value: readScalar(mem, t, (address + offset) | 0) });
    else if (isStruct(t)) for (const f of t.fields) walk(f.type, path ? `${path}.${f.name}` : f.name, offset + f.offset);
    else if (isArray(t)) for (let i = 0; i < t.count; i++) walk(t.array, `${path}[${i}]`, offset + i * sizeOf(t.array));
    else rows.push({ path, offset, type: `bytes[${(t as BytesType).bytes}]`, value: null });
  };
  walk(def, '', 0);
  return rows;
}
