// Bug-check codes (KeBugCheckEx) NT Lab raises, with their names for the blue screen.
export const TRAP_CAUSE_UNKNOWN = 0x12;
export const KMODE_EXCEPTION_NOT_HANDLED = 0x1E;
export const IRQL_GT_ZERO_AT_SYSTEM_SERVICE = 0x4A;
export const UNEXPECTED_KERNEL_MODE_TRAP = 0x7F;

const NAMES: Record<number, string> = {
  [TRAP_CAUSE_UNKNOWN]: 'TRAP_CAUSE_UNKNOWN',
  [KMODE_EXCEPTION_NOT_HANDLED]: 'KMODE_EXCEPTION_NOT_HANDLED',
  [IRQL_GT_ZERO_AT_SYSTEM_SERVICE]: 'IRQL_GT_ZERO_AT_SYSTEM_SERVICE',
  [UNEXPECTED_KERNEL_MODE_TRAP]: 'UNEXPECTED_KERNEL_MODE_TRAP',
};

export function bugCheckName(code: number): string { return NAMES[code] ?? `0x${code.toString(16).toUpperCase()}`; }
