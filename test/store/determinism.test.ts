// The disk is one of the machine's inputs, so it must not bring in the host's clock or
// anything else that differs between runs: the same operations with the same clock give
// the same disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultDiskInMemory } from '../../kernel/store/default-disk.ts';
import { steppingClock, unwrap, type NodeInfo, type VirtualDisk } from '../../kernel/store/index.ts';
import { START } from './helpers.ts';

const STORE = resolve(import.meta.dirname, '..', '..', 'kernel', 'store');

test('kernel/store reads the host clock only in hostClock, for tools', () => {
  const offenders: string[] = [];
  for (const name of readdirSync(STORE).filter(n => n.endsWith('.ts'))) {
    const lines = readFileSync(join(STORE, name), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/Date\.now\(|new Date\(\)|performance\.now|process\.hrtime|Math\.random/.test(line) && !/export const hostClock/.test(line)) {
        offenders.push(`${name}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(offenders, []);
});

/** Every node of the disk, depth first, with everything stat reports. */
function everything(disk: VirtualDisk): NodeInfo[] {
  const out: NodeInfo[] = [];
  const walk = (dir: NodeInfo) => {
    for (const e of unwrap(disk.list(dir.id))) {
      out.push(e);
      if (e.isDirectory) walk(e);
    }
  };
  walk(unwrap(disk.stat(unwrap(disk.volume('C')).root)));
  return out;
}

test('the same operations with the same clock make identical disks, times and ids included', () => {
  const build = () => {
    const disk = defaultDiskInMemory(steppingClock(START, 17n));
    const c = unwrap(disk.volume('C'));
    const dir = unwrap(disk.create(c.root, 'WORK', { directory: true }));
    const f = unwrap(disk.create(dir.id, 'a.txt'));
    unwrap(disk.write(f.id, 100, Buffer.from('x')));
    unwrap(disk.rename(f.id, c.root, 'B.TXT'));
    return disk;
  };
  const one = build();
  const two = build();
  assert.deepEqual(everything(one), everything(two));
  assert.deepEqual(unwrap(one.volume('C')), unwrap(two.volume('C')));
});
