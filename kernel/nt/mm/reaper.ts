// Giving back what ended processes and threads held (NT's PspReaper, MmCleanProcessAddress-
// Space, MmDeleteProcessAddressSpace, MmDeleteKernelStack, ExDestroyHandleTable): every
// user page and page table, the page directory, the VADs, the handle table of an ended
// process, and the kernel stack of every ended thread. NT does it as the process ends; NT
// Lab does it when physical memory runs short (the page allocator asks), because the tests
// and panels read an ended program's memory after its run. Nothing that is in use is
// touched: the current thread's stack and address space, the thread about to run.
import type { Kernel } from '../kernel.ts';
import { EPROCESS, KTHREAD } from '../layouts.ts';
import { PTE_P } from '../../cpu/types.ts';
import { PAGE_MASK, PAGE_SIZE } from '../../cpu/types.ts';
import { KSEG0_BASE, PHYS_SHARED_USER_DATA } from '../memmap.ts';
import { KERNEL_STACK_SIZE, THREAD_STATE_TERMINATED } from '../ke/constants.ts';
import { deleteHandleTable } from '../ob/handle.ts';
import { removeVad, vadsInOrder } from './vad.ts';
import { freePhysicalPage } from './space.ts';

const PDE_SHIFT = 22;
const PTES_PER_TABLE = 1024;
/** PDEs below this one map user space. */
const USER_PDES = KSEG0_BASE >>> PDE_SHIFT;
const PHYSICAL = (kernelAddress: number) => (kernelAddress - KSEG0_BASE) >>> 0;

/** Reclaims the memory of every ended process and ended thread that is not in use. */
export function reapEndedProcesses(k: Kernel): void {
  const current = k.currentThread();
  const next = k.pcr().get('PrcbData.NextThread');
  const currentPd = k.cpu.mmu.cr3 & ~PAGE_MASK;
  for (const p of k.processes) {
    for (const thread of p.threads) if (thread !== current && thread !== next) deleteKernelStack(k, thread);
    if (p.exitStatus === null) continue;
    const ep = EPROCESS.at(k.vm, p.eprocess);
    const pd = ep.get('Pcb.DirectoryTableBase[0]') & ~PAGE_MASK;
    if (!pd || pd === currentPd) continue;
    for (const v of vadsInOrder(k, p.eprocess)) removeVad(k, p.eprocess, v.address);
    deleteAddressSpace(k, pd);
    ep.set('Pcb.DirectoryTableBase[0]', 0);        // reaped: no address space any more
    deleteHandleTable(k, p.eprocess);
  }
}

/** MmDeleteKernelStack for an ended thread (once: InitialStack 0 says it is gone). */
function deleteKernelStack(k: Kernel, thread: number): void {
  const t = KTHREAD.at(k.vm, thread);
  if (t.get('State') !== THREAD_STATE_TERMINATED || !t.get('InitialStack')) return;
  const bottom = PHYSICAL(t.get('StackLimit'));
  for (let pa = bottom; pa < bottom + KERNEL_STACK_SIZE; pa += PAGE_SIZE) k.pages.freePage(pa);
  t.set('InitialStack', 0);
  t.set('StackBase', 0);
  t.set('StackLimit', 0);
  t.set('KernelStack', 0);
}

/** Every frame the user half maps (but the shared KUSER_SHARED_DATA page), the page
 *  tables, and the page directory itself. */
function deleteAddressSpace(k: Kernel, pd: number): void {
  const mem = k.cpu.mem;
  for (let i = 0; i < USER_PDES; i++) {
    const pde = mem.read32(pd + 4 * i);
    if (!(pde & PTE_P)) continue;
    const table = pde & ~PAGE_MASK;
    for (let j = 0; j < PTES_PER_TABLE; j++) {
      const pte = mem.read32(table + 4 * j) >>> 0;
      const frame = (pte & ~PAGE_MASK) >>> 0;
      if (pte && frame !== PHYS_SHARED_USER_DATA) freePhysicalPage(k, frame);
    }
    k.pages.freePage(table);
  }
  k.pages.freePage(pd);
}
