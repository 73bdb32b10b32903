// Where things live, the same in the native process and in the emulator, so addresses that
// end up in registers (pointers into the scratch page, return addresses) compare equal.
//
//   0x1ff000  not mapped (string ops running off the bottom of the scratch page fault)
//   0x200000  the scratch page: random bytes per case; memory operands and the stack
//   0x201000  read-only zeros (reads past the top succeed, writes raise #PF with P|W|U)
//   0x202000  not mapped
//   0x210000  the native harness's own page (state in, state out), unused by the emulator
//   0x400000  .cases: the exit stub, the entry table, then every case's code
export const PAGE = 0x200000;
export const PAGE_SIZE = 0x1000;
/** Memory operands land in [OPERANDS, OPERANDS_END). */
export const OPERANDS = 0x200100, OPERANDS_END = 0x200200;
/** ESP at the start of every case; the stack grows into the compared window. */
export const STACK_TOP = 0x200220;
/** Bytes of the page reported verbatim (the rest is compared by hash). */
export const WINDOWS: readonly [number, number][] = [[0x200100, 0x200240], [0x200f80, 0x201000]];
export const READ_ONLY = 0x201000;
export const HARNESS = 0x210000;
export const CASES = 0x400000;
/** The entry table's offset in .cases (after the exit stub): count, then addresses. */
export const TABLE_OFFSET = 64;

/** One result record: 15 dwords, then the windows' bytes. */
export const HEADER_DWORDS = 15;
export const WINDOW_BYTES = WINDOWS.reduce((n, [a, b]) => n + b - a, 0);
export const RECORD_BYTES = HEADER_DWORDS * 4 + WINDOW_BYTES;
/** Record fields (dword index). status: 0 ran to the end, else the signal number. */
export const R_STATUS = 0, R_TRAPNO = 1, R_ERR = 2, R_CR2 = 3, R_EIP = 4, R_REGS = 5, R_EFLAGS = 13, R_HASH = 14;
