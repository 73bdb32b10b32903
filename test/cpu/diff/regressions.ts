// Cases that once disagreed with the host CPU, pinned so they run in every differential
// run whatever the seed. Each names the bug it caught.
import type { Case } from './cases.ts';
import { STACK_TOP, OPERANDS } from './layout.ts';

function regs(over: Partial<Record<'eax' | 'ecx' | 'edx' | 'ebx' | 'ebp' | 'esi' | 'edi', number>>): number[] {
  const r = [0x11111111, 0x22222222, 0x33333333, 0x44444444, STACK_TOP, 0x66666666, 0x77777777, 0x88888888];
  const names = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
  names.forEach((n, i) => { if (n !== 'esp' && over[n] !== undefined) r[i] = over[n]!; });
  return r;
}

export const REGRESSIONS: Case[] = [
  // enter copied the outer frame pointers before pushing EBP; with EBP = ESP the hardware
  // reads the EBP it has just pushed.
  { family: 'stack', lines: ['enter 35, 3'], regs: regs({ ebp: STACK_TOP }), flags: 0x84, seed: 4020738774 },
  { family: 'stack', lines: ['o16 enter 8, 2'], regs: regs({ ebp: STACK_TOP - 2 }), flags: 0, seed: 99 },
  // rep ins/outs check I/O permission before the count: #GP even with ECX = 0.
  { family: 'fault', lines: ['rep insb'], regs: regs({ ecx: 0, edx: 0x80, edi: OPERANDS }), flags: 0x14, seed: 3861173130 },
  { family: 'fault', lines: ['rep outsd'], regs: regs({ ecx: 0, edx: 0x3f8, esi: OPERANDS }), flags: 0, seed: 5 },
];
