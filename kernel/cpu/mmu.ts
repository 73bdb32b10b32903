// The MMU: two-level i386 paging (4 KiB pages, and 4 MiB pages with CR4.PSE) behind a
// software TLB. The TLB is four flat tables indexed by virtual page number — user read,
// user write, supervisor read, supervisor write — whose entries hold the physical page
// with bit 0 set, so the hot path is one load, one test and one RAM access. An entry is
// made only after the page walk has checked U/S and R/W and set the accessed/dirty bits,
// so a hit needs no further checks. Like the hardware, the TLB is not coherent with the
// page tables: software must `invlpg` or reload CR3.
import { PhysicalMemory } from './memory.ts';
import {
  CpuFault, CR0_PG, CR0_WP, CR4_PSE, PTE_P, PTE_RW, PTE_US, PTE_A, PTE_D, PTE_PS,
  PF_PROTECTION, PF_WRITE, PF_USER, PF_VEC, PAGE_MASK as PAGE_MASK_, PAGE_SHIFT as PAGE_SHIFT_, PAGE_SIZE as PAGE_SIZE_,
  type LinearAddress, type PhysicalAddress,
} from './types.ts';

// Module-local copies of constants from types.ts: V8 does not fold an imported binding
// into the code that uses it (it loads the module's cell and checks it is initialised on
// every use; measured 1.5-2x slower in a tight loop), and these run per instruction.
const PAGE_MASK = PAGE_MASK_, PAGE_SHIFT = PAGE_SHIFT_, PAGE_SIZE = PAGE_SIZE_;
const TLB_ENTRIES = 1 << 20;
/** How many fills we remember for a cheap flush; past that a flush clears the tables whole. */
const FILL_LOG = 1 << 16;
const PAGE_FRAME = ~PAGE_MASK;

/** Which TLB table a fill went to: index into `tables`. */
const USER_READ = 0, USER_WRITE = 1, SUP_READ = 2, SUP_WRITE = 3;

export class Mmu {
  readonly mem: PhysicalMemory;
  cr0 = 0;
  cr2 = 0;
  cr3 = 0;
  cr4 = 0;
  /** True while CPL is 3: accesses are user accesses. */
  user = false;
  /** The TLB tables for the current privilege (swapped by `setUser`). */
  tr: Int32Array;
  tw: Int32Array;
  /** Physical pages that hold translated code: writes to them go through `onCodeWrite`. */
  readonly codePages: Uint8Array;
  /** Called before a write lands in a page that holds translated code. */
  onCodeWrite: (pa: PhysicalAddress, len: number) => void = () => {};
  /** Called when translations are dropped (the code cache's block links depend on them). */
  onFlush: () => void = () => {};
  /** Counts page walks (TLB misses), for the benchmarks and the UI. */
  walks = 0;
  /** Bumped whenever translations are dropped (flush, invlpg): host code that remembers
   *  translations of its own (mm/virtual.ts) drops them when this moves. */
  translationGeneration = 0;

  private readonly u8: Uint8Array;
  private readonly i32: Int32Array;
  private readonly dv: DataView;
  private readonly tables: Int32Array[];
  private readonly fills = new Int32Array(FILL_LOG);
  private nfills = 0;

  constructor(mem: PhysicalMemory) {
    this.mem = mem;
    this.u8 = mem.u8;
    this.i32 = mem.i32;
    this.dv = mem.dv;
    this.tables = [0, 1, 2, 3].map(() => new Int32Array(TLB_ENTRIES));
    this.tr = this.tables[SUP_READ];
    this.tw = this.tables[SUP_WRITE];
    this.codePages = new Uint8Array(mem.size >>> PAGE_SHIFT);
  }

  get pagingEnabled(): boolean { return (this.cr0 & CR0_PG) !== 0; }

  setUser(user: boolean): void {
    this.user = user;
    this.tr = this.tables[user ? USER_READ : SUP_READ];
    this.tw = this.tables[user ? USER_WRITE : SUP_WRITE];
  }

  // ---- the hot path: reads and writes at the current privilege -------------------------

  rd8(lin: LinearAddress): number {
    const e = this.tr[lin >>> PAGE_SHIFT];
    if (e !== 0) return this.u8[(e & PAGE_FRAME) | (lin & PAGE_MASK)];
    return this.mem.read8(this.translate(lin, false, this.user));
  }

  rd16(lin: LinearAddress): number {
    const e = this.tr[lin >>> PAGE_SHIFT];
    if (e !== 0 && (lin & PAGE_MASK) !== PAGE_MASK) {
      const p = (e & PAGE_FRAME) | (lin & PAGE_MASK);
      return this.u8[p] | (this.u8[p + 1] << 8);
    }
    return this.rdSlow(lin, 2, this.user);
  }

  /** A dword, as an int32. */
  rd32(lin: LinearAddress): number {
    const e = this.tr[lin >>> PAGE_SHIFT];
    if (e !== 0 && (lin & PAGE_MASK) <= 0xffc) {
      const p = (e & PAGE_FRAME) | (lin & PAGE_MASK);
      return (p & 3) === 0 ? this.i32[p >>> 2] : this.dv.getInt32(p, true);
    }
    return this.rdSlow(lin, 4, this.user);
  }

  wr8(lin: LinearAddress, v: number): void {
    const e = this.tw[lin >>> PAGE_SHIFT];
    if (e !== 0) { this.u8[(e & PAGE_FRAME) | (lin & PAGE_MASK)] = v; return; }
    this.wrSlow(lin, 1, v, this.user);
  }

  wr16(lin: LinearAddress, v: number): void {
    const e = this.tw[lin >>> PAGE_SHIFT];
    if (e !== 0 && (lin & PAGE_MASK) !== PAGE_MASK) {
      const p = (e & PAGE_FRAME) | (lin & PAGE_MASK);
      this.u8[p] = v; this.u8[p + 1] = v >> 8;
      return;
    }
    this.wrSlow(lin, 2, v, this.user);
  }

  wr32(lin: LinearAddress, v: number): void {
    const e = this.tw[lin >>> PAGE_SHIFT];
    if (e !== 0 && (lin & PAGE_MASK) <= 0xffc) {
      const p = (e & PAGE_FRAME) | (lin & PAGE_MASK);
      if ((p & 3) === 0) this.i32[p >>> 2] = v; else this.dv.setInt32(p, v, true);
      return;
    }
    this.wrSlow(lin, 4, v, this.user);
  }

  /** Checks that a write of `len` bytes at `lin` would succeed, without writing (for
   *  instructions that must fault before changing any state, like `enter` or far calls). */
  probeWrite(lin: LinearAddress, len: number, user = this.user): void {
    const table = this.tables[user ? USER_WRITE : SUP_WRITE];
    // A write translation in the TLB means the walk already said yes (the common case: an
    // interrupt frame on the kernel stack).
    if (table[lin >>> PAGE_SHIFT] !== 0 && ((lin & PAGE_MASK) + len - 1) <= PAGE_MASK) return;
    this.translate(lin, true, user);
    if (((lin & PAGE_MASK) + len - 1) > PAGE_MASK) this.translate((lin + len - 1) | 0, true, user);
  }

  /** A write of `bytes` at `lin` with the given privilege. The write tables never map a
   *  page that holds code, so a direct store cannot miss self-modifying code. */
  writablePhys(lin: LinearAddress, bytes: number, user: boolean): number {
    return this.rangePhys(this.tables[user ? USER_WRITE : SUP_WRITE], lin, bytes);
  }

  /** A read of `bytes` at `lin` with the current privilege. */
  readablePhys(lin: LinearAddress, bytes: number): number {
    return this.rangePhys(this.tr, lin, bytes);
  }

  private rangePhys(table: Int32Array, lin: LinearAddress, bytes: number): number {
    if ((lin & 3) !== 0 || (lin & PAGE_MASK) + bytes > PAGE_SIZE) return -1;
    const e = table[lin >>> PAGE_SHIFT];
    return e === 0 ? -1 : (e & PAGE_FRAME) | (lin & PAGE_MASK);
  }

  /** The frame an instruction fetch at `lin` would use when its translation is in the
   *  TLB, else -1: no walk and no fault (the code cache checks a cached block's second page). */
  cachedFetchFrame(lin: LinearAddress): number {
    const e = this.tr[lin >>> PAGE_SHIFT];
    return e === 0 ? -1 : e & PAGE_FRAME;
  }

  /** The physical address of an instruction byte (execute = read on the i386). */
  fetchPhys(lin: LinearAddress): PhysicalAddress {
    const e = this.tr[lin >>> PAGE_SHIFT];
    if (e !== 0) return (e & PAGE_FRAME) | (lin & PAGE_MASK);
    return this.translate(lin, false, this.user);
  }

  // ---- system accesses: descriptor tables and the TSS are read as supervisor --------------

  // NT touches the IDT, the GDT, the TSS and the ring-0 stack on every system call and
  // interrupt: these go through the supervisor TLB tables like any other access.

  // Host code that moves several dwords at once (a descriptor, an interrupt frame) asks
  // for the physical address of the whole range: -1 unless it is dword-aligned, lies in one
  // page and that page is in the TLB for the access, in which case it may index RAM itself.

  /** A supervisor read of `bytes` at `lin`. */
  sysReadPhys(lin: LinearAddress, bytes: number): number {
    return this.rangePhys(this.tables[SUP_READ], lin, bytes);
  }

  rdSys(lin: LinearAddress, len: 1 | 2 | 4): number {
    const e = this.tables[SUP_READ][lin >>> PAGE_SHIFT];
    if (e === 0 || (lin & PAGE_MASK) > 4096 - len) return this.rdSlow(lin, len, false);
    const p = (e & PAGE_FRAME) | (lin & PAGE_MASK);
    if (len === 1) return this.u8[p];
    if (len === 2) return this.u8[p] | (this.u8[p + 1] << 8);
    return (p & 3) === 0 ? this.i32[p >>> 2] : this.dv.getInt32(p, true);
  }

  wrSys(lin: LinearAddress, len: 1 | 2 | 4, v: number): void {
    // The write tables never map a page that holds code, so self-modifying code still
    // reaches onCodeWrite through the slow path.
    const e = this.tables[SUP_WRITE][lin >>> PAGE_SHIFT];
    if (e === 0 || (lin & PAGE_MASK) > 4096 - len) { this.wrSlow(lin, len, v, false); return; }
    const p = (e & PAGE_FRAME) | (lin & PAGE_MASK);
    if (len === 1) this.u8[p] = v;
    else if (len === 2) { this.u8[p] = v; this.u8[p + 1] = v >> 8; }
    else if ((p & 3) === 0) this.i32[p >>> 2] = v;
    else this.dv.setInt32(p, v, true);
  }

  // ---- the slow path ---------------------------------------------------------------------

  /** A read that missed the TLB or crosses a page: translate each page, then read. */
  private rdSlow(lin: LinearAddress, len: number, user: boolean): number {
    const off = lin & PAGE_MASK;
    if (off + len <= 4096) {
      const pa = this.translate(lin, false, user);
      return len === 1 ? this.mem.read8(pa) : len === 2 ? this.mem.read16(pa) : this.mem.read32(pa);
    }
    const first = 4096 - off;
    const pa1 = this.translate(lin, false, user);
    const pa2 = this.translate((lin + first) | 0, false, user);
    let v = 0;
    for (let i = len - 1; i >= 0; i--) v = (v << 8) | this.mem.read8(i < first ? pa1 + i : pa2 + i - first);
    return len === 4 ? v | 0 : v;
  }

  /** A write that missed the TLB, crosses a page, or lands on a code page. Both pages are
   *  translated before any byte is written, so a fault leaves memory untouched. */
  private wrSlow(lin: LinearAddress, len: number, v: number, user: boolean): void {
    const off = lin & PAGE_MASK;
    const first = off + len <= 4096 ? len : 4096 - off;
    const pa1 = this.translate(lin, true, user);
    const pa2 = first < len ? this.translate((lin + first) | 0, true, user) : pa1;
    for (let i = 0; i < len; i++) {
      const pa = i < first ? pa1 + i : pa2 + i - first;
      if (this.codePages[pa >>> PAGE_SHIFT]) this.onCodeWrite(pa, 1);
      this.mem.write8(pa, (v >>> (8 * i)) & 0xff);
    }
  }

  /**
   * Linear to physical for an access of the given kind, walking the page tables on a TLB
   * miss and raising #PF (with CR2 and the error code) when the walk says no.
   */
  translate(lin: LinearAddress, write: boolean, user: boolean): PhysicalAddress {
    const table = this.tables[(user ? USER_READ : SUP_READ) + (write ? 1 : 0)];
    const vpn = lin >>> PAGE_SHIFT;
    const e = table[vpn];
    if (e !== 0) return (e & PAGE_FRAME) | (lin & PAGE_MASK);
    const pa = this.pagingEnabled ? this.walk(lin, write, user) : lin >>> 0;
    const ppn = pa >>> PAGE_SHIFT;
    if (this.mem.has(pa & PAGE_FRAME, 4096) && !(write && this.codePages[ppn])) {
      table[vpn] = (pa & PAGE_FRAME) | 1;
      this.logFill((user ? USER_READ : SUP_READ) + (write ? 1 : 0), vpn);
    }
    return pa;
  }

  private walk(lin: LinearAddress, write: boolean, user: boolean): PhysicalAddress {
    this.walks++;
    const pdeAddr = (this.cr3 & PAGE_FRAME) + ((lin >>> 22) << 2);
    const pde = this.mem.read32(pdeAddr);
    if (!(pde & PTE_P)) this.pageFault(lin, write, user, false);
    if ((pde & PTE_PS) && (this.cr4 & CR4_PSE)) {
      this.checkAccess(pde, lin, write, user);
      const upd = pde | PTE_A | (write ? PTE_D : 0);
      if (upd !== pde) this.mem.write32(pdeAddr, upd);
      return ((pde & 0xffc00000) | (lin & 0x3fffff)) >>> 0;
    }
    const pteAddr = (pde & PAGE_FRAME) + (((lin >>> PAGE_SHIFT) & 0x3ff) << 2);
    const pte = this.mem.read32(pteAddr);
    if (!(pte & PTE_P)) this.pageFault(lin, write, user, false);
    this.checkAccess(pde & pte, lin, write, user);
    if (!(pde & PTE_A)) this.mem.write32(pdeAddr, pde | PTE_A);
    const upd = pte | PTE_A | (write ? PTE_D : 0);
    if (upd !== pte) this.mem.write32(pteAddr, upd);
    return ((pte & PAGE_FRAME) | (lin & PAGE_MASK)) >>> 0;
  }

  /** U/S and R/W, combined over both levels; supervisor writes obey R/W only with CR0.WP. */
  private checkAccess(bits: number, lin: LinearAddress, write: boolean, user: boolean): void {
    if (user) {
      if (!(bits & PTE_US) || (write && !(bits & PTE_RW))) this.pageFault(lin, write, user, true);
    } else if (write && (this.cr0 & CR0_WP) && !(bits & PTE_RW)) {
      this.pageFault(lin, write, user, true);
    }
  }

  private pageFault(lin: LinearAddress, write: boolean, user: boolean, present: boolean): never {
    this.cr2 = lin | 0;
    throw new CpuFault(PF_VEC, (present ? PF_PROTECTION : 0) | (write ? PF_WRITE : 0) | (user ? PF_USER : 0));
  }

  // ---- TLB maintenance -------------------------------------------------------------------

  private logFill(table: number, vpn: number): void {
    if (this.nfills < FILL_LOG) this.fills[this.nfills] = (table << 20) | vpn;
    this.nfills++;
  }

  /** Drops every translation (CR3 load, CR0.PG/WP or CR4 change). */
  flush(): void {
    this.translationGeneration++;
    this.onFlush();
    if (this.nfills > FILL_LOG) {
      for (const t of this.tables) t.fill(0);
    } else {
      for (let i = 0; i < this.nfills; i++) {
        const f = this.fills[i];
        this.tables[f >>> 20][f & 0xfffff] = 0;
      }
    }
    this.nfills = 0;
  }

  /** `invlpg`: drops one page's translations. */
  invalidate(lin: LinearAddress): void {
    this.translationGeneration++;
    this.onFlush();
    const vpn = lin >>> PAGE_SHIFT;
    for (const t of this.tables) t[vpn] = 0;
  }

  /** Marks a physical page as holding translated code: its write translations go, so the
   *  next write takes the slow path and tells the code cache. */
  markCode(ppn: number): void {
    if (ppn >= this.codePages.length || this.codePages[ppn]) return;
    this.codePages[ppn] = 1;
    const n = Math.min(this.nfills, FILL_LOG);
    for (let i = 0; i < n; i++) {
      const f = this.fills[i], t = f >>> 20;
      if ((t === USER_WRITE || t === SUP_WRITE) && (this.tables[t][f & 0xfffff] >>> PAGE_SHIFT) === ppn)
        this.tables[t][f & 0xfffff] = 0;
    }
    if (this.nfills > FILL_LOG) { this.tables[USER_WRITE].fill(0); this.tables[SUP_WRITE].fill(0); }
  }

  unmarkCode(ppn: number): void { this.codePages[ppn] = 0; }
}
