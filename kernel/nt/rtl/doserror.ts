// The one source of truth for NTSTATUS -> Win32 error, as RtlNtStatusToDosError does it.
// ntdll's RtlNtStatusToDosError (guest assembly, kernel/win32/ntdll/rtl.asm) walks a table
// generated from STATUS_TO_DOS below (`ntstatus2dos.inc`); host code (tests, the trace) can
// ask `ntStatusToDosError` and get the same answer. The statuses come from ex/status.ts
// when it names them; the few kernel32 needs that it does not (yet) name are listed here.
import * as status from '../ex/status.ts';

/** Statuses kernel32 and ntdll know that ex/status.ts may not export. */
export const EXTRA_STATUSES: Record<string, number> = {
  STATUS_TIMEOUT: 0x00000102,
  STATUS_OBJECT_NAME_EXISTS: 0x40000000,
  STATUS_NO_MORE_FILES: 0x80000006,
  STATUS_INVALID_INFO_CLASS: 0xC0000003,
  STATUS_INFO_LENGTH_MISMATCH: 0xC0000004,
  STATUS_NO_SUCH_DEVICE: 0xC000000E,
  STATUS_NO_SUCH_FILE: 0xC000000F,
  STATUS_INVALID_DEVICE_REQUEST: 0xC0000010,
  STATUS_BUFFER_TOO_SMALL: 0xC0000023,
  STATUS_OBJECT_PATH_INVALID: 0xC0000039,
  STATUS_SHARING_VIOLATION: 0xC0000043,
  STATUS_DELETE_PENDING: 0xC0000056,
  STATUS_DISK_FULL: 0xC000007F,
  STATUS_FILE_IS_A_DIRECTORY: 0xC00000BA,
  STATUS_NOT_SUPPORTED: 0xC00000BB,
  STATUS_INVALID_USER_BUFFER: 0xC00000E8,
  STATUS_DIRECTORY_NOT_EMPTY: 0xC0000101,
  STATUS_NOT_A_DIRECTORY: 0xC0000103,
  STATUS_CANCELLED: 0xC0000120,
  STATUS_CANNOT_DELETE: 0xC0000121,
};

/** Win32 error codes (winerror.h) that the table and kernel32 use. */
export const WIN32_ERRORS = {
  ERROR_SUCCESS: 0,
  ERROR_INVALID_FUNCTION: 1,
  ERROR_FILE_NOT_FOUND: 2,
  ERROR_PATH_NOT_FOUND: 3,
  ERROR_ACCESS_DENIED: 5,
  ERROR_INVALID_HANDLE: 6,
  ERROR_NOT_ENOUGH_MEMORY: 8,
  ERROR_NO_MORE_FILES: 18,
  ERROR_BAD_LENGTH: 24,
  ERROR_GEN_FAILURE: 31,
  ERROR_SHARING_VIOLATION: 32,
  ERROR_HANDLE_EOF: 38,
  ERROR_NOT_SUPPORTED: 50,
  ERROR_FILE_EXISTS: 80,
  ERROR_INVALID_PARAMETER: 87,
  ERROR_DISK_FULL: 112,
  ERROR_INSUFFICIENT_BUFFER: 122,
  ERROR_INVALID_NAME: 123,
  ERROR_NEGATIVE_SEEK: 131,
  ERROR_DIR_NOT_EMPTY: 145,
  ERROR_SIGNAL_REFUSED: 156,
  ERROR_BAD_PATHNAME: 161,
  ERROR_ALREADY_EXISTS: 183,
  ERROR_MORE_DATA: 234,
  ERROR_DIRECTORY: 267,
  ERROR_MR_MID_NOT_FOUND: 317,
  ERROR_OPERATION_ABORTED: 995,
  ERROR_IO_INCOMPLETE: 996,
  ERROR_IO_PENDING: 997,
  ERROR_NOACCESS: 998,
  ERROR_TIMEOUT: 1460,
  ERROR_NO_SYSTEM_RESOURCES: 1450,
  ERROR_INVALID_USER_BUFFER: 1784,
  ERROR_INVALID_ADDRESS: 487,
} as const;

type ErrorName = keyof typeof WIN32_ERRORS;

/** [status name, Win32 error name]: the rows of RtlNtStatusToDosError's table. */
export const STATUS_TO_DOS: readonly (readonly [string, ErrorName])[] = [
  ['STATUS_SUCCESS', 'ERROR_SUCCESS'],
  ['STATUS_PENDING', 'ERROR_IO_PENDING'],
  ['STATUS_TIMEOUT', 'ERROR_TIMEOUT'],
  ['STATUS_OBJECT_NAME_EXISTS', 'ERROR_ALREADY_EXISTS'],
  ['STATUS_DATATYPE_MISALIGNMENT', 'ERROR_NOACCESS'],
  ['STATUS_BUFFER_OVERFLOW', 'ERROR_MORE_DATA'],
  ['STATUS_NO_MORE_FILES', 'ERROR_NO_MORE_FILES'],
  ['STATUS_UNSUCCESSFUL', 'ERROR_GEN_FAILURE'],
  ['STATUS_NOT_IMPLEMENTED', 'ERROR_INVALID_FUNCTION'],
  ['STATUS_INVALID_INFO_CLASS', 'ERROR_INVALID_PARAMETER'],
  ['STATUS_INFO_LENGTH_MISMATCH', 'ERROR_BAD_LENGTH'],
  ['STATUS_ACCESS_VIOLATION', 'ERROR_NOACCESS'],
  ['STATUS_INVALID_HANDLE', 'ERROR_INVALID_HANDLE'],
  ['STATUS_INVALID_PARAMETER', 'ERROR_INVALID_PARAMETER'],
  ['STATUS_NO_SUCH_DEVICE', 'ERROR_FILE_NOT_FOUND'],
  ['STATUS_NO_SUCH_FILE', 'ERROR_FILE_NOT_FOUND'],
  ['STATUS_INVALID_DEVICE_REQUEST', 'ERROR_INVALID_FUNCTION'],
  ['STATUS_END_OF_FILE', 'ERROR_HANDLE_EOF'],
  ['STATUS_NO_MEMORY', 'ERROR_NOT_ENOUGH_MEMORY'],
  ['STATUS_CONFLICTING_ADDRESSES', 'ERROR_INVALID_ADDRESS'],
  ['STATUS_UNABLE_TO_FREE_VM', 'ERROR_INVALID_PARAMETER'],
  ['STATUS_NOT_COMMITTED', 'ERROR_INVALID_ADDRESS'],
  ['STATUS_INVALID_PAGE_PROTECTION', 'ERROR_INVALID_PARAMETER'],
  ['STATUS_FREE_VM_NOT_AT_BASE', 'ERROR_INVALID_ADDRESS'],
  ['STATUS_MEMORY_NOT_ALLOCATED', 'ERROR_INVALID_ADDRESS'],
  ['STATUS_INVALID_PARAMETER_2', 'ERROR_INVALID_PARAMETER'],
  ['STATUS_INVALID_PARAMETER_3', 'ERROR_INVALID_PARAMETER'],
  ['STATUS_INVALID_PARAMETER_4', 'ERROR_INVALID_PARAMETER'],
  ['STATUS_INVALID_PARAMETER_5', 'ERROR_INVALID_PARAMETER'],
  ['STATUS_INVALID_SYSTEM_SERVICE', 'ERROR_INVALID_FUNCTION'],
  ['STATUS_ACCESS_DENIED', 'ERROR_ACCESS_DENIED'],
  ['STATUS_BUFFER_TOO_SMALL', 'ERROR_INSUFFICIENT_BUFFER'],
  ['STATUS_OBJECT_TYPE_MISMATCH', 'ERROR_INVALID_HANDLE'],
  ['STATUS_OBJECT_NAME_INVALID', 'ERROR_INVALID_NAME'],
  ['STATUS_OBJECT_NAME_NOT_FOUND', 'ERROR_FILE_NOT_FOUND'],
  ['STATUS_OBJECT_NAME_COLLISION', 'ERROR_ALREADY_EXISTS'],
  ['STATUS_OBJECT_PATH_INVALID', 'ERROR_BAD_PATHNAME'],
  ['STATUS_OBJECT_PATH_NOT_FOUND', 'ERROR_PATH_NOT_FOUND'],
  ['STATUS_OBJECT_PATH_SYNTAX_BAD', 'ERROR_BAD_PATHNAME'],
  ['STATUS_SHARING_VIOLATION', 'ERROR_SHARING_VIOLATION'],
  ['STATUS_SUSPEND_COUNT_EXCEEDED', 'ERROR_SIGNAL_REFUSED'],
  ['STATUS_THREAD_IS_TERMINATING', 'ERROR_ACCESS_DENIED'],
  ['STATUS_DELETE_PENDING', 'ERROR_ACCESS_DENIED'],
  ['STATUS_DISK_FULL', 'ERROR_DISK_FULL'],
  ['STATUS_INSUFFICIENT_RESOURCES', 'ERROR_NO_SYSTEM_RESOURCES'],
  ['STATUS_FILE_IS_A_DIRECTORY', 'ERROR_ACCESS_DENIED'],
  ['STATUS_NOT_SUPPORTED', 'ERROR_NOT_SUPPORTED'],
  ['STATUS_INVALID_USER_BUFFER', 'ERROR_INVALID_USER_BUFFER'],
  ['STATUS_DIRECTORY_NOT_EMPTY', 'ERROR_DIR_NOT_EMPTY'],
  ['STATUS_NOT_A_DIRECTORY', 'ERROR_DIRECTORY'],
  ['STATUS_CANCELLED', 'ERROR_OPERATION_ABORTED'],
  ['STATUS_CANNOT_DELETE', 'ERROR_ACCESS_DENIED'],
];

/** The value of a status name: ex/status.ts first, then EXTRA_STATUSES. */
export function statusValue(name: string): number {
  const v = (status as Record<string, unknown>)[name] ?? EXTRA_STATUSES[name];
  if (typeof v !== 'number') throw new Error(`unknown status ${name}`);
  return v >>> 0;
}

/** RtlNtStatusToDosError on the host: the same rules as the guest routine. */
export function ntStatusToDosError(s: number): number {
  s >>>= 0;
  if (s === 0 || (s & 0x20000000)) return s;                 // customer codes pass through
  if (((s & 0xFFFF0000) >>> 0) === 0x80070000) return s & 0xFFFF;      // HRESULT_FROM_WIN32
  if (((s & 0xF0000000) >>> 0) === 0xD0000000) s = (s & 0xCFFFFFFF) >>> 0;  // HRESULT_FROM_NT
  for (const [name, err] of STATUS_TO_DOS) if (statusValue(name) === s) return WIN32_ERRORS[err];
  return WIN32_ERRORS.ERROR_MR_MID_NOT_FOUND;
}

const hex = (n: number) => '0x' + (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

/** winerror.inc: `equ` lines for the statuses ks386.inc lacks and for the Win32 errors
 *  (ntdll and kernel32 both include it). */
export function winerrorInc(): string {
  const lines = [
    '; winerror.inc -- GENERATED by kernel/nt/rtl/doserror.ts. Do not edit.',
    '; ---- statuses ks386.inc does not define',
  ];
  for (const [k, v] of Object.entries(EXTRA_STATUSES)) if (!(k in status)) lines.push(`${k} equ ${hex(v)}`);
  lines.push('; ---- Win32 errors (winerror.h)');
  for (const [k, v] of Object.entries(WIN32_ERRORS)) lines.push(`${k} equ ${v}`);
  return lines.join('\n') + '\n';
}

/** ntstatus2dos.inc: the table RtlNtStatusToDosError walks, `RtlpNtStatusToDosTable`
 *  (status, error pairs, ended by 0xFFFFFFFF), in .rdata. */
export function ntstatus2dosInc(): string {
  const lines = ['; ntstatus2dos.inc -- GENERATED by kernel/nt/rtl/doserror.ts. Do not edit.',
    'section .rdata', 'align 4', 'RtlpNtStatusToDosTable:'];
  for (const [s, e] of STATUS_TO_DOS) lines.push(`    dd ${s}, ${e}`.padEnd(60) + `; ${hex(statusValue(s))} -> ${WIN32_ERRORS[e]}`);
  lines.push('    dd 0xFFFFFFFF                                           ; end of table', 'section .text');
  return lines.join('\n') + '\n';
}
