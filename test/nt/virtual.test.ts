// The host's view of guest virtual memory (kernel/nt/mm/virtual.ts): the translations the
// VirtualMemory of the current address space remembers follow the same rule as the CPU's
// TLB -- they go when the CPU is told page tables changed (invlpg, CR3 load, flush) -- and
// a VirtualMemory of a given page directory always walks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCpu, enablePaging, PD } from '../cpu/fixture.ts';
import { VirtualMemory, AccessViolation } from '../../kernel/nt/mm/virtual.ts';

const PAGE = 0x200000, OTHER_FRAME = 0x300000;
const pteAddress = (va: number) => PD + 0x1000 * ((va >>> 22) + 1) + ((va >>> 12) & 0x3ff) * 4;

function machine() {
  const c = makeCpu({ memory: 8 << 20 });
  enablePaging(c, 4);
  c.mem.write32(PAGE, 0x11111111);
  c.mem.write32(OTHER_FRAME, 0x22222222);
  return c;
}

test('the current space: a changed PTE is seen once the CPU is told (invlpg), as the CPU sees it', () => {
  const c = machine();
  const vm = new VirtualMemory(c);
  assert.equal(vm.read32(PAGE), 0x11111111);
  c.mem.write32(pteAddress(PAGE), OTHER_FRAME | 7);          // remapped, nobody told yet
  assert.equal(vm.read32(PAGE), 0x11111111, 'the remembered translation, like a TLB entry');
  c.mmu.invalidate(PAGE);
  assert.equal(vm.read32(PAGE), 0x22222222);
  c.mem.write32(pteAddress(PAGE), 0);                         // unmapped, then a CR3 reload
  c.mmu.flush();
  assert.throws(() => vm.read32(PAGE), AccessViolation);
});

test('the current space: U/S and R/W are checked on remembered translations too', () => {
  const c = machine();
  const vm = new VirtualMemory(c);
  c.mem.write32(pteAddress(PAGE), PAGE | 1);                  // present, supervisor, read-only
  c.mmu.invalidate(PAGE);
  assert.equal(vm.read32(PAGE), 0x11111111);                  // remembered by this read
  assert.throws(() => vm.probe(PAGE, 4, false), AccessViolation);  // user access
  c.mem.write32(pteAddress(PAGE), PAGE | 5);                  // user, read-only
  c.mmu.invalidate(PAGE);
  vm.probe(PAGE, 4, false);
  assert.throws(() => vm.probe(PAGE, 4, true), AccessViolation);   // user write
});

test('a given page directory is walked on every access (no remembered translations)', () => {
  const c = machine();
  const vm = new VirtualMemory(c, PD);
  assert.equal(vm.read32(PAGE), 0x11111111);
  c.mem.write32(pteAddress(PAGE), OTHER_FRAME | 7);
  assert.equal(vm.read32(PAGE), 0x22222222);
});

test('writeFrom is writeBytes of a slice: a few bytes in one page, bytes across a page, a fault before any byte', () => {
  const c = machine();
  const vm = new VirtualMemory(c);
  const src = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
  vm.writeFrom(PAGE + 8, src, 10, 3);                          // byte by byte
  assert.deepEqual([...c.mem.u8.subarray(PAGE + 7, PAGE + 12)], [0, 11, 12, 13, 0]);
  const next = PAGE + 0x1000;
  vm.writeFrom(next - 2, src, 0, 4);                           // across the page boundary
  assert.deepEqual([...vm.readBytes(next - 2, 4)], [1, 2, 3, 4]);
  vm.writeFrom(PAGE + 0x100, src, 0, 40);                      // more than a few: one set
  assert.deepEqual([...c.mem.u8.subarray(PAGE + 0x100, PAGE + 0x128)], [...src.subarray(0, 40)]);
  c.mem.write32(pteAddress(PAGE), 0);
  c.mmu.invalidate(PAGE);
  c.mem.u8.fill(0xEE, PAGE + 0x200, PAGE + 0x204);
  assert.throws(() => vm.writeFrom(PAGE + 0x200, src, 0, 4), AccessViolation);
  assert.deepEqual([...c.mem.u8.subarray(PAGE + 0x200, PAGE + 0x204)], [0xEE, 0xEE, 0xEE, 0xEE], 'nothing written');
});
