// Creating a process: its EPROCESS in nonpaged pool, its address space (a page directory
// with the kernel half), KUSER_SHARED_DATA mapped read-only, the PEB and the process
// parameters. Images and the first thread come from loader.ts and thread.ts.
import { STATUS_PENDING } from '../ex/status.ts';
import type { Kernel } from '../kernel.ts';
import { EPROCESS, KPROCESS, PEB, RTL_USER_PROCESS_PARAMETERS, UNICODE_STRING } from '../layouts.ts';
import { createPageDirectory, mapPage, mapFreshPages, PAGE_USER_RO, PAGE_USER_RW } from '../mm/pagetables.ts';
import { VirtualMemory } from '../mm/virtual.ts';
import { MM_SHARED_USER_DATA_VA, PHYS_SHARED_USER_DATA, MM_PEB_VA, PROCESS_PARAMETERS_VA } from '../memmap.ts';
import { PAGE_SIZE } from '../../cpu/types.ts';
import { initializeListHead } from '../rtl/list.ts';
import { CONSOLE_INPUT_HANDLE, CONSOLE_OUTPUT_HANDLE, CONSOLE_ERROR_HANDLE, openStandardHandles } from '../io/console.ts';
import type { LoadedModule } from './loader.ts';
import { createObject } from '../ob/object.ts';
import { obType } from '../ob/types.ts';
import { createHandleTable } from '../ob/handle.ts';
import { NORMAL_BASE_PRIORITY, THREAD_QUANTUM } from '../ke/constants.ts';

/** DISPATCHER_HEADER.Type of a process object. */
export const ProcessObject = 3;
/** The version the PEB and KUSER_SHARED_DATA report: Windows 2000 (5.0.2195). */
export const NT_MAJOR_VERSION = 5, NT_MINOR_VERSION = 0, NT_BUILD_NUMBER = 2195;
const VER_PLATFORM_WIN32_NT = 2;
const IMAGE_SUBSYSTEM_WINDOWS_CUI = 3;
const PROCESS_PARAMETERS_NORMALIZED = 1;

/** The host's record of a process (a cache; the truth is the EPROCESS). */
export interface Process {
  eprocess: number;
  pid: number;
  name: string;
  /** Physical address of the page directory (KPROCESS.DirectoryTableBase[0]). */
  pd: number;
  /** The process's address space, usable whether or not it is current. */
  vm: VirtualMemory;
  peb: number;
  modules: LoadedModule[];
  /** Its threads (ETHREAD addresses; a cache of KPROCESS.ThreadListHead). */
  threads: number[];
  exitStatus: number | null;
}

let nextPid = 8;

export function createProcess(k: Kernel, imageName: string, commandLine: string): Process {
  const pd = createPageDirectory(k.cpu.mem, k.pages);
  const vm = new VirtualMemory(k.cpu, pd);
  const eprocess = createObject(k, obType(k, 'Process'), EPROCESS.size);
  const pid = nextPid; nextPid += 4;

  const ep = EPROCESS.at(k.vm, eprocess);
  ep.set('Pcb.Header.Type', ProcessObject);
  ep.set('Pcb.Header.Size', KPROCESS.size / 4);
  initializeListHead(k.vm, ep.addressOf('Pcb.Header.WaitListHead'));
  initializeListHead(k.vm, ep.addressOf('Pcb.ProfileListHead'));
  initializeListHead(k.vm, ep.addressOf('Pcb.ReadyListHead'));
  initializeListHead(k.vm, ep.addressOf('Pcb.ThreadListHead'));
  initializeListHead(k.vm, ep.addressOf('ActiveProcessLinks'));
  ep.set('Pcb.DirectoryTableBase[0]', pd);
  ep.set('Pcb.BasePriority', NORMAL_BASE_PRIORITY);
  ep.set('Pcb.ThreadQuantum', THREAD_QUANTUM);
  ep.set('Pcb.Affinity', 1);
  ep.set('UniqueProcessId', pid);
  ep.set('ExitStatus', STATUS_PENDING);     // what GetExitCodeProcess calls STILL_ACTIVE
  const shortName = imageName.replace(/^.*[\\/]/, '').slice(0, 15);
  for (let i = 0; i < shortName.length; i++) ep.set(`ImageFileName[${i}]`, shortName.charCodeAt(i));

  // KUSER_SHARED_DATA: the same physical page the kernel sees at 0xFFDF0000, read-only here.
  mapPage(k.cpu.mem, k.pages, pd, MM_SHARED_USER_DATA_VA, PHYS_SHARED_USER_DATA, PAGE_USER_RO);

  mapFreshPages(k.cpu.mem, k.pages, pd, MM_PEB_VA, PAGE_SIZE, PAGE_USER_RW);
  const params = writeProcessParameters(k, pd, vm, imageName, commandLine);
  const peb = PEB.at(vm, MM_PEB_VA);
  peb.set('ProcessParameters', params);
  peb.set('NumberOfProcessors', 1);
  peb.set('OSMajorVersion', NT_MAJOR_VERSION);
  peb.set('OSMinorVersion', NT_MINOR_VERSION);
  peb.set('OSBuildNumber', NT_BUILD_NUMBER);
  peb.set('OSPlatformId', VER_PLATFORM_WIN32_NT);
  peb.set('ImageSubsystem', IMAGE_SUBSYSTEM_WINDOWS_CUI);
  ep.set('Peb', MM_PEB_VA);

  const proc: Process = {
    eprocess, pid, name: shortName, pd, vm, peb: MM_PEB_VA, modules: [],
    threads: [],
    exitStatus: null,
  };
  createHandleTable(k, eprocess);
  openStandardHandles(k, eprocess);
  k.processes.push(proc);
  return proc;
}

/** RTL_USER_PROCESS_PARAMETERS with the standard handles, the image path and the command
 *  line (UTF-16, in the same page, after the structure). */
function writeProcessParameters(k: Kernel, pd: number, vm: VirtualMemory, imageName: string, commandLine: string): number {
  mapFreshPages(k.cpu.mem, k.pages, pd, PROCESS_PARAMETERS_VA, PAGE_SIZE, PAGE_USER_RW);
  const pp = RTL_USER_PROCESS_PARAMETERS.at(vm, PROCESS_PARAMETERS_VA);
  pp.set('MaximumLength', RTL_USER_PROCESS_PARAMETERS.size);
  pp.set('Length', RTL_USER_PROCESS_PARAMETERS.size);
  pp.set('Flags', PROCESS_PARAMETERS_NORMALIZED);
  pp.set('StandardInput', CONSOLE_INPUT_HANDLE);
  pp.set('StandardOutput', CONSOLE_OUTPUT_HANDLE);
  pp.set('StandardError', CONSOLE_ERROR_HANDLE);
  let at = PROCESS_PARAMETERS_VA + RTL_USER_PROCESS_PARAMETERS.size;
  const put = (field: 'ImagePathName' | 'CommandLine', text: string) => {
    const max = Math.min(text.length, (PROCESS_PARAMETERS_VA + PAGE_SIZE - at) / 2 - 1);
    const s = UNICODE_STRING.at(vm, pp.addressOf(field));
    for (let i = 0; i < max; i++) vm.write16(at + 2 * i, text.charCodeAt(i));
    s.set('Length', 2 * max);
    s.set('MaximumLength', 2 * max + 2);
    s.set('Buffer', at);
    at += 2 * max + 2;
  };
  put('ImagePathName', imageName);
  put('CommandLine', commandLine);
  return PROCESS_PARAMETERS_VA;
}
