// The GDT NT sets up (reference: "Selectors"), and the descriptor and gate attributes the
// boot code writes. Ring-3 selectors carry RPL 3 when loaded (KGDT_R3_CODE | RPL_MASK = 0x1B).
export const KGDT_NULL = 0x00;
export const KGDT_R0_CODE = 0x08;
export const KGDT_R0_DATA = 0x10;
export const KGDT_R3_CODE = 0x18;
export const KGDT_R3_DATA = 0x20;
export const KGDT_TSS = 0x28;
export const KGDT_R0_PCR = 0x30;
export const KGDT_R3_TEB = 0x38;
/** Number of GDT entries NT Lab uses. */
export const KGDT_ENTRIES = 8;
export const RPL_MASK = 3;

/** What a ring-3 program's segment registers hold. */
export const USER_CS = KGDT_R3_CODE | RPL_MASK;   // 0x1B
export const USER_DS = KGDT_R3_DATA | RPL_MASK;   // 0x23
export const TEB_SELECTOR = KGDT_R3_TEB | RPL_MASK; // 0x3B

/** Descriptor access bytes: present, DPL, code/data type. */
export const ACCESS_R0_CODE = 0x9A;   // present, DPL 0, execute/read
export const ACCESS_R0_DATA = 0x92;   // present, DPL 0, read/write
export const ACCESS_R3_CODE = 0xFA;   // present, DPL 3, execute/read
export const ACCESS_R3_DATA = 0xF2;   // present, DPL 3, read/write
export const ACCESS_TSS32 = 0x89;     // present, available 32-bit TSS

/** IDT gate attribute words (KIDTENTRY.Access). */
export const GATE_INTERRUPT = 0x8E00; // 32-bit interrupt gate, DPL 0 (IF cleared on entry)
export const GATE_TRAP = 0x8F00;      // 32-bit trap gate, DPL 0 (IF unchanged)
export const GATE_DPL3 = 0x6000;      // | DPL 3: `int n` allowed from ring 3

/** KGDTENTRY.Flags2 bits: 32-bit segment (D/B) and 4 KiB granularity (G). */
export const DESC_DEFAULT_BIG = 0x40;
export const DESC_GRANULARITY = 0x80;
/** Accessed bit of a descriptor's type. */
export const ACCESS_ACCESSED = 0x1;
/** The CPU's cached attribute word for a loaded flat ring-0 code segment, as
 *  Cpu.setSegmentCache takes it: the access byte | the G/D flags byte << 8 (0xC09B). */
export const FLAT_R0_CODE_ATTR = ((DESC_GRANULARITY | DESC_DEFAULT_BIG) << 8) | ACCESS_R0_CODE | ACCESS_ACCESSED;
