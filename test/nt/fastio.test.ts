// Fast I/O ("turbo read"): a synchronous NtReadFile on a file object the file system has
// already cached is served by the driver's FastIoRead, with no IRP. The first read of a
// file object, an asynchronous file, a read with an APC routine and the devices without
// a FAST_IO_DISPATCH (Null, the console) take the IRP path. Either way the caller sees the
// same thing: data, position, IOSB, event, EOF (behaviour 1), and fresh data after a write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './machine.ts';
import { nt, save, program, objectAttributes, results, dataBytes, dataAddress } from './ntcalls.ts';
import { HELLO_TEXT } from '../../kernel/store/default-disk.ts';
import { findObject } from '../../kernel/nt/ob/namespace.ts';
import { lookupHandle } from '../../kernel/nt/ob/handle.ts';
import { DRIVER_OBJECT, FAST_IO_DISPATCH, FILE_OBJECT, PRIVATE_CACHE_MAP } from '../../kernel/nt/oblayouts.ts';
import { IRP_MJ_READ } from '../../kernel/nt/io/iomgr.ts';
import type { TraceEvent } from '../../kernel/trace/events.ts';

const SUCCESS = 0, PENDING = 0x103, END_OF_FILE = 0xC0000011;
const READ_ONLY = 0x120089, ALL = 0x1F01FF, SYNC = 0x20, FILE_OPEN = 1;
const FilePosition = 14;

const open = (handle: string, access: number, options = SYNC) =>
  nt('NtCreateFile', handle, access, 'hello_oa', 'iosb', 0, 0, 7, FILE_OPEN, options, 0, 0);
const read = (handle: string, event: string | number, buffer: string, length: number, offset: string | number) =>
  nt('NtReadFile', handle, event, 0, 0, 'iosb', buffer, length, offset, 0);
const take = (i: number, what: string) => `mov eax, ${what}\n` + save(i);

// r[0..] as the comments in the test say; `buf` gets three 4-byte reads, `again` the re-read.
const SOURCE = program(['NtCreateFile', 'NtReadFile', 'NtWriteFile', 'NtCreateEvent', 'NtWaitForSingleObject',
  'NtQueryInformationFile', 'NtClose'], `
hFile: dd 0
hWriter: dd 0
hAsync: dd 0
hEvent: dd 0
iosb: dd 0, 0
info: times 16 db 0
buf: times 16 db 0
again: times 8 db 0
zero: dd 0, 0
beyond: dd 1000, 0
patch: db "ABCD"
${objectAttributes('hello', String.raw`\??\C:\SAMPLES\HELLO.TXT`)}`,
  open('hFile', READ_ONLY) + save(0) +
  nt('NtCreateEvent', 'hEvent', 0x1F0003, 0, 0, 0) +
  read('[hFile]', 0, 'buf', 4, 'zero') + save(1) +                        // the IRP path: the cache is set up
  read('[hFile]', '[hEvent]', 'buf+4', 4, 0) + save(2) +                  // fast I/O at the current position
  take(3, '[iosb]') + take(4, '[iosb+4]') +
  nt('NtWaitForSingleObject', '[hEvent]', 0, 'zero') + save(5) +
  read('[hFile]', 0, 'buf+8', 4, 0) + save(6) +
  nt('NtQueryInformationFile', '[hFile]', 'iosb', 'info', 8, FilePosition) + take(7, '[info]') +
  read('[hFile]', '[hEvent]', 'buf+12', 4, 'beyond') + save(8) +          // fast I/O at EOF: behaviour 1
  take(9, '[iosb]') + take(10, '[iosb+4]') +
  nt('NtWaitForSingleObject', '[hEvent]', 0, 'zero') + save(11) +
  open('hWriter', ALL) + nt('NtWriteFile', '[hWriter]', 0, 0, 0, 'iosb', 'patch', 4, 'zero', 0) + save(12) +
  read('[hFile]', 0, 'again', 4, 'zero') + save(13) +                     // fast I/O sees the write
  open('hAsync', READ_ONLY & ~0x100000, 0) + save(14) +
  read('[hAsync]', '[hEvent]', 'again+4', 4, 'zero') + save(15) +
  nt('NtWaitForSingleObject', '[hEvent]', 0, 0) +
  read('[hAsync]', '[hEvent]', 'again+4', 4, 'zero') + save(16) +         // asynchronous: an IRP every time
  nt('NtWaitForSingleObject', '[hEvent]', 0, 0) +
  `        mov eax, [hFile]\n` + save(17) +
  nt('NtClose', '[hFile]') + nt('NtClose', '[hWriter]') + nt('NtClose', '[hAsync]'), 18);

function events(ran: ReturnType<typeof run>): TraceEvent[] {
  const trace = ran.m.trace!;
  return trace.since(trace.first, trace.capacity) as TraceEvent[];
}

test('a synchronous read of a cached file object is fast I/O: same data, position, IOSB, event and EOF as the IRP path', () => {
  const ran = run(SOURCE, { trace: 100_000 }, 20_000_000);
  assert.deepEqual(ran.r, { kind: 'exited', status: 0 }, ran.m.notices.join(''));
  const r = results(ran, 18);
  assert.deepEqual(r.slice(0, 3), [SUCCESS, SUCCESS, SUCCESS]);
  assert.deepEqual([r[3], r[4], r[5]], [SUCCESS, 4, SUCCESS], 'IOSB {SUCCESS, 4}; the caller\'s event set');
  assert.equal(r[6], SUCCESS);
  assert.equal(r[7], 12, 'CurrentByteOffset advanced by the fast reads');
  assert.equal(Buffer.from(dataBytes(ran, 4 * 18 + 4 * 4 + 8 + 16, 12)).toString('latin1'), Buffer.from(HELLO_TEXT).subarray(0, 12).toString('latin1'));
  assert.deepEqual([r[8], r[9], r[10], r[11]], [END_OF_FILE, END_OF_FILE, 0, SUCCESS], 'behaviour 1 on the fast path');
  assert.deepEqual([r[12], r[13]], [SUCCESS, SUCCESS]);
  assert.equal(Buffer.from(dataBytes(ran, 4 * 18 + 4 * 4 + 8 + 16 + 16, 4)).toString('latin1'), 'ABCD', 'the write dropped the cached data');
  assert.deepEqual([r[14], r[15], r[16]], [SUCCESS, PENDING, PENDING]);

  const all = events(ran);
  const reads = all.filter(e => (e.kind === 'irp-dispatch' && e.major === IRP_MJ_READ) || e.kind === 'fast-io')
    .map(e => e.kind === 'fast-io' ? `fast ${e.status === END_OF_FILE ? 'eof' : e.information}` : 'irp');
  assert.deepEqual(reads, ['irp', 'fast 4', 'fast 4', 'fast eof', 'fast 4', 'irp', 'irp'],
    'the first read builds an IRP, the synchronous ones after it do not; the asynchronous file always does');
});

test('the file system\'s DRIVER_OBJECT has a FAST_IO_DISPATCH with FastIoRead; a cached file object has a PRIVATE_CACHE_MAP', () => {
  const ran = run(SOURCE, {}, 20_000_000);
  const k = ran.m.kernel, vm = k.vm;
  const ntfs = DRIVER_OBJECT.at(vm, findObject(k, '\\Driver\\Ntfs'));
  const table = FAST_IO_DISPATCH.at(vm, ntfs.get('FastIoDispatch'));
  assert.equal(table.get('SizeOfFastIoDispatch'), FAST_IO_DISPATCH.size);
  assert.equal(table.get('FastIoRead'), k.sym('IopHostFastIoRead'));
  assert.equal(table.get('FastIoWrite'), 0, 'writes always build an IRP');
  for (const name of ['Null', 'Console']) assert.equal(DRIVER_OBJECT.at(vm, findObject(k, `\\Driver\\${name}`)).get('FastIoDispatch'), 0, name);
});

// Two opens, one read; then the program waits for the host to set \`go\` before it closes
// the handles, so the test can look at the file objects in between.
const BEFORE_CLOSE = program(['NtCreateFile', 'NtReadFile', 'NtClose'], `
hFile: dd 0
hOther: dd 0
go: dd 0
iosb: dd 0, 0
buf: times 8 db 0
zero: dd 0, 0
${objectAttributes('hello', String.raw`\??\C:\SAMPLES\HELLO.TXT`)}`,
  open('hFile', READ_ONLY) + open('hOther', READ_ONLY) + read('[hFile]', 0, 'buf', 4, 'zero') +
  `        mov eax, [hFile]\n` + save(0) + `        mov eax, [hOther]\n` + save(1) + '.wait:  cmp dword [go], 0\n        je .wait\n' +
  nt('NtClose', '[hFile]') + nt('NtClose', '[hOther]') + '.spin:  jmp .spin\n', 2);

test('the PRIVATE_CACHE_MAP: made by the first read of a file object, not of another; freed when the last handle closes', () => {
  const ran = run(BEFORE_CLOSE, {}, 5_000_000);
  assert.equal(ran.r.kind, 'budget', 'still spinning, its handles open');
  const k = ran.m.kernel, vm = k.vm;
  const [hFile, hOther] = results(ran, 2);
  const fileOf = (h: number) => lookupHandle(k, ran.m.program!.process.eprocess, h)!.body;
  const map = FILE_OBJECT.at(vm, fileOf(hFile)).get('PrivateCacheMap');
  assert.notEqual(map, 0);
  assert.equal(PRIVATE_CACHE_MAP.at(vm, map).get('NodeTypeCode'), 0x2FE);
  assert.equal(PRIVATE_CACHE_MAP.at(vm, map).get('FileObject'), fileOf(hFile));
  assert.equal(FILE_OBJECT.at(vm, fileOf(hOther)).get('PrivateCacheMap'), 0, 'the other open has not read');

  const go = 4 * 2 + 8;   // after r[2], hFile, hOther
  ran.m.program!.process.vm.write32(dataAddress(ran) + go, 1);
  assert.equal(ran.m.run(5_000_000).kind, 'budget');
  assert.equal(lookupHandle(k, ran.m.program!.process.eprocess, hFile), null, 'closed');
  assert.equal(k.pool.allocate(PRIVATE_CACHE_MAP.size, vm), map, 'the cache map went back to the pool (the next block of its size)');
});

