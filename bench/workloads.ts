// The CPU benchmark's two workloads, as NASM source shared by every runner (our emulator,
// a native 32-bit Linux process, qemu-i386), so all three execute the same instructions.
//   A: a tight register loop: add/xor/add/dec/jnz, 5 instructions per iteration.
//   B: a byte-wise read-modify-write checksum over a 1 MiB buffer, 7 per byte.

export interface Workload {
  name: 'A' | 'B';
  /** The loop, expecting `passes` in EDI and a 1 MiB buffer address in EBP. */
  body: string;
  /** Instructions executed for a given number of passes (setup and exit excluded). */
  instructions(passes: number): number;
}

export const A: Workload = {
  name: 'A',
  body: `
    mov ecx, edi
    xor eax, eax
    mov ebx, 1
.a: add eax, ebx
    xor edx, eax
    add ebx, 3
    dec ecx
    jnz .a`,
  // edi = iterations
  instructions: n => 3 + 5 * n,
};

const BUF = 1 << 20;
export const B: Workload = {
  name: 'B',
  body: `
    xor eax, eax
.outer:
    mov esi, ebp
    mov ecx, ${BUF}
.b: movzx edx, byte [esi]
    add eax, edx
    rol eax, 1
    mov [esi], al
    inc esi
    dec ecx
    jnz .b
    dec edi
    jnz .outer`,
  instructions: n => 1 + n * (2 + 7 * BUF + 2),
};

export const BUFFER_BYTES = BUF;
