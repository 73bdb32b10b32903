// The host-call seam: how guest kernel code hands control to a TypeScript body.
//
// A guest thunk loads a host-call number into EAX and writes it to HOSTCALL_PORT
// (`mov eax, N` / `out HOSTCALL_PORT, eax`). The port write reaches `HostCallPort`, which
// runs the registered handler synchronously, inside that one `out` instruction; the handler
// reads its arguments from guest memory (the kernel stack) and leaves its result in EAX.
// `out` ends the CPU's compiled block, so the next guest instruction sees the new EAX.
// Everything else about the call — the stack, `ret 4*argc`, the trap frame — is guest code.
import type { PortHandler } from '../../cpu/ports.ts';

/** An I/O port no PC device uses. */
export const HOSTCALL_PORT = 0xE0;

// Host-call numbers. Below HOSTCALL_KERNEL_BASE a number is a system service:
// (table << 12) | index, i.e. the same number the caller put in EAX for int 0x2e.
export const HOSTCALL_KERNEL_BASE = 0x10000;
/** KiTrapNN: a CPU exception with a KTRAP_FRAME built; vector in the frame's ErrCode slot's
 *  neighbour (see trap.asm), frame in EBP. */
export const HC_KI_DISPATCH_EXCEPTION = 0x10000;
/** KiSystemService found no such service (number in EBX): for the trace only. */
export const HC_KI_INVALID_SERVICE = 0x10001;
/** KeBugCheckEx(code, p1, p2, p3, p4): arguments on the stack. */
export const HC_KE_BUGCHECK = 0x10002;
/** KiDeliverApc(mode, exceptionFrame, trapFrame): the host half of APC delivery. */
export const HC_KI_DELIVER_APC = 0x10003;
/** An interrupt vector nobody claimed (vector on the stack). */
export const HC_KI_UNEXPECTED_INTERRUPT = 0x10004;
/** KfRaiseIrql/KfLowerIrql tell the trace about an IRQL change (old in EDX, new in ECX). */
export const HC_KI_TRACE_IRQL = 0x10005;
/** int 0x2A: KiGetTickCount. */
export const HC_KI_GET_TICK_COUNT = 0x10006;
/** The clock interrupt's KeUpdateSystemTime (frame in EBP): time, timers, quantum end. */
export const HC_KE_UPDATE_SYSTEM_TIME = 0x10007;
/** KiDispatchInterrupt's host half: drain the DPC queue, decide the next thread (EAX =
 *  the KTHREAD to switch to, or 0). */
export const HC_KI_DISPATCH_INTERRUPT = 0x10008;
/** SwapContext tells the trace (EDI old thread, ESI new thread). */
export const HC_KI_TRACE_SWAP = 0x10009;
/** KiRetireDpcList, one step: EAX = the next KDPC off KPRCB.DpcListHead, or 0. */
export const HC_KI_NEXT_DPC = 0x1000A;
/** KiTimerExpiration, the timer DPC's routine: ends the waits that timed out. */
export const HC_KI_TIMER_EXPIRATION = 0x1000B;

export type HostCallHandler = () => void;

export class HostCallPort implements PortHandler {
  private readonly handlers = new Map<number, HostCallHandler>();
  /** Called for a number nobody registered (a host bug, or a stray guest `out`). */
  onUnknown: (n: number) => void = n => { throw new Error(`unknown host call 0x${n.toString(16)}`); };

  register(n: number, h: HostCallHandler): void {
    if (this.handlers.has(n)) throw new Error(`host call 0x${n.toString(16)} registered twice`);
    this.handlers.set(n, h);
  }

  read(): number { return -1; }

  write(_port: number, _size: 1 | 2 | 4, value: number): void {
    const h = this.handlers.get(value >>> 0);
    if (h) h(); else this.onUnknown(value >>> 0);
  }
}
