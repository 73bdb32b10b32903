// The file services through real guest code calling the ntdll stubs, with their status
// codes: NtQuery/SetInformationFile, NtQueryDirectoryFile, NtQueryVolumeInformationFile,
// NtFlushBuffersFile, NtDeleteFile, NtQueryAttributesFile; and behaviours 1, 2 (Vista:
// STATUS_PENDING), 12, 13, 14, 16 and 17 at the NT level.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './machine.ts';
import { nt, save, program, objectAttributes, results, dataAddress, logThreeArguments } from './ntcalls.ts';
import { HELLO_TEXT } from '../../kernel/store/default-disk.ts';

const S = {
  SUCCESS: 0, PENDING: 0x103, BUFFER_OVERFLOW: 0x80000005, NO_MORE_FILES: 0x80000006, INFO_CLASS: 0xC0000003, INFO_LENGTH: 0xC0000004, INVALID_PARAMETER: 0xC000000D,
  NO_SUCH_FILE: 0xC000000F, END_OF_FILE: 0xC0000011, ACCESS_DENIED: 0xC0000022, TYPE_MISMATCH: 0xC0000024, NAME_INVALID: 0xC0000033,
  NOT_FOUND: 0xC0000034, COLLISION: 0xC0000035, PATH_NOT_FOUND: 0xC000003A, SYNTAX_BAD: 0xC000003B, INVALID_HANDLE: 0xC0000008,
};
const ALL = 0x1F01FF, READ_ONLY = 0x120089, WRITE_ONLY = 0x120116, SYNC = 0x20;
const FILE_OPEN = 1, FILE_OVERWRITE_IF = 5;
const FileBasic = 4, FileStandard = 5, FileRename = 10, FileDisposition = 13, FilePosition = 14, FileEndOfFile = 20;
const FileFsVolume = 1, FileFsSize = 3, FileFsDevice = 4, FileNames = 12, FileBothDirectory = 3;

const open = (handle: string, access: number, name: string, disposition = FILE_OPEN, options = SYNC) =>
  nt('NtCreateFile', handle, access, `${name}_oa`, 'iosb', 0, 0, 7, disposition, options, 0, 0);
const query = (handle: string, cls: number, length = 64) => nt('NtQueryInformationFile', handle, 'iosb', 'info', length, cls);
const set = (handle: string, cls: number, buffer: string, length: number | string) => nt('NtSetInformationFile', handle, 'iosb', buffer, length, cls);
const take = (i: number, what: string) => `mov eax, ${what}\n` + save(i);

const DATA = `
hFile: dd 0
hNul: dd 0
hRead: dd 0
iosb: dd 0, 0
info: times 128 db 0
buf: times 16 db 0
text: db "0123456789"
pos4: dd 4, 0
negative: dd 0, 0x80000000
eof5: dd 5, 0
yes: db 1
rename: dd 0, 0, renameEnd - renameName
renameName: dw ${[...String.raw`\??\C:\SAMPLES\R.TXT`].map(c => c.charCodeAt(0)).join(', ')}
renameEnd:
${objectAttributes('t', String.raw`\??\C:\T.TXT`)}
${objectAttributes('renamed', String.raw`\??\C:\SAMPLES\R.TXT`)}
${objectAttributes('nul', String.raw`\??\NUL`)}
${objectAttributes('hello', String.raw`\??\C:\SAMPLES\HELLO.TXT`)}
${objectAttributes('nope', String.raw`\??\C:\NOPE.TXT`)}
${objectAttributes('empty', '')}
`;

const INFO = program(['NtCreateFile', 'NtWriteFile', 'NtReadFile', 'NtQueryInformationFile', 'NtSetInformationFile', 'NtClose',
  'NtQueryAttributesFile', 'NtQueryVolumeInformationFile', 'NtFlushBuffersFile', 'NtDeleteFile'], DATA,
  open('hFile', ALL, 't', FILE_OVERWRITE_IF) + save(0) + take(1, '[iosb+4]') +
  nt('NtWriteFile', '[hFile]', 0, 0, 0, 'iosb', 'text', 10, 0, 0) + save(2) +
  query('[hFile]', FilePosition) + save(3) + take(4, '[info]') +
  query('[hFile]', FileStandard) + save(5) + take(6, '[info+8]') + take(7, 'dword [info+0x15]') +
  set('[hFile]', FilePosition, 'pos4', 8) + save(8) +
  nt('NtReadFile', '[hFile]', 0, 0, 0, 'iosb', 'buf', 3, 0, 0) + save(9) + take(10, '[buf]') +
  set('[hFile]', FilePosition, 'negative', 8) + save(11) +
  query('[hFile]', 0x99) + save(12) + query('[hFile]', FileStandard, 8) + save(13) +
  set('[hFile]', FileEndOfFile, 'eof5', 8) + save(14) + query('[hFile]', FileStandard) + take(15, '[info+8]') +
  query('[hFile]', FileBasic) + save(16) + take(17, '[info+0x20]') +
  set('[hFile]', FileRename, 'rename', 'renameEnd - rename') + save(18) +
  nt('NtQueryAttributesFile', 't_oa', 'info') + save(19) + nt('NtQueryAttributesFile', 'renamed_oa', 'info') + save(20) +
  nt('NtQueryVolumeInformationFile', '[hFile]', 'iosb', 'info', 8, FileFsDevice) + save(21) + take(22, '[info]') +
  nt('NtQueryVolumeInformationFile', 8, 'iosb', 'info', 8, FileFsDevice) + take(23, '[info]') +
  open('hNul', ALL, 'nul') + nt('NtQueryVolumeInformationFile', '[hNul]', 'iosb', 'info', 8, FileFsDevice) + take(24, '[info]') +
  nt('NtQueryVolumeInformationFile', '[hFile]', 'iosb', 'info', 64, FileFsSize) + save(25) +
  nt('NtQueryVolumeInformationFile', '[hFile]', 'iosb', 'info', 64, FileFsVolume) + save(26) + take(27, '[info+8]') +
  nt('NtFlushBuffersFile', '[hFile]', 'iosb') + save(28) +
  open('hRead', READ_ONLY | 0x100000, 'hello') + nt('NtFlushBuffersFile', '[hRead]', 'iosb') + save(29) +
  set('[hFile]', FileDisposition, 'yes', 1) + save(30) + nt('NtClose', '[hFile]') +
  nt('NtQueryAttributesFile', 'renamed_oa', 'info') + save(31) +
  nt('NtClose', '[hRead]') + nt('NtDeleteFile', 'hello_oa') + save(32) + nt('NtQueryAttributesFile', 'hello_oa', 'info') + save(33) +
  nt('NtDeleteFile', 'nope_oa') + save(34) + nt('NtQueryAttributesFile', 'empty_oa', 'info') + save(35), 36);

test('NtQuery/SetInformationFile, NtQueryAttributesFile, NtQueryVolumeInformationFile, NtFlushBuffersFile, NtDeleteFile', () => {
  const ran = run(INFO, {}, 20_000_000);
  assert.deepEqual(ran.r, { kind: 'exited', status: 0 }, ran.m.notices.join(''));
  const r = results(ran, 36);
  assert.deepEqual(r.slice(0, 3), [S.SUCCESS, 2, S.SUCCESS], 'created (FILE_CREATED), written');
  assert.deepEqual(r.slice(3, 8), [S.SUCCESS, 10, S.SUCCESS, 10, 0], 'position 10; standard: end of file 10, not a directory');
  assert.deepEqual(r.slice(8, 11), [S.SUCCESS, S.SUCCESS, 0x363534], 'position 4, then "456"');
  assert.equal(r[11], S.INVALID_PARAMETER, 'a negative position');
  assert.deepEqual(r.slice(12, 14), [S.INFO_CLASS, S.INFO_LENGTH]);
  assert.deepEqual(r.slice(14, 16), [S.SUCCESS, 5], 'end of file set to 5');
  assert.deepEqual(r.slice(16, 18), [S.SUCCESS, 0x20], 'basic: FILE_ATTRIBUTE_ARCHIVE');
  assert.deepEqual(r.slice(18, 21), [S.SUCCESS, S.NOT_FOUND, S.SUCCESS], 'renamed into another directory');
  assert.deepEqual(r.slice(21, 25), [S.SUCCESS, 0x08, 0x50, 0x15], 'device types: disk file system, console, null (behaviour 17)');
  assert.deepEqual([r[25], r[26], r[27]], [S.SUCCESS, S.SUCCESS, 0x4E544C31], 'volume size and serial number');
  assert.deepEqual([r[28], r[29]], [S.SUCCESS, S.ACCESS_DENIED], 'flush; not on a read-only handle');
  assert.deepEqual([r[30], r[31]], [S.SUCCESS, S.NOT_FOUND], 'delete on close');
  assert.deepEqual([r[32], r[33], r[34]], [S.SUCCESS, S.NOT_FOUND, S.NOT_FOUND], 'NtDeleteFile');
  assert.equal(r[35], S.SYNTAX_BAD, 'an empty name');
});

const dirData = `
hDir: dd 0
iosb: dd 0, 0
info: times 512 db 0
count: dd 0
${objectAttributes('samples', String.raw`\??\C:\SAMPLES`)}
${objectAttributes('root', String.raw`\??\C:\ `.trim())}
${objectAttributes('pattern', '*.TXT')}
${objectAttributes('none', 'ZZZ*')}
`;
const listDir = (cls: number, length: number) => `
.more:
${nt('NtQueryDirectoryFile', '[hDir]', 0, 0, 0, 'iosb', 'info', length, cls, 1, 'pattern', 0)}
    test eax, eax
    jnz .done
    inc dword [count]
    jmp .more
.done:
`;

const DIR = program(['NtOpenFile', 'NtQueryDirectoryFile', 'NtClose'], dirData,
  nt('NtOpenFile', 'hDir', 0x100001, 'samples_oa', 'iosb', 7, 0x21) + save(0) +
  nt('NtQueryDirectoryFile', '[hDir]', 0, 0, 0, 'iosb', 'info', 512, FileBothDirectory, 1, 'none', 1) + save(1) +
  nt('NtQueryDirectoryFile', '[hDir]', 0, 0, 0, 'iosb', 'info', 512, FileBothDirectory, 1, 'pattern', 1) + save(2) + take(3, '[info+0x3C]') +
  'mov dword [count], 1\n' + listDir(FileBothDirectory, 512) + save(4) + take(5, '[count]') +
  nt('NtQueryDirectoryFile', '[hDir]', 0, 0, 0, 'iosb', 'info', 512, FileNames, 0, 0, 1) + save(6) + take(7, '[info]') + take(8, '[iosb+4]') +
  nt('NtQueryDirectoryFile', '[hDir]', 0, 0, 0, 'iosb', 'info', 8, FileBothDirectory, 1, 0, 1) + save(9) +
  nt('NtQueryDirectoryFile', '[hDir]', 0, 0, 0, 'iosb', 'info', 512, 0x77, 1, 0, 1) + save(10) +
  nt('NtClose', '[hDir]') +
  nt('NtOpenFile', 'hDir', 0x100001, 'root_oa', 'iosb', 7, 0x21) + save(11) +
  // The root's first entry under "*" (no dots there), then SAMPLES's first three.
  nt('NtQueryDirectoryFile', '[hDir]', 0, 0, 0, 'iosb', 'info', 512, FileNames, 1, 0, 1) + take(12, 'dword [info+0xC]') +
  nt('NtClose', '[hDir]') + nt('NtOpenFile', 'hDir', 0x100001, 'samples_oa', 'iosb', 7, 0x21) +
  'mov dword [info+0x5E], 0\n' +
  nt('NtQueryDirectoryFile', '[hDir]', 0, 0, 0, 'iosb', 'info', 512, FileBothDirectory, 1, 0, 1) + take(13, 'dword [info+0x5E]') + take(14, '[info+0x38]') +
  take(18, '[info+0x3C]') +
  nt('NtQueryDirectoryFile', '[hDir]', 0, 0, 0, 'iosb', 'info', 512, FileBothDirectory, 1, 0, 0) + take(15, 'dword [info+0x5E]') +
  nt('NtQueryDirectoryFile', '[hDir]', 0, 0, 0, 'iosb', 'info', 512, FileNames, 1, 0, 0) + take(16, 'dword [info+0xC]') +
  nt('NtQueryDirectoryFile', '[hDir]', 0, 0, 0, 'iosb', 'info', 512, FileNames, 1, 0, 1) + take(17, 'dword [info+0xC]'), 19);

test('NtQueryDirectoryFile: pattern, single entries until STATUS_NO_MORE_FILES, restart, several records, bad classes and lengths', () => {
  const ran = run(DIR, {}, 20_000_000);
  assert.deepEqual(ran.r, { kind: 'exited', status: 0 }, ran.m.notices.join(''));
  const r = results(ran, 19);
  assert.equal(r[0], S.SUCCESS, 'the directory opens');
  assert.equal(r[1], S.NO_SUCH_FILE, 'nothing matches ZZZ*');
  assert.deepEqual([r[2], r[3]], [S.SUCCESS, 2 * 'EMPTY.TXT'.length], 'restart with *.TXT: the first entry (EMPTY.TXT)');
  assert.deepEqual([r[4], r[5]], [S.NO_MORE_FILES, 4], 'four *.TXT files, then no more');
  assert.equal(r[6], S.SUCCESS);
  assert.notEqual(r[7], 0, 'several FILE_NAMES_INFORMATION records chained by NextEntryOffset');
  assert.ok(r[8] > r[7], 'IoStatus.Information covers them all');
  assert.equal(r[9], S.INFO_LENGTH, 'a buffer smaller than the fixed part');
  assert.equal(r[10], S.INFO_CLASS);
  assert.equal(r[11], S.SUCCESS, '\\??\\C:\\ is the root directory');
  const name = (v: number) => String.fromCharCode(v & 0xffff, v >>> 16).replace('\0', '');
  assert.equal(name(r[12]), 'BI', 'the root has no "." or ".." (BIG.DAT comes first)');
  assert.deepEqual([name(r[13]), r[18], r[14] & 0x10], ['.', 2, 0x10], 'a subdirectory lists itself as "." first (one character, a directory)');
  assert.deepEqual([name(r[15]), name(r[16])], ['..', 'EM'], 'then "..", then the files (EMPTY.TXT)');
  assert.equal(name(r[17]), '.', 'RestartScan starts with "." again');
});

// NtQueryDirectoryFile completes as a read does (servicetail.ts, IopCompleteRequest): on
// an asynchronous handle STATUS_PENDING, then the IOSB, the event and the APC routine;
// on a synchronous one the status at once, the APC routine queued unless it is an error.
const DIR_APC = program(['NtOpenFile', 'NtCreateEvent', 'NtQueryDirectoryFile', 'NtWaitForSingleObject', 'NtTestAlert', 'NtClose'], `
hAsync: dd 0
hDir: dd 0
hEvent: dd 0
iosb: dd 0, 0
iosb2: dd 0, 0
info: times 512 db 0
apcEnd: dd r+4*20                ; the APC routine's log: r[20...]
${objectAttributes('samples', String.raw`\??\C:\SAMPLES`)}
${objectAttributes('pattern', '*.TXT')}
${objectAttributes('none', 'ZZZ*')}`,
  `        jmp go_on
; VOID NTAPI IoApcRoutine(PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, ULONG Reserved):
; logs its three arguments in r[20...].
routine:
${logThreeArguments('apcEnd')}        ret 12
go_on:
` +
  nt('NtOpenFile', 'hAsync', 0x100001, 'samples_oa', 'iosb', 7, 0x1) + save(0) +
  nt('NtCreateEvent', 'hEvent', 0x1F0003, 0, 0, 0) +
  nt('NtQueryDirectoryFile', '[hAsync]', '[hEvent]', 'routine', 0xC1, 'iosb', 'info', 512, FileNames, 1, 'pattern', 1) + save(1) +
  nt('NtWaitForSingleObject', '[hEvent]', 0, 0) + save(2) + take(3, '[iosb]') + take(4, '[iosb+4]') + take(5, 'dword [info+0xC]') +
  take(6, '[apcEnd]') +
  nt('NtTestAlert') + take(7, '[apcEnd]') +
  nt('NtQueryDirectoryFile', '[hAsync]', '[hEvent]', 'routine', 0xC2, 'iosb2', 'info', 512, FileNames, 1, 'none', 1) + save(8) +
  nt('NtWaitForSingleObject', '[hEvent]', 0, 0) + take(9, '[iosb2]') +
  nt('NtOpenFile', 'hDir', 0x100001, 'samples_oa', 'iosb', 7, 0x21) + save(10) +
  nt('NtQueryDirectoryFile', '[hDir]', 0, 'routine', 0xC3, 'iosb', 'info', 512, FileNames, 1, 'none', 1) + save(11) +
  nt('NtQueryDirectoryFile', '[hDir]', 0, 'routine', 0xC4, 'iosb', 'info', 512, FileNames, 1, 'pattern', 1) + save(12) +
  'mov dword [info+0xC], 0\n' +
  nt('NtQueryDirectoryFile', '[hDir]', 0, 'routine', 0xC5, 'iosb', 'info', 0xE, FileNames, 1, 'pattern', 1) + save(17) +
  take(18, 'dword [info+0xC]') + take(19, '[iosb+4]') +
  take(13, '[apcEnd]') +
  nt('NtTestAlert') + take(14, 'iosb') + take(15, 'iosb2') + take(16, '[apcEnd]'), 32);

test('NtQueryDirectoryFile completes through the I/O manager: STATUS_PENDING, IOSB, event and APC on an asynchronous handle; the APC routine on a synchronous one', () => {
  const ran = run(DIR_APC, {}, 20_000_000);
  assert.deepEqual(ran.r, { kind: 'exited', status: 0 }, ran.m.notices.join(''));
  const r = results(ran, 32);
  const log = (from: number, n: number) => r.slice(20 + 3 * from, 20 + 3 * (from + n));
  const slot = (i: number) => dataAddress(ran) + 4 * (20 + 3 * i);
  assert.equal(r[0], S.SUCCESS, 'an asynchronous directory open');
  assert.equal(r[1], S.PENDING, 'the query on an asynchronous handle is pending');
  assert.deepEqual([r[2], r[3]], [S.SUCCESS, S.SUCCESS], 'the event is set; the IOSB holds the status');
  assert.ok(r[4] > 0xC, 'and the length of the records');
  assert.equal(String.fromCharCode(r[5] & 0xffff, r[5] >>> 16), 'EM', 'copied to the caller\'s buffer at completion (EMPTY.TXT first)');
  assert.equal(r[6], slot(0), 'the APC waits for the thread to ask');
  assert.equal(r[7], slot(1), 'NtTestAlert runs it');
  assert.deepEqual(log(0, 1), [0xC1, r[14], 0], 'with ApcContext and the IO_STATUS_BLOCK');
  assert.deepEqual([r[8], r[9]], [S.PENDING, S.NO_SUCH_FILE], 'an error on an asynchronous handle is pending too; the IOSB has it');
  assert.equal(r[10], S.SUCCESS, 'a synchronous directory open');
  assert.deepEqual([r[11], r[12]], [S.NO_SUCH_FILE, S.SUCCESS], 'on a synchronous handle the status comes back at once');
  assert.deepEqual([r[17], r[18], r[19]], [S.BUFFER_OVERFLOW, 'E'.charCodeAt(0), 0xE],
    'a warning (the name does not fit) still copies the partial record back');
  assert.equal(r[13], slot(1), 'no APC ran before the thread asked');
  assert.equal(r[16], slot(4), 'three APCs: the asynchronous error\'s, the synchronous success\'s and warning\'s; not the synchronous error\'s');
  assert.deepEqual(log(1, 3), [0xC2, r[15], 0, 0xC4, r[14], 0, 0xC5, r[14], 0]);
});

const BEHAVIOURS = program(['NtCreateFile', 'NtReadFile', 'NtCreateEvent', 'NtWaitForSingleObject', 'NtSetEvent'], `
hFile: dd 0
hAsync: dd 0
hWrite: dd 0
hEvent: dd 0
iosb: dd 0, 0
info: times 8 db 0
buf: times 64 db 0
zero: dd 0, 0
beyond: dd 1000, 0
current: dd 0xFFFFFFFE, 0xFFFFFFFF
minus5: dd 5, 0xFFFFFFFF
${objectAttributes('hello', String.raw`\??\C:\SAMPLES\HELLO.TXT`)}
${objectAttributes('trailing', String.raw`\??\C:\SAMPLES\HELLO.TXT\ `.trim())}
${objectAttributes('relative', 'HELLO.TXT')}
${objectAttributes('noparent', String.raw`\??\C:\NODIR\X.TXT`)}`,
  open('hFile', READ_ONLY, 'hello') + save(0) +
  nt('NtCreateEvent', 'hEvent', 0x1F0003, 0, 0, 0) +
  nt('NtReadFile', '[hFile]', '[hEvent]', 0, 0, 'iosb', 'buf', 64, 'beyond', 0) + save(1) + take(2, '[iosb]') + take(3, '[iosb+4]') +
  nt('NtWaitForSingleObject', '[hEvent]', 0, 'zero') + save(4) +
  nt('NtReadFile', '[hFile]', 0, 0, 0, 'iosb', 'buf', 4, 'zero', 0) + save(5) +
  nt('NtReadFile', '[hFile]', 0, 0, 0, 'iosb', 'buf+4', 4, 'current', 0) + save(6) + take(7, '[buf+4]') +
  nt('NtReadFile', '[hFile]', 0, 0, 0, 'iosb', 'buf', 4, 'minus5', 0) + save(8) +
  open('hAsync', 0x80000000, 'hello', FILE_OPEN, 0) + save(9) +
  nt('NtReadFile', '[hAsync]', 0, 0, 0, 'iosb', 'buf', 4, 0, 0) + save(10) +
  nt('NtReadFile', '[hAsync]', '[hEvent]', 0, 0, 'iosb', 'buf', 4, 'beyond', 0) + save(11) +
  nt('NtWaitForSingleObject', '[hEvent]', 0, 0) + take(12, '[iosb]') +
  open('hWrite', WRITE_ONLY, 'hello') + save(13) +
  nt('NtReadFile', '[hWrite]', 0, 0, 0, 'iosb', 'buf', 4, 0, 0) + save(14) +
  nt('NtReadFile', '[hEvent]', 0, 0, 0, 'iosb', 'buf', 4, 0, 0) + save(15) +
  nt('NtReadFile', 0x4444, 0, 0, 0, 'iosb', 'buf', 4, 0, 0) + save(16) +
  nt('NtReadFile', '[hWrite]', 0, 0, 0, 0x1000, 0x1000, 4, 0, 0) + save(17) +
  open('hFile', READ_ONLY, 'trailing') + save(18) + open('hFile', READ_ONLY, 'relative') + save(19) +
  open('hFile', READ_ONLY, 'noparent', 2) + save(20) + open('hFile', READ_ONLY, 'hello', 2) + save(21), 22);

test('behaviours 1, 2, 12, 13, 14 and 16 at the NT level', () => {
  const ran = run(BEHAVIOURS, {}, 20_000_000);
  assert.deepEqual(ran.r, { kind: 'exited', status: 0 }, ran.m.notices.join(''));
  const r = results(ran, 22);
  assert.equal(r[0], S.SUCCESS);
  assert.deepEqual(r.slice(1, 5), [S.END_OF_FILE, S.END_OF_FILE, 0, S.SUCCESS], '1: EOF on a synchronous file: status, IOSB {EOF, 0}, the event set');
  assert.deepEqual([r[5], r[6], r[7]], [S.SUCCESS, S.SUCCESS, Buffer.from(HELLO_TEXT).readUInt32LE(4)], '14: {0xFFFFFFFE, -1} reads at the current position');
  assert.equal(r[8], S.INVALID_PARAMETER, '14: any other negative offset');
  assert.equal(r[9], S.SUCCESS, 'an asynchronous open');
  assert.equal(r[10], S.INVALID_PARAMETER, '13: no ByteOffset on an asynchronous file');
  assert.deepEqual([r[11], r[12]], [S.PENDING, S.END_OF_FILE], '2 (Vista): STATUS_PENDING, the IOSB says EOF once the event is set');
  assert.equal(r[13], S.SUCCESS);
  assert.deepEqual([r[14], r[15], r[16]], [S.ACCESS_DENIED, S.TYPE_MISMATCH, S.INVALID_HANDLE], '12: access, type, handle');
  assert.equal(r[17], S.ACCESS_DENIED, '12: the handle is checked before the buffers are probed');
  assert.deepEqual(r.slice(18, 22), [S.NAME_INVALID, S.SYNTAX_BAD, S.PATH_NOT_FOUND, S.COLLISION], '16: names');
});

const share = (handle: string, access: number, shareMode: number) =>
  nt('NtCreateFile', handle, access | 0x100000, 'hello_oa', 'iosb', 0, 0, shareMode, FILE_OPEN, SYNC, 0, 0);
const FILE_READ_ATTRIBUTES = 0x80, SHARE_READ = 1, SHARE_WRITE = 2;
const SHARING = program(['NtCreateFile', 'NtClose'], `
h1: dd 0
h2: dd 0
h3: dd 0
h4: dd 0
iosb: dd 0, 0
${objectAttributes('hello', String.raw`\??\C:\SAMPLES\HELLO.TXT`)}`,
  share('h1', READ_ONLY, SHARE_READ) + save(0) +
  share('h2', WRITE_ONLY, SHARE_READ | SHARE_WRITE) + save(1) +
  share('h2', READ_ONLY, 0) + save(2) +
  share('h2', READ_ONLY, SHARE_READ) + save(3) +
  share('h3', FILE_READ_ATTRIBUTES, 0) + save(4) +
  nt('NtClose', '[h1]') + nt('NtClose', '[h2]') +
  share('h4', WRITE_ONLY, 0) + save(5) +
  share('h1', READ_ONLY, SHARE_READ | SHARE_WRITE) + save(6), 7);

test('sharing modes: an open that would do what others do not share, or not share what they do, is STATUS_SHARING_VIOLATION', () => {
  const ran = run(SHARING, {}, 10_000_000);
  assert.deepEqual(ran.r, { kind: 'exited', status: 0 }, ran.m.notices.join(''));
  const VIOLATION = 0xC0000043;
  assert.deepEqual(results(ran, 7), [S.SUCCESS, VIOLATION, VIOLATION, S.SUCCESS, S.SUCCESS, S.SUCCESS, VIOLATION],
    'reader sharing read; a writer; a reader not sharing read; a reader sharing read; attributes only; after the closes a lone writer; a reader against it');
});

// Delete-pending belongs to the file, not to one open of it (fcb.ts): once an open sets
// the disposition, the file stays while other opens remain, new opens fail with
// STATUS_DELETE_PENDING, every open sees DeletePending, and the file goes with the last
// cleanup; clearing the disposition through any open keeps it.
const DELETE_ON_CLOSE = 0x1000, DELETE_PENDING = 0xC0000056;
const DELETING = program(['NtCreateFile', 'NtSetInformationFile', 'NtQueryInformationFile', 'NtQueryAttributesFile', 'NtClose'], `
hA: dd 0
hB: dd 0
hC: dd 0
iosb: dd 0, 0
info: times 64 db 0
yes: db 1
no: db 0
${objectAttributes('doomed', String.raw`\??\C:\DOOMED.TXT`)}`,
  open('hA', ALL, 'doomed', FILE_OVERWRITE_IF) + open('hB', ALL, 'doomed') +
  set('[hA]', FileDisposition, 'yes', 1) + save(0) +
  query('[hB]', FileStandard) + take(1, 'dword [info+0x14]') +
  nt('NtClose', '[hA]') +
  nt('NtQueryAttributesFile', 'doomed_oa', 'info') + save(2) +
  open('hC', ALL, 'doomed') + save(3) +
  nt('NtClose', '[hB]') +
  nt('NtQueryAttributesFile', 'doomed_oa', 'info') + save(4) +
  open('hA', ALL, 'doomed', FILE_OVERWRITE_IF) + open('hB', ALL, 'doomed') +
  set('[hA]', FileDisposition, 'yes', 1) + set('[hB]', FileDisposition, 'no', 1) + save(5) +
  nt('NtClose', '[hA]') + nt('NtClose', '[hB]') +
  nt('NtQueryAttributesFile', 'doomed_oa', 'info') + save(6) +
  open('hA', ALL, 'doomed', FILE_OPEN, SYNC | DELETE_ON_CLOSE) + open('hB', ALL, 'doomed') +
  nt('NtClose', '[hA]') +
  nt('NtQueryAttributesFile', 'doomed_oa', 'info') + save(7) +
  nt('NtClose', '[hB]') +
  nt('NtQueryAttributesFile', 'doomed_oa', 'info') + save(8), 9);

test('delete-pending is the file\'s: other opens keep it, new opens fail, the last cleanup deletes it', () => {
  const ran = run(DELETING, {}, 20_000_000);
  assert.deepEqual(ran.r, { kind: 'exited', status: 0 }, ran.m.notices.join(''));
  const r = results(ran, 9);
  assert.deepEqual(r.slice(0, 2), [S.SUCCESS, 1], 'one open sets it; another open\'s FileStandardInformation shows it');
  assert.deepEqual(r.slice(2, 4), [DELETE_PENDING, DELETE_PENDING], 'still there while another open remains: no new opens');
  assert.equal(r[4], S.NOT_FOUND, 'gone with the last open');
  assert.deepEqual(r.slice(5, 7), [S.SUCCESS, S.SUCCESS], 'cleared through the other open: it stays');
  assert.deepEqual(r.slice(7, 9), [DELETE_PENDING, S.NOT_FOUND], 'delete-on-close with another open: pending until that one closes');
});
