// kernel/store: the virtual disk. What the rest of the kernel may use.
export * from './attributes.ts';
export * from './errors.ts';
export * from './filetime.ts';
export * from './types.ts';
export { VirtualDisk, MAX_LABEL_LENGTH, type DiskOptions } from './disk.ts';
export { CHUNK_SIZE, SCHEMA_VERSION, type Synchronous } from './schema.ts';
export { MAX_NAME_LENGTH, nameKey, checkName, parseDiskPath, formatDiskPath, type DiskPath } from './names.ts';
export { compilePattern, dosPatternToNt, isNameInExpression, type PatternSyntax } from './wildcard.ts';
export {
  createDefaultDisk, defaultDiskInMemory, openOrCreateDefaultDisk, populateDefaultDisk,
  DEFAULT_DISK_TIME, DEFAULT_DRIVE,
} from './default-disk.ts';
export { importFromHost, type ImportOptions, type TransferReport } from './host-import.ts';
export { exportToHost, type ExportOptions } from './host-export.ts';
