// The PC's interrupt controller: two Intel 8259A chips, the master at ports 0x20/0x21 and
// the slave at 0xA0/0xA1, the slave's INT output wired to the master's IR2 (the "cascade").
// Devices raise and lower their IRQ lines 0..15; the CPU asks `pending()` between
// instructions and, when it takes the interrupt, `acknowledge()` plays the two INTA cycles
// and returns the vector. Everything here follows the 8259A data sheet (Intel 231468):
//
//   ICW1..ICW4  initialisation: edge/level, single/cascade, the vector base, AEOI
//   OCW1        the interrupt mask register (IMR)
//   OCW2        end of interrupt: non-specific, specific, and the priority rotations
//   OCW3        which register a read of the even port returns (IRR or ISR), poll
//
// Requests are edge-triggered only: a line's rising edge sets its IRR bit, and a line held
// high does not request again until it has gone low. (ICW1's LTIM bit is recorded but not
// honoured; the ELCR ports at 0x4D0 are not emulated.) Special mask mode and special fully
// nested mode are not emulated either: NT's HAL uses neither. There is no timing at all:
// the chips change state only when a device or the CPU touches them, so runs are
// deterministic.
import type { InterruptController } from './cpu.ts';
import type { PortBus, PortHandler } from './ports.ts';
import type { Vector } from './types.ts';

export const PIC_MASTER_CMD = 0x20, PIC_MASTER_DATA = 0x21;
export const PIC_SLAVE_CMD = 0xa0, PIC_SLAVE_DATA = 0xa1;
/** The master input the slave's INT output drives. */
export const CASCADE_IRQ = 2;
/** A PC has 16 IRQ lines: 0-7 on the master, 8-15 on the slave. */
export const IRQ_LINES = 16;

/** Command-port bits that tell the command words apart. */
const ICW1_INIT = 0x10, ICW1_IC4 = 0x01, ICW1_SINGLE = 0x02;
const OCW3_SELECT = 0x08, OCW3_POLL = 0x04, OCW3_READ_REGISTER = 0x02, OCW3_READ_ISR = 0x01;
const ICW4_AEOI = 0x02;
/** OCW2's R, SL and EOI bits (7..5) name the command; bits 2..0 a level for the SL forms. */
const OCW2_EOI = 0x20, OCW2_SPECIFIC = 0x40, OCW2_ROTATE = 0x80;
/** The IRQ the chip reports when the request vanished before the acknowledge. */
const SPURIOUS_IRQ = 7;
/** No request or in-service level: "lower than the lowest priority". */
const NONE = 8;

/** Where a chip is in its initialisation sequence: the next data-port write is... */
const enum Expect { Ocw1, Icw2, Icw3, Icw4 }

/** One 8259A. */
export class Pic8259 implements PortHandler {
  /** Interrupt request register: lines that asked and wait to be acknowledged. */
  irr = 0;
  /** In-service register: interrupts acknowledged and not yet ended (EOI). */
  isr = 0;
  /** Interrupt mask register: set bits keep their lines from interrupting. */
  imr = 0xff;
  /** ICW2: the vector of IR0 (the low three bits are the level). */
  vectorBase = 0;
  /** The level with the lowest priority; IR(lowest+1) mod 8 has the highest. Fixed
   *  priority (IR0 highest) is lowest = 7, until a rotate command changes it. */
  lowest = 7;
  /** ICW4.AEOI: the acknowledge ends the interrupt itself (no EOI command needed). */
  autoEoi = false;
  /** AEOI mode rotates priority on each acknowledge (OCW2 "rotate in AEOI mode"). */
  rotateOnAutoEoi = false;
  /** The last ICW1/ICW3/ICW4, as programmed (ICW3 is the cascade wiring, fixed here). */
  icw1 = 0;
  icw3 = 0;
  icw4 = 0;
  /** OCW3: a read of the command port returns the ISR instead of the IRR. */
  readIsr = false;
  /** OCW3 poll: the next command-port read is the poll word. */
  private poll = false;
  private expect = Expect.Ocw1;
  /** The lines' levels, for edge detection. */
  private lines = 0;

  constructor(readonly commandPort: number, private readonly onChange: () => void) {}

  // ---- the IR inputs -----------------------------------------------------------------------

  /** Sets input `ir` (0..7) to a level: a rising edge requests an interrupt. */
  setLine(ir: number, high: boolean): void {
    const bit = 1 << ir;
    if (high && !(this.lines & bit)) this.irr |= bit;
    this.lines = high ? this.lines | bit : this.lines & ~bit;
    this.onChange();
  }

  // ---- priority resolution -----------------------------------------------------------------

  /** The highest-priority level set in `bits`, or NONE. */
  private highest(bits: number): number {
    for (let i = 1; i <= 8; i++) {
      const level = (this.lowest + i) & 7;
      if (bits & (1 << level)) return level;
    }
    return NONE;
  }

  /** Rank of a level: 0 is the highest priority now, 7 the lowest (NONE ranks 8). */
  private rank(level: number): number {
    return level === NONE ? NONE : (level - this.lowest - 1) & 7;
  }

  /** The level this chip would interrupt with now (fully nested mode: an unmasked request
   *  of higher priority than everything in service), or NONE: this is the INT output. */
  request(): number {
    const req = this.highest(this.irr & ~this.imr);
    if (req === NONE) return NONE;
    return this.rank(req) < this.rank(this.highest(this.isr)) ? req : NONE;
  }

  /** The INTA cycles for `level`: into service (unless AEOI), out of the request register. */
  acknowledge(level: number): void {
    const bit = 1 << level;
    this.irr &= ~bit;
    if (!this.autoEoi) this.isr |= bit;
    else if (this.rotateOnAutoEoi) this.lowest = level;
  }

  // ---- the ports -----------------------------------------------------------------------------

  read(port: number): number {
    if (port !== this.commandPort) return this.imr;
    if (this.poll) return this.pollWord();
    return this.readIsr ? this.isr : this.irr;
  }

  write(port: number, _size: number, value: number): void {
    value &= 0xff;
    if (port === this.commandPort) this.command(value);
    else this.data(value);
    this.onChange();
  }

  private command(v: number): void {
    if (v & ICW1_INIT) this.initialise(v);
    else if (v & OCW3_SELECT) this.ocw3(v);
    else this.ocw2(v);
  }

  /** ICW1 starts initialisation: the mask, the in-service and request registers are
   *  cleared, IR7 gets the lowest priority, reads return the IRR, and the edge detectors
   *  are reset (a line already high must go low and high again to request). */
  private initialise(v: number): void {
    this.icw1 = v;
    this.imr = 0;
    this.isr = 0;
    this.irr = 0;
    this.lowest = 7;
    this.readIsr = false;
    this.poll = false;
    this.autoEoi = false;
    this.rotateOnAutoEoi = false;
    this.icw4 = 0;
    this.lines = 0;
    this.expect = Expect.Icw2;
  }

  private data(v: number): void {
    switch (this.expect) {
      case Expect.Ocw1:
        this.imr = v;
        return;
      case Expect.Icw2:
        this.vectorBase = v & 0xf8;
        this.expect = !(this.icw1 & ICW1_SINGLE) ? Expect.Icw3 : this.icw1 & ICW1_IC4 ? Expect.Icw4 : Expect.Ocw1;
        return;
      case Expect.Icw3:
        this.icw3 = v;
        this.expect = this.icw1 & ICW1_IC4 ? Expect.Icw4 : Expect.Ocw1;
        return;
      case Expect.Icw4:
        this.icw4 = v;
        this.autoEoi = (v & ICW4_AEOI) !== 0;
        this.expect = Expect.Ocw1;
        return;
    }
  }

  /** OCW2: the end-of-interrupt and priority commands (data sheet, table "OCW2"). */
  private ocw2(v: number): void {
    const level = v & 7;
    const eoi = (v & OCW2_EOI) !== 0, specific = (v & OCW2_SPECIFIC) !== 0, rotate = (v & OCW2_ROTATE) !== 0;
    if (eoi) {
      // A non-specific EOI ends the highest-priority level in service (fully nested mode:
      // the one being handled); a specific EOI names its level.
      const ended = specific ? level : this.highest(this.isr);
      if (ended === NONE) return;
      this.isr &= ~(1 << ended);
      if (rotate) this.lowest = ended;
    } else if (specific) {
      if (rotate) this.lowest = level; // set priority: `level` becomes the lowest
    } else {
      this.rotateOnAutoEoi = rotate; // rotate in AEOI mode: set (R=1) or clear (R=0)
    }
  }

  /** OCW3: choose the register the command port reads; or poll. */
  private ocw3(v: number): void {
    if (v & OCW3_READ_REGISTER) this.readIsr = (v & OCW3_READ_ISR) !== 0;
    this.poll = (v & OCW3_POLL) !== 0;
  }

  /** Poll: the read acknowledges the highest request as INTA would; bit 7 says whether
   *  there was one, bits 2..0 its level. */
  private pollWord(): number {
    this.poll = false;
    const level = this.request();
    if (level === NONE) return 0;
    this.acknowledge(level);
    this.onChange();
    return 0x80 | level;
  }
}

/** The master/slave pair as the CPU and devices see it. */
export class Pic implements InterruptController {
  readonly master: Pic8259;
  readonly slave: Pic8259;
  /** The slave's INT output as the master last saw it. */
  private cascadeHigh = false;

  constructor() {
    this.master = new Pic8259(PIC_MASTER_CMD, () => this.cascade());
    this.slave = new Pic8259(PIC_SLAVE_CMD, () => this.cascade());
  }

  /** Claims ports 0x20-0x21 and 0xA0-0xA1 on the CPU's bus. */
  attach(ports: PortBus): void {
    ports.register(PIC_MASTER_CMD, 2, this.master);
    ports.register(PIC_SLAVE_CMD, 2, this.slave);
  }

  /** A device drives line `irq` high (an edge requests an interrupt). */
  raise(irq: number): void { this.chip(irq).setLine(irq & 7, true); }

  /** A device drives line `irq` low. */
  lower(irq: number): void { this.chip(irq).setLine(irq & 7, false); }

  /** An edge on `irq`: high then low, as a device that pulses its line. */
  pulse(irq: number): void { this.raise(irq); this.lower(irq); }

  /** The master's INT output: an interrupt is waiting for the CPU. */
  pending(): boolean { return this.master.request() !== NONE; }

  /**
   * The INTA cycles. The master resolves; if it picked the cascade input, the slave
   * supplies the vector. A request that vanished (masked between `pending` and now)
   * yields IR7 of the chip that was asked: the data sheet's spurious interrupt, which is
   * not put in service.
   */
  acknowledge(): Vector {
    const m = this.master.request();
    if (m === NONE) return this.master.vectorBase + SPURIOUS_IRQ;
    this.master.acknowledge(m);
    let vector = this.master.vectorBase + m;
    if (m === CASCADE_IRQ) {
      const s = this.slave.request();
      if (s === NONE) vector = this.slave.vectorBase + SPURIOUS_IRQ;
      else { this.slave.acknowledge(s); vector = this.slave.vectorBase + s; }
    }
    this.cascade();
    return vector;
  }

  private chip(irq: number): Pic8259 {
    if (!(irq >= 0 && irq < IRQ_LINES)) throw new RangeError(`no IRQ line ${irq}`);
    return irq < 8 ? this.master : this.slave;
  }

  /** The slave's INT output follows its state: the master's IR2 sees it as a line. */
  private cascade(): void {
    const high = this.slave.request() !== NONE;
    if (high !== this.cascadeHigh) {
      this.cascadeHigh = high;
      this.master.setLine(CASCADE_IRQ, high);
    }
  }
}
