// Physical RAM: one ArrayBuffer, with byte, dword and DataView windows onto it.
// Little-endian hosts only (every host Node runs on today), so Int32Array reads are guest dwords.
import type { PhysicalAddress } from './types.ts';

export class PhysicalMemory {
  readonly size: number;
  readonly buffer: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly i32: Int32Array;
  readonly dv: DataView;

  constructor(bytes: number) {
    if (bytes % 4096 !== 0 || bytes <= 0 || bytes > 1 << 30)
      throw new RangeError(`physical memory must be a whole number of pages up to 1 GiB, not ${bytes}`);
    this.size = bytes;
    this.buffer = new ArrayBuffer(bytes);
    this.u8 = new Uint8Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.dv = new DataView(this.buffer);
  }

  /** True when [pa, pa+len) lies in RAM. Addresses outside read as 0xFF and ignore writes. */
  has(pa: PhysicalAddress, len = 1): boolean {
    return pa >= 0 && pa + len <= this.size;
  }

  read8(pa: PhysicalAddress): number { return this.has(pa) ? this.u8[pa] : 0xff; }
  read16(pa: PhysicalAddress): number { return this.has(pa, 2) ? this.dv.getUint16(pa, true) : 0xffff; }
  read32(pa: PhysicalAddress): number { return this.has(pa, 4) ? this.dv.getInt32(pa, true) : -1; }
  write8(pa: PhysicalAddress, v: number): void { if (this.has(pa)) this.u8[pa] = v; }
  write16(pa: PhysicalAddress, v: number): void { if (this.has(pa, 2)) this.dv.setUint16(pa, v, true); }
  write32(pa: PhysicalAddress, v: number): void { if (this.has(pa, 4)) this.dv.setInt32(pa, v, true); }

  /** Copies bytes into RAM (loaders, tests). Throws on an out-of-range copy: a host bug. */
  load(pa: PhysicalAddress, bytes: Uint8Array): void {
    if (!this.has(pa, bytes.length)) throw new RangeError(`load of ${bytes.length} bytes at ${pa} is outside RAM`);
    this.u8.set(bytes, pa);
  }
}
