// The struct layer: the reference table's offsets, the generated ks386.inc agreeing with the
// TypeScript definitions once assembled, and field access through guest memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OB_IO_STRUCTS } from '../../kernel/nt/oblayouts.ts';
import { KPCR, KTHREAD, KTRAP_FRAME, KSERVICE_TABLE_DESCRIPTOR, KAPC_STATE, KUSER_SHARED_DATA, ALL_STRUCTS, LIST_ENTRY } from '../../kernel/nt/layouts.ts';
import { ks386 } from '../../kernel/nt/asmgen.ts';
import { assemble } from '../../kernel/asm/index.ts';
import { describe, defineStruct, type GuestAccess } from '../../kernel/nt/struct.ts';

test('KPCR, KPRCB and KTHREAD offsets are the reference table', () => {
  const pcr: Record<string, number> = {
    'NtTib.ExceptionList': 0x00, SelfPcr: 0x1C, Prcb: 0x20, Irql: 0x24, IRR: 0x28, IrrActive: 0x2C, IDR: 0x30,
    IDT: 0x38, GDT: 0x3C, TSS: 0x40, PrcbData: 0x120, 'PrcbData.CurrentThread': 0x124,
    'PrcbData.NextThread': 0x128, 'PrcbData.IdleThread': 0x12C,
  };
  for (const [p, off] of Object.entries(pcr)) assert.equal(KPCR.path(p), off, `KPCR.${p}`);
  const thread: Record<string, number> = {
    Header: 0x00, InitialStack: 0x18, StackLimit: 0x1C, Teb: 0x20, KernelStack: 0x28, ApcState: 0x34,
    'ApcState.ApcListHead[0]': 0x34, 'ApcState.ApcListHead[1]': 0x3C, 'ApcState.Process': 0x44,
    'ApcState.KernelApcInProgress': 0x48, 'ApcState.KernelApcPending': 0x49, 'ApcState.UserApcPending': 0x4A,
    ServiceTable: 0xDC, CallbackStack: 0x120, TrapFrame: 0x128, PreviousMode: 0x137,
  };
  for (const [p, off] of Object.entries(thread)) assert.equal(KTHREAD.path(p), off, `KTHREAD.${p}`);
  assert.equal(KAPC_STATE.size, 0x18);
});

test('KTRAP_FRAME is 0x8C bytes with every field where the reference puts it', () => {
  assert.equal(KTRAP_FRAME.size, 0x8C);
  const expected: [string, number][] = [
    ['DbgEbp', 0x00], ['DbgEip', 0x04], ['DbgArgMark', 0x08], ['DbgArgPointer', 0x0C], ['TempSegCs', 0x10],
    ['TempEsp', 0x14], ['Dr0', 0x18], ['Dr1', 0x1C], ['Dr2', 0x20], ['Dr3', 0x24], ['Dr6', 0x28], ['Dr7', 0x2C],
    ['SegGs', 0x30], ['SegEs', 0x34], ['SegDs', 0x38], ['Edx', 0x3C], ['Ecx', 0x40], ['Eax', 0x44],
    ['PreviousPreviousMode', 0x48], ['ExceptionList', 0x4C], ['SegFs', 0x50], ['Edi', 0x54], ['Esi', 0x58],
    ['Ebx', 0x5C], ['Ebp', 0x60], ['ErrCode', 0x64], ['Eip', 0x68], ['SegCs', 0x6C], ['EFlags', 0x70],
    ['HardwareEsp', 0x74], ['HardwareSegSs', 0x78], ['V86Es', 0x7C], ['V86Ds', 0x80], ['V86Fs', 0x84], ['V86Gs', 0x88],
  ];
  assert.deepEqual(KTRAP_FRAME.fields.map(f => [f.name, f.offset]), expected);
});

test('service descriptor and KUSER_SHARED_DATA offsets', () => {
  assert.deepEqual(KSERVICE_TABLE_DESCRIPTOR.off, { Base: 0, Count: 4, Limit: 8, Number: 0xC });
  assert.equal(KSERVICE_TABLE_DESCRIPTOR.size, 0x10);
  assert.equal(KUSER_SHARED_DATA.off.SystemCall, 0x300);
  assert.equal(KUSER_SHARED_DATA.off.SystemCallReturn, 0x304);
});

test('ks386.inc assembles, and every struc offset and size equals the TypeScript definition', () => {
  const r = assemble('%include "ks386.inc"\n', { format: 'bin', includeResolver: () => ({ file: 'ks386.inc', text: ks386() }) });
  assert.ok(r.ok, r.errors.map(e => e.message).join('\n'));
  const sym = new Map(r.symbols.map(s => [s.name, s.address]));
  let checked = 0;
  for (const def of [...ALL_STRUCTS, ...OB_IO_STRUCTS]) {
    assert.equal(sym.get(`${def.name}_size`), def.size, `${def.name}_size`);
    for (const f of def.fields) { assert.equal(sym.get(`${def.name}.${f.name}`), f.offset, `${def.name}.${f.name}`); checked++; }
  }
  assert.ok(checked > 300);
  // Paths into nested structures, as KiServiceExit uses them.
  assert.equal(sym.get('KTHREAD.ApcState.UserApcPending'), 0x4A);
  assert.equal(sym.get('KPCR.PrcbData.CurrentThread'), 0x124);
  assert.equal(sym.get('STATUS_INVALID_SYSTEM_SERVICE'), 0xC000001C);
  assert.equal(sym.get('KGDT_R0_PCR'), 0x30);
});

/** A little-endian byte array as guest memory. */
function flatMemory(size: number): GuestAccess & { bytes: Uint8Array } {
  const bytes = new Uint8Array(size), dv = new DataView(bytes.buffer);
  return {
    bytes,
    read8: a => bytes[a], read16: a => dv.getUint16(a, true), read32: a => dv.getInt32(a, true),
    write8: (a, v) => { bytes[a] = v; }, write16: (a, v) => dv.setUint16(a, v, true), write32: (a, v) => dv.setInt32(a, v | 0, true),
  };
}

test('views read and write fields by name, signed and unsigned, through nested paths', () => {
  const mem = flatMemory(0x1000);
  const t = KTHREAD.at(mem, 0x100);
  t.set('PreviousMode', 1);
  t.set('ServiceTable', 0x80102000);
  t.set('ApcState.ApcListHead[1].Flink', 0x1234);
  assert.equal(mem.bytes[0x100 + 0x137], 1);
  assert.equal(t.get('ServiceTable'), 0x80102000);
  assert.equal(mem.read32(0x100 + 0x3C), 0x1234);
  t.set('Priority', -3);
  assert.equal(t.get('Priority'), -3);
  assert.equal(t.addressOf('TrapFrame'), 0x228);
  assert.equal(t.sub('ApcState').get('ApcListHead[1].Flink'), 0x1234);
  const rows = describe(LIST_ENTRY, mem, 0x100 + 0x3C);
  assert.deepEqual(rows.map(r => [r.path, r.value]), [['Flink', 0x1234], ['Blink', 0]]);
});

test('a field past the end or an undeclared overlap is refused when the structure is defined', () => {
  assert.throws(() => defineStruct('BAD', 4, { A: [2, 'u32'] }), /runs past/);
  assert.throws(() => defineStruct('BAD', 8, { A: [0, 'u32'], B: [2, 'u16'] }), /overlaps/);
  assert.equal(defineStruct('OK', 8, { Quad: [0, 'u32'], Low: [0, 'u16', 'union'] }).off.Low, 0);
});
