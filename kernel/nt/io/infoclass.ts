// FILE_INFORMATION_CLASS and FS_INFORMATION_CLASS: the classes NT Lab answers, each with
// the smallest buffer it needs and the access the handle must grant (NT's
// IopQueryOperationLength/IopQueryOperationAccess and their Set counterparts). A class
// missing here is STATUS_INVALID_INFO_CLASS.
import { FILE_READ_ATTRIBUTES, FILE_WRITE_ATTRIBUTES, FILE_WRITE_DATA, DELETE } from '../ob/access.ts';

export const FileDirectoryInformation = 1, FileFullDirectoryInformation = 2, FileBothDirectoryInformation = 3;
export const FileBasicInformation = 4, FileStandardInformation = 5, FileInternalInformation = 6;
export const FileAccessInformation = 8, FileNameInformation = 9, FileRenameInformation = 10, FileNamesInformation = 12;
export const FileDispositionInformation = 13, FilePositionInformation = 14, FileModeInformation = 16;
export const FileAlignmentInformation = 17, FileAllocationInformation = 19, FileEndOfFileInformation = 20;
export const FileNetworkOpenInformation = 34;

export const FileFsVolumeInformation = 1, FileFsSizeInformation = 3, FileFsDeviceInformation = 4;
export const FileFsAttributeInformation = 5, FileFsFullSizeInformation = 7;

/** Structure sizes (Windows 2000, i386). */
export const FILE_BASIC_INFORMATION_SIZE = 0x28, FILE_STANDARD_INFORMATION_SIZE = 0x18;
export const FILE_NETWORK_OPEN_INFORMATION_SIZE = 0x38, LARGE_INTEGER_SIZE = 8;
export const FILE_NAME_INFORMATION_HEADER = 4, FILE_RENAME_INFORMATION_HEADER = 0xC;
export const FILE_FS_VOLUME_INFORMATION_HEADER = 0x12, FILE_FS_SIZE_INFORMATION_SIZE = 0x18;
export const FILE_FS_DEVICE_INFORMATION_SIZE = 8, FILE_FS_ATTRIBUTE_INFORMATION_HEADER = 0xC;
export const FILE_FS_FULL_SIZE_INFORMATION_SIZE = 0x20;

export interface ClassRule { minLength: number; access: number }

export const QUERY_FILE_CLASSES: Record<number, ClassRule> = {
  [FileBasicInformation]: { minLength: FILE_BASIC_INFORMATION_SIZE, access: FILE_READ_ATTRIBUTES },
  [FileStandardInformation]: { minLength: FILE_STANDARD_INFORMATION_SIZE, access: 0 },
  [FileInternalInformation]: { minLength: LARGE_INTEGER_SIZE, access: 0 },
  [FileAccessInformation]: { minLength: 4, access: 0 },
  [FileNameInformation]: { minLength: FILE_NAME_INFORMATION_HEADER + 2, access: 0 },
  [FilePositionInformation]: { minLength: LARGE_INTEGER_SIZE, access: 0 },
  [FileModeInformation]: { minLength: 4, access: 0 },
  [FileAlignmentInformation]: { minLength: 4, access: 0 },
  [FileNetworkOpenInformation]: { minLength: FILE_NETWORK_OPEN_INFORMATION_SIZE, access: FILE_READ_ATTRIBUTES },
};

export const SET_FILE_CLASSES: Record<number, ClassRule> = {
  [FileBasicInformation]: { minLength: FILE_BASIC_INFORMATION_SIZE, access: FILE_WRITE_ATTRIBUTES },
  [FileRenameInformation]: { minLength: FILE_RENAME_INFORMATION_HEADER + 2, access: DELETE },
  [FileDispositionInformation]: { minLength: 1, access: DELETE },
  [FilePositionInformation]: { minLength: LARGE_INTEGER_SIZE, access: 0 },
  [FileModeInformation]: { minLength: 4, access: 0 },
  [FileAllocationInformation]: { minLength: LARGE_INTEGER_SIZE, access: FILE_WRITE_DATA },
  [FileEndOfFileInformation]: { minLength: LARGE_INTEGER_SIZE, access: FILE_WRITE_DATA },
};

export const QUERY_VOLUME_CLASSES: Record<number, ClassRule> = {
  [FileFsVolumeInformation]: { minLength: FILE_FS_VOLUME_INFORMATION_HEADER, access: 0 },
  [FileFsSizeInformation]: { minLength: FILE_FS_SIZE_INFORMATION_SIZE, access: 0 },
  [FileFsDeviceInformation]: { minLength: FILE_FS_DEVICE_INFORMATION_SIZE, access: 0 },
  [FileFsAttributeInformation]: { minLength: FILE_FS_ATTRIBUTE_INFORMATION_HEADER, access: 0 },
  [FileFsFullSizeInformation]: { minLength: FILE_FS_FULL_SIZE_INFORMATION_SIZE, access: 0 },
};
