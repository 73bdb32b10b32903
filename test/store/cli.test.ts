// `ntlab disk …`: mostly through kernel/cli.ts's main() in-process (fast), and through the
// real bin script for what only a real process shows (exit codes, no stack traces).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main } from '../../kernel/cli.ts';
import { withTempDir } from './helpers.ts';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'ntlab.mjs');

function ntlab(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = main(args, { stdout: t => { stdout += t; }, stderr: t => { stderr += t; } });
  return { code, stdout, stderr };
}

test('disk new makes a default disk; ls lists it like dir', () => withTempDir(dir => {
  const disk = join(dir, 'c.disk');
  const made = ntlab('disk', 'new', disk);
  assert.equal(made.code, 0, made.stderr);
  assert.equal(made.stdout, `made default disk '${disk}'\n`);
  const ls = ntlab('disk', 'ls', '--disk', disk);
  assert.equal(ls.code, 0, ls.stderr);
  assert.equal(ls.stderr, '');
  const lines = ls.stdout.split('\n');
  assert.equal(lines[0], ' Volume in drive C is NTLAB');
  assert.equal(lines[1], ' Volume Serial Number is 4E54-4C31');
  assert.equal(lines[3], ' Directory of C:\\');
  assert.equal(lines[5], '2026-01-01  00:00         4,194,304 BIG.DAT');
  assert.match(lines[6], /^2026-01-01  00:00 +\d[\d,]* README\.TXT$/);
  assert.equal(lines[7], '2026-01-01  00:00    <DIR>          SAMPLES');
  assert.match(lines[8], /^ +2 File\(s\) +4,19\d,\d{3} bytes$/);
  assert.match(lines[9], /^ +1 Dir\(s\) +1,06\d,\d{3},\d{3} bytes free$/);
  // Paths in either separator and any case; the listing shows the names' real case.
  const samples = ntlab('disk', 'ls', '--disk', disk, 'c:/samples');
  assert.match(samples.stdout, / Directory of C:\\SAMPLES\n/);
  assert.match(samples.stdout, / Notes\.txt\n/);
  assert.match(ntlab('disk', 'ls', '--disk', disk, '\\SAMPLES\\HELLO.TXT').stdout, /\s37 HELLO\.TXT\n/);
  // Without --disk: the default disk a fresh machine would get, the same listing.
  assert.equal(ntlab('disk', 'ls').stdout, ls.stdout);
  const again = ntlab('disk', 'new', disk);
  assert.equal(again.code, 1);
  assert.equal(again.stderr, `ntlab disk: '${disk}' already exists\n`);
}));

test('disk import and export round-trip a host folder through a disk file', () => withTempDir(dir => {
  const disk = join(dir, 'c.disk');
  ntlab('disk', 'new', disk);
  const src = join(dir, 'src');
  mkdirSync(join(src, 'inner'), { recursive: true });
  writeFileSync(join(src, 'one.txt'), 'first\r\n');
  writeFileSync(join(src, 'inner', 'Two.Bin'), Buffer.from([0, 1, 2, 255]));
  const imported = ntlab('disk', 'import', src, '--disk', disk, '--to', 'C:\\Lab\\Work');
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(imported.stdout, 'imported 2 files, 1 directory, 11 bytes into C:\\Lab\\Work\n');
  assert.match(ntlab('disk', 'ls', '--disk', disk, '/lab/work/INNER').stdout, /\s4 Two\.Bin\n/);
  const twice = ntlab('disk', 'import', src, '--disk', disk, '--to', '\\LAB\\WORK');
  assert.equal(twice.code, 1);
  assert.match(twice.stderr, /^ntlab disk: '.*Two\.Bin': 'Two\.Bin' is already on the disk \(--replace overwrites\)\n$/);
  assert.equal(ntlab('disk', 'import', src, '--disk', disk, '--to', '\\LAB\\WORK', '--replace').code, 0);

  const out = join(dir, 'out');
  const exported = ntlab('disk', 'export', out, '--disk', disk, '--from', 'c:\\lab');
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(exported.stdout, 'exported 2 files, 2 directories, 11 bytes from C:\\Lab\n');
  assert.equal(readFileSync(join(out, 'Work', 'one.txt'), 'latin1'), 'first\r\n');
  assert.deepEqual([...readFileSync(join(out, 'Work', 'inner', 'Two.Bin'))], [0, 1, 2, 255]);
  assert.equal(ntlab('disk', 'export', out, '--disk', disk, '--from', 'c:\\lab').code, 1);
  assert.equal(ntlab('disk', 'export', out, '--disk', disk, '--from', 'c:\\lab', '--force').code, 0);
  // Without --disk, export gives the default disk's files.
  assert.equal(ntlab('disk', 'export', join(dir, 'fresh'), '--from', '\\SAMPLES').code, 0);
  assert.equal(readFileSync(join(dir, 'fresh', 'HELLO.TXT'), 'latin1'), 'Hello from the NT Lab virtual disk!\r\n');
  const check = ntlab('disk', 'check', '--disk', disk);
  assert.equal(check.code, 0, check.stderr);
  assert.equal(check.stdout, `${disk}: ok\n`);
}));

test('disk errors: one line on stderr, exit 1; usage mistakes exit 2', () => withTempDir(dir => {
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'not a disk at all, only words, and enough of them to fill a header. '.repeat(10));
  const cases: [string[], number, RegExp][] = [
    [['disk', 'ls', '--disk', text], 1, /^ntlab disk: '.*notes\.txt' is not an NT Lab disk \(not an SQLite database\)\n$/],
    [['disk', 'ls', '--disk', join(dir, 'none.disk')], 1, /^ntlab disk: no disk '.*none\.disk' \(make one with: ntlab disk new .*\)\n$/],
    [['disk', 'ls', '\\NO\\SUCH'], 1, /^ntlab disk: C:\\NO\\SUCH: no such file or directory\n$/],
    [['disk', 'ls', 'Q:\\'], 1, /^ntlab disk: no volume Q:\n$/],
    [['disk', 'import', dir], 2, /^ntlab disk: import needs --disk FILE/],
    [['disk', 'import', join(dir, 'nothing'), '--disk', text], 1, /^ntlab disk: no host file or folder '.*nothing'\n$/],
    [['disk', 'ls', 'a', 'b'], 2, /^ntlab disk: unexpected argument 'b'/],
    [['disk', 'check', '--disk', text, 'extra'], 2, /^ntlab disk: unexpected argument 'extra'/],
    [['disk', 'ls', '--bogus'], 2, /^ntlab disk: Unknown option '--bogus'/],
    [['disk', 'new'], 2, /^ntlab disk: FILE is missing/],
    [['disk', 'new', join(dir, 'x.disk'), '--size', 'big'], 2, /--size takes a whole number of MiB/],
    [['disk', 'frob'], 2, /^ntlab disk: unknown command 'disk frob'\n\nusage: ntlab disk/],
    [['disk'], 2, /^usage: ntlab disk/],
  ];
  for (const [args, code, message] of cases) {
    const r = ntlab(...args);
    assert.equal(r.code, code, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
  }
  assert.equal(existsSync(join(dir, 'none.disk')), false, 'looking at a missing disk must not create it');
  assert.equal(ntlab('disk', '--help').code, 0);
}));

test('the real bin script: a bad disk is one line on stderr, exit code 1, no stack trace', () => withTempDir(dir => {
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'hello');
  const bad = spawnSync(process.execPath, [BIN, 'disk', 'ls', '--disk', text], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.equal(bad.stdout, '');
  assert.match(bad.stderr, /^ntlab disk: '.*notes\.txt' is not an NT Lab disk/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
  const good = spawnSync(process.execPath, [BIN, 'disk', 'ls', '\\SAMPLES'], { encoding: 'utf8' });
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /HELLO\.TXT/);
}));
