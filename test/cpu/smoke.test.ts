import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCpu, runCode, lastException, enterRing3, setPte, CODE } from './fixture.ts';
import type { Cpu } from '../../kernel/cpu/cpu.ts';
import { nasm } from './nasm.ts';

test('a loop adds up 1..100 and halts', () => {
  const c = makeCpu();
  const stop = runCode(c, nasm(`
    xor eax, eax
    mov ecx, 100
  again:
    add eax, ecx
    dec ecx
    jnz again
    hlt`, CODE));
  assert.equal(stop.kind, 'halted');
  assert.equal(c.regs[0], 5050);
  assert.equal(c.icount, 2 + 300 + 1);
});

test('a ring-3 hlt raises #GP through the IDT', () => {
  const c = makeCpu();
  c.mem.load(CODE, nasm('hlt', CODE));
  enterRing3(c, CODE);
  c.run(100);
  assert.deepEqual(lastException(c), { vector: 13, count: 1 });
  assert.equal(c.cpl, 0);
});

// A block goes on past a conditional branch that is not taken and leaves when it is
// (compile.ts): the retired-instruction count, the registers and a fault after such a
// branch must be what one-at-a-time execution gives.
function fastAndStepped(source: string, prepare: (c: Cpu) => void) {
  const fast = makeCpu({ paging: true }), stepped = makeCpu({ paging: true });
  for (const c of [fast, stepped]) { prepare(c); c.mem.load(CODE, nasm(source, CODE)); c.eip = CODE; }
  assert.equal(fast.run(1_000_000).kind, 'halted');
  while (stepped.step().kind !== 'halted');
  assert.deepEqual([...fast.regs], [...stepped.regs]);
  assert.equal(fast.icount, stepped.icount);
  assert.equal(fast.eip, stepped.eip);
  return { fast, stepped };
}

test('a block that goes on past conditional branches: taken and not taken, the count exact', () => {
  const { fast } = fastAndStepped(`
    mov ecx, 3
  top:
    xor eax, eax
    cmp ecx, 2
    je skip                 ; taken on the second pass only
    add eax, 10
  skip:
    test eax, eax
    jz after                ; not taken on passes 1 and 3
    add ebx, eax
  after:
    dec ecx
    jnz top
    hlt`, () => {});
  assert.equal(fast.regs[3], 20);
});

test('a fault after a conditional branch not taken, in the same block: same EIP, CR2 and count', () => {
  const HOLE = 0x300000;
  const { fast, stepped } = fastAndStepped(`
    mov ecx, 1
    cmp ecx, 2
    je over                 ; not taken
    mov esi, 7
    mov eax, [${HOLE}]      ; #PF
  over:
    hlt`, c => setPte(c, HOLE, 0));
  for (const c of [fast, stepped]) {
    assert.deepEqual(lastException(c), { vector: 14, count: 1 });
    assert.equal(c.mmu.cr2 >>> 0, HOLE);
    assert.equal(c.regs[6], 7);
  }
  // The frame the CPU pushed: the faulting instruction's EIP, the same both ways.
  assert.equal(fast.mem.read32(fast.stackTop() + 4), stepped.mem.read32(stepped.stackTop() + 4));
});

// Block functions are shared by source text (compile.ts): a second CPU running the same
// code at the same address gets the very function the first one compiled, and different
// code gets its own.
test('machines share the compiled function of the same block; other code compiles its own', () => {
  const program = nasm('mov eax, 1\n add eax, 2\n hlt', CODE), other = nasm('mov eax, 7\n add eax, 2\n hlt', CODE);
  const [a, b, c] = [makeCpu(), makeCpu(), makeCpu()];
  for (const [cpu, bytes] of [[a, program], [b, program], [c, other]] as const) { runCode(cpu, bytes); }
  const block = (cpu: Cpu) => cpu.code.get(CODE, CODE, false);
  assert.equal(block(a).fn, block(b).fn);
  assert.notEqual(block(a), block(b), 'each CPU has its own Block record (links, epoch)');
  assert.notEqual(block(a).fn, block(c).fn);
  assert.deepEqual([a.regs[0], b.regs[0], c.regs[0]], [3, 3, 9]);
});
