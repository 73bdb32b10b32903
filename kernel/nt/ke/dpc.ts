// Deferred procedure calls: KDPC objects queued on KPRCB.DpcListHead (guest memory) by code
// running above DISPATCH_LEVEL -- an interrupt -- and run by KiDispatchInterrupt when the
// IRQL drops below DISPATCH_LEVEL. Queueing asks for the DISPATCH_LEVEL software interrupt.
// The guest loop in ctxswap.asm calls each DPC's routine; this is the queue's host half.
import type { Kernel } from '../kernel.ts';
import { KDPC, KPCR, LIST_ENTRY } from '../layouts.ts';
import { KIP0PCRADDRESS } from '../memmap.ts';
import { EAX } from '../../cpu/types.ts';
import { HC_KI_NEXT_DPC } from './hostcall.ts';
import { DpcObject } from './constants.ts';
import { initializeListHead, insertTailList, isListEmpty } from '../rtl/list.ts';
import { requestDispatch } from './scheduler.ts';

const dpcListHead = () => KIP0PCRADDRESS + KPCR.path('PrcbData.DpcListHead');

/** KeInitializeDpc. */
export function initializeDpc(k: Kernel, dpc: number, routine: number, context: number): void {
  const d = KDPC.at(k.vm, dpc);
  d.set('Type', DpcObject);
  d.set('DeferredRoutine', routine);
  d.set('DeferredContext', context);
}

/** KeInsertQueueDpc: false when the DPC is queued already. KDPC.Lock marks it queued. */
export function insertQueueDpc(k: Kernel, dpc: number, arg1: number, arg2: number): boolean {
  const d = KDPC.at(k.vm, dpc);
  if (d.get('Lock')) return false;
  d.set('Lock', 1);
  d.set('SystemArgument1', arg1);
  d.set('SystemArgument2', arg2);
  insertTailList(k.vm, dpcListHead(), d.addressOf('DpcListEntry'));
  const pcr = k.pcr();
  pcr.set('PrcbData.DpcQueueDepth', pcr.get('PrcbData.DpcQueueDepth') + 1);
  k.emit({ kind: 'dpc-queue', dpc, routine: d.get('DeferredRoutine') });
  requestDispatch(k);
  return true;
}

/** One step of KiRetireDpcList: the first queued DPC, off the queue (EAX; 0 when empty). */
function nextDpc(k: Kernel): void {
  const head = dpcListHead();
  if (isListEmpty(k.vm, head)) { k.cpu.regs[EAX] = 0; return; }
  const entry = LIST_ENTRY.at(k.vm, head).get('Flink');
  const next = LIST_ENTRY.at(k.vm, entry).get('Flink');
  LIST_ENTRY.at(k.vm, head).set('Flink', next);
  LIST_ENTRY.at(k.vm, next).set('Blink', head);
  const dpc = entry - KDPC.off.DpcListEntry;
  const d = KDPC.at(k.vm, dpc);
  d.set('Lock', 0);
  const pcr = k.pcr();
  pcr.set('PrcbData.DpcQueueDepth', pcr.get('PrcbData.DpcQueueDepth') - 1);
  pcr.set('PrcbData.DpcCount', pcr.get('PrcbData.DpcCount') + 1);
  k.emit({ kind: 'dpc-run', dpc, routine: d.get('DeferredRoutine') });
  k.cpu.regs[EAX] = dpc;
}

export function registerDpcs(k: Kernel): void {
  initializeListHead(k.vm, dpcListHead());
  k.hostCalls.register(HC_KI_NEXT_DPC, () => nextDpc(k));
}
