// The code cache: basic blocks decoded once (through iced-x86) and compiled to JavaScript
// functions, keyed by the physical address of their first byte.
//
// A block runs from an entry EIP to the first instruction that branches or changes state
// the block's code assumed, to a page boundary, or to a breakpoint; a conditional branch
// that is not taken does not end it (the block leaves there when it is taken: a side
// exit), unless it jumps back to the block's own start. When the block's last
// instruction can jump back to the block's own start (a tight loop), the body is wrapped in
// a JS loop that keeps going while it does and the instruction budget (c.limit) allows.
// An instruction that reads the clock (rdtsc, in, out) always starts a block, so the
// instruction count it sees is exact on the fast path too.
//
// A block's function is a pure function of its source text (all state comes in through
// its parameters), so machines in one process share them: a block compiled once is the
// same JS function in every later machine that runs the same code at the same address,
// with whatever V8 has learned and optimized about it. Booting another machine, or
// restoring a snapshot, does not start the JIT from cold.
//
// Writes to a physical page that holds code reach `invalidate` (the MMU keeps no write
// translation for such pages), which drops the blocks overlapping the written bytes, so
// self-modifying code works.
//
// An instruction that straddles a page boundary ends its block, whose bytes then lie in
// two physical pages: the block keeps the second one's (its tail), is tracked on both for
// writes, and is used only while the next linear page still maps there.
import { decodeOne, type Insn } from './decode.ts';
import { Gen, BLOCK_PROLOGUE } from './codegen.ts';
import { emitterFor } from './ops/index.ts';
import { helpers } from './ops/helpers.ts';
import type { Cpu } from './cpu.ts';
import { CpuFault, PAGE_MASK, PAGE_SHIFT } from './types.ts';

export type BlockFn = (c: Cpu, r: Int32Array, m: Cpu['mmu'], f: Cpu['flags'], h: typeof helpers) => void;

export interface Block {
  /** Linear address of the first instruction (baked into the code: relative branches). */
  eip: number;
  /** Physical address of the first byte. */
  phys: number;
  /** Physical address one past the block's last byte in its first page. */
  physEnd: number;
  /** When the last instruction straddles into the next page: the physical address of that
   *  page's first byte and one past the instruction's last byte there (else -1, -1). */
  tail: number;
  tailEnd: number;
  insns: Insn[];
  fn: BlockFn;
  /** The generated source, for the UI's "show compiled code" and for debugging. */
  source: string;
  /** The blocks that ran after this one (see Cpu.execChained), valid while the cache's
   *  epoch is `linkEpoch` and the CPL is `linkCpl`. */
  exitA: Block | null;
  exitB: Block | null;
  linkEpoch: number;
  linkCpl: number;
}

/** Block functions by source text, shared by every CodeCache in the process (see the
 *  header). Bounded: when full it starts over, which costs only recompiles. */
const functions = new Map<string, BlockFn>();
const MAX_SHARED_FUNCTIONS = 8192;

function functionFor(source: string, eip: number): BlockFn {
  let fn = functions.get(source);
  if (fn !== undefined) return fn;
  try {
    fn = new Function('c', 'r', 'm', 'f', 'h', source) as BlockFn;
  } catch (e) {
    throw new Error(`code generator produced invalid JS for block at ${hex(eip)}: ${(e as Error).message}\n${source}`);
  }
  if (functions.size >= MAX_SHARED_FUNCTIONS) functions.clear();
  functions.set(source, fn);
  return fn;
}

/** The most instructions in a block: the run loop keeps this much room before a deadline. */
export const MAX_BLOCK = 64;
/** Code-presence granularity inside a page, so data next to code does not thrash. */
const LINE_SHIFT = 6;

export class CodeCache {
  private readonly blocks = new Map<number, Block>();
  private readonly single = new Map<number, Block>();
  /** Per 64-byte line of physical memory: how many blocks cover it. */
  private readonly lines: Uint16Array;
  private readonly pageBlocks = new Map<number, Set<Block>>();
  compiled = 0;
  /** Bumped whenever a translation or a block may have gone stale (TLB flush, invlpg,
   *  invalidated code): block links made in an older epoch are ignored. */
  epoch = 0;

  constructor(private readonly cpu: Cpu) {
    this.lines = new Uint16Array(cpu.mem.size >>> LINE_SHIFT);
    cpu.mmu.onCodeWrite = (pa, len) => this.invalidate(pa, len);
    cpu.mmu.onFlush = () => { this.epoch++; };
  }

  /** Remembers that `to` ran after `from` (two exits per block, the newest replacing). */
  link(from: Block, to: Block, cpl: number): void {
    if (from.linkEpoch !== this.epoch || from.linkCpl !== cpl) {
      from.exitA = from.exitB = null;
      from.linkEpoch = this.epoch;
      from.linkCpl = cpl;
    }
    if (from.exitA === null) from.exitA = to;
    else { from.exitB = from.exitA; from.exitA = to; }
  }

  /** The block starting at `eip` (linear) / `phys`, compiling it on a miss. `one` asks for
   *  a single-instruction block (stepping, tracing, tight budgets). */
  get(eip: number, phys: number, one: boolean): Block {
    const map = one ? this.single : this.blocks;
    const b = map.get(phys);
    if (b !== undefined && b.eip === eip && (b.tail < 0 || this.cpu.mmu.cachedFetchFrame(nextPage(eip)) === b.tail)) return b;
    const nb = this.compile(eip, phys, one ? 1 : MAX_BLOCK);
    map.set(phys, nb);
    this.track(nb);
    return nb;
  }

  /** Drops the blocks that overlap physical bytes [pa, pa+len). */
  invalidate(pa: number, len: number): void {
    const ppn = pa >>> PAGE_SHIFT;
    if (this.lines[pa >>> LINE_SHIFT] === 0 && this.lines[(pa + len - 1) >>> LINE_SHIFT] === 0) return;
    const set = this.pageBlocks.get(ppn);
    if (!set) return;
    for (const b of [...set]) {
      if (!(b.phys < pa + len && pa < b.physEnd) && !(b.tail < pa + len && pa < b.tailEnd)) continue;
      if (b === this.cpu.running) this.cpu.staleBlock = true;
      this.drop(b);
    }
  }

  /** Drops the blocks whose bytes include linear EIP `eip`: a breakpoint was set there,
   *  and the next compile will end a block before it. */
  dropContaining(eip: number): void {
    for (const set of [...this.pageBlocks.values()])
      for (const b of [...set]) if (((eip - b.eip) >>> 0) < b.physEnd - b.phys) this.drop(b);
  }

  /** Drops everything (snapshot restored, memory replaced). */
  flush(): void {
    this.epoch++;
    for (const set of this.pageBlocks.values()) for (const b of [...set]) this.drop(b);
    this.blocks.clear();
    this.single.clear();
  }

  private track(b: Block): void {
    this.trackRange(b, b.phys, b.physEnd);
    if (b.tail >= 0) this.trackRange(b, b.tail, b.tailEnd);
  }

  /** Counts the block on the lines of [from, to) and lists it on their page, whose write
   *  translations go (markCode). */
  private trackRange(b: Block, from: number, to: number): void {
    for (let l = from >>> LINE_SHIFT; l <= (to - 1) >>> LINE_SHIFT; l++) this.lines[l]++;
    const ppn = from >>> PAGE_SHIFT;
    let set = this.pageBlocks.get(ppn);
    if (!set) { set = new Set(); this.pageBlocks.set(ppn, set); }
    set.add(b);
    this.cpu.mmu.markCode(ppn);
  }

  private drop(b: Block): void {
    this.epoch++;
    this.untrackRange(b, b.phys, b.physEnd);
    if (b.tail >= 0) this.untrackRange(b, b.tail, b.tailEnd);
    if (this.blocks.get(b.phys) === b) this.blocks.delete(b.phys);
    if (this.single.get(b.phys) === b) this.single.delete(b.phys);
  }

  private untrackRange(b: Block, from: number, to: number): void {
    const ppn = from >>> PAGE_SHIFT;
    const set = this.pageBlocks.get(ppn);
    if (!set || !set.delete(b)) return;
    for (let l = from >>> LINE_SHIFT; l <= (to - 1) >>> LINE_SHIFT; l++) this.lines[l]--;
    if (set.size === 0) { this.pageBlocks.delete(ppn); this.cpu.mmu.unmarkCode(ppn); }
  }

  private compile(eip: number, phys: number, max: number): Block {
    this.compiled++;
    const insns: Insn[] = [];
    const body: string[] = [];
    let pc = eip, knownOp = -1, physEnd = phys, tail = -1, tailEnd = -1, lastGen: Gen | null = null;
    const bps = this.cpu.breakpoints;
    for (let n = 0; n < max; n++) {
      if (n > 0 && bps.size && bps.has(pc >>> 0)) break;
      const insn = n === 0 ? this.fetch(pc) : this.tryFetch(pc);
      if (!insn) break;
      const g = new Gen(insn, knownOp);
      emitterFor(insn)(g);
      if (n > 0 && g.readsClock) break;
      const straddles = ((pc & PAGE_MASK) + insn.len) > PAGE_MASK + 1;
      insns.push(insn);
      if (g.mayFault || g.branches || g.endsBlock) body.push(`c.eip=${insn.eip};`);
      body.push(...g.out);
      if (g.endsBlock && !g.attentionSelf) body.push('c.attention=true;');
      // Self-modifying code: a store into this very block leaves it here (the rest of
      // the block was compiled from the old bytes).
      const next = (pc + insn.len) | 0;
      if (g.writesMemory)
        body.push(`if(c.staleBlock){c.staleBlock=false;${g.branches ? '' : `c.eip=${next};`}c.icount+=${n + 1};return;}`);
      knownOp = g.flagsOut;
      lastGen = g;
      if (straddles) {
        // Its fetch translated the next page already: no walk, no fault here.
        const page = nextPage(pc);
        tail = this.cpu.mmu.fetchPhys(page);
        tailEnd = tail + (next - page);
        physEnd = phys + (page - eip);
      } else {
        physEnd = phys + (pc + insn.len - eip);
      }
      pc = next;
      if (straddles) break;
      // A conditional branch not taken goes on in this block (fewer blocks to chain on
      // paths like KiServiceExit's checks); taken, it leaves here. Not one back to the
      // block's start: that ends a loop block (below).
      const goesOn = g.branches && g.conditional && !g.endsBlock && insn.target !== eip &&
        n + 1 < max && (pc & PAGE_MASK) !== 0;
      if (goesOn) { body.push(`if(c.eip!==${pc}){c.icount+=${n + 1};return;}`); continue; }
      if (g.branches || g.endsBlock) break;
      if ((pc & PAGE_MASK) === 0) break;
    }
    const n = insns.length;
    if (!lastGen!.branches) body.push(`c.eip=${pc};`);
    // A loop block runs many iterations in one call: not when a breakpoint waits at its start.
    const loops = lastGen!.branches && insns[n - 1].target === eip && !bps.has(eip >>> 0);
    const source = loops
      ? `${BLOCK_PROLOGUE}\nfor(;;){\n${body.join('\n')}\nc.icount+=${n};\nif(c.eip!==${eip}||c.icount+${n}>c.limit)return;\n}`
      : `${BLOCK_PROLOGUE}\n${body.join('\n')}\nc.icount+=${n};`;
    return { eip, phys, physEnd, tail, tailEnd, insns, fn: functionFor(source, eip), source, exitA: null, exitB: null, linkEpoch: -1, linkCpl: -1 };
  }

  /** Reads and decodes one instruction at linear `pc`, fetching the bytes through the MMU
   *  (so a fetch from a missing page raises #PF with the right CR2). */
  private fetch(pc: number): Insn {
    const m = this.cpu.mmu;
    const inPage = 4096 - (pc & PAGE_MASK);
    let n = Math.min(15, inPage);
    for (;;) {
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const pa = m.fetchPhys((pc + i) | 0);
        bytes[i] = this.cpu.mem.read8(pa);
      }
      const insn = decodeOne(bytes, pc);
      if (insn) return insn;
      n = 15;
    }
  }

  /** A fetch past the first instruction: a fault there ends the block instead (the
   *  instruction faults when it is reached, with EIP and CR2 right). */
  private tryFetch(pc: number): Insn | null {
    const cr2 = this.cpu.mmu.cr2;
    try {
      return this.fetch(pc);
    } catch (e) {
      if (!(e instanceof CpuFault)) throw e;
      this.cpu.mmu.cr2 = cr2;
      return null;
    }
  }

  /** Finds which instruction of a block was executing when a fault hit (c.eip). */
  static retiredBefore(b: Block, eip: number): number {
    for (let i = 0; i < b.insns.length; i++) if (b.insns[i].eip === eip) return i;
    return 0;
  }
}

/** The linear address of the page after the one holding `lin`. */
const nextPage = (lin: number): number => ((lin | PAGE_MASK) + 1) | 0;

function hex(v: number): string { return '0x' + (v >>> 0).toString(16).padStart(8, '0'); }
