import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCpu, runCode, lastException, enterRing3, CODE } from './fixture.ts';
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
