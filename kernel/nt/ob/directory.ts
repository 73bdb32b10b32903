// Object directories: OBJECT_DIRECTORY's 37 hash buckets of OBJECT_DIRECTORY_ENTRY chains,
// in pool. Names compare without case (every NT Lab type is case-insensitive). A
// directory does not hold a reference on what it names: a temporary object leaves its
// directory when its last handle closes (ObpDeleteNameCheck), a permanent one stays.
import type { Kernel } from '../kernel.ts';
import { OBJECT_DIRECTORY, OBJECT_DIRECTORY_ENTRY, NUMBER_HASH_BUCKETS } from '../oblayouts.ts';
import { objectName, setObjectDirectory } from './object.ts';

/** Windows 2000's ObpLookupDirectoryEntry hash over the upcased name. */
function hashName(name: string): number {
  let h = 0;
  for (const c of name.toUpperCase()) h = (h + (h << 1) + (h >>> 1) + c.charCodeAt(0)) >>> 0;
  return h % NUMBER_HASH_BUCKETS;
}

const bucketAddress = (directory: number, name: string) => directory + OBJECT_DIRECTORY.off.HashBuckets + 4 * hashName(name);

/** The object named `name` in `directory` (0 when none). */
export function lookupDirectoryEntry(k: Kernel, directory: number, name: string): number {
  const upper = name.toUpperCase();
  for (let e = k.vm.read32(bucketAddress(directory, name)) >>> 0; e; e = OBJECT_DIRECTORY_ENTRY.at(k.vm, e).get('ChainLink')) {
    const object = OBJECT_DIRECTORY_ENTRY.at(k.vm, e).get('Object');
    if (objectName(k, object)?.name.toUpperCase() === upper) return object;
  }
  return 0;
}

/** ObpInsertDirectoryEntry: the object (already named) goes at the head of its chain. */
export function insertDirectoryEntry(k: Kernel, directory: number, object: number): void {
  const name = objectName(k, object)!.name;
  const bucket = bucketAddress(directory, name);
  const entry = k.pool.allocate(OBJECT_DIRECTORY_ENTRY.size, k.vm);
  const e = OBJECT_DIRECTORY_ENTRY.at(k.vm, entry);
  e.set('ChainLink', k.vm.read32(bucket));
  e.set('Object', object);
  k.vm.write32(bucket, entry);
  setObjectDirectory(k, object, directory);
}

/** ObpDeleteDirectoryEntry. */
export function removeDirectoryEntry(k: Kernel, object: number): void {
  const info = objectName(k, object);
  if (!info?.directory) return;
  let link = bucketAddress(info.directory, info.name);
  for (let e = k.vm.read32(link) >>> 0; e; link = e + OBJECT_DIRECTORY_ENTRY.off.ChainLink, e = k.vm.read32(link) >>> 0) {
    if (OBJECT_DIRECTORY_ENTRY.at(k.vm, e).get('Object') !== object) continue;
    k.vm.write32(link, OBJECT_DIRECTORY_ENTRY.at(k.vm, e).get('ChainLink'));
    k.pool.release(e, OBJECT_DIRECTORY_ENTRY.size);
    break;
  }
  setObjectDirectory(k, object, 0);
}

/** Every object in a directory (for NtQueryDirectoryObject-like listings and tests). */
export function directoryEntries(k: Kernel, directory: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < NUMBER_HASH_BUCKETS; b++)
    for (let e = k.vm.read32(directory + 4 * b) >>> 0; e; e = OBJECT_DIRECTORY_ENTRY.at(k.vm, e).get('ChainLink'))
      out.push(OBJECT_DIRECTORY_ENTRY.at(k.vm, e).get('Object'));
  return out;
}
