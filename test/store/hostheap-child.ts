// Child of hostheap.test.ts: frees 20 MiB of C heap, allocates it again, and prints the
// page faults the second allocation took. With argv[2] === 'raise' it first calls
// raiseHeapTrimThreshold, as opening a disk does. Run with --expose-gc --single-threaded-gc,
// so each gc() frees the dead buffers' memory before it returns.
import { raiseHeapTrimThreshold } from '../../kernel/store/hostheap.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
if (process.argv[2] === 'raise') raiseHeapTrimThreshold();
gc();

/** 320 blobs of 64 KiB, the size of a disk chunk, each written once (as a copy is). */
function allocate(): number {
  const blobs: Buffer[] = [];
  for (let i = 0; i < 320; i++) blobs.push(Buffer.allocUnsafeSlow(64 * 1024).fill(1));
  return blobs.length;
}

allocate();
gc();
const before = process.resourceUsage().minorPageFault;
allocate();
process.stdout.write(String(process.resourceUsage().minorPageFault - before));
