// Segment protection and privileged instructions, from the SDM vol. 3, chapter 5
// (protection) and the instruction pages of vol. 2. Each test names its rule. The
// fixture's exception stubs record the vector and halt with the CPU's frame on the stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cpu } from '../../kernel/cpu/cpu.ts';
import { hasErrorCode, CS, DS, FS, SS, IF, IOPL, DF, CF } from '../../kernel/cpu/types.ts';
import { makeCpu, enterRing3, lastException, CODE, TSS, USTACK_TOP } from './fixture.ts';
import { place, setDescriptor, mapPage, stack, HANDLERS } from './pmode.ts';

const GP = 13, NP = 11, SS_VEC = 12, TS = 10;
/** Where fixture.ts's TSS keeps its I/O permission bitmap. */
const TSS_IO_MAP = 0x68;

/** The exception the stubs caught: vector, error code (if the vector has one), and the
 *  EIP and CS the CPU saved. */
function caught(c: Cpu): { vector: number; error?: number; eip: number; cs: number } | null {
  const e = lastException(c);
  if (!e) return null;
  const s = stack(c, 3);
  return hasErrorCode(e.vector) ? { vector: e.vector, error: s[0], eip: s[1], cs: s[2] & 0xffff } : { vector: e.vector, eip: s[0], cs: s[1] & 0xffff };
}

/** Runs `source` at ring 0 (or ring 3) from CODE until the stubs halt or the code does. */
function run(source: string, opts: { ring3?: boolean; setup?: (c: Cpu) => void; eflags?: number } = {}): Cpu {
  const c = makeCpu();
  opts.setup?.(c);
  place(c, CODE, source);
  if (opts.ring3) enterRing3(c, CODE); else c.eip = CODE;
  if (opts.eflags !== undefined) c.flags.set(opts.eflags);
  c.run(10_000);
  return c;
}

function expectFault(c: Cpu, vector: number, error: number | undefined, eip = CODE, what = ''): void {
  const f = caught(c);
  assert.ok(f, `${what}: expected vector ${vector}, got no exception`);
  assert.equal(f!.vector, vector, `${what}: vector`);
  if (error !== undefined) assert.equal(f!.error, error, `${what}: error code`);
  assert.equal(f!.eip, eip, `${what}: saved EIP (a fault names the faulting instruction)`);
}

function expectNoFault(c: Cpu, what = ''): void {
  assert.equal(lastException(c), null, what);
}

/** Extra descriptors the tests use (beyond fixture.ts's NT selectors). */
const XO_CODE = 0x40, R_CODE = 0x48, CONF_CODE = 0x50, RO_DATA = 0x58, ABSENT_DATA = 0x60, LDT_SEL = 0x68,
  RING3_CODE_CONF = 0x70, SMALL_DATA = 0x78, SMALL_DATA3 = 0x88;
/** Free memory below the IDT stubs' common code (fixture.ts) for a small LDT. */
const LDT = 0x7800;

function extraDescriptors(c: Cpu): void {
  setDescriptor(c, XO_CODE, 0, 0xffffffff, 0x98);         // execute-only code, DPL 0
  setDescriptor(c, R_CODE, 0, 0xffffffff, 0x9a);          // readable code, DPL 0
  setDescriptor(c, CONF_CODE, 0, 0xffffffff, 0x9e);       // conforming readable code, DPL 0
  setDescriptor(c, RO_DATA, 0, 0xffffffff, 0x90);         // read-only data, DPL 0
  setDescriptor(c, ABSENT_DATA, 0, 0xffffffff, 0x12);     // writable data, not present
  setDescriptor(c, LDT_SEL, LDT, 0x0f, 0x82, 0);          // an LDT with two entries
  setDescriptor(c, RING3_CODE_CONF, 0, 0xffffffff, 0xfe); // conforming code, DPL 3
  setDescriptor(c, SMALL_DATA, 0x8000, 0xff, 0x92, 4);    // 256-byte data segment
  setDescriptor(c, SMALL_DATA3, 0x8000, 0xff, 0xf2, 4);   // the same, DPL 3
  // LDT entry 1 (selector 0x0C / 0x0F): ring-3 writable data.
  c.mem.write32(LDT + 8, 0x0000ffff);
  c.mem.write32(LDT + 12, 0x00cff200);
}

// ---- data segment loads --------------------------------------------------------------------

test('a null selector may be loaded into DS, ES, FS, GS at any ring; using it raises #GP(0) (SDM 5.4.1)', () => {
  for (const ring3 of [false, true]) {
    // DS and ES are given back a usable selector before the access: the exception
    // stubs write their log through DS.
    const c = run(`
      mov ax, ${ring3 ? 3 : 0}
      mov ds, ax
      mov es, ax
      mov fs, ax
      mov gs, ax
      mov ax, 0x23
      mov ds, ax
      mov es, ax
      mov eax, [fs:0x100]`, { ring3 });
    expectFault(c, GP, 0, CODE + 4 + 4 * 2 + 4 + 2 * 2, ring3 ? 'ring 3' : 'ring 0');
    assert.equal(c.seg[FS], ring3 ? 3 : 0);
    assert.equal(c.seg[5], ring3 ? 3 : 0);
  }
});

test('loading SS with a null selector raises #GP(0) (SDM MOV: "If attempt is made to load SS register with NULL segment selector")', () => {
  expectFault(run('xor eax, eax\n mov ss, ax'), GP, 0, CODE + 2);
  expectFault(run('mov eax, 3\n mov ss, ax', { ring3: true }), GP, 0, CODE + 5);
});

test('a selector beyond the GDT limit raises #GP(selector) with RPL cleared (SDM 5.4: limit checking of descriptor tables)', () => {
  const c = run('mov ax, 0x1fb\n mov es, ax');
  expectFault(c, GP, 0x1f8, CODE + 4);
});

test('a selector with TI=1 and no LDT, or beyond the LDT limit, raises #GP(selector); within it, the LDT descriptor loads (SDM 3.5.1, 5.4)', () => {
  expectFault(run('mov ax, 0x0c\n mov ds, ax'), GP, 0x0c, CODE + 4, 'no LDT');
  const c = run(`
    mov ax, ${LDT_SEL}
    lldt ax
    mov ax, 0x0f
    mov ds, ax
    mov ax, 0x17
    mov es, ax`, { setup: extraDescriptors });
  assert.equal(c.seg[DS], 0x0f, 'the LDT data descriptor was loaded');
  expectFault(c, GP, 0x14, CODE + 4 + 3 + 4 + 2 + 4, 'beyond the LDT limit');
});

test('type checks on data segment loads: system and execute-only code descriptors raise #GP(selector); readable code loads (SDM 5.5)', () => {
  expectFault(run('mov ax, 0x28\n mov ds, ax'), GP, 0x28, CODE + 4, 'TSS into DS');
  expectFault(run(`mov ax, ${XO_CODE}\n mov ds, ax`, { setup: extraDescriptors }), GP, XO_CODE, CODE + 4, 'execute-only code into DS');
  expectNoFault(run(`mov ax, ${R_CODE}\n mov ds, ax\n mov eax, [0x1000]\n hlt`, { setup: extraDescriptors }), 'readable code into DS');
});

test('type checks on SS: only writable data; code or read-only data raise #GP(selector) (SDM MOV)', () => {
  expectFault(run('mov ax, 0x08\n mov ss, ax'), GP, 0x08, CODE + 4, 'code into SS');
  expectFault(run(`mov ax, ${RO_DATA}\n mov ss, ax`, { setup: extraDescriptors }), GP, RO_DATA, CODE + 4, 'read-only data into SS');
});

test('privilege on data loads: DPL must be >= CPL and >= RPL, else #GP(selector); conforming code is exempt (SDM 5.6)', () => {
  expectFault(run('mov ax, 0x10\n mov ds, ax', { ring3: true }), GP, 0x10, CODE + 4, 'ring 3 loading a DPL-0 segment');
  expectFault(run('mov ax, 0x13\n mov ds, ax'), GP, 0x10, CODE + 4, 'RPL 3 > DPL 0 at ring 0');
  expectNoFault(run('mov ax, 0x23\n mov ds, ax\n hlt'), 'ring 0 loading a DPL-3 segment');
  expectNoFault(run(`mov ax, ${CONF_CODE | 3}\n mov ds, ax\n mov eax, [ds:0x1000]\n jmp $`, { ring3: true, setup: extraDescriptors }),
    'ring 3 loading conforming readable code of DPL 0');
});

test('privilege on SS: RPL and DPL must both equal CPL, else #GP(selector) (SDM 5.7)', () => {
  expectFault(run('mov ax, 0x23\n mov ss, ax'), GP, 0x20, CODE + 4, 'ring 0, DPL 3');
  expectFault(run('mov ax, 0x13\n mov ss, ax'), GP, 0x10, CODE + 4, 'ring 0, RPL 3');
  expectFault(run('mov ax, 0x10\n mov ss, ax', { ring3: true }), GP, 0x10, CODE + 4, 'ring 3, DPL 0');
});

test('a not-present data segment raises #NP(selector); a not-present stack segment #SS(selector) (SDM 6.15: #NP, #SS)', () => {
  const absentStack = (c: Cpu) => { extraDescriptors(c); setDescriptor(c, 0x80, 0, 0xffffffff, 0x12); };
  expectFault(run(`mov ax, ${ABSENT_DATA}\n mov gs, ax`, { setup: extraDescriptors }), NP, ABSENT_DATA, CODE + 4, 'data');
  expectFault(run('mov ax, 0x80\n mov ss, ax', { setup: absentStack }), SS_VEC, 0x80, CODE + 4, 'stack');
});

test('pop ds/es/ss apply the same checks; a faulting pop leaves ESP unchanged (SDM POP)', () => {
  const c = run('push dword 0x13\n pop es');
  expectFault(c, GP, 0x10, CODE + 2);
  // Above the stub's frame (error code, EIP, CS, EFLAGS) the pushed value is still there.
  assert.equal(stack(c, 5)[4], 0x13, 'ESP still points at the value');
  expectFault(run('push dword 0\n pop ss'), GP, 0, CODE + 2, 'pop ss, null');
  const ok = run('push dword 0x23\n pop ds\n hlt');
  expectNoFault(ok);
  assert.equal(ok.seg[DS], 0x23);
});

test('access beyond a segment limit raises #GP(0); through SS, #SS(0) (SDM 5.3)', () => {
  const setup = (c: Cpu) => extraDescriptors(c);
  expectFault(run(`mov ax, ${SMALL_DATA}\n mov es, ax\n mov eax, [es:0xfd]`, { setup }), GP, 0, CODE + 6, 'a dword at 0xFD of a 0xFF limit');
  expectNoFault(run(`mov ax, ${SMALL_DATA}\n mov es, ax\n mov eax, [es:0xfc]\n hlt`, { setup }), 'the last dword');
  // At ring 3, so that the #SS handler gets a fresh ring-0 stack from the TSS.
  expectFault(run(`mov ax, ${SMALL_DATA3 | 3}\n mov ss, ax\n mov esp, 0x102\n push eax`, { setup, ring3: true }), SS_VEC, 0,
    CODE + 4 + 2 + 5, 'push beyond the stack limit');
});

// ---- fs: the KPCR and the TEB ------------------------------------------------------------------

test('fs = 0x30 in ring 0 has base 0xFFDFF000 (the KPCR); its limit is enforced (NT selectors; SDM 5.3)', () => {
  const c = makeCpu({ paging: true });
  mapPage(c, 0xffdff000, 0x50000, 3);
  c.mem.write32(0x50000 + 0x1c, 0x12345678); // KPCR.SelfPcr
  place(c, CODE, 'mov ax, 0x30\n mov fs, ax\n mov esi, [fs:0x1c]\n mov ebx, [fs:0xffc]\n mov ecx, [fs:0xffd]');
  c.eip = CODE;
  c.run(100);
  assert.equal(c.segBase[FS] >>> 0, 0xffdff000);
  assert.equal(c.regs[6], 0x12345678);
  expectFault(c, GP, 0, CODE + 4 + 2 + 7 + 7, 'the dword at 0xFFD crosses the 4 KiB limit');
});

test('fs = 0x3B in ring 3 reaches the TEB; ring 3 cannot load 0x30 (NT selectors; SDM 5.6)', () => {
  const c = makeCpu({ paging: true });
  mapPage(c, 0x7ffde000, 0x51000, 7);
  c.mem.write32(0x51000 + 0x18, 0x7ffde000); // NT_TIB.Self
  place(c, CODE, 'mov ax, 0x3b\n mov fs, ax\n mov esi, [fs:0x18]\n mov ax, 0x30\n mov fs, ax');
  enterRing3(c, CODE);
  c.run(100);
  assert.equal(c.regs[6] >>> 0, 0x7ffde000);
  expectFault(c, GP, 0x30, CODE + 4 + 2 + 7 + 4, 'mov fs, 0x30 at ring 3');
});

test('iret and retf to ring 3 null the data segment registers ring 3 may not use (fs = 0x30 becomes 0; 0x3B stays) (SDM IRET, RET)', () => {
  for (const insn of ['iretd', 'retf']) {
    const c = makeCpu();
    const frame = insn === 'iretd' ? `push dword 0x23\n push dword ${USTACK_TOP}\n push dword 0x202\n push dword 0x1b\n push dword user`
      : `push dword 0x23\n push dword ${USTACK_TOP}\n push dword 0x1b\n push dword user`;
    place(c, CODE, `
      mov ax, 0x30
      mov fs, ax
      mov ax, 0x3b
      mov gs, ax
      ${frame}
      ${insn}
    user:
      jmp user`);
    c.eip = CODE;
    c.run(100);
    assert.equal(c.cpl, 3, insn);
    assert.equal(c.seg[CS], 0x1b);
    assert.equal(c.seg[SS], 0x23);
    assert.equal(c.regs[4], USTACK_TOP);
    assert.equal(c.seg[FS], 0, `${insn} nulls fs = 0x30`);
    assert.equal(c.seg[DS], 0, `${insn} nulls ds = 0x10`);
    assert.equal(c.seg[5], 0x3b, `${insn} keeps gs = 0x3B`);
  }
});

// ---- far transfers ---------------------------------------------------------------------------

test('far jmp: a null selector raises #GP(0), a data segment or a non-conforming segment of another DPL #GP(selector), an offset beyond the limit #GP(0) (SDM JMP)', () => {
  expectFault(run('jmp 0x0000:0x1000'), GP, 0, CODE, 'null');
  expectFault(run('jmp 0x0010:0x1000'), GP, 0x10, CODE, 'data');
  expectFault(run('jmp 0x001b:0x1000'), GP, 0x18, CODE, 'DPL 3 code from ring 0');
  expectFault(run('jmp 0x000b:0x1000'), GP, 0x08, CODE, 'RPL 3 > CPL 0');
  expectFault(run('jmp 0x0008:0x1000', { ring3: true }), GP, 0x08, CODE, 'DPL 0 code from ring 3');
  expectFault(run(`jmp ${SMALL_DATA}:0x1000`, { setup: c => { extraDescriptors(c); setDescriptor(c, SMALL_DATA, 0, 0xff, 0x9a, 4); } }), GP, 0, CODE, 'offset beyond the limit');
  expectFault(run('jmp 0x0080:0x10', { setup: c => setDescriptor(c, 0x80, 0, 0xffffffff, 0x1a) }), NP, 0x80, CODE, 'not present: #NP');
});

test('far jmp and call to a conforming segment keep CPL; a call pushes CS and EIP and retf returns (SDM 5.8.1.2, CALL, RET)', () => {
  const c = makeCpu();
  extraDescriptors(c);
  place(c, HANDLERS, 'mov ebx, cs\n retf');
  place(c, CODE, `call ${RING3_CODE_CONF}:${HANDLERS}\n mov ecx, cs\n jmp $`);
  enterRing3(c, CODE);
  c.run(100);
  expectNoFault(c);
  assert.equal(c.regs[3], RING3_CODE_CONF | 3, 'CS.RPL is the CPL, 3');
  assert.equal(c.regs[1], 0x1b);
  assert.equal(c.cpl, 3);
  const d = run(`jmp ${CONF_CODE}:next\n next: mov ebx, cs\n jmp $`, { ring3: true, setup: extraDescriptors });
  expectNoFault(d);
  assert.equal(d.regs[3], CONF_CODE | 3, 'DPL 0 conforming code runs at CPL 3');
  assert.equal(d.cpl, 3);
});

test('retf to a more privileged ring raises #GP(selector); to an outer ring it switches stacks (SDM RET)', () => {
  expectFault(run('push dword 0x08\n push dword 0x1000\n retf', { ring3: true }), GP, 0x08, CODE + 2 + 5);
  const c = run(`push dword 0x23\n push dword 0x8000\n push dword 0x1b\n push dword user\n retf 0\n user: jmp user`);
  assert.equal(c.cpl, 3);
  assert.equal(c.regs[4], 0x8000);
});

test('far call, retf and iret with a null code selector raise #GP(0) (SDM CALL, RET, IRET)', () => {
  expectFault(run('call 0x0000:0x1000'), GP, 0, CODE, 'call');
  expectFault(run('push dword 0\n push dword 0x1000\n retf'), GP, 0, CODE + 2 + 5, 'retf');
  expectFault(run('push dword 0x202\n push dword 0\n push dword 0x1000\n iretd'), GP, 0, CODE + 5 + 2 + 5, 'iret');
  expectFault(run('push dword 0x10\n push dword 0x1000\n retf'), GP, 0x10, CODE + 2 + 5, 'retf to a data segment');
});

test('iret to an outer ring checks the popped SS: RPL must equal the new CPL (SDM IRET: #GP(SS selector))', () => {
  const c = run(`push dword 0x20\n push dword 0x8000\n push dword 0x202\n push dword 0x1b\n push dword 0x1000\n iretd`);
  expectFault(c, GP, 0x20, CODE + 2 + 5 + 5 + 2 + 5);
});

// ---- privileged instructions -----------------------------------------------------------------

test('privileged instructions at CPL 3 raise #GP(0) (SDM 5.9)', () => {
  const insns = ['hlt', 'lgdt [0x100]', 'lidt [0x100]', 'ltr ax', 'lldt ax', 'mov cr0, eax', 'mov eax, cr0', 'mov cr3, eax',
    'mov eax, cr3', 'mov cr4, eax', 'mov eax, cr2', 'mov dr7, eax', 'mov eax, dr6', 'invlpg [0x100]', 'wrmsr', 'rdmsr', 'clts',
    'wbinvd', 'invd', 'lmsw ax'];
  for (const insn of insns) expectFault(run(insn, { ring3: true }), GP, 0, CODE, insn);
});

test('cli and sti need CPL <= IOPL: #GP(0) at ring 3 with IOPL 0, allowed with IOPL 3 (SDM CLI, STI)', () => {
  for (const insn of ['cli', 'sti']) {
    expectFault(run(insn, { ring3: true }), GP, 0, CODE, `${insn}, IOPL 0`);
    const c = run(`${insn}\n jmp $`, { ring3: true, eflags: IOPL | (insn === 'cli' ? IF : 0) });
    expectNoFault(c, `${insn}, IOPL 3`);
    assert.equal(c.eflags & IF, insn === 'cli' ? 0 : IF);
  }
});

test('in/out at CPL > IOPL consult the TSS I/O permission bitmap: every bit of the access must be clear (SDM 18.5.2)', () => {
  const allow = (port: number) => (c: Cpu) => { c.mem.write8(TSS + TSS_IO_MAP + (port >> 3), c.mem.read8(TSS + TSS_IO_MAP + (port >> 3)) & ~(1 << (port & 7))); };
  expectFault(run('out 0x80, al', { ring3: true }), GP, 0, CODE, 'all ports denied');
  expectNoFault(run('out 0x80, al\n in al, 0x80\n jmp $', { ring3: true, setup: allow(0x80) }), 'port 0x80 allowed');
  expectFault(run('out 0x80, ax', { ring3: true, setup: allow(0x80) }), GP, 0, CODE, 'a word needs 0x81 too');
  expectFault(run('mov dx, 0x81\n in al, dx', { ring3: true, setup: allow(0x80) }), GP, 0, CODE + 4, 'port 0x81');
  expectNoFault(run('out 0x81, al\n jmp $', { ring3: true, eflags: IOPL }), 'IOPL 3 allows everything');
  expectNoFault(run('out 0x81, al\n hlt'), 'ring 0');
});

test('popf at CPL 3 changes neither IF nor IOPL, and raises no exception; other flags change (SDM POPF)', () => {
  const c = run(`push dword ${IOPL | DF | CF}\n popfd\n jmp $`, { ring3: true, eflags: IF });
  expectNoFault(c);
  assert.equal(c.eflags & (IF | IOPL), IF, 'IF stays set, IOPL stays 0');
  assert.equal(c.eflags & (DF | CF), DF | CF);
  const d = run(`push dword 0\n popfd\n jmp $`, { ring3: true, eflags: IF | IOPL });
  assert.equal(d.eflags & (IF | IOPL), IOPL, 'with IOPL 3, ring 3 may clear IF, not IOPL');
  const e = run(`push dword ${IOPL | IF}\n popfd\n hlt`);
  assert.equal(e.eflags & (IF | IOPL), IF | IOPL, 'ring 0 changes both');
});

test('a bad SS0 in the TSS on a ring-3 -> ring-0 interrupt raises #TS(SS0 selector) (SDM 6.12.1, #TS)', () => {
  // The #TS handler must not need a stack switch itself: its gate points at conforming
  // code, which runs at the interrupted CPL on the interrupted stack.
  const c = makeCpu();
  extraDescriptors(c);
  c.mem.write32(TSS + 8, 0x23); // SS0 = a DPL-3 data segment: not valid for ring 0
  place(c, HANDLERS, 'pop dword [0x7200]\n mov dword [0x7204], 1\n jmp $');
  const lo = (CONF_CODE << 16) | (HANDLERS & 0xffff), hi = (HANDLERS & 0xffff0000) | 0x8e00;
  c.mem.write32(0x2000 + TS * 8, lo); c.mem.write32(0x2000 + TS * 8 + 4, hi);
  place(c, CODE, 'int 0x2e');
  enterRing3(c, CODE);
  c.run(100);
  assert.equal(c.mem.read32(0x7204), 1, 'the #TS handler ran');
  assert.equal(c.mem.read32(0x7200), 0x20, 'error code: the SS0 selector, EXT clear (int n is software)');
  assert.equal(c.cpl, 3);
});
