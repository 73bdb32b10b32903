// The PC's interval timer: an Intel 8253/8254 with three 16-bit down-counters at ports
// 0x40-0x42 and the control word at 0x43. Counter 0's output drives IRQ 0, the system
// clock interrupt NT's HAL programs (KeUpdateSystemTime runs from it).
//
// Time here is the CPU's instruction count, never the wall clock: the counters' input
// clock (1.193182 MHz on a PC) ticks once every `instructionsPerClock` retired
// instructions, so a run is the same every time. The timer is the CPU's `Clock`: it tells
// the run loop the instruction count of its next interrupt (`deadline`), and the run loop
// calls `tick` when it gets there (or jumps straight to it while halted).
//
// Emulated: modes 0 (interrupt on terminal count), 2 (rate generator) and 3 (square wave),
// with their aliases 6 and 7; LSB, MSB and LSB-then-MSB access; the counter-latch command.
// Modes 1 and 5 wait for a gate trigger that never comes (the gates are not wired), mode 4
// behaves as mode 0. Not emulated: BCD counting, the 8254 read-back command, the
// speaker gate on port 0x61. A new count takes effect at once (the chip waits for the end
// of the current period in modes 2 and 3). The output is modelled as one rising edge per
// interrupt, which is what the edge-triggered PIC sees.
import type { Clock, Cpu } from './cpu.ts';
import type { PortHandler } from './ports.ts';

export const PIT_COUNTER0 = 0x40, PIT_CONTROL = 0x43, PIT_PORTS = 4;
/** The IRQ line counter 0 drives. */
export const PIT_IRQ = 0;
/** The counters' input clock on a PC, in Hz (for converting periods; time is instructions). */
export const PIT_INPUT_HZ = 1_193_182;
/** By default the machine behaves like a 100 MHz CPU retiring one instruction per cycle:
 *  100e6 / 1193182 ≈ 84 instructions per timer input clock. */
export const DEFAULT_INSTRUCTIONS_PER_CLOCK = 84;

/** Control word fields. */
const SELECT_SHIFT = 6, ACCESS_SHIFT = 4, MODE_SHIFT = 1;
const READ_BACK = 3, ACCESS_LATCH = 0, ACCESS_LSB = 1, ACCESS_MSB = 2, ACCESS_WORD = 3;
const MODE_TERMINAL = 0, MODE_ONE_SHOT = 1, MODE_RATE = 2, MODE_SQUARE = 3, MODE_STROBE_SW = 4, MODE_STROBE_HW = 5;
/** A count of 0 means 65536. */
const FULL_COUNT = 0x10000;

/** What the PIT needs of the interrupt controller. */
export interface IrqSink { pulse(irq: number): void }

/** One down-counter. */
class Counter {
  mode = MODE_TERMINAL;
  access = ACCESS_WORD;
  /** The count the counter reloads (1..65536); 0: never written since the control word. */
  reload = 0;
  /** The instruction count at which the count was loaded. */
  start = 0;
  /** Mode 0: the terminal-count interrupt has happened. */
  fired = false;
  /** LSB-then-MSB access: the next byte is the MSB. */
  private writeHigh = false;
  private readHigh = false;
  private partial = 0;
  private latched: number | null = null;

  /** A control word for this counter (not a latch): new mode, counting stops. */
  program(access: number, mode: number): void {
    this.access = access;
    this.mode = mode > 5 ? mode - 4 : mode; // 6 and 7 are 2 and 3
    this.reload = 0;
    this.fired = false;
    this.writeHigh = this.readHigh = false;
    this.latched = null;
  }

  /** A byte written to the counter's port; returns true when a whole count arrived. */
  writeByte(v: number, now: number): boolean {
    let count: number;
    if (this.access === ACCESS_LSB) count = v;
    else if (this.access === ACCESS_MSB) count = v << 8;
    else if (!this.writeHigh) { this.partial = v; this.writeHigh = true; return false; }
    else { count = this.partial | (v << 8); this.writeHigh = false; }
    this.reload = count === 0 ? FULL_COUNT : count;
    this.start = now;
    this.fired = false;
    return true;
  }

  latch(now: number, ipc: number): void {
    if (this.latched === null) this.latched = this.current(now, ipc);
  }

  /** A byte read from the counter's port: the latched count if any, else the live one. */
  readByte(now: number, ipc: number): number {
    const v = this.latched ?? this.current(now, ipc);
    let byte: number;
    if (this.access === ACCESS_LSB) byte = v & 0xff;
    else if (this.access === ACCESS_MSB) byte = (v >> 8) & 0xff;
    else { byte = this.readHigh ? (v >> 8) & 0xff : v & 0xff; this.readHigh = !this.readHigh; }
    if (this.access !== ACCESS_WORD || !this.readHigh) this.latched = null;
    return byte;
  }

  /** The count now, as the chip would show it (16 bits; 65536 reads as 0). */
  current(now: number, ipc: number): number {
    if (this.reload === 0) return 0;
    const n = this.reload, e = Math.floor((now - this.start) / ipc);
    switch (this.mode) {
      case MODE_RATE: return (n - (e % n)) & 0xffff;
      case MODE_SQUARE: return (n - ((2 * e) % n)) & 0xffff; // counts down by two, twice a period
      case MODE_ONE_SHOT: case MODE_STROBE_HW: return n & 0xffff;
      default: return (n - e) & 0xffff; // modes 0 and 4 keep counting down past zero
    }
  }

  /** The instruction count of the output's next rising edge after `now`, or Infinity. */
  nextEdge(now: number, ipc: number): number {
    if (this.reload === 0) return Infinity;
    const period = this.reload * ipc;
    switch (this.mode) {
      case MODE_TERMINAL: case MODE_STROBE_SW:
        return this.fired ? Infinity : this.start + period;
      case MODE_RATE: case MODE_SQUARE:
        return this.start + (Math.floor((now - this.start) / period) + 1) * period;
      default:
        return Infinity; // gate-triggered modes: the gate never rises
    }
  }
}

export class Pit implements Clock, PortHandler {
  readonly counters = [new Counter(), new Counter(), new Counter()];
  /** The instruction count of counter 0's next interrupt. */
  deadline = Infinity;
  private now: () => number = () => 0;

  constructor(private readonly irq: IrqSink, readonly instructionsPerClock = DEFAULT_INSTRUCTIONS_PER_CLOCK) {
    if (!(Number.isInteger(instructionsPerClock) && instructionsPerClock >= 1))
      throw new RangeError(`instructionsPerClock must be a positive integer, not ${instructionsPerClock}`);
  }

  /** Claims ports 0x40-0x43 and becomes the CPU's clock. */
  attach(cpu: Cpu): void {
    cpu.ports.register(PIT_COUNTER0, PIT_PORTS, this);
    cpu.clock = this;
    this.now = () => cpu.icount;
  }

  /** The run loop reached `deadline`: counter 0's output rises, IRQ 0 sees an edge. */
  tick(icount: number): void {
    const c0 = this.counters[0];
    if (icount >= this.deadline) {
      if (c0.mode === MODE_TERMINAL || c0.mode === MODE_STROBE_SW) c0.fired = true;
      this.irq.pulse(PIT_IRQ);
    }
    this.deadline = c0.nextEdge(icount, this.instructionsPerClock);
  }

  read(port: number): number {
    if (port === PIT_CONTROL) return 0xff; // the control register cannot be read
    return this.counters[port - PIT_COUNTER0].readByte(this.now(), this.instructionsPerClock);
  }

  write(port: number, _size: number, value: number): void {
    value &= 0xff;
    if (port === PIT_CONTROL) this.control(value);
    else if (this.counters[port - PIT_COUNTER0].writeByte(value, this.now()) && port === PIT_COUNTER0) this.reschedule();
  }

  private control(v: number): void {
    const select = v >> SELECT_SHIFT, access = (v >> ACCESS_SHIFT) & 3, mode = (v >> MODE_SHIFT) & 7;
    if (select === READ_BACK) return; // 8254 read-back: not emulated
    const counter = this.counters[select];
    if (access === ACCESS_LATCH) { counter.latch(this.now(), this.instructionsPerClock); return; }
    counter.program(access, mode);
    if (select === 0) this.reschedule();
  }

  private reschedule(): void {
    this.deadline = this.counters[0].nextEdge(this.now(), this.instructionsPerClock);
  }
}
