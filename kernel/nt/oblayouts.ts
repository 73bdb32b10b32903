// The object manager's and the I/O manager's structures at their Windows 2000 offsets:
// object headers, object types, directories, symbolic links, the handle table, events,
// FILE_OBJECT, DEVICE_OBJECT, DRIVER_OBJECT, IRP and IO_STACK_LOCATION. Kept beside
// layouts.ts (same struct layer, same rules) so the kernel-core layouts and these can be
// edited by different hands without stepping on each other.
import { defineStruct, array, bytes } from './struct.ts';
import { DISPATCHER_HEADER, LIST_ENTRY, UNICODE_STRING, IO_STATUS_BLOCK, KDPC } from './layouts.ts';

/** Precedes every object body (Windows 2000: the body starts at +0x18). */
export const OBJECT_HEADER = defineStruct('OBJECT_HEADER', 0x18, {
  PointerCount: [0x00, 'i32'],
  HandleCount: [0x04, 'i32'],
  Type: [0x08, 'ptr'],                 // the OBJECT_TYPE (itself an object body)
  NameInfoOffset: [0x0C, 'u8'],        // bytes back from the header to OBJECT_HEADER_NAME_INFO
  HandleInfoOffset: [0x0D, 'u8'],
  QuotaInfoOffset: [0x0E, 'u8'],
  Flags: [0x0F, 'u8'],
  ObjectCreateInfo: [0x10, 'ptr'],
  SecurityDescriptor: [0x14, 'ptr'],
});

/** In front of the header of a named object. */
export const OBJECT_HEADER_NAME_INFO = defineStruct('OBJECT_HEADER_NAME_INFO', 0x10, {
  Directory: [0x0, 'ptr'],
  Name: [0x4, UNICODE_STRING],
  QueryReferences: [0xC, 'u32'],
});

export const GENERIC_MAPPING = defineStruct('GENERIC_MAPPING', 0x10, {
  GenericRead: [0x0, 'u32'],
  GenericWrite: [0x4, 'u32'],
  GenericExecute: [0x8, 'u32'],
  GenericAll: [0xC, 'u32'],
});

export const OBJECT_TYPE_INITIALIZER = defineStruct('OBJECT_TYPE_INITIALIZER', 0x4C, {
  Length: [0x00, 'u16'],
  UseDefaultObject: [0x02, 'u8'],
  CaseInsensitive: [0x03, 'u8'],
  InvalidAttributes: [0x04, 'u32'],
  GenericMapping: [0x08, GENERIC_MAPPING],
  ValidAccessMask: [0x18, 'u32'],
  SecurityRequired: [0x1C, 'u8'],
  MaintainHandleCount: [0x1D, 'u8'],
  MaintainTypeList: [0x1E, 'u8'],
  PoolType: [0x20, 'u32'],
  DefaultPagedPoolCharge: [0x24, 'u32'],
  DefaultNonPagedPoolCharge: [0x28, 'u32'],
  DumpProcedure: [0x2C, 'ptr'],
  OpenProcedure: [0x30, 'ptr'],
  CloseProcedure: [0x34, 'ptr'],
  DeleteProcedure: [0x38, 'ptr'],
  ParseProcedure: [0x3C, 'ptr'],
  SecurityProcedure: [0x40, 'ptr'],
  QueryNameProcedure: [0x44, 'ptr'],
  OkayToCloseProcedure: [0x48, 'ptr'],
});

/** Windows 2000's OBJECT_TYPE (the ERESOURCE lock is opaque). DefaultObject: for a type
 *  whose objects are waited on through a field (File: FILE_OBJECT.Event), that field's
 *  offset in the body; NT Lab stores the offset, with OB_NO_DEFAULT_OBJECT for none. */
export const OBJECT_TYPE = defineStruct('OBJECT_TYPE', 0xB0, {
  Mutex: [0x00, bytes(0x38)],
  TypeList: [0x38, LIST_ENTRY],
  Name: [0x40, UNICODE_STRING],
  DefaultObject: [0x48, 'u32'],
  Index: [0x4C, 'u32'],
  TotalNumberOfObjects: [0x50, 'u32'],
  TotalNumberOfHandles: [0x54, 'u32'],
  HighWaterNumberOfObjects: [0x58, 'u32'],
  HighWaterNumberOfHandles: [0x5C, 'u32'],
  TypeInfo: [0x60, OBJECT_TYPE_INITIALIZER],
  Key: [0xAC, 'u32'],
});

export const NUMBER_HASH_BUCKETS = 37;

export const OBJECT_DIRECTORY_ENTRY = defineStruct('OBJECT_DIRECTORY_ENTRY', 0x8, {
  ChainLink: [0x0, 'ptr'],
  Object: [0x4, 'ptr'],
});

export const OBJECT_DIRECTORY = defineStruct('OBJECT_DIRECTORY', 0xA4, {
  HashBuckets: [0x00, array('ptr', NUMBER_HASH_BUCKETS)],
  Lock: [0x94, 'u32'],
  DeviceMap: [0x98, 'ptr'],
  SessionId: [0x9C, 'u32'],
  Reserved: [0xA0, 'u32'],
});

export const OBJECT_SYMBOLIC_LINK = defineStruct('OBJECT_SYMBOLIC_LINK', 0x20, {
  CreationTime: [0x00, bytes(8)],
  LinkTarget: [0x08, UNICODE_STRING],
  LinkTargetRemaining: [0x10, UNICODE_STRING],
  LinkTargetObject: [0x18, 'ptr'],
  DosDeviceDriveIndex: [0x1C, 'u32'],
});

/** One handle: the object's header with the handle attributes in its low bits (as
 *  Windows 2000 keeps OBJ_INHERIT there), and the access granted. A free entry has
 *  Object 0 (NT Lab finds free slots by scanning; NT chains them). */
export const HANDLE_TABLE_ENTRY = defineStruct('HANDLE_TABLE_ENTRY', 0x8, {
  Object: [0x0, 'ptr'],
  GrantedAccess: [0x4, 'u32'],
});

/** NT Lab's handle table: one flat array of entries (NT 2000 has three levels). */
export const HANDLE_TABLE = defineStruct('HANDLE_TABLE', 0x14, {
  Table: [0x00, 'ptr'],
  Capacity: [0x04, 'u32'],
  HandleCount: [0x08, 'u32'],
  QuotaProcess: [0x0C, 'ptr'],
  UniqueProcessId: [0x10, 'u32'],
});

export const KEVENT = defineStruct('KEVENT', 0x10, {
  Header: [0x0, DISPATCHER_HEADER],
});

export const FILE_OBJECT = defineStruct('FILE_OBJECT', 0x70, {
  Type: [0x00, 'i16'],
  Size: [0x02, 'i16'],
  DeviceObject: [0x04, 'ptr'],
  Vpb: [0x08, 'ptr'],
  FsContext: [0x0C, 'u32'],            // the file system's: the disk node id
  FsContext2: [0x10, 'u32'],           // the file system's: the directory listing's resume point
  SectionObjectPointer: [0x14, 'ptr'],
  PrivateCacheMap: [0x18, 'ptr'],
  FinalStatus: [0x1C, 'i32'],
  RelatedFileObject: [0x20, 'ptr'],
  LockOperation: [0x24, 'u8'],
  DeletePending: [0x25, 'u8'],
  ReadAccess: [0x26, 'u8'],
  WriteAccess: [0x27, 'u8'],
  DeleteAccess: [0x28, 'u8'],
  SharedRead: [0x29, 'u8'],
  SharedWrite: [0x2A, 'u8'],
  SharedDelete: [0x2B, 'u8'],
  Flags: [0x2C, 'u32'],
  FileName: [0x30, UNICODE_STRING],
  CurrentByteOffset: [0x38, array('u32', 2)],
  Waiters: [0x40, 'u32'],
  Busy: [0x44, 'u32'],
  LastLock: [0x48, 'ptr'],
  Lock: [0x4C, KEVENT],
  Event: [0x5C, KEVENT],
  CompletionContext: [0x6C, 'ptr'],
});

export const DEVICE_OBJECT = defineStruct('DEVICE_OBJECT', 0xB8, {
  Type: [0x00, 'i16'],
  Size: [0x02, 'u16'],
  ReferenceCount: [0x04, 'i32'],
  DriverObject: [0x08, 'ptr'],
  NextDevice: [0x0C, 'ptr'],
  AttachedDevice: [0x10, 'ptr'],
  CurrentIrp: [0x14, 'ptr'],
  Timer: [0x18, 'ptr'],
  Flags: [0x1C, 'u32'],
  Characteristics: [0x20, 'u32'],
  Vpb: [0x24, 'ptr'],
  DeviceExtension: [0x28, 'ptr'],
  DeviceType: [0x2C, 'u32'],
  StackSize: [0x30, 'i8'],
  Queue: [0x34, bytes(0x28)],
  AlignmentRequirement: [0x5C, 'u32'],
  DeviceQueue: [0x60, bytes(0x14)],
  Dpc: [0x74, KDPC],
  ActiveThreadCount: [0x94, 'u32'],
  SecurityDescriptor: [0x98, 'ptr'],
  DeviceLock: [0x9C, KEVENT],
  SectorSize: [0xAC, 'u16'],
  Spare1: [0xAE, 'u16'],
  DeviceObjectExtension: [0xB0, 'ptr'],
  Reserved: [0xB4, 'ptr'],
});

export const IRP_MJ_MAXIMUM_FUNCTION = 0x1B;

export const DRIVER_OBJECT = defineStruct('DRIVER_OBJECT', 0xA8, {
  Type: [0x00, 'i16'],
  Size: [0x02, 'i16'],
  DeviceObject: [0x04, 'ptr'],
  Flags: [0x08, 'u32'],
  DriverStart: [0x0C, 'ptr'],
  DriverSize: [0x10, 'u32'],
  DriverSection: [0x14, 'ptr'],
  DriverExtension: [0x18, 'ptr'],
  DriverName: [0x1C, UNICODE_STRING],
  HardwareDatabase: [0x24, 'ptr'],
  FastIoDispatch: [0x28, 'ptr'],
  DriverInit: [0x2C, 'ptr'],
  DriverStartIo: [0x30, 'ptr'],
  DriverUnload: [0x34, 'ptr'],
  MajorFunction: [0x38, array('ptr', IRP_MJ_MAXIMUM_FUNCTION + 1)],
});

/** The I/O request packet; its IO_STACK_LOCATIONs follow it in the same allocation. */
export const IRP = defineStruct('IRP', 0x70, {
  Type: [0x00, 'i16'],
  Size: [0x02, 'u16'],
  MdlAddress: [0x04, 'ptr'],
  Flags: [0x08, 'u32'],
  SystemBuffer: [0x0C, 'ptr'],         // AssociatedIrp.SystemBuffer
  ThreadListEntry: [0x10, LIST_ENTRY],
  IoStatus: [0x18, IO_STATUS_BLOCK],
  RequestorMode: [0x20, 'i8'],
  PendingReturned: [0x21, 'u8'],
  StackCount: [0x22, 'i8'],
  CurrentLocation: [0x23, 'i8'],
  Cancel: [0x24, 'u8'],
  CancelIrql: [0x25, 'u8'],
  ApcEnvironment: [0x26, 'i8'],
  AllocationFlags: [0x27, 'u8'],
  UserIosb: [0x28, 'ptr'],
  UserEvent: [0x2C, 'ptr'],
  UserApcRoutine: [0x30, 'ptr'],       // Overlay.AsynchronousParameters
  UserApcContext: [0x34, 'ptr'],
  CancelRoutine: [0x38, 'ptr'],
  UserBuffer: [0x3C, 'ptr'],
  DriverContext: [0x40, array('ptr', 4)],   // Tail.Overlay
  Thread: [0x50, 'ptr'],
  AuxiliaryBuffer: [0x54, 'ptr'],
  ListEntry: [0x58, LIST_ENTRY],
  CurrentStackLocation: [0x60, 'ptr'],
  OriginalFileObject: [0x64, 'ptr'],
});

/**
 * A file system's "fast I/O" entry points, DRIVER_OBJECT.FastIoDispatch: the calls the I/O
 * manager makes instead of building an IRP when the data is in the cache. NT Lab fills
 * the size and FastIoRead; the other slots (0x0C..0x6C: FastIoWrite, the queries, the
 * locks, the MDL calls) stay zero, which means "not supported: build the IRP".
 */
export const FAST_IO_DISPATCH = defineStruct('FAST_IO_DISPATCH', 0x70, {
  SizeOfFastIoDispatch: [0x00, 'u32'],
  FastIoCheckIfPossible: [0x04, 'ptr'],
  FastIoRead: [0x08, 'ptr'],
  FastIoWrite: [0x0C, 'ptr'],
});

/**
 * The cache manager's per-open state, FILE_OBJECT.PrivateCacheMap (Windows XP's layout):
 * set by the file system's first cached read on that file object, and what NtReadFile
 * looks at to decide that fast I/O is worth trying. NT Lab does no read-ahead, so the
 * read-ahead history (FileOffset1.. at 0x10, PrivateLinks at 0x4C) stays zero.
 */
export const PRIVATE_CACHE_MAP = defineStruct('PRIVATE_CACHE_MAP', 0x58, {
  NodeTypeCode: [0x00, 'i16'],
  Flags: [0x04, 'u32'],
  ReadAheadMask: [0x08, 'u32'],
  FileObject: [0x0C, 'ptr'],
});

/** Parameters (16 bytes at +4) are read by the names of the request they belong to. */
export const IO_STACK_LOCATION = defineStruct('IO_STACK_LOCATION', 0x24, {
  MajorFunction: [0x00, 'u8'],
  MinorFunction: [0x01, 'u8'],
  Flags: [0x02, 'u8'],
  Control: [0x03, 'u8'],
  Parameters: [0x04, array('u32', 4)],
  Length: [0x04, 'u32', 'union'],                 // Read, Write, QueryFile, SetFile, QueryVolume, QueryDirectory
  Key: [0x08, 'u32', 'union'],                    // Read, Write
  FileInformationClass: [0x08, 'u32', 'union'],   // QueryFile, SetFile, QueryVolume, QueryDirectory
  ByteOffsetLow: [0x0C, 'u32', 'union'],          // Read, Write
  ByteOffsetHigh: [0x10, 'u32', 'union'],
  DeviceObject: [0x14, 'ptr'],
  FileObject: [0x18, 'ptr'],
  CompletionRoutine: [0x1C, 'ptr'],
  Context: [0x20, 'ptr'],
});

export const OB_IO_STRUCTS = [
  OBJECT_HEADER, OBJECT_HEADER_NAME_INFO, GENERIC_MAPPING, OBJECT_TYPE_INITIALIZER, OBJECT_TYPE,
  OBJECT_DIRECTORY_ENTRY, OBJECT_DIRECTORY, OBJECT_SYMBOLIC_LINK, HANDLE_TABLE_ENTRY, HANDLE_TABLE, KEVENT,
  FILE_OBJECT, DEVICE_OBJECT, DRIVER_OBJECT, IRP, IO_STACK_LOCATION, FAST_IO_DISPATCH, PRIVATE_CACHE_MAP,
];
