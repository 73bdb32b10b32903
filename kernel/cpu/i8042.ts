// An i8042-like keyboard controller: the data port 0x60 and the status port 0x64, IRQ 1.
// It carries characters, not scan codes (NT Lab's keyboard is a console's: the host hands
// it text). Input is scheduled on the instruction clock -- the machine's only time -- so
// that a run with the same input log is the same run: `schedule(icount, bytes)` makes the
// bytes arrive in the output buffer at that instruction count, with an edge on IRQ 1.
// Reading the data port takes one byte; the status port's bit 0 (OBF) says one is there.
import type { Clock } from './cpu.ts';
import type { PortBus, PortHandler } from './ports.ts';
import type { IrqSink } from './pit.ts';

export const I8042_DATA_PORT = 0x60, I8042_STATUS_PORT = 0x64;
export const I8042_OUTPUT_BUFFER_FULL = 0x01;
export const KEYBOARD_IRQ = 1;
const NO_DATA = 0;

/** One arrival of input: at which instruction count, which bytes. */
export interface InputEvent { icount: number; bytes: Uint8Array }

export class I8042 implements Clock, PortHandler {
  /** Bytes arrived and not read yet. */
  private readonly output: number[] = [];
  /** Arrivals still ahead, in instruction-count order. */
  private readonly ahead: InputEvent[] = [];
  /** Every arrival ever scheduled: the input log. */
  readonly log: InputEvent[] = [];

  constructor(private readonly irq: IrqSink) {}

  attach(ports: PortBus): void {
    ports.register(I8042_DATA_PORT, 1, this);
    ports.register(I8042_STATUS_PORT, 1, this);
  }

  get deadline(): number { return this.ahead.length ? this.ahead[0].icount : Infinity; }

  /** Input arrives at `icount` (not before the present: the caller says when that is). */
  schedule(icount: number, bytes: Uint8Array): void {
    const event = { icount, bytes: Uint8Array.from(bytes) };
    this.log.push(event);
    let i = this.ahead.length;
    while (i > 0 && this.ahead[i - 1].icount > icount) i--;
    this.ahead.splice(i, 0, event);
  }

  /** Nothing buffered and nothing on its way. */
  get idle(): boolean { return this.output.length === 0 && this.ahead.length === 0; }

  tick(icount: number): void {
    let arrived = false;
    while (this.ahead.length && this.ahead[0].icount <= icount) {
      for (const b of this.ahead.shift()!.bytes) this.output.push(b);
      arrived = true;
    }
    if (arrived) this.irq.pulse(KEYBOARD_IRQ);
  }

  read(port: number): number {
    if (port === I8042_STATUS_PORT) return this.output.length ? I8042_OUTPUT_BUFFER_FULL : 0;
    return this.output.length ? this.output.shift()! : NO_DATA;
  }

  write(): void { /* commands to the controller are not emulated */ }
}
