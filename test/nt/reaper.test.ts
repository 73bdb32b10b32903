// Freeing what ended processes held: with little RAM, programs that each commit a large
// region one after the other all succeed only if the reaper gives back the memory of those
// that ended (user pages, page tables, page directory, kernel stacks, handle table); and
// after a run, reaping returns the pages the programs took.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boot } from './machine.ts';
import { reapEndedProcesses } from '../../kernel/nt/mm/reaper.ts';
import { EPROCESS } from '../../kernel/nt/layouts.ts';
import { PHYS_SYSTEM_PD } from '../../kernel/nt/memmap.ts';

const MEMORY = 16 << 20;
const COMMIT = 6 << 20;                  // more than a third of RAM: three at once cannot fit
const PROGRAMS = 5;
const STAGGER_MS = 30;
const MEM_COMMIT_RESERVE = 0x3000, PAGE_READWRITE = 4;

/** Sleeps `delay` ms, commits COMMIT bytes, writes to its last page, exits with 0 (or 1
 *  when VirtualAlloc failed). */
const program = (delay: number) => `
import VirtualAlloc kernel32.dll
import Sleep kernel32.dll
import ExitProcess kernel32.dll
extern VirtualAlloc, Sleep, ExitProcess
section .text
global start
start:  push ${delay}
        call [Sleep]
        push ${PAGE_READWRITE}
        push ${MEM_COMMIT_RESERVE}
        push ${COMMIT}
        push 0
        call [VirtualAlloc]
        test eax, eax
        jz .failed
        mov dword [eax + ${COMMIT - 4}], 1
        push 0
        call [ExitProcess]
.failed:
        push 1
        call [ExitProcess]
`;

test('programs committing more than RAM holds, one after another, all succeed: the reaper frees ended processes', () => {
  const m = boot({ memory: MEMORY });
  const before = m.kernel.pages.available;
  for (let i = 0; i < PROGRAMS; i++) m.startSource(`p${i}.asm`, program(i * STAGGER_MS));
  const r = m.run(200_000_000);
  assert.deepEqual(r, { kind: 'exited', status: 0 }, m.notices.join(''));
  assert.deepEqual(m.programs.map(p => p.process.exitStatus), Array(PROGRAMS).fill(0));
  // The CPU still has the last program's address space loaded: the reaper leaves that one.
  reapEndedProcesses(m.kernel);
  const last = m.programs.at(-1)!.process;
  assert.notEqual(EPROCESS.at(m.kernel.vm, last.eprocess).get('Pcb.DirectoryTableBase[0]'), 0, 'in use: kept');
  m.kernel.cpu.mmu.cr3 = PHYS_SYSTEM_PD;           // the machine has stopped: let it go too
  reapEndedProcesses(m.kernel);
  for (const p of m.programs) {
    const ep = EPROCESS.at(m.kernel.vm, p.process.eprocess);
    assert.equal(ep.get('Pcb.DirectoryTableBase[0]'), 0, 'no address space');
    assert.equal(ep.get('ObjectTable'), 0, 'no handle table');
  }
  // What stays is pool: EPROCESS/ETHREAD bodies and the like, a few pages.
  const POOL_SLACK_PAGES = 32;
  assert.ok(m.kernel.pages.available >= before - POOL_SLACK_PAGES, `${m.kernel.pages.available} pages free, ${before} before`);
});
