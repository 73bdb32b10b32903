// KeBugCheckEx, host half: the guest's KeBugCheckEx (irql.asm) and host code that finds the
// kernel broken both end here. The machine stops and says why, as the blue screen does.
import type { Kernel } from '../kernel.ts';
import { bugCheckName } from './bugcheck.ts';
import { HC_KE_BUGCHECK } from './hostcall.ts';
import { ESP } from '../../cpu/types.ts';

const hex8 = (n: number) => '0x' + (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

export function bugCheck(k: Kernel, code: number, params: number[]): void {
  if (k.stopCause) return;
  k.emit({ kind: 'bugcheck', code, params });
  k.notice(`*** STOP: ${hex8(code)} (${params.map(hex8).join(',')})\n${bugCheckName(code)}\n`);
  k.stop({ kind: 'bugcheck', code, params });
}

/** The guest's `call KeBugCheckEx`: stdcall arguments above the return address. */
export function registerKeBugCheckEx(k: Kernel): void {
  k.hostCalls.register(HC_KE_BUGCHECK, () => {
    const esp = k.cpu.regs[ESP];
    const arg = (i: number) => k.vm.read32((esp + 4 + 4 * i) | 0) >>> 0;
    bugCheck(k, arg(0), [arg(1), arg(2), arg(3), arg(4)]);
  });
}
