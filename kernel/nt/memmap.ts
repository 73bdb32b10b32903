// Where things are. Virtual addresses are NT's own (reference: "Memory map"); physical
// addresses are NT Lab's choices for the pages the boot code places by hand.
//
// Kernel space: linear 0x80000000 + x maps physical x (supervisor-only, KSEG0 as on NT),
// so kernel structures allocated from physical memory have a fixed kernel address. Two
// pages are mapped again high up, as on NT: the KPCR at 0xFFDFF000 and the kernel's
// writable view of KUSER_SHARED_DATA at 0xFFDF0000. User space (below 0x80000000) is
// per process.

// ---- virtual -----------------------------------------------------------------------------
/** Lowest user address a program may use (the first 64 KiB stay unmapped to catch NULL). */
export const MM_LOWEST_USER_ADDRESS = 0x00010000;
export const MM_HIGHEST_USER_ADDRESS = 0x7FFEFFFF;
/** Addresses at or above this are not user addresses (ProbeForRead/Write's limit). */
export const MM_USER_PROBE_ADDRESS = 0x7FFF0000;
/** KUSER_SHARED_DATA as user mode sees it (read-only). */
export const MM_SHARED_USER_DATA_VA = 0x7FFE0000;
/** KUSER_SHARED_DATA as the kernel sees it (writable). */
export const KI_USER_SHARED_DATA = 0xFFDF0000;
/** The process environment block and the first thread's TEB (later TEBs grow down). */
export const MM_PEB_VA = 0x7FFDF000;
export const MM_FIRST_TEB_VA = 0x7FFDE000;
/** Start of kernel space and of the physical-memory window (KSEG0). */
export const KSEG0_BASE = 0x80000000;
/** The page tables of the current process, mapped into themselves (PDE_BASE is the page
 *  directory itself). */
export const PTE_BASE = 0xC0000000;
export const PDE_BASE = 0xC0300000;
/** The processor control region: fs:0 in ring 0. */
export const KIP0PCRADDRESS = 0xFFDFF000;

/** The default image bases of the system DLLs (Windows 2000's) and of programs. */
export const NTDLL_BASE = 0x77F80000;
export const KERNEL32_BASE = 0x77E80000;
export const EXE_BASE = 0x00400000;
/** The initial thread's user stack: reserved size and where it ends. */
export const USER_STACK_SIZE = 0x00100000;
export const USER_STACK_TOP = 0x00130000;

// ---- physical (NT Lab's boot layout) -------------------------------------------------------
export const PHYS_GDT = 0x1000;
export const PHYS_IDT = 0x2000;
export const PHYS_TSS = 0x3000;
export const PHYS_PCR = 0x4000;
export const PHYS_SHARED_USER_DATA = 0x5000;
/** The stack SYSENTER_ESP points at; KiFastCallEntry switches to the thread's stack at once. */
export const PHYS_SYSENTER_STACK = 0x6000;
/** The system process's page directory, and the page table for 0xFFC00000-0xFFFFFFFF. */
export const PHYS_SYSTEM_PD = 0x8000;
export const PHYS_HIGH_PT = 0x9000;
/** The kernel image (ntoskrnl, assembled flat): physical 1 MiB, linear 0x80100000. */
export const PHYS_KERNEL_IMAGE = 0x100000;
/** Physical memory the page allocator hands out starts here (above the kernel image). */
export const PHYS_FIRST_FREE = 0x200000;

/** The kernel's linear address for a physical address. */
export function kseg0(pa: number): number { return (KSEG0_BASE + pa) >>> 0; }

/** Where the process parameters (RTL_USER_PROCESS_PARAMETERS) go, as on Windows 2000. */
export const PROCESS_PARAMETERS_VA = 0x00020000;
/** How much of the initial user stack is committed (mapped) at creation. */
export const USER_STACK_COMMIT = 0x00010000;
