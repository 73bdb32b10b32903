// Page protections: the Win32/NT PAGE_* values callers pass, the memory manager's own
// 5-bit protection codes (MM_READONLY, ..., what MmProtectToValue translates and what VADs
// and software PTEs hold), and what an i386 PTE can express of them (no NX bit: an
// executable page is a readable one).
import { PTE_P, PTE_RW, PTE_US } from '../../cpu/types.ts';

export const PAGE_NOACCESS = 0x01, PAGE_READONLY = 0x02, PAGE_READWRITE = 0x04, PAGE_WRITECOPY = 0x08;
export const PAGE_EXECUTE = 0x10, PAGE_EXECUTE_READ = 0x20, PAGE_EXECUTE_READWRITE = 0x40, PAGE_EXECUTE_WRITECOPY = 0x80;
export const PAGE_GUARD = 0x100, PAGE_NOCACHE = 0x200;

/** The memory manager's protection codes (mi.h). */
export const MM_ZERO_ACCESS = 0, MM_READONLY = 1, MM_EXECUTE = 2, MM_EXECUTE_READ = 3, MM_READWRITE = 4;
export const MM_WRITECOPY = 5, MM_EXECUTE_READWRITE = 6, MM_EXECUTE_WRITECOPY = 7;
export const MM_NOACCESS = 0x18;

/** PAGE_* -> MM_* for private memory; -1 for what NT refuses there (write-copy, guard and
 *  no-cache pages: NT Lab does not model them, and several bits at once). */
const TO_MM = new Map<number, number>([
  [PAGE_NOACCESS, MM_NOACCESS], [PAGE_READONLY, MM_READONLY], [PAGE_READWRITE, MM_READWRITE],
  [PAGE_EXECUTE, MM_EXECUTE], [PAGE_EXECUTE_READ, MM_EXECUTE_READ], [PAGE_EXECUTE_READWRITE, MM_EXECUTE_READWRITE],
]);
const TO_PAGE = new Map<number, number>([...TO_MM].map(([page, mm]) => [mm, page]));

export function mmProtection(pageProtect: number): number { return TO_MM.get(pageProtect) ?? -1; }
export function pageProtection(mm: number): number { return TO_PAGE.get(mm) ?? 0; }

const WRITABLE = new Set([MM_READWRITE, MM_EXECUTE_READWRITE]);

/** The hardware bits of a valid user PTE with this protection (MM_NOACCESS has none: such a
 *  page is committed but not present). */
export function hardwareBits(mm: number): number {
  if (mm === MM_NOACCESS) return 0;
  return PTE_P | PTE_US | (WRITABLE.has(mm) ? PTE_RW : 0);
}
