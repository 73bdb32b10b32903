import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TraceRing } from '../../kernel/trace/ring.ts';
import type { TraceEvent } from '../../kernel/trace/events.ts';

const irql = (icount: number, to: number): TraceEvent => ({ kind: 'irql', icount, thread: 0, from: 0, to });

test('keeps the newest events up to its capacity and counts what it dropped', () => {
  const t = new TraceRing(4);
  for (let i = 0; i < 10; i++) t.push(irql(i * 10, i));
  assert.equal(t.size, 4);
  assert.equal(t.dropped, 6);
  assert.deepEqual(t.since(0).map(e => e.icount), [60, 70, 80, 90]);
  assert.deepEqual(t.since(8).map(e => e.icount), [80, 90]);
});

test('range selects by instruction count and kind, with a limit', () => {
  const t = new TraceRing(100);
  for (let i = 0; i < 50; i++) t.push(i % 2 ? irql(i, 1) : { kind: 'context-switch', icount: i, thread: 1, from: 1, to: 2 });
  const r = t.range(10, 20, { kinds: ['irql'] });
  assert.deepEqual(r.map(e => e.icount), [11, 13, 15, 17, 19]);
  assert.equal(t.range(0, 50, { limit: 3 }).length, 3);
  assert.deepEqual(t.range(100, 200), []);
});

test('rejects a nonsensical capacity', () => {
  assert.throws(() => new TraceRing(0), /positive integer/);
});
