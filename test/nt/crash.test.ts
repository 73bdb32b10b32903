// The crash test at the guest level: `ntlab run --disk FILE` runs a guest program
// that appends 8-byte records (n, ~n) to C:\LOG.DAT with WriteFile and reports each
// completed write with a line on its console; the test SIGKILLs it mid-stream, reopens the
// disk, and checks SQLite's integrity and that every reported write is there (the one in
// flight may be there too, whole).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { VirtualDisk, fixedClock, unwrap } from '../../kernel/store/index.ts';
import { DEFAULT_DISK_TIME } from '../../kernel/store/default-disk.ts';
import { GUEST_DIR } from '../guest/run.ts';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'ntlab.mjs');
const RECORD = 8;
const KILL_AFTER = [5, 40];

const WRITER = `%include "${GUEST_DIR}/include/win32.inc"
kernel32 CreateFileA, WriteFile, GetStdHandle, ExitProcess
section .data
path: db "C:\\LOG.DAT", 0
record: dd 0, 0xFFFFFFFF
line: db "w", 13, 10
done: dd 0
section .text
global start
start:
    invoke GetStdHandle, STD_OUTPUT_HANDLE
    mov edi, eax
    invoke CreateFileA, path, GENERIC_WRITE, 0, NULL, OPEN_ALWAYS, 0, NULL
    mov esi, eax
.loop:
    invoke WriteFile, esi, record, ${RECORD}, done, NULL
    invoke WriteFile, edi, line, 3, done, NULL
    inc dword [record]
    dec dword [record+4]
    jmp .loop
`;

function runAndKill(disk: string, program: string, killAfter: number): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, 'run', '--disk', disk, program], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '', killed = false;
    child.stdout.setEncoding('latin1').on('data', (t: string) => {
      out += t;
      if (!killed && out.split('\n').length - 1 >= killAfter) { killed = true; child.kill('SIGKILL'); }
    });
    child.stderr.setEncoding('utf8').on('data', (t: string) => { err += t; });
    child.on('error', fail);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') return fail(new Error(`ntlab run ended with ${code ?? signal}:\n${err}`));
      done(out.split('\n').length - 1);
    });
  });
}

test('SIGKILL of ntlab run while a guest writes a file: the disk is intact and every reported write is there', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntlab-guest-crash-'));
  try {
    const disk = join(dir, 'c.ntdisk'), program = join(dir, 'writer.asm');
    writeFileSync(program, WRITER);
    for (const killAfter of KILL_AFTER) {
      const reported = await runAndKill(disk, program, killAfter);
      const d = VirtualDisk.open(disk, { clock: fixedClock(DEFAULT_DISK_TIME) });
      try {
        assert.deepEqual(d.verify(), [], 'integrity_check and the disk\'s invariants');
        const log = unwrap(d.lookup(unwrap(d.volume('C')).id, ['LOG.DAT']));
        const total = reported;
        assert.ok(log.endOfFile === total * RECORD || log.endOfFile === (total + 1) * RECORD, `${log.endOfFile} bytes for ${total} reported writes`);
        const bytes = unwrap(d.read(log.id, 0, log.endOfFile));
        // Each run starts again at 0, over the start of the file (OPEN_ALWAYS); the runs
        // write more and more, so the file is the last run's.
        for (let i = 0; i < log.endOfFile / RECORD; i++) {
          const n = bytes.readUInt32LE(i * RECORD), m = bytes.readUInt32LE(i * RECORD + 4);
          assert.equal((n + m) >>> 0, 0xFFFFFFFF, `record ${i} is whole`);
        }
      } finally {
        d.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
