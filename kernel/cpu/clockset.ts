// Several devices on the one instruction clock (the CPU asks a single Clock): the set's
// deadline is the nearest of theirs, and a tick goes to each one that is due.
import type { Clock } from './cpu.ts';

export class ClockSet implements Clock {
  constructor(private readonly clocks: Clock[]) {}

  get deadline(): number {
    let d = Infinity;
    for (const c of this.clocks) if (c.deadline < d) d = c.deadline;
    return d;
  }

  tick(icount: number): void {
    for (const c of this.clocks) if (c.deadline <= icount) c.tick(icount);
  }
}
