// Names for the numbers the i386 is made of, so logic never carries bare magic values.

/** A 32-bit linear (segment base + offset) address, as an int32 or uint32 JS number. */
export type LinearAddress = number;
/** An address in the emulated physical RAM. */
export type PhysicalAddress = number;
/** A 16-bit segment selector: index << 3 | TI << 2 | RPL. */
export type Selector = number;
/** An interrupt or exception vector, 0..255. */
export type Vector = number;

/** General registers in encoding order (the order of `Cpu.regs`). */
export const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
export const REG_NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;

/** Segment registers in encoding order (the order of `Cpu.seg`). */
export const ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
export const SEG_NAMES = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;

/** EFLAGS bits. */
export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200,
  DF = 0x400, OF = 0x800, IOPL = 0x3000, NT = 0x4000, RF = 0x10000, VM = 0x20000, AC = 0x40000,
  ID = 0x200000;
/** The six arithmetic flags, computed lazily (see flags.ts). */
export const ARITH_FLAGS = CF | PF | AF | ZF | SF | OF;
/** Bits a program can change with popf at CPL 0 (VM and RF aside; i486 adds AC, cpuid ID). */
export const EFLAGS_WRITABLE = ARITH_FLAGS | TF | IF | DF | IOPL | NT | AC | ID;
/** Bit 1 of EFLAGS always reads as 1. */
export const EFLAGS_FIXED = 0x2;

/** Control register bits. */
export const CR0_PE = 0x1, CR0_MP = 0x2, CR0_EM = 0x4, CR0_TS = 0x8, CR0_ET = 0x10, CR0_NE = 0x20,
  CR0_WP = 0x10000, CR0_AM = 0x40000, CR0_NW = 0x20000000, CR0_CD = 0x40000000, CR0_PG = 0x80000000 | 0;
export const CR4_PSE = 0x10, CR4_TSD = 0x4;

/** Page-table entry bits. */
export const PTE_P = 0x1, PTE_RW = 0x2, PTE_US = 0x4, PTE_A = 0x20, PTE_D = 0x40, PTE_PS = 0x80;
/** #PF error-code bits. */
export const PF_PROTECTION = 0x1, PF_WRITE = 0x2, PF_USER = 0x4;

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;
export const PAGE_MASK = 0xfff;

/** Exception vectors (Intel SDM vol. 3, table 6-1). */
export const DE = 0, DB = 1, NMI = 2, BP = 3, OF_VEC = 4, BR = 5, UD = 6, NM = 7, DF_VEC = 8,
  TS = 10, NP = 11, SS_VEC = 12, GP = 13, PF_VEC = 14, MF = 16, AC_VEC = 17;
export const EXCEPTION_NAMES: Record<number, string> = {
  0: '#DE', 1: '#DB', 2: 'NMI', 3: '#BP', 4: '#OF', 5: '#BR', 6: '#UD', 7: '#NM', 8: '#DF',
  10: '#TS', 11: '#NP', 12: '#SS', 13: '#GP', 14: '#PF', 16: '#MF', 17: '#AC',
};
/** Exceptions that push an error code. */
export function hasErrorCode(v: Vector): boolean {
  return v === DF_VEC || (v >= TS && v <= PF_VEC) || v === AC_VEC;
}

/** Model-specific registers NT uses. */
export const MSR_SYSENTER_CS = 0x174, MSR_SYSENTER_ESP = 0x175, MSR_SYSENTER_EIP = 0x176,
  MSR_TSC = 0x10;

/**
 * A CPU exception raised while executing an instruction. Thrown from deep inside memory
 * accesses and helpers, caught by the run loop, which delivers it through the IDT.
 */
export class CpuFault {
  constructor(readonly vector: Vector, readonly errorCode: number | undefined) {}
}

/** Raised when the machine cannot continue (triple fault): the run loop stops with it. */
export class TripleFault {
  constructor(readonly reason: string) {}
}
