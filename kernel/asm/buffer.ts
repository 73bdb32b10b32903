// A growable byte buffer for section contents.
export class ByteBuffer {
  private buf = new Uint8Array(256);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.length));
    this.buf = nb;
  }
  byte(b: number): void { this.reserve(1); this.buf[this.length++] = b & 0xff; }
  bytes(b: ArrayLike<number>): void {
    this.reserve(b.length);
    // A loop beats TypedArray.set for the few bytes of one instruction.
    if (b.length < 32) for (let i = 0; i < b.length; i++) this.buf[this.length + i] = b[i];
    else this.buf.set(b, this.length);
    this.length += b.length;
  }
  fill(n: number, b: number): void { this.reserve(n); this.buf.fill(b & 0xff, this.length, this.length + n); this.length += n; }
  le(value: number, size: number): void {
    let v = BigInt.asUintN(size * 8, BigInt(Math.trunc(value)));
    for (let i = 0; i < size; i++) { this.byte(Number(v & 0xffn)); v >>= 8n; }
  }
  toArray(): Uint8Array { return this.buf.slice(0, this.length); }
}
