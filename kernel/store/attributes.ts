// FILE_ATTRIBUTE_* as NT defines them (winnt.h), and the rules for which ones a caller
// may set. The disk stores the attributes a file "has"; FILE_ATTRIBUTE_NORMAL is not a
// stored bit but what NT reports for a file that has no other attribute at all.

export const FILE_ATTRIBUTE_READONLY = 0x0001;
export const FILE_ATTRIBUTE_HIDDEN = 0x0002;
export const FILE_ATTRIBUTE_SYSTEM = 0x0004;
export const FILE_ATTRIBUTE_DIRECTORY = 0x0010;
export const FILE_ATTRIBUTE_ARCHIVE = 0x0020;
export const FILE_ATTRIBUTE_NORMAL = 0x0080;
export const FILE_ATTRIBUTE_TEMPORARY = 0x0100;
export const FILE_ATTRIBUTE_NOT_CONTENT_INDEXED = 0x2000;

/**
 * The bits NtSetInformationFile(FileBasicInformation) may change. DIRECTORY is a property
 * of the node (a file cannot become a directory by setting a bit), and NORMAL is only a
 * way of saying "none of these".
 */
export const SETTABLE_ATTRIBUTES =
  FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM |
  FILE_ATTRIBUTE_ARCHIVE | FILE_ATTRIBUTE_TEMPORARY | FILE_ATTRIBUTE_NOT_CONTENT_INDEXED;

/** What is stored for a node: the settable bits, plus DIRECTORY for directories. */
export function storedAttributes(requested: number, isDirectory: boolean): number {
  return (requested & SETTABLE_ATTRIBUTES) | (isDirectory ? FILE_ATTRIBUTE_DIRECTORY : 0);
}

/** What NT reports: a file with no attribute bits at all reads as FILE_ATTRIBUTE_NORMAL. */
export function reportedAttributes(stored: number): number {
  return stored === 0 ? FILE_ATTRIBUTE_NORMAL : stored;
}

/** "RHSA" style letters, as `attrib` prints them (for `ntlab disk ls`). */
export function attributeLetters(attributes: number): string {
  const flag = (bit: number, letter: string) => (attributes & bit ? letter : '-');
  return flag(FILE_ATTRIBUTE_READONLY, 'R') + flag(FILE_ATTRIBUTE_HIDDEN, 'H') +
    flag(FILE_ATTRIBUTE_SYSTEM, 'S') + flag(FILE_ATTRIBUTE_ARCHIVE, 'A');
}
