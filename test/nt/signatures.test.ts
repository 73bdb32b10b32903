// The trace's parameter names (kernel/nt/ke/signatures.ts) against the service tables: a
// signature with the wrong number of parameters would name the wrong arguments, and a
// service with a host body and no signature would show its arguments as bare hex.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIGNATURES } from '../../kernel/nt/ke/signatures.ts';
import { nativeServices, win32kServices } from '../../kernel/nt/ke/sysfuncs.ts';
import { NATIVE_BODIES } from '../../kernel/nt/bodies.ts';
import { formatCall } from '../../kernel/commands/strace.ts';

const services = new Map([...nativeServices(), ...win32kServices()].map(s => [s.name, s]));

test('every signature names as many parameters as its service takes', () => {
  for (const [name, sig] of Object.entries(SIGNATURES)) {
    const s = services.get(name);
    assert.ok(s, `${name} is in a service table`);
    assert.equal(sig.length, s.argc, `${name}: ${sig.length} names for ${s.argc} arguments`);
  }
});

test('every native service with a host body has a signature', () => {
  const missing = Object.keys(NATIVE_BODIES).filter(name => !SIGNATURES[name]);
  assert.deepEqual(missing, []);
});

test('a directory query reads as its prototype', () => {
  const s = services.get('NtQueryDirectoryFile')!;
  assert.equal(formatCall(s.name, s.number, [0x10, 0, 0, 0, 0x12ffa4, 0x12fb06, 622, 3, 1, 0x12ffc4, 0]),
    'NtQueryDirectoryFile(FileHandle=0x10, Event=NULL, ApcRoutine=NULL, ApcContext=NULL, IoStatusBlock=0x12ffa4, ' +
    'FileInformation=0x12fb06, Length=622, FileInformationClass=3, ReturnSingleEntry=TRUE, FileName=0x12ffc4, RestartScan=FALSE)');
});
