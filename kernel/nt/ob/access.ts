// Access masks and object attributes the object manager and its callers share
// (winnt.h / ntdef.h values).
export const DELETE = 0x00010000;
export const READ_CONTROL = 0x00020000;
export const SYNCHRONIZE = 0x00100000;
export const STANDARD_RIGHTS_REQUIRED = 0x000F0000;
export const MAXIMUM_ALLOWED = 0x02000000;
export const GENERIC_READ = 0x80000000;
export const GENERIC_WRITE = 0x40000000;
export const GENERIC_EXECUTE = 0x20000000;
export const GENERIC_ALL = 0x10000000;

export const FILE_READ_DATA = 0x0001;
export const FILE_LIST_DIRECTORY = 0x0001;
export const FILE_WRITE_DATA = 0x0002;
export const FILE_APPEND_DATA = 0x0004;
export const FILE_READ_EA = 0x0008;
export const FILE_WRITE_EA = 0x0010;
export const FILE_EXECUTE = 0x0020;
export const FILE_TRAVERSE = 0x0020;
export const FILE_READ_ATTRIBUTES = 0x0080;
export const FILE_WRITE_ATTRIBUTES = 0x0100;
export const FILE_ALL_ACCESS = 0x001F01FF;
export const FILE_GENERIC_READ = 0x00120089;
export const FILE_GENERIC_WRITE = 0x00120116;
export const FILE_GENERIC_EXECUTE = 0x001200A0;

export const EVENT_QUERY_STATE = 0x0001;
export const EVENT_MODIFY_STATE = 0x0002;
export const EVENT_ALL_ACCESS = 0x001F0003;

export const DIRECTORY_QUERY = 0x0001;
export const DIRECTORY_TRAVERSE = 0x0002;
export const DIRECTORY_CREATE_OBJECT = 0x0004;
export const DIRECTORY_CREATE_SUBDIRECTORY = 0x0008;
export const DIRECTORY_ALL_ACCESS = 0x000F000F;

export const SYMBOLIC_LINK_QUERY = 0x0001;
export const SYMBOLIC_LINK_ALL_ACCESS = 0x000F0001;

export const OBJECT_TYPE_CREATE = 0x0001;
export const OBJECT_TYPE_ALL_ACCESS = 0x000F0001;

export const PROCESS_ALL_ACCESS = 0x001F0FFF;
export const PROCESS_QUERY_INFORMATION = 0x0400;
export const PROCESS_TERMINATE = 0x0001;
export const PROCESS_DUP_HANDLE = 0x0040;
export const PROCESS_VM_OPERATION = 0x0008;
export const PROCESS_SET_INFORMATION = 0x0200;
export const THREAD_ALL_ACCESS = 0x001F03FF;
export const THREAD_TERMINATE = 0x0001;
export const THREAD_SUSPEND_RESUME = 0x0002;
export const THREAD_SET_CONTEXT = 0x0010;
export const THREAD_SET_INFORMATION = 0x0020;
export const THREAD_QUERY_INFORMATION = 0x0040;

/** OBJECT_ATTRIBUTES.Attributes. */
export const OBJ_INHERIT = 0x00000002;
export const OBJ_PERMANENT = 0x00000010;
export const OBJ_EXCLUSIVE = 0x00000020;
export const OBJ_CASE_INSENSITIVE = 0x00000040;
export const OBJ_OPENIF = 0x00000080;
export const OBJ_OPENLINK = 0x00000100;
export const OBJ_KERNEL_HANDLE = 0x00000200;
export const OBJ_VALID_ATTRIBUTES = 0x000003F2;

/** NtDuplicateObject's Options. */
export const DUPLICATE_CLOSE_SOURCE = 0x1;
export const DUPLICATE_SAME_ACCESS = 0x2;
export const DUPLICATE_SAME_ATTRIBUTES = 0x4;
