// Writing guest test programs that call ntdll services, without the push noise: `nt()`
// is one stdcall (arguments in C order), `save(i)` stores EAX in result slot i, and
// `ntName`/`objectAttributes` lay out a counted UTF-16 name with its OBJECT_ATTRIBUTES.
import { imports, type Ran } from './machine.ts';

/** One stdcall to an ntdll export: the arguments are pushed last first. */
export function nt(name: string, ...args: (string | number)[]): string {
  return [...args].reverse().map(a => `        push ${a}\n`).join('') + `        call [${name}]\n`;
}

/** The body of an APC routine (three stdcall arguments: a user APC's NormalContext and
 *  two system arguments; an I/O APC's ApcContext, IoStatusBlock, Reserved) that logs them
 *  at the dword [`end`] points to and moves it on by 12. Ends before the `ret 12`. */
export const logThreeArguments = (end: string) => `        mov ecx, [${end}]
        mov eax, [esp+4]
        mov [ecx], eax
        mov eax, [esp+8]
        mov [ecx+4], eax
        mov eax, [esp+12]
        mov [ecx+8], eax
        add ecx, 12
        mov [${end}], ecx
`;

/** EAX into result slot `i` (the `r` array at the start of .data). */
export const save = (i: number) => `        mov [r+${4 * i}], eax\n`;

/** `label`: a UNICODE_STRING over `text`, and `label`_oa: OBJECT_ATTRIBUTES naming it
 *  (OBJ_CASE_INSENSITIVE, no root). */
export function objectAttributes(label: string, text: string): string {
  const chars = [...text].map(c => c.charCodeAt(0)).join(', ') || '0';
  const bytes = 2 * text.length;
  return `${label}_chars: dw ${chars}\n${label}: dw ${bytes}, ${bytes}\n        dd ${label}_chars\n` +
    `${label}_oa: dd 0x18, 0, ${label}, 0x40, 0, 0\n`;
}

/** A whole program: imports, `r` (results) and the data, then the code, then exit. */
export function program(services: string[], data: string, code: string, results = 32): string {
  const names = [...new Set([...services, 'NtTerminateProcess'])];
  return imports(...names) + `section .data\nr: times ${results} dd 0\n${data}\nsection .text\nglobal start\nstart:\n${code}` +
    nt('NtTerminateProcess', -1, 0);
}

/** The program's result slots after the run. */
export function results(ran: Ran, n = 32): number[] {
  const data = dataAddress(ran), vm = ran.m.program!.process.vm;
  return Array.from({ length: n }, (_, i) => vm.read32(data + 4 * i) >>> 0);
}

/** Reads bytes of the program's .data at a label's offset (labels after `r`). */
export function dataBytes(ran: Ran, offset: number, length: number): Uint8Array {
  return ran.m.program!.process.vm.readBytes(dataAddress(ran) + offset, length);
}

/** Where the program's .data section (its result slots `r` first) is mapped. */
export function dataAddress({ m }: Ran): number {
  const exe = m.program!.process.modules.find(x => x.name === 'test.exe')!;
  return exe.base + exe.image.sections.find(s => s.name === '.data')!.rva;
}
