// The i386: architectural state, the run loop, single-stepping and breakpoints.
//
// Execution goes through the code cache (compile.ts): the run loop finds the block at EIP,
// runs it, and between blocks looks at interrupts, breakpoints and the instruction budget.
// Exceptions raised inside a block are thrown as CpuFault, caught here, and delivered
// through the IDT (interrupts.ts). Time is the instruction count: `icount` is the clock
// that rdtsc reads and that devices schedule against, so runs are deterministic.
import { PhysicalMemory } from './memory.ts';
import { Mmu } from './mmu.ts';
import { Flags } from './flags.ts';
import { CodeCache, MAX_BLOCK, type Block } from './compile.ts';
import { helpers } from './ops/helpers.ts';
import { PortBus } from './ports.ts';
import { deliverException, deliverInterrupt } from './interrupts.ts';
import { isFlatData, readEndOf, writeEndOf } from './segments.ts';
import {
  CpuFault, TripleFault, IF, TF, RF, DB, CS, SS, ESP, CR0_ET,
  type LinearAddress, type Selector, type Vector,
} from './types.ts';

/** What interrupts the CPU: a PIC or anything that can answer these two questions. */
export interface InterruptController {
  /** An unmasked interrupt request is waiting. */
  pending(): boolean;
  /** The CPU takes it: returns its vector. */
  acknowledge(): Vector;
}

/** Something scheduled on the instruction clock (timers). */
export interface Clock {
  /** The icount at which `tick` must run next (Infinity: nothing scheduled). */
  deadline: number;
  tick(icount: number): void;
}

export type StopReason =
  | { kind: 'budget' }
  | { kind: 'breakpoint'; eip: number }
  | { kind: 'halted' }
  | { kind: 'stopped'; why: string }
  | { kind: 'port'; port: number; write: boolean }
  | { kind: 'vector'; vector: Vector }
  | { kind: 'triple-fault'; reason: string };

/**
 * The breakpoint addresses (EIPs). A plain Set, except that adding an address drops the
 * compiled blocks that run through it, so the next compile ends a block just before it
 * and the run loop sees it, even when that code was compiled (or is looping) already.
 */
export class BreakpointSet extends Set<number> {
  private onAdd: ((eip: number) => void) | null = null;

  /** Called by the Cpu once its code cache exists. */
  watch(onAdd: (eip: number) => void): void { this.onAdd = onAdd; }

  override add(eip: number): this {
    eip >>>= 0;
    if (!this.has(eip)) { super.add(eip); this.onAdd?.(eip); }
    return this;
  }

  override delete(eip: number): boolean { return super.delete(eip >>> 0); }
}

/** A cached segment descriptor (the hidden part of a segment register). */
export interface DescriptorTableRegister { base: number; limit: number }
export interface SystemSegment { sel: Selector; base: number; limit: number; attr: number }

export class Cpu {
  readonly mem: PhysicalMemory;
  readonly mmu: Mmu;
  readonly flags = new Flags();
  readonly regs = new Int32Array(8);
  eip = 0;

  /** Segment registers: visible selectors and their cached descriptors. */
  readonly seg = new Uint16Array(6);
  readonly segBase = new Int32Array(6);
  /** Effective limits (granularity applied), as uint32. */
  readonly segLimit = new Uint32Array(6);
  /** Descriptor access byte | (flags nibble << 8); 0 for a null selector. */
  readonly segAttr = new Int32Array(6);
  /** Bit s set: accesses through segment s need the limit/rights check (not flat). */
  segCheck = 0;
  /** For a segment that needs checks: the highest offset a read (a write) through it may
   *  touch that passes them all -- the limit of an expand-up segment that allows the
   *  access -- or -1 when the full check (segments.ts checkSegment) must decide: null,
   *  not readable or writable, expand-down. Compiled code compares against these inline. */
  readonly segReadEnd = new Float64Array(6);
  readonly segWriteEnd = new Float64Array(6);
  cpl = 0;

  gdtr: DescriptorTableRegister = { base: 0, limit: 0xffff };
  idtr: DescriptorTableRegister = { base: 0, limit: 0x3ff };
  ldtr: SystemSegment = { sel: 0, base: 0, limit: 0, attr: 0 };
  tr: SystemSegment = { sel: 0, base: 0, limit: 0, attr: 0 };
  readonly dr = new Int32Array(8);
  sysenterCs = 0;
  sysenterEsp = 0;
  sysenterEip = 0;

  /** Instructions retired since reset: the machine's clock. */
  icount = 0;
  /** Blocks stop looping at this icount (set by the run loop). */
  limit = 0;
  halted = false;
  /** After `mov ss`/`pop ss`/`sti`, interrupts wait one instruction. */
  interruptShadow = false;
  /** Set by the instruction just executed when no single-step trap may follow it even
   *  with TF set: `int n`/`int3`/`into` (the handler is entered with TF clear and is not
   *  traced) and `mov ss`/`pop ss`/`lss` (which hold off debug traps for one instruction,
   *  SDM MOV). */
  noStepTrap = false;

  readonly ports = new PortBus();
  pic: InterruptController | null = null;
  clock: Clock | null = null;
  readonly code: CodeCache;

  // ---- debugging interface ---------------------------------------------------------------
  /** EIPs to stop at (before the instruction runs); adding one takes effect even in code
   *  that is compiled already. */
  readonly breakpoints = new BreakpointSet();
  /** Ports whose access stops the run (after the access). */
  readonly portBreaks = new Set<number>();
  /** Vectors whose delivery stops the run (after the CPU enters the handler). */
  readonly vectorBreaks = new Set<number>();
  /** Called before every instruction when set; the run loop then goes one instruction at a
   *  time, so leaving it unset costs the fast path nothing. */
  onInstruction: ((cpu: Cpu) => void) | null = null;
  /** A helper sets this to stop the run after the current instruction. */
  pendingStop: StopReason | null = null;
  /** Set by instructions after which the run loop must look again (sti, popf, iret, hlt,
   *  in/out, mov ss...): the compiler emits it for every block-ending instruction. */
  attention = false;
  /** The block being executed: to count the instructions retired before a fault, and
   *  for the code cache to see that a store hit the code running now. */
  running: Block | null = null;
  /** A store changed the bytes of the running block: the block's code after the store is
   *  stale, so the block leaves at the next instruction boundary (compile.ts emits the
   *  check after every instruction that writes memory). */
  staleBlock = false;
  /** Inside step(): an exception or interrupt delivery ends the step too. */
  private stepping = false;

  constructor(memoryBytes: number) {
    this.mem = new PhysicalMemory(memoryBytes);
    this.mmu = new Mmu(this.mem);
    this.code = new CodeCache(this);
    this.breakpoints.watch(eip => this.code.dropContaining(eip));
    this.reset();
  }

  /** Power-on state, except that we start in flat 32-bit protected mode at ring 0 with
   *  paging off: the boot code (and tests) then load real descriptors. */
  reset(): void {
    this.regs.fill(0);
    this.eip = 0;
    this.flags.set(0);
    for (let s = 0; s < 6; s++) this.setSegmentCache(s, 0, 0, 0xffffffff, s === CS ? 0xc09b : 0xc093);
    this.cpl = 0;
    this.mmu.setUser(false);
    this.mmu.cr0 = CR0_ET | 1;
    this.mmu.cr3 = 0;
    this.mmu.cr4 = 0;
    this.mmu.flush();
    this.icount = 0;
    this.halted = false;
    this.interruptShadow = false;
    this.code.flush();
  }

  get eflags(): number { return this.flags.get(); }

  setCpl(cpl: number): void {
    this.cpl = cpl;
    this.mmu.setUser(cpl === 3);
  }

  /** Fills a segment register's hidden part and recomputes whether it needs checks. */
  setSegmentCache(s: number, sel: Selector, base: number, limit: number, attr: number): void {
    this.setSegmentImage(s, sel, base, limit, attr, isFlatData(base, limit, attr), readEndOf(limit, attr), writeEndOf(limit, attr));
  }

  /** setSegmentCache with the derived parts already worked out (a decoded descriptor
   *  carries them: segments.ts loadDescriptor). */
  setSegmentImage(s: number, sel: Selector, base: number, limit: number, attr: number, flatData: boolean, readEnd: number, writeEnd: number): void {
    this.seg[s] = sel;
    this.segBase[s] = base | 0;
    this.segLimit[s] = limit >>> 0;
    this.segAttr[s] = attr;
    // CS is always checked: writes through a cs: override must #GP.
    if (flatData && s !== CS) this.segCheck &= ~(1 << s); else this.segCheck |= 1 << s;
    this.segReadEnd[s] = readEnd;
    this.segWriteEnd[s] = writeEnd;
  }

  // ---- running ---------------------------------------------------------------------------

  /** Runs up to `budget` instructions; returns why it stopped. */
  run(budget: number): StopReason {
    const end = this.icount + budget;
    let resumeAt = this.breakpoints.size ? this.eip : -1; // don't stop on the bp we sit on
    while (this.icount < end) {
      if (this.pendingStop) { const s = this.pendingStop; this.pendingStop = null; return s; }
      const clock = this.clock;
      if (clock && this.icount >= clock.deadline) clock.tick(this.icount);
      if (this.takeInterrupt()) {
        if (this.stepping) return { kind: 'budget' };
        continue;
      }
      if (this.halted) {
        // Idle: time jumps to the next timer event, as if the CPU waited for it.
        // With IF clear nothing can wake the CPU (no NMI source): it stays halted.
        const next = clock && (this.flags.bits & IF) ? clock.deadline : Infinity;
        if (next === Infinity || next >= end) {
          if (next !== Infinity) this.icount = end;
          return next === Infinity ? { kind: 'halted' } : { kind: 'budget' };
        }
        this.icount = Math.max(this.icount, next);
        continue;
      }
      if (this.breakpoints.size && this.breakpoints.has(this.eip >>> 0) && this.eip !== resumeAt)
        return { kind: 'breakpoint', eip: this.eip >>> 0 };
      resumeAt = -1;
      const deadline = clock ? Math.min(end, clock.deadline) : end;
      const single = this.onInstruction !== null || (this.flags.bits & TF) !== 0 || this.interruptShadow;
      this.limit = deadline;
      try {
        if (single || deadline - this.icount < MAX_BLOCK) this.execOne();
        else this.execChained(deadline);
      } catch (e) {
        const stop = this.handleThrow(e);
        if (stop) return stop;
        if (this.stepping) return { kind: 'budget' };
      }
    }
    // The last instruction of the budget may have asked to stop (a port or vector break).
    if (this.pendingStop) { const s = this.pendingStop; this.pendingStop = null; return s; }
    return { kind: 'budget' };
  }

  /** Executes exactly one instruction, or delivers one exception or interrupt: after it,
   *  EIP is the next instruction to run (the handler's first, after a delivery). */
  step(): StopReason {
    // run() never stops on a breakpoint at the EIP it starts from: no need to hide them.
    this.stepping = true;
    try {
      return this.run(1);
    } finally {
      this.stepping = false;
    }
  }

  /** One instruction through a single-instruction block: the exact path for stepping,
   *  tracing, TF and the last instructions before a deadline. */
  private execOne(): void {
    const lin = (this.eip + this.segBase[CS]) | 0;
    const block = this.code.get(this.eip, this.mmu.fetchPhys(lin), true);
    this.onInstruction?.(this);
    // TF as the instruction starts decides (SDM 17.3.1.4): popf setting TF is not trapped,
    // the instruction after it is; popf clearing TF is trapped.
    const tf = (this.flags.bits & TF) !== 0;
    this.interruptShadow = false;
    this.noStepTrap = false;
    this.attention = false;
    this.running = block;
    this.staleBlock = false;
    block.fn(this, this.regs, this.mmu, this.flags, helpers);
    if (tf && !this.noStepTrap) this.trap(DB);
  }

  /**
   * The fast path: block after block while nothing needs the run loop's attention (an
   * instruction that may change IF, TF, the interrupt shadow or device state sets
   * `attention`), no breakpoint is reached, and a whole block still fits before the
   * deadline. Each block remembers the blocks that followed it (its exits), so a loop of
   * blocks runs without translating EIP or searching the cache; the links hold only while
   * the translation epoch and the CPL are what they were when the link was made.
   */
  private execChained(deadline: number): void {
    const bps = this.breakpoints, code = this.code;
    let prev: Block | null = null;
    this.attention = false;
    do {
      let b: Block | null = null;
      const eip = this.eip;
      if (prev !== null && prev.linkEpoch === code.epoch && prev.linkCpl === this.cpl) {
        if (prev.exitA !== null && prev.exitA.eip === eip) b = prev.exitA;
        else if (prev.exitB !== null && prev.exitB.eip === eip) b = prev.exitB;
      }
      if (b === null) {
        b = code.get(eip, this.mmu.fetchPhys((eip + this.segBase[CS]) | 0), false);
        if (prev !== null) code.link(prev, b, this.cpl);
      }
      this.running = b;
      this.staleBlock = false;
      // An sti that ended the previous block shadows this block's first instruction only,
      // and nothing is taken inside a block: the shadow is over once this block starts.
      this.interruptShadow = false;
      b.fn(this, this.regs, this.mmu, this.flags, helpers);
      prev = b;
    } while (this.icount + MAX_BLOCK <= deadline && !this.attention && (bps.size === 0 || !bps.has(this.eip >>> 0)));
  }

  /** Delivers a trap-class exception (after the instruction, EIP already advanced). */
  private trap(v: Vector): void {
    try {
      deliverException(this, v, undefined);
    } catch (e) {
      const stop = this.handleThrow(e);
      if (stop) this.pendingStop = stop;
    }
  }

  /** Turns a throw from a block into an exception delivery, or a stop. */
  private handleThrow(e: unknown): StopReason | null {
    if (e instanceof CpuFault) {
      if (this.running) this.icount += CodeCache.retiredBefore(this.running, this.eip);
      this.running = null;
      this.halted = false;
      try {
        deliverException(this, e.vector, e.errorCode);
        return null;
      } catch (e2) {
        if (e2 instanceof TripleFault) return { kind: 'triple-fault', reason: e2.reason };
        throw e2;
      }
    }
    if (e instanceof TripleFault) return { kind: 'triple-fault', reason: e.reason };
    throw e;
  }

  /** An external interrupt is taken between instructions when IF is set. */
  private takeInterrupt(): boolean {
    const pic = this.pic;
    if (!pic || (this.flags.bits & IF) === 0 || this.interruptShadow || !pic.pending()) return false;
    const v = pic.acknowledge();
    this.halted = false;
    try {
      deliverInterrupt(this, v);
    } catch (e) {
      const stop = this.handleThrow(e);
      if (stop) this.pendingStop = stop;
    }
    return true;
  }

  /** After an instruction that may have made an interrupt deliverable or changed a device
   *  (sti, iret, int n, in, out): whether the run loop must look before the next block. */
  wantsAttention(): boolean {
    const bits = this.flags.bits;
    return this.pendingStop !== null || (bits & TF) !== 0 || this.interruptShadow ||
      (this.clock !== null && this.clock.deadline < this.limit) ||
      ((bits & IF) !== 0 && this.pic !== null && this.pic.pending());
  }

  // ---- small accessors used by helpers and the UI -----------------------------------------

  /** Linear address of SS:ESP. */
  stackTop(): LinearAddress { return (this.regs[ESP] + this.segBase[SS]) | 0; }

  /** Drops compiled code (after memory was replaced wholesale). */
  invalidateCode(): void { this.code.flush(); }

  /** Clears RF: our instruction-boundary model has no use for it beyond iret. */
  clearResumeFlag(): void { this.flags.bits &= ~RF; }
}
