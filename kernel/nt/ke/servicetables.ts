// KeAddSystemServiceTable: how a driver (win32k.sys on NT) adds a service table. It fills
// slot `Index` of KeServiceDescriptorTableShadow -- and of KeServiceDescriptorTable too,
// unless the slot is 1, which only GUI threads see -- and fails if the slot is taken in
// either table.
import type { Kernel } from '../kernel.ts';
import { KSERVICE_TABLE_DESCRIPTOR } from '../layouts.ts';
import { NUMBER_SERVICE_TABLES } from './constants.ts';

const WIN32K_TABLE_INDEX = 1;

export function KeAddSystemServiceTable(k: Kernel, base: number, count: number, limit: number, number: number, index: number): boolean {
  if (index >= NUMBER_SERVICE_TABLES) return false;
  const slot = (table: string) => KSERVICE_TABLE_DESCRIPTOR.at(k.vm, k.sym(table) + index * KSERVICE_TABLE_DESCRIPTOR.size);
  const native = slot('KeServiceDescriptorTable'), shadow = slot('KeServiceDescriptorTableShadow');
  if (native.get('Base') !== 0 || shadow.get('Base') !== 0) return false;
  const fill = (d: typeof native) => { d.set('Base', base); d.set('Count', count); d.set('Limit', limit); d.set('Number', number); };
  fill(shadow);
  if (index !== WIN32K_TABLE_INDEX) fill(native);
  return true;
}
