// `npm run bench:cpu`: guest MIPS of the emulator on two workloads, beside the same code as
// a native 32-bit Linux process and under qemu-i386, measured in the same run.
// The guest runs at ring 3 with paging on and interrupts enabled: a clock raises an
// interrupt every 100,000 instructions whose ring-0 handler is a real `iretd`.
import { makeCpu, enterRing3, lastException, CODE, IDT } from '../test/cpu/fixture.ts';
import { nasm } from '../test/cpu/nasm.ts';
import { IF } from '../kernel/cpu/types.ts';
import type { Cpu } from '../kernel/cpu/cpu.ts';
import { A, B, type Workload } from './workloads.ts';
import { buildElf, runElf, available, type Runner } from './native.ts';

const TICK = 100_000;
const IRQ_VECTOR = 0x30;
const HANDLER = 0x7000;
const BUFFER = 0x200000;

/** A clock + controller pair: one interrupt every TICK instructions. */
function attachTimer(c: Cpu): { ticks: number } {
  const state = { ticks: 0, pending: false };
  c.clock = { deadline: TICK, tick(now) { state.pending = true; this.deadline = now + TICK; } };
  c.pic = {
    pending: () => state.pending,
    acknowledge: () => { state.pending = false; state.ticks++; return IRQ_VECTOR; },
  };
  // IDT[0x30]: interrupt gate to a handler that just returns.
  c.mem.write8(HANDLER, 0xcf); // iretd
  c.mem.write32(IDT + IRQ_VECTOR * 8, (0x08 << 16) | HANDLER);
  c.mem.write32(IDT + IRQ_VECTOR * 8 + 4, 0x8e00);
  return state;
}

function emulate(w: Workload, passes: number): { mips: number; seconds: number; ticks: number } {
  const c = makeCpu({ memory: 8 << 20, paging: true });
  const timer = attachTimer(c);
  c.mem.load(CODE, nasm(`mov edi, ${passes}\nmov ebp, ${BUFFER}\n${w.body}\nint 0x2e`, CODE));
  enterRing3(c, CODE);
  c.flags.set(c.flags.get() | IF);
  const expected = w.instructions(passes) + 2;
  const t0 = process.hrtime.bigint();
  const stop = c.run(expected * 2);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const exit = lastException(c);
  if (stop.kind !== 'halted' || exit?.vector !== 0x2e)
    throw new Error(`workload ${w.name} did not finish: ${JSON.stringify(stop)}, last exception ${JSON.stringify(exit)} at eip ${c.eip.toString(16)}`);
  // icount includes the interrupt handlers' iretd and the exit stub.
  return { mips: c.icount / seconds / 1e6, seconds, ticks: timer.ticks };
}

function reference(runner: Runner, w: Workload, passes: number): number | null {
  if (!available(runner)) return null;
  const exe = buildElf(w, passes);
  return w.instructions(passes) / runElf(runner, exe) / 1e6;
}

const fmt = (x: number) => x.toFixed(1);
const results: Record<string, number> = {};
const plan: [Workload, number, number][] = [
  // workload, emulator passes (50M+ instructions), reference passes (enough to dwarf start-up)
  [A, 10_000_000, 400_000_000],
  [B, 8, 64],
];
for (const [w, passes, refPasses] of plan) {
  emulate(w, Math.max(1, Math.floor(passes / 10))); // warm the JIT
  // Best of three, as the native and qemu runs (runElf): on a shared machine V8's background
  // compiler thread competes for the same two cores, and one slow run says little.
  const e = [emulate(w, passes), emulate(w, passes), emulate(w, passes)].reduce((x, y) => (y.mips > x.mips ? y : x));
  const native = reference('native', w, refPasses);
  const qemu = reference('qemu-i386', w, refPasses);
  results[w.name] = e.mips;
  console.log(`workload ${w.name}: ntlab ${fmt(e.mips)} MIPS (${(e.seconds).toFixed(2)} s, ${e.ticks} timer interrupts)` +
    (native ? `, native ${fmt(native)} MIPS (ntlab/native ${(e.mips / native).toFixed(4)})` : ', native n/a') +
    (qemu ? `, qemu-i386 ${fmt(qemu)} MIPS (ntlab/qemu ${(e.mips / qemu).toFixed(3)})` : ', qemu-i386 n/a'));
}
console.log(`cpu: A ${fmt(results.A)} MIPS, B ${fmt(results.B)} MIPS`);
