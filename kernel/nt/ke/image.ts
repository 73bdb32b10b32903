// The kernel image: kernel/nt/ke/i386/ntoskrnl.asm and what it includes, plus the service
// tables generated from sysfuncs.lst, assembled flat at its KSEG0 address. Built once per
// host process (the source does not change while NT Lab runs).
import { assembleGuest, type GuestImage } from '../guestasm.ts';
import { kseg0, PHYS_KERNEL_IMAGE, PHYS_FIRST_FREE } from '../memmap.ts';
import { nativeServices, win32kServices } from './sysfuncs.ts';
import { serviceTable, descriptorTables } from './genntdll.ts';

export const KERNEL_IMAGE_BASE = kseg0(PHYS_KERNEL_IMAGE);

/** Native services whose SSDT entry is hand-written guest code, not a generated thunk. */
export const GUEST_IMPLEMENTED_SERVICES: ReadonlySet<string> = new Set(['NtContinue', 'NtRaiseException']);

export interface KernelImage extends GuestImage {
  base: number;
}

let kernel: KernelImage | null = null;

export function kernelImage(): KernelImage {
  if (kernel) return kernel;
  const image = assembleGuest({
    main: 'nt/ke/i386/ntoskrnl.asm',
    generated: {
      'services.inc': serviceTable(nativeServices(), { ssdt: 'MainSSDT', sspt: 'MainSSPT', limit: 'NUMBER_OF_SYSCALLS' }, GUEST_IMPLEMENTED_SERVICES),
      'descriptors.inc': descriptorTables(),
    },
    options: { format: 'bin', defines: { KERNEL_IMAGE_BASE: String(KERNEL_IMAGE_BASE) } },
  });
  const end = Math.max(...image.sections.map(s => s.address + s.size));
  if (end - KERNEL_IMAGE_BASE > PHYS_FIRST_FREE - PHYS_KERNEL_IMAGE) throw new Error('the kernel image outgrew its physical slot');
  kernel = { ...image, base: KERNEL_IMAGE_BASE };
  return kernel;
}

/** The demo win32k image: its service table (w32ksvc.lst) at a kernel address the boot code
 *  chose, registered with KeAddSystemServiceTable like win32k.sys's DriverEntry does. */
const win32k = new Map<number, KernelImage>();

export function win32kImage(base: number): KernelImage {
  const have = win32k.get(base);
  if (have) return have;
  const built = assembleGuest({
    main: 'nt/ke/i386/win32k.asm',
    generated: {
      'w32ksvc.inc': serviceTable(win32kServices(), { ssdt: 'W32pServiceTable', sspt: 'W32pArgumentTable', limit: 'W32pServiceLimit' }),
    },
    options: { format: 'bin', defines: { WIN32K_IMAGE_BASE: String(base) } },
  });
  const image = { ...built, base };
  win32k.set(base, image);
  return image;
}
