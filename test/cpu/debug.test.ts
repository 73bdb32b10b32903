// The debugging interface and the architectural debug features: TF single-stepping and RF
// (SDM vol. 3, 17.3.1), cpu.step(), breakpoints, budgets, port and vector breaks, the
// per-instruction hook, rdtsc as the instruction count, cpuid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cpu } from '../../kernel/cpu/cpu.ts';
import { TF, RF, IF } from '../../kernel/cpu/types.ts';
import { makeCpu, enterRing3, lastException, CODE } from './fixture.ts';
import { place, setGate, stack, peek32, HANDLERS, RECORD } from './pmode.ts';
import { nasm } from './nasm.ts';

/** A #DB handler that logs the EIP it would return to, then irets (TF stays set in the
 *  image, so tracing goes on). Log: count at RECORD, EIPs after. */
function installStepLogger(c: Cpu): void {
  place(c, HANDLERS, `
    push eax
    push ebx
    mov eax, [${RECORD}]
    mov ebx, [esp+8]
    mov [${RECORD + 4}+eax*4], ebx
    inc dword [${RECORD}]
    pop ebx
    pop eax
    iret`);
  setGate(c, 1, HANDLERS);
}

function stepLog(c: Cpu): number[] {
  return Array.from({ length: peek32(c, RECORD) }, (_, i) => peek32(c, RECORD + 4 + i * 4));
}

/** Addresses of the labelled lines of `source` assembled at CODE: nasm's listing would do;
 *  assembling prefixes is simpler. `marks` are the line indexes to measure up to. */
function offsets(lines: string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i <= lines.length; i++) out.push(CODE + nasm(lines.slice(0, i).join('\n'), CODE).length);
  return out;
}

const SET_TF = ['pushfd', 'or dword [esp], 0x100', 'popfd'];
const CLEAR_TF = ['pushfd', 'and dword [esp], ~0x100', 'popfd'];

test('TF: #DB after each instruction, not after the popf that sets TF; the popf that clears it is trapped (SDM 17.3.1.4)', () => {
  const c = makeCpu();
  installStepLogger(c);
  const lines = [...SET_TF, 'mov eax, 1', 'mov ebx, 2', ...CLEAR_TF, 'hlt'];
  place(c, CODE, lines.join('\n'));
  const at = offsets(lines);
  c.eip = CODE;
  assert.equal(c.run(1000).kind, 'halted');
  // Traps after: mov eax (3), mov ebx (4), pushfd (5), and (6), popfd (7): EIP = the next.
  assert.deepEqual(stepLog(c), [at[4], at[5], at[6], at[7], at[8]]);
});

test('TF: int n enters its handler with TF clear and is not followed by a trap; iret restores TF and the next instruction traps (SDM 6.12.1, 17.3.1.4)', () => {
  const c = makeCpu();
  installStepLogger(c);
  place(c, HANDLERS + 0x100, 'mov edi, 5\n nop\n iret');
  setGate(c, 0x40, HANDLERS + 0x100);
  const lines = [...SET_TF, 'nop', 'int 0x40', 'nop', ...CLEAR_TF, 'hlt'];
  place(c, CODE, lines.join('\n'));
  const at = offsets(lines);
  c.eip = CODE;
  assert.equal(c.run(1000).kind, 'halted');
  assert.equal(c.regs[7], 5);
  assert.deepEqual(stepLog(c).slice(0, 2), [at[4], at[6]], 'after the first nop, then after the nop that follows the int');
  assert.ok(stepLog(c).every(eip => eip < HANDLERS || eip >= HANDLERS + 0x1000), 'the handler is not traced');
});

test('TF: mov ss holds off the single-step trap until after the next instruction (SDM MOV: "inhibits ... single-step trap exceptions")', () => {
  const c = makeCpu();
  installStepLogger(c);
  const lines = ['mov eax, 0x10', ...SET_TF, 'mov ss, ax', 'mov esp, esp', 'nop', ...CLEAR_TF, 'hlt'];
  place(c, CODE, lines.join('\n'));
  const at = offsets(lines);
  c.eip = CODE;
  assert.equal(c.run(1000).kind, 'halted');
  assert.deepEqual(stepLog(c).slice(0, 2), [at[6], at[7]], 'none at the mov ss; after mov esp and after the nop');
});

test('RF: a fault pushes EFLAGS with RF set; a trap (int3) and a software interrupt push it clear (SDM 17.3.1.1)', () => {
  const image = (code: string, vector: number, hasError: boolean) => {
    const c = makeCpu();
    place(c, CODE, code);
    c.eip = CODE;
    c.run(100);
    assert.equal(lastException(c)?.vector, vector);
    return stack(c, 4)[hasError ? 3 : 2];
  };
  assert.ok(image('ud2', 6, false) & RF, '#UD is a fault');
  assert.ok(image('mov eax, [0xfffffff0]\n mov ss, ax', 13, true) & RF, '#GP is a fault');
  assert.equal(image('int3', 3, false) & RF, 0, '#BP is a trap');
  assert.equal(image('int 0x40', 0x40, false) & RF, 0, 'int n');
});

test('step() runs exactly one instruction, ignores a breakpoint it starts on, and one exception delivery is one step', () => {
  const c = makeCpu();
  const lines = ['mov eax, 1', 'mov ebx, 2', 'ud2', 'nop'];
  place(c, CODE, lines.join('\n'));
  const at = offsets(lines);
  c.eip = CODE;
  c.breakpoints.add(CODE);
  assert.equal(c.step().kind, 'budget');
  assert.equal(c.eip, at[1]);
  assert.equal(c.icount, 1);
  assert.equal(c.regs[0], 1);
  c.step();
  assert.equal(c.eip, at[2]);
  c.step(); // ud2 faults: the step ends in the handler's first instruction
  assert.equal(c.eip >>> 0, 0x4000 + 6 * 16);
  assert.equal(c.icount, 2, 'the faulting instruction did not retire');
});

test('run() stops before a breakpoint set inside code that is already compiled and looping', () => {
  const c = makeCpu();
  const lines = ['mov ecx, 1000', 'again: add eax, 3', 'add ebx, 1', 'dec ecx', 'jnz again', 'hlt'];
  place(c, CODE, lines.join('\n'));
  const at = offsets(lines);
  c.eip = CODE;
  assert.equal(c.run(300).kind, 'budget'); // compiles and runs the loop block
  const inside = at[2]; // add ebx, 1: in the middle of the compiled loop body
  c.breakpoints.add(inside);
  let stop = c.run(100_000);
  assert.deepEqual(stop, { kind: 'breakpoint', eip: inside });
  const ecx = c.regs[1];
  stop = c.run(100_000);
  assert.deepEqual(stop, { kind: 'breakpoint', eip: inside }, 'and again on the next iteration');
  assert.equal(c.regs[1], ecx - 1);
  c.breakpoints.delete(inside);
  c.breakpoints.add(at[1]); // the loop block's own start
  assert.deepEqual(c.run(100_000), { kind: 'breakpoint', eip: at[1] });
  const ecx2 = c.regs[1];
  assert.deepEqual(c.run(100_000), { kind: 'breakpoint', eip: at[1] });
  assert.equal(c.regs[1], ecx2 - 1);
  c.breakpoints.clear();
  assert.equal(c.run(100_000).kind, 'halted');
  assert.equal(c.regs[3], 1000);
});

test('run(n) retires exactly n instructions, and a run cut into pieces ends like one run', () => {
  const prog = `
    mov ecx, 5000
  l: add eax, ecx
    xor ebx, eax
    dec ecx
    jnz l
    hlt`;
  const whole = makeCpu();
  place(whole, CODE, prog);
  whole.eip = CODE;
  assert.equal(whole.run(1_000_000).kind, 'halted');
  const cut = makeCpu();
  place(cut, CODE, prog);
  cut.eip = CODE;
  for (const n of [1, 7, 64, 65, 1000, 3])
    { const before = cut.icount; assert.equal(cut.run(n).kind, 'budget'); assert.equal(cut.icount - before, n); }
  assert.equal(cut.run(1_000_000).kind, 'halted');
  assert.deepEqual([...cut.regs], [...whole.regs]);
  assert.equal(cut.icount, whole.icount);
});

test('portBreaks stop the run after the access, with the port and the direction', () => {
  const c = makeCpu();
  let written = -1;
  c.ports.register(0x80, 1, { read: () => 0x5a, write: (_p, _s, v) => { written = v; } });
  const lines = ['mov al, 7', 'out 0x80, al', 'in al, 0x80', 'hlt'];
  place(c, CODE, lines.join('\n'));
  const at = offsets(lines);
  c.portBreaks.add(0x80);
  c.eip = CODE;
  assert.deepEqual(c.run(100), { kind: 'port', port: 0x80, write: true });
  assert.equal(written, 7);
  assert.equal(c.eip, at[2]);
  assert.deepEqual(c.run(100), { kind: 'port', port: 0x80, write: false });
  assert.equal(c.regs[0] & 0xff, 0x5a);
  assert.equal(c.run(100).kind, 'halted');
});

test('vectorBreaks stop the run when the CPU has entered the handler: int n from ring 3 and an exception (#PF)', () => {
  const c = makeCpu({ paging: true });
  place(c, CODE, 'int 0x2e\n mov eax, [0x7fff0000]');
  enterRing3(c, CODE);
  c.vectorBreaks.add(0x2e);
  c.vectorBreaks.add(14);
  assert.deepEqual(c.run(100), { kind: 'vector', vector: 0x2e });
  assert.equal(c.eip >>> 0, 0x4000 + 0x2e * 16);
  assert.equal(c.cpl, 0);
  const c2 = makeCpu({ paging: true });
  place(c2, CODE, 'mov eax, [0x7fff0000]');
  enterRing3(c2, CODE);
  c2.vectorBreaks.add(14);
  assert.deepEqual(c2.run(100), { kind: 'vector', vector: 14 });
  assert.equal(c2.eip >>> 0, 0x4000 + 14 * 16);
});

test('onInstruction sees every instruction in execution order, and tracing changes nothing', () => {
  const prog = `
    mov ecx, 3
  l: add eax, 2
    dec ecx
    jnz l
    hlt`;
  const traced = makeCpu(), plain = makeCpu();
  for (const c of [traced, plain]) { place(c, CODE, prog); c.eip = CODE; }
  const seen: number[] = [];
  traced.onInstruction = c => seen.push(c.eip);
  traced.run(1000); plain.run(1000);
  const l = CODE + 5;
  const body = [l, l + 3, l + 4];
  assert.deepEqual(seen, [CODE, ...body, ...body, ...body, l + 6]);
  assert.deepEqual([...traced.regs], [...plain.regs]);
  assert.equal(traced.icount, plain.icount);
});

test('rdtsc reads the number of instructions retired before it, on the fast path and traced alike', () => {
  const prog = `
    nop
    nop
    rdtsc
    mov ebx, eax
    mov ecx, 100
  l: dec ecx
    jnz l
    rdtsc
    hlt`;
  for (const trace of [false, true]) {
    const c = makeCpu();
    place(c, CODE, prog);
    c.eip = CODE;
    if (trace) c.onInstruction = () => {};
    c.run(10_000);
    assert.equal(c.regs[3], 2);
    assert.equal(c.regs[0], 5 + 200);
    assert.equal(c.regs[2], 0);
  }
});

test('rdtsc at ring 3 is allowed unless CR4.TSD is set (SDM RDTSC)', () => {
  const c = makeCpu();
  place(c, CODE, 'rdtsc\n rdtsc');
  enterRing3(c, CODE);
  c.run(1);
  assert.equal(c.eip, CODE + 2);
  c.mmu.cr4 |= 0x4;
  c.run(10);
  assert.equal(lastException(c)?.vector, 13);
});

test('cpuid: the vendor string, family 6 model 3, and only the features emulated (SEP, TSC, MSR, PSE, CMOV; no FPU)', () => {
  const c = makeCpu();
  place(c, CODE, 'xor eax, eax\n cpuid\n mov [0x7000], ebx\n mov [0x7004], edx\n mov [0x7008], ecx\n mov esi, eax\n mov eax, 1\n cpuid\n hlt');
  c.eip = CODE;
  c.run(100);
  const vendor = Buffer.from(c.mem.u8.subarray(0x7000, 0x700c)).toString('latin1');
  assert.equal(vendor, 'NTLabVirtCPU');
  assert.equal(c.regs[6], 1, 'highest basic leaf');
  assert.equal(c.regs[0], 0x633);
  const edx = c.regs[2];
  for (const [bit, name] of [[3, 'PSE'], [4, 'TSC'], [5, 'MSR'], [11, 'SEP'], [15, 'CMOV']] as const)
    assert.ok(edx & (1 << bit), name);
  assert.equal(edx & 1, 0, 'no x87 FPU');
});

test('a step with IF set and a pending trap: the single-step #DB handler runs with IF clear (interrupt gate)', () => {
  const c = makeCpu();
  place(c, HANDLERS, 'pushfd\n pop dword [0x7100]\n iret');
  setGate(c, 1, HANDLERS);
  place(c, CODE, [...SET_TF, 'nop', ...CLEAR_TF, 'hlt'].join('\n'));
  c.eip = CODE;
  c.flags.set(c.eflags | IF);
  c.run(1000);
  assert.equal(peek32(c, 0x7100) & (IF | TF), 0);
});

test('TF with rep: a trap after each iteration, EIP on the rep instruction and RF set while iterations remain (SDM 17.3.1.1, 17.3.1.4)', () => {
  const c = makeCpu();
  // Logs (EIP, EFLAGS) pairs of each #DB frame.
  place(c, HANDLERS, `
    push eax
    push ebx
    mov eax, [${RECORD}]
    mov ebx, [esp+8]
    mov [${RECORD + 4}+eax*8], ebx
    mov ebx, [esp+16]
    mov [${RECORD + 8}+eax*8], ebx
    inc dword [${RECORD}]
    pop ebx
    pop eax
    iret`);
  setGate(c, 1, HANDLERS);
  const lines = ['mov edi, 0x7800', 'mov ecx, 3', 'mov al, 0x5a', ...SET_TF, 'rep stosb', ...CLEAR_TF, 'hlt'];
  place(c, CODE, lines.join('\n'));
  const at = offsets(lines);
  c.eip = CODE;
  assert.equal(c.run(1000).kind, 'halted');
  const log = Array.from({ length: peek32(c, RECORD) }, (_, i) => [peek32(c, RECORD + 4 + i * 8), peek32(c, RECORD + 8 + i * 8) & RF]);
  assert.deepEqual(log.slice(0, 3), [[at[6], RF], [at[6], RF], [at[7], 0]]);
  assert.equal(c.mem.read32(0x7800) & 0xffffff, 0x5a5a5a);
  assert.equal(c.regs[1], 0);
});

test('TF with repe cmps: the iteration that ends the repetition on ZF is the last; EIP moves on (SDM REP, 17.3.1.4)', () => {
  const c = makeCpu();
  installStepLogger(c);
  c.mem.load(0x7800, new Uint8Array([1, 2, 3, 4]));
  c.mem.load(0x7900, new Uint8Array([1, 9, 3, 4]));
  const lines = ['mov esi, 0x7800', 'mov edi, 0x7900', 'mov ecx, 4', ...SET_TF, 'repe cmpsb', ...CLEAR_TF, 'hlt'];
  place(c, CODE, lines.join('\n'));
  const at = offsets(lines);
  c.eip = CODE;
  c.run(1000);
  assert.deepEqual(stepLog(c).slice(0, 2), [at[6], at[7]], 'the second byte differs: two iterations');
  assert.equal(c.regs[1], 2);
});
