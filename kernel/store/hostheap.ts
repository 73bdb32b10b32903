// The host's C heap under the disk. Every blob better-sqlite3 returns (a 64 KiB chunk of
// a file the cache is filling) is new memory from malloc, freed only when V8 collects its
// Buffer: streaming a large file frees tens of MiB at a time. glibc hands the top of its
// heap back to the operating system whenever more than M_TRIM_THRESHOLD of it is free
// (128 KiB by default), so the next blobs land on pages the kernel must map again: a page
// fault per 4 KiB, 11-20 us each on the VMs this was measured on. Reading a 64 MiB file
// 4 KiB at a time took 5,000-11,000 faults a pass and ran at 43k-94k reads/s; with the
// threshold raised, 470-1,700 faults and 85k-142k/s (8 runs each, interleaved; see
// docs/benchmarks.md).
//
// Node has no mallopt(). But glibc raises the threshold itself, to twice the size of a
// block it had mapped with mmap, when such a block (larger than the current mmap threshold
// and at most 32 MiB on 64-bit) is freed: the "dynamic mmap threshold" of mallopt(3). So
// the first disk opened (openDatabase) allocates one such block and drops it. It is never
// touched, so no page of it is mapped, and the collection that frees it leaves the trim
// threshold at 64 MiB. With another C library (or Electron's allocator) it is a 32 MiB
// allocation that is never used.

/** glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit: the largest freed block that moves the thresholds. */
const MMAP_THRESHOLD_MAX = 32 * 1024 * 1024;
/** Room for malloc's header and page rounding, so the block stays within the maximum. */
const SLACK = 64 * 1024;

let primed = false;

/** Once per process: raise glibc's trim threshold by freeing one large mapped block. */
export function raiseHeapTrimThreshold(): void {
  if (primed) return;
  primed = true;
  Buffer.allocUnsafeSlow(MMAP_THRESHOLD_MAX - SLACK);   // dropped at once: only its free() matters
}
