// The idle process and its thread (priority 0): what runs when no other thread can, a
// `sti; hlt` loop (KiIdleLoop). It lives in the system address space and never enters the
// ready queues; SwapContext switches to it when the dispatcher has nothing else.
import type { Kernel } from '../kernel.ts';
import { EPROCESS, KPROCESS, KTHREAD } from '../layouts.ts';
import { kseg0, PHYS_SYSTEM_PD } from '../memmap.ts';
import { PAGE_SIZE } from '../../cpu/types.ts';
import { KERNEL_STACK_SIZE, NPX_FRAME_LENGTH, EXCEPTION_CHAIN_END, THREAD_STATE_READY } from './constants.ts';
import { initializeListHead } from '../rtl/list.ts';
import { ProcessObject } from '../ps/process.ts';
import { ThreadObject } from '../ps/thread.ts';

export function createIdleThread(k: Kernel): number {
  const process = k.pool.allocate(EPROCESS.size);
  const p = EPROCESS.at(k.vm, process);
  p.set('Pcb.Header.Type', ProcessObject);
  p.set('Pcb.Header.Size', KPROCESS.size / 4);
  p.set('Pcb.DirectoryTableBase[0]', PHYS_SYSTEM_PD);
  initializeListHead(k.vm, p.addressOf('Pcb.ThreadListHead'));
  const name = 'Idle';
  for (let i = 0; i < name.length; i++) p.set(`ImageFileName[${i}]`, name.charCodeAt(i));

  const thread = k.pool.allocate(KTHREAD.size);
  const t = KTHREAD.at(k.vm, thread);
  const bottom = kseg0(k.pages.allocContiguous(KERNEL_STACK_SIZE / PAGE_SIZE));
  const initialStack = bottom + KERNEL_STACK_SIZE;
  t.set('Header.Type', ThreadObject);
  t.set('Header.Size', KTHREAD.size / 4);
  t.set('InitialStack', initialStack);
  t.set('StackBase', initialStack);
  t.set('StackLimit', bottom);
  t.set('ApcState.Process', process);
  initializeListHead(k.vm, t.addressOf('ApcState.ApcListHead[0]'));
  initializeListHead(k.vm, t.addressOf('ApcState.ApcListHead[1]'));
  t.set('ServiceTable', k.sym('KeServiceDescriptorTable'));
  t.set('State', THREAD_STATE_READY);
  t.set('Priority', 0);
  // What SwapContext pops the first time: the exception list, then "return" into the loop.
  const switchFrame = initialStack - NPX_FRAME_LENGTH - 2 * 4;
  k.vm.write32(switchFrame, EXCEPTION_CHAIN_END);
  k.vm.write32(switchFrame + 4, k.sym('KiIdleThreadStartup'));
  t.set('KernelStack', switchFrame);
  k.pcr().set('PrcbData.IdleThread', thread);
  return thread;
}
