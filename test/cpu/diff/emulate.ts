// The emulator side: the same .cases bytes at the same address, run at ring 3 with paging
// on, one case at a time from the same registers, flags and scratch bytes. A case ends at
// a breakpoint on the exit stub, or at a breakpoint on an exception stub (then the state
// at the fault is read from the frame the CPU pushed, as the native side reads it from the
// signal context). Records have the native layout (layout.ts).
import { makeCpu, enablePaging, setPte, enterRing3, STUBS } from '../fixture.ts';
import { hasErrorCode } from '../../../kernel/cpu/types.ts';
import type { Cpu } from '../../../kernel/cpu/cpu.ts';
import type { Case } from './cases.ts';
import { fillPage, fnv1a } from './prng.ts';
import {
  PAGE, PAGE_SIZE, STACK_TOP, WINDOWS, READ_ONLY, HARNESS, CASES, RECORD_BYTES, HEADER_DWORDS,
  R_STATUS, R_TRAPNO, R_ERR, R_CR2, R_EIP, R_REGS, R_EFLAGS, R_HASH,
} from './layout.ts';

/** Status of an emulated case that ended in exception `v` (native: the signal number). */
export const EMU_FAULT = 1000;
const VECTORS = 32;

export function emulatorFor(casesBytes: Uint8Array): Cpu {
  const mb = Math.ceil((CASES + casesBytes.length) / (4 << 20)) * 4;
  const c = makeCpu({ memory: mb << 20 });
  enablePaging(c, mb);
  // As in the Linux process: the first 64 KiB are not the user's, the page above the
  // scratch page is read-only zeros, and the others around it are not mapped.
  for (let a = 0; a < 0x10000; a += 0x1000) setPte(c, a, 3);
  for (const a of [PAGE - 0x1000, READ_ONLY + 0x1000, HARNESS]) setPte(c, a, 0);
  setPte(c, READ_ONLY, 5);
  c.mem.load(CASES, casesBytes);
  c.breakpoints.add(CASES);
  for (let v = 0; v < VECTORS; v++) c.breakpoints.add(STUBS + v * 16);
  return c;
}

/** Runs case i (entry `entry`) and writes its record into `out` at `rec`. */
export function runCase(c: Cpu, k: Case, entry: number, out: DataView, rec: number, page: Uint8Array): void {
  fillPage(page, k.seed);
  c.mem.u8.set(page, PAGE);
  c.regs.set(k.regs);
  c.halted = false;
  c.pendingStop = null;
  enterRing3(c, entry, STACK_TOP);
  c.flags.set(k.flags | 0x202);
  const stop = c.run(10_000);
  const put = (i: number, v: number) => out.setUint32(rec + i * 4, v >>> 0, true);
  for (let i = 0; i < HEADER_DWORDS; i++) put(i, 0);
  const at = stop.kind === 'breakpoint' ? stop.eip : -1;
  const vector = at >= STUBS && at < STUBS + VECTORS * 16 ? (at - STUBS) / 16 : -1;
  for (let i = 0; i < 8; i++) put(R_REGS + i, c.regs[i]);
  if (at === CASES) {
    put(R_EFLAGS, c.flags.get());
  } else if (vector >= 0) {
    // The ring-0 frame: [error code], EIP, CS, EFLAGS, ESP, SS.
    const sp = c.regs[4] >>> 0, err = hasErrorCode(vector);
    const word = (i: number) => c.mem.read32(sp + 4 * (i + (err ? 1 : 0)));
    put(R_STATUS, EMU_FAULT + vector);
    put(R_TRAPNO, vector);
    put(R_ERR, err ? c.mem.read32(sp) : 0);
    put(R_CR2, c.mmu.cr2);
    put(R_EIP, word(0));
    put(R_EFLAGS, word(2));
    put(R_REGS + 4, word(3));
  } else {
    put(R_STATUS, 0xffffffff); // did not finish: budget, halt or a stray breakpoint
    put(R_EIP, c.eip);
  }
  const bytes = c.mem.u8.subarray(PAGE, PAGE + PAGE_SIZE);
  put(R_HASH, fnv1a(bytes));
  let o = rec + HEADER_DWORDS * 4;
  for (const [a, b] of WINDOWS) {
    new Uint8Array(out.buffer, out.byteOffset + o, b - a).set(c.mem.u8.subarray(a, b));
    o += b - a;
  }
}

/** Runs every case whose index `want` accepts; records for the others stay zero. With
 *  `single`, one instruction at a time (the stepping path) instead of compiled blocks. */
export function emulate(casesBytes: Uint8Array, cases: Case[], entries: number[], want: (i: number) => boolean, single = false): Uint8Array {
  const c = emulatorFor(casesBytes);
  // An instruction hook sends the run loop down the one-instruction path (execOne).
  if (single) c.onInstruction = () => {};
  const out = new Uint8Array(cases.length * RECORD_BYTES);
  const dv = new DataView(out.buffer);
  const page = new Uint8Array(PAGE_SIZE);
  for (let i = 0; i < cases.length; i++) if (want(i)) runCase(c, cases[i], entries[i], dv, i * RECORD_BYTES, page);
  return out;
}
