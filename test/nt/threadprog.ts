// Guest test programs with several threads, on top of ntcalls.ts: `spawn` creates a thread
// with NtCreateThread (its stack in .bss), `mark(i)` stores the next number of a shared
// sequence in result slot i (so the order in which threads did things can be checked),
// `spin` burns a few quanta.
import { nt } from './ntcalls.ts';

export const THREAD_SERVICES = ['NtCreateThread', 'NtTerminateThread', 'NtWaitForSingleObject', 'NtDelayExecution'];
const STACK_SIZE = 0x4000;

/** Data every such program needs: the CONTEXT and INITIAL_TEB NtCreateThread reads, thread
 *  handles h0..h3, the sequence, and 100 ms / 30 ms relative timeouts. */
export const THREAD_DATA = `ctx: times 0x2CC db 0
iteb: dd 0, 0, 0, 0, 0
h0: dd 0
h1: dd 0
h2: dd 0
h3: dd 0
seq: dd 1
wait30: dq -300000
section .bss
stk0: resb ${STACK_SIZE}
stk1: resb ${STACK_SIZE}
stk2: resb ${STACK_SIZE}
stk3: resb ${STACK_SIZE}
stkEnd:
section .data
`;

/** NtCreateThread for thread `i` (handle in h<i>) starting at `entry`; EAX = the status. */
export function spawn(i: number, entry: string, suspended = 0): string {
  const top = `stk${i} + ${STACK_SIZE}`;
  return `        mov dword [ctx + 0xB8], ${entry}
        mov dword [ctx + 0xC4], ${top}
        mov dword [iteb + 8], ${top}
        mov dword [iteb + 12], stk${i}
` + nt('NtCreateThread', `h${i}`, 0x1F03FF, 0, -1, 0, 'ctx', 'iteb', suspended);
}

/** The next sequence number into result slot `i`. */
export const mark = (i: number) => `        mov eax, [seq]\n        inc dword [seq]\n        mov [r+${4 * i}], eax\n`;

/** About `n` million instructions of busy work (several 10 ms quanta per million). */
export function spin(label: string, millions: number): string {
  return `        mov ecx, ${millions * 1_000_000 / 2}\n.${label}:\n        dec ecx\n        jnz .${label}\n`;
}

/** Ends the calling thread with `status`. */
export const exitThread = (status = 0) => nt('NtTerminateThread', -2, status);

/** Waits for thread `i` to end. */
export const join = (i: number) => nt('NtWaitForSingleObject', `dword [h${i}]`, 0, 0);

/** 30 ms of NtDelayExecution. */
export const sleep30 = () => nt('NtDelayExecution', 0, 'wait30');
