// The system DLLs: ntdll.dll and kernel32.dll assembled from kernel/win32/ as PE32 DLLs at
// their Windows 2000 bases. ntdll's stubs come from sysfuncs.lst in the machine's form.
// Built once per form per host process.
import { assembleGuest } from '../guestasm.ts';
import { nativeServices } from '../ke/sysfuncs.ts';
import { ntdllStubs, type StubForm } from '../ke/genntdll.ts';
import { NTDLL_BASE, KERNEL32_BASE } from '../memmap.ts';
import { winerrorInc, ntstatus2dosInc } from '../rtl/doserror.ts';
import type { DllProvider } from './loader.ts';

const ntdll = new Map<StubForm, Uint8Array>();
let kernel32: Uint8Array | null = null;

export function ntdllImage(form: StubForm): Uint8Array {
  let bytes = ntdll.get(form);
  if (!bytes) {
    bytes = assembleGuest({
      main: 'win32/ntdll/ntdll.asm',
      generated: {
        'ntstubs.inc': ntdllStubs(nativeServices(), form),
        'winerror.inc': winerrorInc(),
        'ntstatus2dos.inc': ntstatus2dosInc(),
      },
      options: { format: 'dll', imageBase: NTDLL_BASE, dllName: 'ntdll.dll' },
    }).bytes;
    ntdll.set(form, bytes);
  }
  return bytes;
}

export function kernel32Image(): Uint8Array {
  return kernel32 ??= assembleGuest({
    main: 'win32/kernel32/kernel32.asm',
    generated: { 'winerror.inc': winerrorInc() },
    options: { format: 'dll', imageBase: KERNEL32_BASE, dllName: 'kernel32.dll' },
  }).bytes;
}

/** The DLLs a program can import. */
export function systemDlls(form: StubForm): DllProvider {
  return name => name === 'ntdll.dll' ? ntdllImage(form) : name === 'kernel32.dll' ? kernel32Image() : undefined;
}
