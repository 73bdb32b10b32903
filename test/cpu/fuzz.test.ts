// Robustness: random byte streams executed at ring 3 with paging on must only ever end in
// guest exceptions, never in a host exception out of `cpu.run`, and must leave the kernel
// state the fixture relies on (GDT, IDT, TSS, the exception stubs, the page tables) as it
// was. The user half of memory (2-4 MiB) has holes: pages not present and read-only pages,
// among the data and among the code, so #PF happens on reads, writes and fetches.
//
// Each exception lands in the fixture's IDT stub, which records it and halts at ring 0.
// The test then checks the handler ran at CPL 0 and re-enters ring 3 at one of the
// stream's entry points with fresh registers: one "episode" per exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCpu, setPte, enterRing3, le32, GDT, IDT, TSS, STUBS, PD, LOG } from './fixture.ts';
import { loadSegment } from '../../kernel/cpu/segments.ts';
import { FS } from '../../kernel/cpu/types.ts';
import type { Cpu } from '../../kernel/cpu/cpu.ts';
import { Rng, fnv1a } from './diff/prng.ts';

const USER = 0x200000, USER_END = 0x400000;
const CODE = 0x300000, CODE_PAGES = 48;
const STREAMS = 8;
// Longer runs: NTLAB_FUZZ_SEED=n NTLAB_FUZZ_INSNS=per-stream-count.
const SEED = Number(process.env.NTLAB_FUZZ_SEED ?? 0xf022);
const PER_STREAM = Number(process.env.NTLAB_FUZZ_INSNS ?? 128_000);
const EPISODE_BUDGET = 5_000;
const ENTRIES = 1024;

/** The kernel's bytes the guest must not be able to change: descriptor tables, TSS,
 *  stubs, and the paging structures. */
function kernelImage(c: Cpu): number[] {
  const area = (a: number, n: number) => fnv1a(c.mem.u8.subarray(a, a + n));
  // Page walks set accessed and dirty bits: those may change, nothing else.
  const paging = Int32Array.from(c.mem.i32.subarray(PD >> 2, (PD + 0x2000) >> 2), e => e & ~0x60);
  return [area(GDT, 8 * 8), area(IDT, 256 * 8), area(TSS, 0x68 + 0x2000 / 8 + 1), area(STUBS, 256 * 16 + 16),
    fnv1a(new Uint8Array(paging.buffer))];
}

/** A machine whose user pages are 2-4 MiB only, with random holes. */
function machine(rng: Rng): Cpu {
  const c = makeCpu({ paging: true });
  for (let a = 0; a < USER; a += 0x1000) setPte(c, a, 3); // kernel: supervisor only
  for (let a = USER; a < USER_END; a += 0x1000) {
    const k = rng.int(0, 7);
    setPte(c, a, k === 0 ? 0 : k === 1 ? 5 : 7); // not present, read-only, or read-write
  }
  for (let i = 0; i < CODE_PAGES * 0x1000; i += 4) c.mem.write32(CODE + i, rng.u32());
  // The fixture's common stub logs through DS, which ring 3 may have loaded with anything
  // (even null): log through SS (the ring-0 stack segment from the TSS), as a real kernel
  // would reload its segments. pop eax; mov ss:[LOG],eax; inc dword ss:[LOG+8]; hlt; jmp $-1
  c.mem.load(STUBS + 256 * 16, Uint8Array.of(0x58, 0x36, 0xa3, ...le32(LOG), 0x36, 0xff, 0x05, ...le32(LOG + 8), 0xf4, 0xeb, 0xfd));
  // Segment loads set the accessed bit: set it up front so the GDT must not change at all.
  for (let i = 1; i < 8; i++) if (c.mem.read8(GDT + i * 8 + 5) & 0x10) c.mem.write8(GDT + i * 8 + 5, c.mem.read8(GDT + i * 8 + 5) | 1);
  return c;
}

/** Fresh registers: half point into user memory (so memory operands often hit pages). */
function enter(c: Cpu, rng: Rng, eip: number): void {
  for (let i = 0; i < 8; i++) c.regs[i] = rng.chance(0.5) ? rng.int(USER, USER_END - 1) : rng.value(32);
  c.regs[1] = rng.chance(0.7) ? rng.int(0, 64) : c.regs[1]; // ECX: keep most rep counts short
  c.halted = false;
  c.pendingStop = null;
  enterRing3(c, eip, rng.int(USER + 0x1000, USER_END - 4) & ~3);
  loadSegment(c, FS, 0x3b); // the TEB-like segment, as NT gives ring 3
  // Sometimes TF: the single-step path and #DB delivery get random code too.
  c.flags.set(0x202 | (rng.u32() & 0x8d5) | (rng.chance(0.2) ? 0x400 : 0) | (rng.chance(0.05) ? 0x100 : 0));
}

interface Tally { insns: number; episodes: number; vectors: Map<number, number> }

function fuzzStream(seed: number, target: number, tally: Tally): void {
  const rng = new Rng(seed);
  const c = machine(rng);
  const image = kernelImage(c);
  const tables = JSON.stringify([c.gdtr, c.idtr, c.tr]);
  // Entry points: a fixed set revisited with fresh registers (compiled blocks are reused,
  // which keeps this fast), plus now and then a new one.
  const entries = Array.from({ length: ENTRIES }, () => CODE + rng.int(0, CODE_PAGES * 0x1000 - 1));
  let eip = entries[0];
  const start = c.icount;
  for (let episode = 0; c.icount - start < target; episode++) {
    const before = c.mem.read32(LOG + 8);
    enter(c, rng, eip);
    let stop;
    try {
      stop = c.run(EPISODE_BUDGET);
    } catch (e) {
      assert.fail(`host exception from cpu.run (seed ${seed}, episode ${episode}, entry 0x${eip.toString(16)}, eip 0x${(c.eip >>> 0).toString(16)}): ${(e as Error).stack ?? e}`);
    }
    // The stub halts after logging; a loop in the stream runs out the budget. Anything else
    // (a triple fault, a stray stop) means the machine went somewhere it should not.
    assert.ok(stop.kind === 'halted' || stop.kind === 'budget', `stop ${JSON.stringify(stop)} (seed ${seed}, episode ${episode})`);
    if (c.mem.read32(LOG + 8) !== before) {
      assert.equal(c.cpl, 0, `handler not at CPL 0 (seed ${seed}, episode ${episode})`);
      const v = c.mem.read32(LOG);
      tally.vectors.set(v, (tally.vectors.get(v) ?? 0) + 1);
    }
    assert.equal(JSON.stringify([c.gdtr, c.idtr, c.tr]), tables, `descriptor-table registers changed (seed ${seed}, episode ${episode})`);
    if (episode % 64 === 0) assert.deepEqual(kernelImage(c), image, `kernel memory changed (seed ${seed}, episode ${episode})`);
    tally.episodes++;
    eip = rng.chance(0.9) ? rng.pick(entries) : CODE + rng.int(0, CODE_PAGES * 0x1000 - 1);
  }
  assert.deepEqual(kernelImage(c), image, `kernel memory changed (seed ${seed})`);
  tally.insns += c.icount - start;
}

test(`random byte streams at ring 3 end only in guest exceptions (${STREAMS} streams)`, t => {
  const tally: Tally = { insns: 0, episodes: 0, vectors: new Map() };
  for (let s = 0; s < STREAMS; s++) fuzzStream(SEED + s, PER_STREAM, tally);
  t.diagnostic(`${tally.insns} instructions in ${tally.episodes} episodes; exceptions by vector: ${[...tally.vectors].sort((a, b) => a[0] - b[0]).map(([v, n]) => `${v}:${n}`).join(' ')}`);
  assert.ok(tally.insns >= STREAMS * PER_STREAM);
});
