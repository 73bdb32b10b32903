// The code cache and instructions that straddle a page boundary: the block that ends with
// one is compiled once and kept, is used only while its second page maps to the same
// frame, and goes when the bytes in either page are written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCpu, PD } from './fixture.ts';

const LOOP = 0x100FF8, NEXT_PAGE = 0x101000, OTHER_FRAME = 0x200000, COUNT = 1000;
/** inc ebx; nop x4; add eax, 0x11223344 (0x100FFD..0x101001, across the boundary);
 *  dec ecx; jnz LOOP; hlt. */
const CODE = [0x43, 0x90, 0x90, 0x90, 0x90, 0x05, 0x44, 0x33, 0x22, 0x11, 0x49, 0x75, 0xF3, 0xF4];

function machine() {
  const c = makeCpu({ paging: true });
  c.mem.load(LOOP, Uint8Array.from(CODE));
  return c;
}

/** Runs the loop COUNT times from the start; EAX is COUNT times the add's immediate. */
function runLoop(c: ReturnType<typeof makeCpu>): number {
  c.regs[0] = 0; c.regs[1] = COUNT; c.regs[3] = 0;
  c.eip = LOOP;
  c.halted = false;   // the hlt that ended the run before
  assert.equal(c.run(100_000).kind, 'halted');
  assert.equal(c.regs[3], COUNT, 'every iteration ran');
  return c.regs[0] >>> 0;
}

const times = (imm: number) => Math.imul(COUNT, imm) >>> 0;

test('a block ending with an instruction that straddles two pages is compiled once, not on every run', () => {
  const c = machine();
  assert.equal(runLoop(c), times(0x11223344));
  const compiled = c.code.compiled;
  assert.ok(compiled <= 4, `${compiled} blocks compiled for a two-block loop`);
  assert.equal(runLoop(c), times(0x11223344));
  assert.equal(c.code.compiled, compiled, 'the second run compiles nothing');
});

test('the second page mapped to another frame: the block is not reused with the old bytes', () => {
  const c = machine();
  runLoop(c);
  // The next page now maps to a copy whose first two bytes (the immediate's top half) differ.
  c.mem.load(OTHER_FRAME, c.mem.u8.slice(NEXT_PAGE, NEXT_PAGE + 0x1000));
  c.mem.u8[OTHER_FRAME] = 0x00;
  c.mem.u8[OTHER_FRAME + 1] = 0x00;
  const pte = PD + 0x1000 * ((NEXT_PAGE >>> 22) + 1) + ((NEXT_PAGE >>> 12) & 0x3ff) * 4;
  c.mem.write32(pte, OTHER_FRAME | 7);
  c.mmu.invalidate(NEXT_PAGE);
  assert.equal(runLoop(c), times(0x00003344));
});

test('a write to the straddling instruction\'s bytes in the second page drops the block', () => {
  const c = machine();
  runLoop(c);
  c.mmu.wr8(NEXT_PAGE + 1, 0x55);   // through the MMU, as a guest store would go
  assert.equal(runLoop(c), times(0x55223344));
});
