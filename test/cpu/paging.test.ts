// Two-level paging from the SDM vol. 3, chapter 4: access rights combined over the PDE and
// the PTE (4.6), CR0.WP, the accessed and dirty bits (4.8), #PF error codes and CR2 (4.7),
// TLB invalidation (4.10.4), and code modified through another mapping (11.6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cpu } from '../../kernel/cpu/cpu.ts';
import { PTE_A, PTE_D, PF_PROTECTION, PF_WRITE, PF_USER, CR0_WP } from '../../kernel/cpu/types.ts';
import { makeCpu, enterRing3, lastException, setPte, CODE, PD } from './fixture.ts';
import { place, mapPage, stack, setGate, HANDLERS } from './pmode.ts';

const PF = 14;
/** Page flags. */
const P = 1, RW = 2, US = 4;
/** A data page in the identity-mapped first 4 MiB, and a 4 MiB region with its own PDE. */
const DATA = 0x300000, REGION = 0x00800000;

/** The address of the PTE that maps `lin` (fixture tables, or the table mapPage made). */
function pteAddr(c: Cpu, lin: number): number {
  const pde = c.mem.read32(PD + (lin >>> 22) * 4);
  return (pde & ~0xfff) + ((lin >>> 12) & 0x3ff) * 4;
}

interface Run { c: Cpu; pf: { error: number; eip: number; cr2: number } | null }

/** Runs `source` at CODE with paging on, at ring 0 or 3, after `setup`. */
function run(source: string, opts: { ring3?: boolean; setup?: (c: Cpu) => void } = {}): Run {
  const c = makeCpu({ paging: true });
  opts.setup?.(c);
  place(c, CODE, source);
  if (opts.ring3) enterRing3(c, CODE); else c.eip = CODE;
  c.run(10_000);
  const e = lastException(c);
  if (!e) return { c, pf: null };
  assert.equal(e.vector, PF, `expected #PF, got vector ${e.vector}`);
  const [error, eip] = stack(c, 2);
  return { c, pf: { error, eip, cr2: c.mmu.cr2 >>> 0 } };
}

test('U/S in the PTE: a user read of a supervisor page raises #PF(P|U) with CR2 (SDM 4.6, 4.7)', () => {
  const { pf } = run(`mov eax, [${DATA + 0x10}]`, { ring3: true, setup: c => setPte(c, DATA, P | RW) });
  assert.deepEqual(pf, { error: PF_PROTECTION | PF_USER, eip: CODE, cr2: DATA + 0x10 });
});

test('U/S in the PDE: a user page under a supervisor PDE is a supervisor page (SDM 4.6: rights combine over both levels)', () => {
  const { pf } = run(`mov eax, [${REGION + 4}]`, { ring3: true, setup: c => mapPage(c, REGION, DATA, P | RW | US, P | RW) });
  assert.deepEqual(pf, { error: PF_PROTECTION | PF_USER, eip: CODE, cr2: REGION + 4 });
});

test('R/W in the PTE: user reads of a read-only page succeed, writes raise #PF(P|W|U) (SDM 4.6)', () => {
  const { c, pf } = run(`mov eax, [${DATA}]\n mov [${DATA + 8}], eax`, { ring3: true, setup: c => setPte(c, DATA, P | US) });
  assert.deepEqual(pf, { error: PF_PROTECTION | PF_WRITE | PF_USER, eip: CODE + 5, cr2: DATA + 8 });
  assert.equal(c.mem.read32(DATA + 8), 0, 'nothing was written');
});

test('R/W in the PDE: a writable page under a read-only PDE is read-only (SDM 4.6)', () => {
  const { pf } = run(`mov eax, [${REGION}]\n mov [${REGION}], eax`, { ring3: true, setup: c => mapPage(c, REGION, DATA, P | RW | US, P | US) });
  assert.deepEqual(pf, { error: PF_PROTECTION | PF_WRITE | PF_USER, eip: CODE + 5, cr2: REGION });
});

test('supervisor writes ignore R/W while CR0.WP is clear, and fault with #PF(P|W) when it is set (SDM 4.6.1)', () => {
  const code = `mov dword [${DATA}], 0x1234\n mov eax, cr0\n or eax, ${CR0_WP}\n mov cr0, eax\n mov dword [${DATA + 4}], 0x5678`;
  const { c, pf } = run(code, { setup: c => setPte(c, DATA, P | US) });
  assert.equal(c.mem.read32(DATA), 0x1234, 'WP clear: the write went through');
  assert.deepEqual(pf, { error: PF_PROTECTION | PF_WRITE, eip: CODE + 10 + 3 + 5 + 3, cr2: DATA + 4 });
  assert.equal(c.mem.read32(DATA + 4), 0);
});

test('supervisor reads and writes reach user pages (no SMAP on the i386) (SDM 4.6)', () => {
  const { c, pf } = run(`mov dword [${DATA}], 7\n mov eax, [${DATA}]\n hlt`, { setup: c => setPte(c, DATA, P | RW | US) });
  assert.equal(pf, null);
  assert.equal(c.regs[0], 7);
});

test('not-present pages: the error code has P clear, W and U as the access was; CR2 is the address (SDM 4.7)', () => {
  const absent = (c: Cpu) => setPte(c, DATA, 0);
  assert.deepEqual(run(`mov eax, [${DATA + 0x123}]`, { setup: absent }).pf, { error: 0, eip: CODE, cr2: DATA + 0x123 });
  assert.deepEqual(run(`mov [${DATA + 0x40}], eax`, { ring3: true, setup: absent }).pf, { error: PF_WRITE | PF_USER, eip: CODE, cr2: DATA + 0x40 });
  assert.deepEqual(run(`mov eax, [${0x00c00010}]`, { ring3: true }).pf, { error: PF_USER, eip: CODE, cr2: 0x00c00010 }, 'no page table at all');
});

test('an access that crosses into a not-present page faults with CR2 = the first byte of that page, and writes nothing (SDM 4.7)', () => {
  const { c, pf } = run(`mov dword [${DATA - 2}], 0xaabbccdd`, { setup: c => setPte(c, DATA, 0) });
  assert.deepEqual(pf, { error: PF_WRITE, eip: CODE, cr2: DATA });
  assert.equal(c.mem.read16(DATA - 2), 0, 'the half in the present page is not written either');
});

test('instruction fetch from a not-present page: #PF with EIP and CR2 at the target; an instruction straddling into it: CR2 at the page (SDM 4.7)', () => {
  const target = DATA + 0x100;
  const a = run(`mov eax, ${target}\n jmp eax`, { ring3: true, setup: c => setPte(c, DATA, 0) });
  assert.deepEqual(a.pf, { error: PF_USER, eip: target, cr2: target });
  // A 5-byte mov starting 2 bytes before the page end.
  const start = DATA - 2;
  const b = run(`mov eax, ${start}\n jmp eax`, {
    setup: c => { setPte(c, DATA, 0); c.mem.load(start, new Uint8Array([0xb8, 1, 2, 3, 4])); },
  });
  assert.deepEqual(b.pf, { error: 0, eip: start, cr2: DATA });
});

test('the walk sets A in the PDE and the PTE on any access, and D in the PTE on a write only (SDM 4.8)', () => {
  const { c } = run(`mov eax, [${REGION}]\n mov [${REGION + 0x1000}], eax\n hlt`, {
    setup: c => { mapPage(c, REGION, DATA, P | RW | US); mapPage(c, REGION + 0x1000, DATA + 0x1000, P | RW | US); },
  });
  const pde = c.mem.read32(PD + (REGION >>> 22) * 4);
  const read = c.mem.read32(pteAddr(c, REGION)), written = c.mem.read32(pteAddr(c, REGION + 0x1000));
  assert.ok(pde & PTE_A, 'PDE accessed');
  assert.equal(pde & PTE_D, 0, 'the PDE of a 4 KiB page has no dirty bit to set');
  assert.equal(read & (PTE_A | PTE_D), PTE_A, 'read: accessed, not dirty');
  assert.equal(written & (PTE_A | PTE_D), PTE_A | PTE_D, 'written: accessed and dirty');
});

test('a write to a page first only read sets D (the read translation does not cover writes) (SDM 4.8)', () => {
  const { c } = run(`mov eax, [${DATA}]\n mov [${DATA}], eax\n hlt`);
  assert.equal(c.mem.read32(pteAddr(c, DATA)) & PTE_D, PTE_D);
});

test('the TLB is not coherent with the page tables: a changed PTE takes effect after invlpg or a CR3 load, not before (SDM 4.10.4)', () => {
  const V = REGION, A = 0x310000, B = 0x320000;
  const { c } = run(`
    mov eax, [${V}]
    mov edi, [${PD + (V >>> 22) * 4}]
    and edi, ~0xfff              ; the page table
    mov dword [edi], ${B | P | RW}
    mov ebx, [${V}]              ; still A: the old translation is cached
    invlpg [${V}]
    mov ecx, [${V}]              ; B
    mov dword [edi], ${A | P | RW}
    mov edx, [${V}]              ; still B
    mov esi, cr3
    mov cr3, esi
    mov esi, [${V}]              ; A again
    mov dword [edi], 0
    mov ebp, [${V}]              ; not present in memory, present in the TLB
    invlpg [${V}]
    mov eax, [${V}]              ; #PF
    `, { setup: c => { mapPage(c, V, A, P | RW); c.mem.write32(A, 0xaaaa); c.mem.write32(B, 0xbbbb); } });
  assert.deepEqual([c.regs[3], c.regs[1], c.regs[2], c.regs[6], c.regs[5]], [0xaaaa, 0xbbbb, 0xbbbb, 0xaaaa, 0xaaaa]);
  assert.equal(lastException(c)?.vector, PF);
  assert.equal(c.mmu.cr2 >>> 0, V);
});

test('a #PF handler that maps the page and irets restarts the instruction (demand paging) (SDM 6.6: faults restart)', () => {
  const V = 0x00c00000;
  const c = makeCpu({ paging: true });
  mapPage(c, V, 0, 0); // a page table for the region, the PTE not present
  const pte = pteAddr(c, V);
  c.mem.write32(0x330000 + 0x44, 0xfeed);
  place(c, HANDLERS, `
    mov eax, cr2
    mov [0x7000], eax
    mov dword [${pte}], ${0x330000 | P | RW | US}
    add esp, 4
    iret`);
  setGate(c, PF, HANDLERS);
  place(c, CODE, `mov ebx, [${V + 0x44}]\n jmp $`);
  enterRing3(c, CODE);
  c.run(1000);
  assert.equal(c.regs[3], 0xfeed);
  assert.equal(c.mem.read32(0x7000), V + 0x44);
  assert.equal(c.cpl, 3);
});

test('code modified through a second mapping of its physical page runs modified after a jump (SDM 11.6: cross-mapping needs a branch or serialisation)', () => {
  const ALIAS = REGION;
  const { c } = run(`
    mov ecx, 2
  again:
    call patch
    add ebx, eax
    mov byte [${ALIAS} + (patch - $$) + 1], 0x42   ; through the alias: mov eax, 0x11 -> 0x42
    dec ecx
    jnz again
    hlt
  patch:
    mov eax, 0x11
    ret`, { setup: c => mapPage(c, ALIAS, CODE, P | RW) });
  assert.equal(c.regs[3], 0x11 + 0x42, 'the second call ran the patched instruction');
});

test('a store into the next instruction takes effect before it executes, even inside one compiled block (SDM 11.6: P6 and later check the prefetched instructions)', () => {
  for (const trace of [false, true]) {
    const c = makeCpu({ paging: true });
    place(c, CODE, `
      mov byte [next + 1], 0x42
    next:
      mov al, 0x11
      hlt`);
    c.eip = CODE;
    if (trace) c.onInstruction = () => {};
    c.run(100);
    assert.equal(c.regs[0] & 0xff, 0x42, trace ? 'stepping' : 'compiled block');
  }
});
