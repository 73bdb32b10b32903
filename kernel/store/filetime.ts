// Time on the disk is NT's FILETIME: 100-nanosecond ticks since 1 January 1601 UTC, as
// a 64-bit integer. Present-day values (~1.3e17) are beyond 2^53, so they are bigints in
// TypeScript and SQLite INTEGERs (64-bit) on disk; a JavaScript number would round them.
//
// The disk never reads the host clock by itself. Whoever opens it passes a Clock: the
// machine passes its instruction-count clock (so two runs stamp identical times), the
// command line passes the host clock, tests pass a fixed or stepping clock.

export type FileTime = bigint;
export type Clock = () => FileTime;

export const TICKS_PER_SECOND = 10_000_000n;
export const TICKS_PER_MILLISECOND = 10_000n;
const NANOSECONDS_PER_TICK = 100n;
/** Ticks from 1601-01-01 to the Unix epoch 1970-01-01 (369 years, 89 of them leap years). */
export const UNIX_EPOCH_AS_FILETIME = 116_444_736_000_000_000n;

export function fileTimeFromUnixMs(ms: number): FileTime {
  return UNIX_EPOCH_AS_FILETIME + BigInt(Math.trunc(ms)) * TICKS_PER_MILLISECOND;
}

/** Host file times come as nanoseconds (fs.statSync(..., { bigint: true })): keep all 100-ns precision. */
export function fileTimeFromUnixNs(ns: bigint): FileTime {
  return UNIX_EPOCH_AS_FILETIME + ns / NANOSECONDS_PER_TICK;
}

export function fileTimeToUnixMs(t: FileTime): number {
  return Number((t - UNIX_EPOCH_AS_FILETIME) / TICKS_PER_MILLISECOND);
}

/** Seconds since the Unix epoch, fractional: what fs.utimes takes, at better than microsecond precision. */
export function fileTimeToUnixSeconds(t: FileTime): number {
  const ticks = t - UNIX_EPOCH_AS_FILETIME;
  return Number(ticks / TICKS_PER_SECOND) + Number(ticks % TICKS_PER_SECOND) / Number(TICKS_PER_SECOND);
}

export function fileTimeToDate(t: FileTime): Date {
  return new Date(fileTimeToUnixMs(t));
}

/** The host's wall clock: for the command line and tools, never for the machine. */
export const hostClock: Clock = () => fileTimeFromUnixMs(Date.now());

/** A clock that always says `t` (tests, and the fixed timestamp of the default disk). */
export function fixedClock(t: FileTime): Clock {
  return () => t;
}

/** A clock that advances by `step` ticks on every reading: each operation gets a distinct time. */
export function steppingClock(start: FileTime, step: FileTime = TICKS_PER_SECOND): Clock {
  let next = start;
  return () => { const t = next; next += step; return t; };
}
