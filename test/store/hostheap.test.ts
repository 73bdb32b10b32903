// kernel/store/hostheap.ts: on glibc, once raiseHeapTrimThreshold has run, memory the
// disk's blobs freed is kept for the next blobs instead of going back to the operating
// system (which made every 4 KiB of the next ones a page fault). Page faults are counted,
// not timed, in child processes of their own, so the two runs start from the same heap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const CHILD = join(import.meta.dirname, 'hostheap-child.ts');
const glibc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime;

function faultsOfReallocating(mode: 'raise' | 'leave'): number {
  return Number(execFileSync(process.execPath, ['--expose-gc', '--single-threaded-gc', '--import', 'tsx', CHILD, mode], { encoding: 'utf8' }));
}

test('after raiseHeapTrimThreshold, 20 MiB freed and allocated again takes (almost) no page faults', { skip: glibc ? false : 'not glibc' }, (t) => {
  const left = faultsOfReallocating('leave');
  if (left < 1000) { t.skip(`this glibc (${glibc}) kept the freed memory anyway (${left} faults)`); return; }
  const raised = faultsOfReallocating('raise');
  // 20 MiB is 5,120 pages: without the raise each is a fault again.
  assert.ok(raised * 10 < left, `faults with the threshold raised: ${raised}, without: ${left}`);
});
