// A bounded ring buffer of trace events. The machine appends; readers ask for what they
// need by sequence number or by instruction-count range, so nothing floods the UI, and
// the trace never grows past its capacity (the oldest events are dropped and counted).
import type { TraceEvent, TraceKind } from './events.ts';

export class TraceRing {
  private readonly slots: (TraceEvent | undefined)[];
  /** Sequence number of the next event to be appended; event `seq` lives in slot seq % capacity. */
  private next = 0;

  constructor(readonly capacity = 65536) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError(`trace capacity must be a positive integer, not ${capacity}`);
    this.slots = new Array(capacity);
  }

  push(e: TraceEvent): void {
    this.slots[this.next % this.capacity] = e;
    this.next++;
  }

  /** Sequence number of the oldest event still held. */
  get first(): number { return Math.max(0, this.next - this.capacity); }
  /** Sequence number the next event will get. */
  get end(): number { return this.next; }
  /** Events appended in all. */
  get total(): number { return this.next; }
  /** Events overwritten because the buffer was full. */
  get dropped(): number { return this.first; }
  get size(): number { return this.next - this.first; }

  /** Events with sequence numbers in [from, from+limit), oldest first (clipped to what is held). */
  since(from: number, limit = 1000): TraceEvent[] {
    const out: TraceEvent[] = [];
    for (let s = Math.max(from, this.first); s < this.next && out.length < limit; s++) out.push(this.slots[s % this.capacity]!);
    return out;
  }

  /** Events stamped in [fromIcount, toIcount), optionally of some kinds, at most `limit`. */
  range(fromIcount: number, toIcount: number, opts: { kinds?: TraceKind[]; limit?: number } = {}): TraceEvent[] {
    const kinds = opts.kinds ? new Set(opts.kinds) : null;
    const limit = opts.limit ?? 1000;
    const out: TraceEvent[] = [];
    for (let s = this.lowerBound(fromIcount); s < this.next && out.length < limit; s++) {
      const e = this.slots[s % this.capacity]!;
      if (e.icount >= toIcount) break;
      if (!kinds || kinds.has(e.kind)) out.push(e);
    }
    return out;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.next = 0;
  }

  /** First held sequence number whose event is at or after `icount` (events are appended in
   *  icount order, so a binary search works). */
  private lowerBound(icount: number): number {
    let lo = this.first, hi = this.next;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.slots[mid % this.capacity]!.icount < icount) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
}
