// Host bodies of the demo win32k table (kernel/nt/w32ksvc.lst).
import type { ServiceBody } from '../ke/services.ts';
import { tickCount } from '../ke/clock.ts';
import { STATUS_SUCCESS } from '../ex/status.ts';

export const WIN32K_BODIES: Record<string, ServiceBody> = {
  /** BOOL NtGdiFlush(VOID): nothing is batched. */
  NtGdiFlush: () => 1,
  /** DWORD NtUserGetTickCount(VOID). */
  NtUserGetTickCount: ({ kernel }) => tickCount(kernel),
  /** DWORD_PTR NtUserGetThreadState(DWORD Routine): NT Lab keeps no window state; returns
   *  the routine number back, which proves the argument arrived. */
  NtUserGetThreadState: ({ args: [routine] }) => routine ?? STATUS_SUCCESS,
};
