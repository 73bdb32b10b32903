// Interrupt and exception delivery, from the SDM vol. 3, chapter 6: gates (6.11-6.12),
// privilege checks on int n (6.12.1.1), the stack switch through the TSS (6.12.1), the
// frames and error codes (6.13), iret, fault vs trap return addresses (6.5), double and
// triple faults (6.15, table 6-5), and the individual exceptions of 6.15.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cpu } from '../../kernel/cpu/cpu.ts';
import { IF, TF, CR0_TS, CR0_EM, CR0_MP, CS, SS } from '../../kernel/cpu/types.ts';
import { makeCpu, enterRing3, lastException, CODE, KSTACK_TOP, USTACK_TOP, IDT, TSS } from './fixture.ts';
import { place, setGate, stack, peek32, INT_GATE, TRAP_GATE, HANDLERS } from './pmode.ts';
import { nasm } from './nasm.ts';

const DE = 0, BP = 3, OF = 4, UD = 6, NM = 7, DF = 8, NP = 11, GP = 13, PF = 14;
/** Where the fixture's stub for vector v starts (every vector has one). */
const stubOf = (v: number) => 0x4000 + v * 16;

function ring0(source: string, setup?: (c: Cpu) => void, eflags?: number): Cpu {
  const c = makeCpu();
  setup?.(c);
  place(c, CODE, source);
  c.eip = CODE;
  if (eflags !== undefined) c.flags.set(eflags);
  c.run(10_000);
  return c;
}

function ring3(source: string, setup?: (c: Cpu) => void, eflags?: number): Cpu {
  const c = makeCpu();
  setup?.(c);
  place(c, CODE, source);
  enterRing3(c, CODE);
  if (eflags !== undefined) c.flags.set(eflags);
  c.run(10_000);
  return c;
}

const len = (source: string) => nasm(source, CODE).length;

// ---- gates -------------------------------------------------------------------------------------

test('an interrupt gate clears IF in the handler; a trap gate leaves it set (SDM 6.12.1.3)', () => {
  for (const [type, expectIf] of [[INT_GATE, 0], [TRAP_GATE, IF]] as const) {
    const c = ring0('int 0x40\n hlt', cc => {
      place(cc, HANDLERS, 'pushfd\n pop dword [0x7000]\n iretd');
      setGate(cc, 0x40, HANDLERS, { type });
    }, IF);
    assert.equal(peek32(c, 0x7000) & IF, expectIf, type === INT_GATE ? 'interrupt gate' : 'trap gate');
    assert.equal(c.eflags & IF, IF, 'iret restores IF');
  }
});

test('both gate types clear TF, NT, RF and VM in the handler and iret restores them (SDM 6.12.1)', () => {
  const c = ring0('int 0x40\n hlt', cc => {
    place(cc, HANDLERS, 'pushfd\n pop dword [0x7000]\n and dword [esp+8], ~0x100\n iretd');
    setGate(cc, 0x40, HANDLERS, { type: TRAP_GATE });
    setGate(cc, 1, HANDLERS + 0x100); // #DB: just return
    place(cc, HANDLERS + 0x100, 'iretd');
  }, TF);
  assert.equal(peek32(c, 0x7000) & TF, 0);
});

test('int n from ring 3 through a DPL-0 gate raises #GP(vector*8+2) at the int instruction (SDM 6.12.1.1)', () => {
  const c = ring3('nop\n int 0x40');
  assert.equal(lastException(c)?.vector, GP);
  const [error, eip, cs] = stack(c, 3);
  assert.equal(error, 0x40 * 8 + 2, 'IDT bit set, EXT clear');
  assert.equal(eip, CODE + 1);
  assert.equal(cs & 0xffff, 0x1b);
});

test('int3 and into also check the gate DPL; the fixture gives #BP and #OF DPL 3 like NT (SDM 6.12.1.1)', () => {
  const c = ring3('int3', cc => setGate(cc, BP, stubOf(BP), { dpl: 0 }));
  assert.equal(lastException(c)?.vector, GP);
  assert.equal(stack(c, 1)[0], BP * 8 + 2);
  assert.equal(lastException(ring3('int3'))?.vector, BP);
});

test('int 0x2e from ring 3 through the DPL-3 gate enters ring 0 (NT system-call gate)', () => {
  const c = ring3('mov eax, 0x1234\n int 0x2e');
  assert.equal(lastException(c)?.vector, 0x2e);
  assert.equal(c.cpl, 0);
  assert.equal(c.seg[CS], 0x08);
});

test('a vector beyond the IDT limit, or an entry that is not an interrupt or trap gate, raises #GP(vector*8+2) (SDM 6.12.1)', () => {
  const beyond = ring0('int 0x90', c => { c.idtr = { base: IDT, limit: 0x90 * 8 - 1 }; });
  assert.equal(lastException(beyond)?.vector, GP);
  assert.equal(stack(beyond, 1)[0], 0x90 * 8 + 2);
  const badType = ring0('int 0x41', c => setGate(c, 0x41, HANDLERS, { type: 0x1 }));
  assert.equal(stack(badType, 1)[0], 0x41 * 8 + 2);
});

test('a not-present gate raises #NP(vector*8+2); a not-present handler segment #NP(selector) (SDM 6.15 #NP)', () => {
  const gate = ring0('int 0x41', c => setGate(c, 0x41, HANDLERS, { present: false }));
  assert.equal(lastException(gate)?.vector, NP);
  assert.equal(stack(gate, 1)[0], 0x41 * 8 + 2);
});

test('a gate whose code segment is less privileged than the CPL (DPL 3 from ring 0) raises #GP(selector) (SDM 6.12.1.1)', () => {
  const c = ring0('int 0x41', cc => setGate(cc, 0x41, HANDLERS, { selector: 0x1b }));
  assert.equal(lastException(c)?.vector, GP);
  assert.equal(stack(c, 1)[0], 0x18);
});

// ---- the stack switch and the frames ---------------------------------------------------------

test('ring 3 -> ring 0: the CPU loads SS0:ESP0 from the TSS and pushes SS, ESP, EFLAGS, CS, EIP (SDM 6.12.1, figure 6-4)', () => {
  const c = ring3('int 0x2e', undefined, IF | 0x2);
  assert.equal(c.seg[SS], 0x10);
  assert.equal(c.regs[4], KSTACK_TOP - 20, 'five dwords below ESP0 (the stub popped its own push)');
  const [eip, cs, eflags, esp, ss] = stack(c, 5);
  assert.deepEqual([eip, cs & 0xffff, esp, ss & 0xffff], [CODE + 2, 0x1b, USTACK_TOP, 0x23]);
  assert.equal(eflags & IF, IF);
});

test('an exception from ring 3 with an error code: the error code is pushed last, below EIP (SDM 6.13)', () => {
  const c = ring3('mov eax, cr0');
  assert.equal(c.regs[4], KSTACK_TOP - 24);
  const [error, eip, cs, , esp, ss] = stack(c, 6);
  assert.deepEqual([error, eip, cs & 0xffff, esp, ss & 0xffff], [0, CODE, 0x1b, USTACK_TOP, 0x23]);
});

test('at the same privilege there is no stack switch: EFLAGS, CS, EIP (and the error code) go on the current stack (SDM 6.12.1)', () => {
  const c = ring0('mov esp, 0x8800\n ud2');
  assert.equal(c.regs[4], 0x8800 - 12);
  const [eip, cs] = stack(c, 3);
  assert.deepEqual([eip, cs & 0xffff], [CODE + 5, 0x08]);
});

// stack.ts pushes and reads a dword frame that lies in one page with one translation, and
// one that straddles two pages dword by dword: both must give the same frame and iret.
test('an interrupt frame straddling a page boundary is pushed and popped like one inside a page', () => {
  const run = (esp0: number) => {
    const c = ring3('int 0x2e\n mov ecx, esp\n mov edx, cs\n jmp $', cc => {
      cc.mem.write32(TSS + 4, esp0);
      place(cc, HANDLERS, 'mov esi, [esp]\n mov edi, [esp+16]\n mov ebx, esp\n iretd');
      setGate(cc, 0x2e, HANDLERS, { dpl: 3 });
    }, IF | 0x2);
    return { frameEip: c.regs[6], frameSs: c.regs[7] & 0xffff, frameAt: c.regs[3], back: [c.cpl, c.regs[1], c.regs[2]] };
  };
  const inside = run(KSTACK_TOP), straddling = run(KSTACK_TOP + 8);   // 0x8FF4..0x9007 crosses 0x9000
  assert.equal(inside.frameAt, KSTACK_TOP - 20);
  assert.equal(straddling.frameAt, KSTACK_TOP + 8 - 20);
  for (const r of [inside, straddling]) {
    assert.deepEqual([r.frameEip, r.frameSs], [CODE + 2, 0x23], 'EIP lowest, SS highest');
    assert.deepEqual(r.back, [3, USTACK_TOP, 0x1b], 'iret back to ring 3 with its ESP');
  }
});

test('iret returns to ring 3 (restoring SS:ESP) and to ring 0 (SDM IRET)', () => {
  const handler = (cc: Cpu) => { place(cc, HANDLERS, 'mov ebx, 0x99\n iretd'); setGate(cc, 0x2e, HANDLERS, { dpl: 3 }); };
  const c = ring3('int 0x2e\n mov ecx, esp\n mov edx, cs\n jmp $', handler);
  assert.equal(c.cpl, 3);
  assert.deepEqual([c.regs[3], c.regs[1], c.regs[2]], [0x99, USTACK_TOP, 0x1b]);
  assert.equal(c.seg[SS], 0x23);
  const d = ring0('int 0x2e\n mov ecx, esp\n hlt', handler);
  assert.equal(d.cpl, 0);
  assert.deepEqual([d.regs[3], d.regs[1]], [0x99, KSTACK_TOP]);
});

// ---- faults and traps --------------------------------------------------------------------------

test('faults save the EIP of the faulting instruction; traps (int3, into, int n) the EIP after it (SDM 6.5)', () => {
  assert.equal(stack(ring0('nop\n ud2'), 1)[0], CODE + 1, '#UD is a fault');
  assert.equal(stack(ring0('nop\n int3'), 1)[0], CODE + 2, '#BP is a trap');
  const into = 'mov al, 0x7f\n add al, 1\n into';
  assert.equal(lastException(ring0(into))?.vector, OF);
  assert.equal(stack(ring0(into), 1)[0], CODE + len(into), '#OF is a trap');
  assert.equal(stack(ring0('nop\n int 0x50'), 1)[0], CODE + 3, 'int n');
});

test('into with OF clear does nothing (SDM INTO)', () => {
  const c = ring0('xor eax, eax\n into\n mov ebx, 5\n hlt');
  assert.equal(lastException(c), null);
  assert.equal(c.regs[3], 5);
});

test('#UD for ud2 and for an invalid opcode (SDM 6.15 #UD)', () => {
  assert.equal(lastException(ring0('ud2'))?.vector, UD);
  const c = makeCpu();
  c.mem.load(CODE, new Uint8Array([0x0f, 0x0b]));
  c.mem.load(CODE, new Uint8Array([0x0f, 0xff, 0xc0])); // ud0 with a ModRM
  c.eip = CODE;
  c.run(100);
  assert.equal(lastException(c)?.vector, UD);
});

test('#NM: an x87 instruction with CR0.EM or CR0.TS set; without either there is no FPU and it is #UD (SDM 6.15 #NM, 2.5)', () => {
  const withCr0 = (bits: number) => ring0('fld1', c => { c.mmu.cr0 |= bits; });
  assert.equal(lastException(withCr0(CR0_TS))?.vector, NM);
  assert.equal(lastException(withCr0(CR0_EM))?.vector, NM);
  assert.equal(stack(withCr0(CR0_TS), 1)[0], CODE, '#NM is a fault');
  assert.equal(lastException(withCr0(0))?.vector, UD);
});

test('fwait raises #NM only when CR0.MP and CR0.TS are both set (SDM WAIT/FWAIT)', () => {
  assert.equal(lastException(ring0('fwait', c => { c.mmu.cr0 |= CR0_MP | CR0_TS; }))?.vector, NM);
  const c = ring0('fwait\n mov ebx, 1\n hlt', cc => { cc.mmu.cr0 |= CR0_TS; });
  assert.equal(lastException(c), null);
  assert.equal(c.regs[3], 1);
});

test('#DE on division by zero and on a quotient too large; a fault (SDM 6.15 #DE, DIV, IDIV)', () => {
  const zero = ring0('mov eax, 1\n xor edx, edx\n xor ecx, ecx\n div ecx');
  assert.equal(lastException(zero)?.vector, DE);
  assert.equal(stack(zero, 1)[0], CODE + len('mov eax, 1\n xor edx, edx\n xor ecx, ecx'));
  assert.equal(lastException(ring0('mov edx, 2\n mov eax, 0\n mov ecx, 2\n div ecx'))?.vector, DE);
  assert.equal(lastException(ring0('mov ax, 0x8000\n mov cl, 0xff\n idiv cl'))?.vector, DE);
});

// ---- double and triple faults -------------------------------------------------------------------

/** Raises #GP(0x1F8): a selector beyond the GDT. */
const BAD_LOAD = 'mov eax, 0x1fb\n mov es, ax';

test('a contributory exception while delivering a contributory one becomes #DF with error code 0 (SDM table 6-5)', () => {
  // #GP's gate is not present: delivering #GP raises #NP, and #GP + #NP is a double fault.
  const c = ring0(BAD_LOAD, cc => setGate(cc, GP, stubOf(GP), { present: false }));
  assert.equal(lastException(c)?.vector, DF);
  assert.equal(stack(c, 1)[0], 0);
});

test('#PF followed by #GP while delivering it is a double fault (SDM table 6-5)', () => {
  const c = ring0('mov eax, [0x3ff000]', cc => {
    setGate(cc, PF, stubOf(PF), { selector: 0 }); // a null code selector: #GP
    const pt = 0x10000 + 0x1000;
    cc.mem.write32(0x10000, pt | 7);
    for (let i = 0; i < 1024; i++) cc.mem.write32(pt + i * 4, (i << 12) | 7);
    cc.mem.write32(pt + 0x3ff * 4, 0);
    cc.mmu.cr3 = 0x10000;
    cc.mmu.cr0 |= 0x80000000;
    cc.mmu.flush();
  });
  assert.equal(lastException(c)?.vector, DF);
});

test('a benign exception whose delivery faults is followed by the second exception alone, not #DF (SDM table 6-5)', () => {
  const c = ring0('ud2', cc => setGate(cc, UD, stubOf(UD), { present: false }));
  assert.equal(lastException(c)?.vector, NP);
  assert.equal(stack(c, 1)[0], UD * 8 + 2 + 1, 'IDT and EXT bits: the #UD was raised by the CPU');
});

test('an exception while delivering #DF shuts the machine down: run() reports a triple fault, no host exception (SDM 6.15 #DF)', () => {
  const c = makeCpu();
  place(c, CODE, BAD_LOAD);
  setGate(c, GP, stubOf(GP), { present: false });
  setGate(c, DF, stubOf(DF), { present: false });
  c.eip = CODE;
  const stop = c.run(1000);
  assert.equal(stop.kind, 'triple-fault');
  const empty = makeCpu();
  empty.idtr = { base: IDT, limit: 0 };
  place(empty, CODE, 'int3');
  empty.eip = CODE;
  assert.equal(empty.run(1000).kind, 'triple-fault', 'an IDT with no entries');
});

test('an exception while delivering a hardware interrupt has EXT set in its error code (SDM 6.13)', () => {
  const c = makeCpu();
  let taken = false;
  c.pic = { pending: () => !taken, acknowledge: () => { taken = true; return 0x42; } };
  setGate(c, 0x42, HANDLERS, { present: false });
  place(c, CODE, 'nop\n jmp $');
  c.eip = CODE;
  c.flags.set(IF);
  c.run(100);
  assert.equal(lastException(c)?.vector, NP);
  assert.equal(stack(c, 1)[0], 0x42 * 8 + 2 + 1);
});
