// Virtual address descriptors: one MMVAD_SHORT (nonpaged pool) per reserved region of a
// process's private memory, in a binary search tree by StartingVpn rooted at
// EPROCESS.VadRoot, as NT keeps them (NT balances the tree; NT Lab's stays as inserted,
// which is fine for the few regions a program has). The VAD says a range is reserved and
// with which protection it was allocated; the PTEs say which pages are committed.
import type { Kernel } from '../kernel.ts';
import { EPROCESS } from '../layouts.ts';
import {
  MMVAD_SHORT, VAD_PRIVATE_MEMORY, VAD_PROTECTION_MASK, VAD_PROTECTION_SHIFT, VAD_MEM_COMMIT,
} from '../mmlayouts.ts';

export interface Vad { address: number; startingVpn: number; endingVpn: number; protection: number }

const root = (k: Kernel, ep: number) => EPROCESS.at(k.vm, ep).get('VadRoot') >>> 0;
const setRoot = (k: Kernel, ep: number, vad: number) => EPROCESS.at(k.vm, ep).set('VadRoot', vad);
const v = (k: Kernel, vad: number) => MMVAD_SHORT.at(k.vm, vad);
const left = (k: Kernel, vad: number) => v(k, vad).get('LeftChild') >>> 0;
const right = (k: Kernel, vad: number) => v(k, vad).get('RightChild') >>> 0;
const parent = (k: Kernel, vad: number) => v(k, vad).get('Parent') >>> 0;

function describe(k: Kernel, vad: number): Vad {
  const s = v(k, vad);
  return {
    address: vad, startingVpn: s.get('StartingVpn'), endingVpn: s.get('EndingVpn'),
    protection: (s.get('VadFlags') >>> VAD_PROTECTION_SHIFT) & VAD_PROTECTION_MASK,
  };
}

/** MiLocateAddress: the VAD whose range holds page `vpn`, or null. */
export function findVad(k: Kernel, ep: number, vpn: number): Vad | null {
  for (let n = root(k, ep); n;) {
    const s = v(k, n);
    if (vpn < s.get('StartingVpn')) n = left(k, n);
    else if (vpn > s.get('EndingVpn')) n = right(k, n);
    else return describe(k, n);
  }
  return null;
}

/** Every VAD of the process, lowest address first (an in-order walk of the tree). */
export function vadsInOrder(k: Kernel, ep: number): Vad[] {
  const out: Vad[] = [];
  const walk = (n: number): void => { if (!n) return; walk(left(k, n)); out.push(describe(k, n)); walk(right(k, n)); };
  walk(root(k, ep));
  return out;
}

/** MiInsertVad: a new VAD of private memory for pages [startingVpn, endingVpn]. */
export function insertVad(k: Kernel, ep: number, startingVpn: number, endingVpn: number, protection: number, commit: boolean): Vad {
  const vad = k.pool.allocate(MMVAD_SHORT.size, k.vm);
  const s = v(k, vad);
  s.set('StartingVpn', startingVpn);
  s.set('EndingVpn', endingVpn);
  s.set('VadFlags', (VAD_PRIVATE_MEMORY | (commit ? VAD_MEM_COMMIT : 0) | (protection << VAD_PROTECTION_SHIFT)) >>> 0);
  let p = 0;
  for (let n = root(k, ep); n; n = startingVpn < v(k, n).get('StartingVpn') ? left(k, n) : right(k, n)) p = n;
  s.set('Parent', p);
  if (!p) setRoot(k, ep, vad);
  else if (startingVpn < v(k, p).get('StartingVpn')) v(k, p).set('LeftChild', vad);
  else v(k, p).set('RightChild', vad);
  return describe(k, vad);
}

/** MiRemoveVad: unlinks the VAD and gives it back to the pool. */
export function removeVad(k: Kernel, ep: number, vad: number): void {
  if (!left(k, vad)) transplant(k, ep, vad, right(k, vad));
  else if (!right(k, vad)) transplant(k, ep, vad, left(k, vad));
  else {
    let next = right(k, vad);
    while (left(k, next)) next = left(k, next);
    if (parent(k, next) !== vad) {
      transplant(k, ep, next, right(k, next));
      v(k, next).set('RightChild', right(k, vad));
      v(k, right(k, next)).set('Parent', next);
    }
    transplant(k, ep, vad, next);
    v(k, next).set('LeftChild', left(k, vad));
    v(k, left(k, next)).set('Parent', next);
  }
  k.pool.release(vad, MMVAD_SHORT.size);
}

/** Puts `replacement` (may be 0) where `node` hangs in the tree. */
function transplant(k: Kernel, ep: number, node: number, replacement: number): void {
  const p = parent(k, node);
  if (!p) setRoot(k, ep, replacement);
  else if (left(k, p) === node) v(k, p).set('LeftChild', replacement);
  else v(k, p).set('RightChild', replacement);
  if (replacement) v(k, replacement).set('Parent', p);
}
