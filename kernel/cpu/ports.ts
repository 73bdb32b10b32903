// Port I/O: `in` and `out` reach device handlers registered by port number.
export interface PortHandler {
  read(port: number, size: 1 | 2 | 4): number;
  write(port: number, size: 1 | 2 | 4, value: number): void;
}

export class PortBus {
  private readonly handlers = new Map<number, PortHandler>();

  /** Claims ports [first, first+count) for a device. */
  register(first: number, count: number, h: PortHandler): void {
    for (let p = first; p < first + count; p++) {
      if (this.handlers.has(p)) throw new Error(`port 0x${p.toString(16)} is already claimed`);
      this.handlers.set(p, h);
    }
  }

  /** Reads from an unclaimed port float high, as on a PC bus. */
  read(port: number, size: 1 | 2 | 4): number {
    const h = this.handlers.get(port);
    return h ? h.read(port, size) : size === 1 ? 0xff : size === 2 ? 0xffff : -1;
  }

  write(port: number, size: 1 | 2 | 4, value: number): void {
    this.handlers.get(port)?.write(port, size, value);
  }
}
