// The 8259A pair and the 8254 timer, alone and wired to the CPU. Each test names the rule
// it checks: the 8259A data sheet (Intel 231468), the 8254 data sheet (Intel 231164), and
// the SDM vol. 3, 6.8.3 (masking maskable interrupts) and the STI/HLT pages of vol. 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pic } from '../../kernel/cpu/pic.ts';
import { Pit } from '../../kernel/cpu/pit.ts';
import type { Cpu } from '../../kernel/cpu/cpu.ts';
import { makeCpu, CODE } from './fixture.ts';
import { place, setGate, HANDLERS, RECORD, peek32 } from './pmode.ts';

/** Programs a pair the way NT's HAL does: edge-triggered, cascaded, IRQ 0 at `base`, the
 *  slave at base + 8, 8086 mode; then the masks. */
function initPic(p: Pic, base = 0x30, masterMask = 0, slaveMask = 0): void {
  for (const [cmd, data, vec, icw3, mask] of [[0x20, 0x21, base, 0x04, masterMask], [0xa0, 0xa1, base + 8, 0x02, slaveMask]]) {
    const chip = cmd === 0x20 ? p.master : p.slave;
    chip.write(cmd, 1, 0x11);   // ICW1: edge, cascade, ICW4 follows
    chip.write(data, 1, vec);   // ICW2: vector base
    chip.write(data, 1, icw3);  // ICW3: slave on IR2 / slave id 2
    chip.write(data, 1, 0x01);  // ICW4: 8086 mode
    chip.write(data, 1, mask);  // OCW1
  }
}

const EOI = 0x20, SPECIFIC_EOI = 0x60;

test('ICW1-4 set the vector base; ICW1 clears the mask; OCW1 writes it and the data port reads it back (8259A: initialization)', () => {
  const p = new Pic();
  p.master.write(0x20, 1, 0x11);
  assert.equal(p.master.read(0x21), 0, 'ICW1 clears the IMR');
  p.master.write(0x21, 1, 0x37); // the low three bits of ICW2 are ignored in 8086 mode
  p.master.write(0x21, 1, 0x04);
  p.master.write(0x21, 1, 0x01);
  assert.equal(p.master.vectorBase, 0x30);
  p.master.write(0x21, 1, 0xfa);
  assert.equal(p.master.read(0x21), 0xfa);
  p.raise(1);
  assert.ok(!p.pending(), 'IRQ 1 is masked');
});

test('IRQ 0 is at vector 0x30 after NT-style initialisation; a request stays in the IRR until acknowledged (8259A: INTA sequence)', () => {
  const p = new Pic();
  initPic(p);
  p.raise(0);
  assert.ok(p.pending());
  assert.equal(p.master.irr, 1);
  assert.equal(p.acknowledge(), 0x30);
  assert.equal(p.master.irr, 0);
  assert.equal(p.master.isr, 1, 'the acknowledge puts IR0 in service');
});

test('fixed priority: IR0 highest, IR7 lowest; a lower request waits until the higher one is ended (8259A: fully nested mode)', () => {
  const p = new Pic();
  initPic(p);
  p.raise(5); p.raise(3);
  assert.equal(p.acknowledge(), 0x33);
  assert.ok(!p.pending(), 'IR5 has lower priority than IR3 in service');
  p.raise(1);
  assert.ok(p.pending(), 'IR1 has higher priority than IR3 in service: it nests');
  assert.equal(p.acknowledge(), 0x31);
  assert.equal(p.master.isr, (1 << 1) | (1 << 3));
  p.master.write(0x20, 1, EOI); // non-specific: ends the highest level in service, IR1
  assert.equal(p.master.isr, 1 << 3);
  assert.ok(!p.pending());
  p.master.write(0x20, 1, EOI);
  assert.equal(p.acknowledge(), 0x35);
});

test('specific EOI ends the named level only (8259A: OCW2 SL=1 EOI=1)', () => {
  const p = new Pic();
  initPic(p);
  p.raise(6); p.acknowledge();
  p.raise(2 + 2); p.acknowledge(); // IR4 nests over IR6
  p.master.write(0x20, 1, SPECIFIC_EOI | 6);
  assert.equal(p.master.isr, 1 << 4);
});

test('a masked request is kept in the IRR and interrupts when unmasked (8259A: OCW1)', () => {
  const p = new Pic();
  initPic(p, 0x30, 1 << 3);
  p.raise(3);
  assert.ok(!p.pending());
  p.master.write(0x20, 1, 0x0a); // OCW3: read IRR
  assert.equal(p.master.read(0x20), 1 << 3);
  p.master.write(0x21, 1, 0);
  assert.ok(p.pending());
  assert.equal(p.acknowledge(), 0x33);
});

test('OCW3 selects whether the command port reads the IRR or the ISR (8259A: OCW3 RR/RIS)', () => {
  const p = new Pic();
  initPic(p);
  p.raise(2 + 5); p.acknowledge(); p.raise(6);
  p.master.write(0x20, 1, 0x0b);
  assert.equal(p.master.read(0x20), 1 << 7, 'ISR');
  p.master.write(0x20, 1, 0x0a);
  assert.equal(p.master.read(0x20), 1 << 6, 'IRR');
  p.master.write(0x20, 1, 0x08); // RR = 0: no change of the selection
  assert.equal(p.master.read(0x20), 1 << 6);
});

test('edge-triggered: a line held high requests once; it must go low and high again (8259A: edge triggered mode)', () => {
  const p = new Pic();
  initPic(p);
  p.raise(4);
  assert.equal(p.acknowledge(), 0x34);
  p.master.write(0x20, 1, EOI);
  p.raise(4);
  assert.ok(!p.pending(), 'no new edge');
  p.lower(4); p.raise(4);
  assert.ok(p.pending());
});

test('cascade: slave IRQs come through master IR2 with the slave\'s vector; both chips need an EOI (8259A: cascade mode)', () => {
  const p = new Pic();
  initPic(p);
  p.pulse(10);
  assert.ok(p.pending());
  assert.equal(p.acknowledge(), 0x3a);
  assert.equal(p.master.isr, 1 << 2, 'the master has its cascade input in service');
  assert.equal(p.slave.isr, 1 << 2, 'the slave has IR2 (IRQ 10) in service');
  p.pulse(9); // higher priority on the slave, but the master's IR2 is in service
  assert.ok(!p.pending());
  p.slave.write(0xa0, 1, EOI);
  assert.ok(!p.pending(), 'the master still has IR2 in service');
  p.master.write(0x20, 1, EOI);
  assert.ok(p.pending());
  assert.equal(p.acknowledge(), 0x39);
});

test('a masked slave line does not reach the master; masking IR2 on the master hides the whole slave (8259A: cascade, OCW1)', () => {
  const p = new Pic();
  initPic(p, 0x30, 1 << 2);
  p.pulse(12);
  assert.ok(!p.pending());
  p.master.write(0x21, 1, 0);
  assert.equal(p.acknowledge(), 0x3c);
  const q = new Pic();
  initPic(q, 0x30, 0, 1 << 4);
  q.pulse(12);
  assert.ok(!q.pending());
});

test('an acknowledge with no request returns IR7 of the master, not put in service (8259A: spurious interrupt)', () => {
  const p = new Pic();
  initPic(p);
  assert.equal(p.acknowledge(), 0x37);
  assert.equal(p.master.isr, 0);
});

test('poll command: the next read acknowledges the highest request and returns 0x80 | level (8259A: poll command)', () => {
  const p = new Pic();
  initPic(p);
  p.raise(5);
  p.master.write(0x20, 1, 0x0c);
  assert.equal(p.master.read(0x20), 0x85);
  assert.equal(p.master.isr, 1 << 5);
  p.master.write(0x20, 1, 0x0c);
  assert.equal(p.master.read(0x20), 0, 'nothing else requests');
});

test('rotate on non-specific EOI makes the ended level the lowest (8259A: OCW2 R=1 EOI=1)', () => {
  const p = new Pic();
  initPic(p);
  p.raise(0); p.acknowledge();
  p.master.write(0x20, 1, 0xa0);
  p.raise(0); p.raise(1);
  assert.equal(p.acknowledge(), 0x31, 'IR0 is now the lowest priority');
});

test('AEOI: the acknowledge ends the interrupt by itself (8259A: ICW4 AEOI)', () => {
  const p = new Pic();
  p.master.write(0x20, 1, 0x13); // single, ICW4
  p.master.write(0x21, 1, 0x30);
  p.master.write(0x21, 1, 0x03); // AEOI, 8086
  p.master.write(0x21, 1, 0);
  p.raise(3);
  assert.equal(p.acknowledge(), 0x33);
  assert.equal(p.master.isr, 0);
});

// ---- the 8254 ---------------------------------------------------------------------------------

/** A PIT whose counter 0 is programmed from the host, ticking once per instruction. */
function pitAt(now: { t: number }, control: number, count: number, log: number[]): Pit {
  const pit = new Pit({ pulse: irq => log.push(irq) }, 1);
  (pit as unknown as { now: () => number }).now = () => now.t;
  pit.write(0x43, 1, control);
  pit.write(0x40, 1, count & 0xff);
  pit.write(0x40, 1, count >> 8);
  return pit;
}

test('mode 2 interrupts every N input clocks, for ever (8254: mode 2 rate generator)', () => {
  const now = { t: 1000 }, log: number[] = [];
  const pit = pitAt(now, 0x34, 500, log);
  assert.equal(pit.deadline, 1500);
  for (const t of [1500, 2000, 2500]) { now.t = t; pit.tick(t); }
  assert.deepEqual(log, [0, 0, 0]);
  assert.equal(pit.deadline, 3000);
});

test('mode 3 has the same period; reading counts down by two (8254: mode 3 square wave)', () => {
  const now = { t: 0 }, log: number[] = [];
  const pit = pitAt(now, 0x36, 1000, log);
  assert.equal(pit.deadline, 1000);
  now.t = 100;
  pit.write(0x43, 1, 0x00); // latch counter 0
  const lo = pit.read(0x40), hi = pit.read(0x40);
  assert.equal(lo | (hi << 8), 800);
});

test('mode 0 interrupts once at terminal count (8254: mode 0)', () => {
  const now = { t: 0 }, log: number[] = [];
  const pit = pitAt(now, 0x30, 300, log);
  assert.equal(pit.deadline, 300);
  now.t = 300; pit.tick(300);
  assert.equal(pit.deadline, Infinity);
  assert.deepEqual(log, [0]);
});

test('the counter-latch command freezes the count until both bytes are read (8254: counter latch command)', () => {
  const now = { t: 0 }, log: number[] = [];
  const pit = pitAt(now, 0x34, 0x1234, log);
  now.t = 0x34;
  pit.write(0x43, 1, 0x00);
  now.t = 0x100;
  assert.equal(pit.read(0x40), 0x00);
  assert.equal(pit.read(0x40), 0x12);
  assert.equal(pit.read(0x40) | (pit.read(0x40) << 8), 0x1234 - 0x100, 'live again after the latch was read');
});

// ---- wired to the CPU -------------------------------------------------------------------------

/** Handlers for vectors 0x30..0x3F at HANDLERS: each logs its vector and the interrupted
 *  EIP at RECORD (count at RECORD, pairs after), sends the EOIs, and irets. */
function installIrqHandlers(c: Cpu): void {
  const stubs = Array.from({ length: 16 }, (_, i) => `align 8\nh${i}: push ${0x30 + i}\njmp irq_common`).join('\n');
  place(c, HANDLERS, `${stubs}
  align 8
  irq_common:
    push eax
    push ebx
    mov eax, [${RECORD}]
    mov ebx, [esp+8]
    mov [${RECORD + 4}+eax*8], ebx
    mov ebx, [esp+12]
    mov [${RECORD + 8}+eax*8], ebx
    inc dword [${RECORD}]
    mov al, 0x20
    cmp dword [esp+8], 0x38
    jb .master
    out 0xa0, al
  .master:
    out 0x20, al
    pop ebx
    pop eax
    add esp, 4
    iret`);
  for (let i = 0; i < 16; i++) setGate(c, 0x30 + i, HANDLERS + i * 8);
}

/** A test device: a byte written to port 0x80 pulses that IRQ line. */
const DOORBELL = 0x80;

function machine(): { c: Cpu; pic: Pic } {
  const c = makeCpu();
  const pic = new Pic();
  pic.attach(c.ports);
  c.pic = pic;
  c.ports.register(DOORBELL, 1, { read: () => 0xff, write: (_p, _s, v) => pic.pulse(v & 15) });
  installIrqHandlers(c);
  return { c, pic };
}

/** What the handlers logged: [vector, interrupted EIP] pairs. */
function irqLog(c: Cpu): [number, number][] {
  const n = peek32(c, RECORD);
  return Array.from({ length: n }, (_, i) => [peek32(c, RECORD + 4 + i * 8), peek32(c, RECORD + 8 + i * 8)]);
}

const PIC_INIT = `
    mov al, 0x11
    out 0x20, al
    mov al, 0x30
    out 0x21, al
    mov al, 0x04
    out 0x21, al
    mov al, 0x01
    out 0x21, al
    mov al, 0x11
    out 0xa0, al
    mov al, 0x38
    out 0xa1, al
    mov al, 0x02
    out 0xa1, al
    mov al, 0x01
    out 0xa1, al
    xor eax, eax
    out 0x21, al
    out 0xa1, al`;

test('the guest programs the PIC through ports 0x20/0x21/0xA0/0xA1 (8259A: ICW1-4 on the PC ports)', () => {
  const { c, pic } = machine();
  place(c, CODE, `${PIC_INIT}\n hlt`);
  c.eip = CODE;
  assert.equal(c.run(1000).kind, 'halted');
  assert.equal(pic.master.vectorBase, 0x30);
  assert.equal(pic.slave.vectorBase, 0x38);
  assert.equal(pic.master.imr, 0);
});

test('with IF clear a request waits; it is taken after the instruction following sti (SDM STI: interrupts recognised after the next instruction)', () => {
  const { c, pic } = machine();
  const head = `${PIC_INIT}
    xor al, al
    out ${DOORBELL}, al
    mov ecx, 10
  spin: dec ecx
    jnz spin
    sti
    mov ebx, 1`;
  place(c, CODE, `${head}
    mov edx, 2
    cli
    hlt`);
  c.eip = CODE;
  assert.equal(c.run(10_000).kind, 'halted');
  const bytes = place(c, CODE, head);
  assert.deepEqual(irqLog(c), [[0x30, CODE + bytes.length]], 'taken once, after the mov that follows sti');
});

test('a request raised while IF is set is taken at the next instruction boundary and the handler returns into the interrupted loop (SDM 6.8.3)', () => {
  const { c, pic } = machine();
  place(c, CODE, `${PIC_INIT}
    sti
    mov ecx, 1000
  spin: dec ecx
    jnz spin
    cli
    hlt`);
  c.eip = CODE;
  c.run(200);
  pic.pulse(1);
  c.run(10_000);
  const log = irqLog(c);
  assert.equal(log.length, 1);
  assert.equal(log[0][0], 0x31);
  assert.equal(c.regs[1], 0, 'the loop finished after the handler returned');
});

test('hlt waits for an interrupt; run() reports halted when nothing can wake it, and resumes after the line rises (SDM HLT)', () => {
  const { c, pic } = machine();
  const pre = place(c, CODE, `${PIC_INIT}\n sti\n hlt\n`);
  place(c, CODE, `${PIC_INIT}
    sti
    hlt
    mov ebx, 7
    cli
    hlt`);
  c.eip = CODE;
  assert.equal(c.run(10_000).kind, 'halted');
  assert.equal(c.eip, CODE + pre.length, 'EIP is after the hlt');
  assert.equal(c.regs[3], 0);
  pic.raise(12);
  assert.equal(c.run(10_000).kind, 'halted');
  assert.deepEqual(irqLog(c), [[0x3c, CODE + pre.length]]);
  assert.equal(c.regs[3], 7);
});

test('hlt with IF clear cannot be woken by an IRQ: run() returns halted (SDM HLT, 6.8.1)', () => {
  const { c, pic } = machine();
  place(c, CODE, `${PIC_INIT}\n cli\n hlt`);
  c.eip = CODE;
  pic.raise(0);
  assert.equal(c.run(10_000).kind, 'halted');
  assert.equal(c.run(10_000).kind, 'halted');
  assert.deepEqual(irqLog(c), []);
});

test('the timer: hlt skips time to the next PIT interrupt; IRQ 0 arrives at the programmed instruction count, deterministically (8254 mode 2)', () => {
  const run = () => {
    const { c, pic } = machine();
    const pit = new Pit(pic, 1);
    pit.attach(c);
    place(c, CODE, `${PIC_INIT}
      mov al, 0x34
      out 0x43, al
      mov al, 0xe8
      out 0x40, al
      mov al, 0x03
      out 0x40, al   ; 1000 instructions
      sti
    idle:
      hlt
      cmp dword [${RECORD}], 3
      jb idle
      cli
      hlt`);
    c.eip = CODE;
    assert.equal(c.run(100_000).kind, 'halted');
    return { log: irqLog(c), icount: c.icount, programmedAt: pit.counters[0].start };
  };
  const a = run(), b = run();
  assert.deepEqual(a, b, 'two runs are identical');
  assert.equal(a.log.length, 3);
  assert.ok(a.log.every(([v]) => v === 0x30));
  // The count's last byte was written by the 25th instruction (24 retired before it):
  // the timer counts from there; ticks at +1000, +2000, +3000.
  assert.equal(a.programmedAt, 24);
  assert.ok(a.icount >= 3024 && a.icount < 3024 + 30, `icount ${a.icount}`);
});

test('a masked timer does not wake hlt; run() spends its budget (8259A: OCW1; SDM HLT)', () => {
  const { c, pic } = machine();
  const pit = new Pit(pic, 1);
  pit.attach(c);
  place(c, CODE, `${PIC_INIT}
    mov al, 0x01
    out 0x21, al
    mov al, 0x34
    out 0x43, al
    mov al, 100
    out 0x40, al
    xor al, al
    out 0x40, al
    sti
    hlt`);
  c.eip = CODE;
  assert.equal(c.run(5000).kind, 'budget');
  assert.equal(c.icount, 5000);
  assert.deepEqual(irqLog(c), []);
});

test('vectorBreaks stop the run when an IRQ handler is entered; step() takes a pending IRQ as one step', () => {
  const { c, pic } = machine();
  place(c, CODE, `${PIC_INIT}\n sti\n nop\n nop\n cli\n hlt`);
  c.eip = CODE;
  c.vectorBreaks.add(0x35);
  const stop = c.run(22); // PIC_INIT (19 instructions), sti, nop: interrupts allowed now
  assert.equal(stop.kind, 'budget');
  pic.pulse(5);
  assert.deepEqual(c.run(1000), { kind: 'vector', vector: 0x35 });
  assert.equal(c.eip, HANDLERS + 5 * 8, 'stopped on the handler\'s first instruction');
  c.vectorBreaks.clear();
  assert.equal(c.run(1000).kind, 'halted');
  const d = machine();
  place(d.c, CODE, `${PIC_INIT}\n sti\n nop\n nop\n cli\n hlt`);
  d.c.eip = CODE;
  d.c.run(22);
  d.pic.pulse(3);
  const before = d.c.icount;
  d.c.step();
  assert.equal(d.c.eip, HANDLERS + 3 * 8, 'the step delivered the interrupt');
  assert.equal(d.c.icount, before, 'a delivery retires no instruction');
});

test('the sti shadow holds when the request arrives after sti (between runs, or at a timer deadline): sti; hlt cannot miss it (SDM STI)', () => {
  const { c, pic } = machine();
  const head = place(c, CODE, `${PIC_INIT}\n sti\n hlt`);
  place(c, CODE, `${PIC_INIT}\n sti\n hlt\n cli\n hlt`);
  c.eip = CODE;
  assert.equal(c.run(20).kind, 'budget', 'PIC_INIT and the sti');
  pic.pulse(0);
  assert.equal(c.run(1000).kind, 'halted');
  assert.deepEqual(irqLog(c), [[0x30, CODE + head.length]], 'taken after the hlt, which it woke');

  // The same with the timer: its deadline falls right after the sti.
  const m = machine();
  const pit = new Pit(m.pic, 1);
  pit.attach(m.c);
  const prog = `${PIC_INIT}
    mov al, 0x30          ; counter 0, mode 0, LSB then MSB
    out 0x43, al
    mov al, 5
    out 0x40, al
    xor al, al
    out 0x40, al          ; counting starts here: the deadline is 5 instructions on,
    nop                   ; counting this out
    nop
    nop
    sti                   ; the 5th: the timer fires right after it
    hlt`;
  const upToHlt = place(m.c, CODE, prog);
  place(m.c, CODE, `${prog}\n cli\n hlt`);
  m.c.eip = CODE;
  m.c.run(10_000);
  assert.deepEqual(irqLog(m.c), [[0x30, CODE + upToHlt.length]]);
});
