// Register names of the i386 (plus x87/MMX/SSE names, which cost nothing here), mapped
// to iced-x86's Register values. Built once from iced's own enum so no numbers are
// written by hand.
import { Register, RegisterExt } from 'iced-x86';

export type RegClass = 'r8' | 'r16' | 'r32' | 'sreg' | 'cr' | 'dr' | 'tr' | 'st' | 'mm' | 'xmm';

export interface RegInfo { reg: Register; cls: RegClass; size: number }

const NAMES = [
  'al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh',
  'ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di',
  'eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi',
  'es', 'cs', 'ss', 'ds', 'fs', 'gs',
  ...[0, 2, 3, 4].map(i => `cr${i}`), ...[0, 1, 2, 3, 6, 7].map(i => `dr${i}`),
  ...[3, 4, 5, 6, 7].map(i => `tr${i}`),
  ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap(i => [`st${i}`, `mm${i}`, `xmm${i}`]),
];

let table: Map<string, RegInfo> | undefined;

function classOf(r: Register): RegClass {
  if (RegisterExt.isGPR8(r)) return 'r8';
  if (RegisterExt.isGPR16(r)) return 'r16';
  if (RegisterExt.isGPR32(r)) return 'r32';
  if (RegisterExt.isSegmentRegister(r)) return 'sreg';
  if (RegisterExt.isCR(r)) return 'cr';
  if (RegisterExt.isDR(r)) return 'dr';
  if (RegisterExt.isTR(r)) return 'tr';
  if (RegisterExt.isST(r)) return 'st';
  if (RegisterExt.isMM(r)) return 'mm';
  return 'xmm';
}

function build(): Map<string, RegInfo> {
  const m = new Map<string, RegInfo>();
  const byName = Register as unknown as Record<string, number>;
  for (const name of NAMES) {
    const key = Object.keys(byName).find(k => k.toLowerCase() === name);
    if (key === undefined) continue;
    const reg = byName[key] as Register;
    m.set(name, { reg, cls: classOf(reg), size: RegisterExt.size(reg) });
  }
  return m;
}

export function registerInfo(name: string): RegInfo | undefined {
  table ??= build();
  return table.get(name.toLowerCase());
}

export function registerName(reg: Register): string {
  table ??= build();
  for (const [n, i] of table) if (i.reg === reg) return n;
  return `reg${reg}`;
}
