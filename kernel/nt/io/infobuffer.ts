// Little-endian writers and readers for the information structures drivers fill in and
// take out of a system buffer (host bytes on their way to or from guest memory).
export class InfoWriter {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  constructor(size: number) { this.bytes = new Uint8Array(size); this.view = new DataView(this.bytes.buffer); }
  u8(at: number, v: number): this { this.view.setUint8(at, v); return this; }
  u16(at: number, v: number): this { this.view.setUint16(at, v, true); return this; }
  u32(at: number, v: number): this { this.view.setUint32(at, v >>> 0, true); return this; }
  /** A LARGE_INTEGER from a number (sizes) or a bigint (FILETIMEs). */
  i64(at: number, v: number | bigint): this { this.view.setBigInt64(at, BigInt(v), true); return this; }
  /** UTF-16 text, no terminator; returns its byte length. */
  utf16(at: number, text: string): number {
    for (let i = 0; i < text.length && at + 2 * i + 2 <= this.bytes.length; i++) this.view.setUint16(at + 2 * i, text.charCodeAt(i), true);
    return 2 * text.length;
  }
}

export function infoReader(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    u8: (at: number) => view.getUint8(at),
    u32: (at: number) => view.getUint32(at, true),
    i64: (at: number) => view.getBigInt64(at, true),
  };
}
