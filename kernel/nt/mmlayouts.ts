// The memory manager's structures at their Windows 2000 offsets: the virtual address
// descriptor of private memory (MMVAD_SHORT: NtAllocateVirtualMemory makes these), linked
// in a binary tree from EPROCESS.VadRoot. Beside layouts.ts for the same reason as
// oblayouts.ts.
import { defineStruct } from './struct.ts';

export const MMVAD_SHORT = defineStruct('MMVAD_SHORT', 0x18, {
  StartingVpn: [0x00, 'u32'],          // first virtual page number (address >> 12)
  EndingVpn: [0x04, 'u32'],            // last one, inclusive
  Parent: [0x08, 'ptr'],
  LeftChild: [0x0C, 'ptr'],
  RightChild: [0x10, 'ptr'],
  VadFlags: [0x14, 'u32'],             // u.VadFlags (MMVAD_FLAGS), see mm/vad.ts
});

/** MMVAD_FLAGS bit fields (Windows 2000): CommitCharge:19, ..., Protection:5 at bit 24,
 *  ..., MemCommit:1 at bit 30, PrivateMemory:1 at bit 31. */
export const VAD_COMMIT_CHARGE_MASK = 0x7FFFF;
export const VAD_PROTECTION_SHIFT = 24;
export const VAD_PROTECTION_MASK = 0x1F;
export const VAD_MEM_COMMIT = 1 << 30;
export const VAD_PRIVATE_MEMORY = 0x80000000;
