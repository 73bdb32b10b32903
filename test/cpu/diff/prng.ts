// Seeded randomness for the differential test. `Rng` drives the case generator; `fillPage`
// is the scratch-page filler, written identically in the native driver's C (driver.ts) so
// both sides start every case from the same bytes without shipping them.

/** mulberry32: small, fast, and good enough to spread cases over the operand space. */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }

  /** A uniform uint32. */
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number { return lo + (this.u32() % (hi - lo + 1)); }

  pick<T>(xs: readonly T[]): T { return xs[this.u32() % xs.length]; }

  chance(p: number): boolean { return this.u32() / 4294967296 < p; }

  /** A value of `bits` bits biased toward the edges (0, 1, all ones, the sign boundary),
   *  where flags bugs live; as uint32 (or less). */
  value(bits: 8 | 16 | 32): number {
    const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1, sign = 2 ** (bits - 1);
    switch (this.u32() % 8) {
      case 0: return this.pick([0, 1, mask, sign, sign - 1, sign + 1, mask - 1]) >>> 0;
      case 1: return this.int(0, 15);
      case 2: return (mask - this.int(0, 15)) >>> 0;
      case 3: return ((sign + this.int(-8, 8)) & mask) >>> 0;
      default: return (this.u32() & mask) >>> 0;
    }
  }
}

/** xorshift32 from `seed` (never 0), one dword at a time, little-endian: the C driver
 *  does exactly this. */
export function fillPage(out: Uint8Array, seed: number): void {
  let x = seed >>> 0 || 1;
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0; i + 4 <= out.length; i += 4) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    dv.setUint32(i, x, true);
  }
}

/** FNV-1a over bytes: the native side reports the whole scratch page this way. */
export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}
