// Starting a program: NtCreateProcess + the loader + NtCreateThread in one host step (the
// way the first processes of a session are started before there is a user mode to do it).
// ntdll is mapped into every process; its KiFastSystemCall pair goes into
// KUSER_SHARED_DATA. The first thread starts in kernel32!BaseProcessStartThunk with EAX = the
// program's entry point when kernel32 is loaded, else at the entry point itself.
import type { Kernel } from '../kernel.ts';
import { createProcess, type Process } from './process.ts';
import { createThread, type Thread } from './thread.ts';
import { loadExecutable, loadDll, findModule } from './loader.ts';
import { systemDlls } from './sysdlls.ts';
import { KUSER_SHARED_DATA, PEB } from '../layouts.ts';
import { KI_USER_SHARED_DATA } from '../memmap.ts';
import { startThread } from '../ke/context.ts';
import { readyThread } from '../ke/scheduler.ts';

export interface StartedProgram { process: Process; thread: Thread }

/** `first`: the CPU starts this process's thread now (at boot); otherwise the thread is
 *  made ready and the scheduler gives it the CPU. */
export function startProgram(k: Kernel, imageName: string, bytes: Uint8Array, commandLine = imageName, first = true): StartedProgram {
  const p = createProcess(k, imageName, commandLine);
  const dlls = systemDlls(k.syscall);
  const ntdll = loadDll(k, p, 'ntdll.dll', dlls);
  const exe = loadExecutable(k, p, imageName, bytes, dlls);
  PEB.at(p.vm, p.peb).set('ImageBaseAddress', exe.base);

  const sud = KUSER_SHARED_DATA.at(k.vm, KI_USER_SHARED_DATA);
  sud.set('SystemCall', ntdll.exports.get('KiFastSystemCall')!);
  sud.set('SystemCallReturn', ntdll.exports.get('KiFastSystemCallRet')!);
  k.vm.write32(k.sym('KeUserApcDispatcher'), ntdll.exports.get('KiUserApcDispatcher')!);
  k.vm.write32(k.sym('KeUserExceptionDispatcher'), ntdll.exports.get('KiUserExceptionDispatcher')!);

  const start = findModule(p, 'kernel32.dll')?.exports.get('BaseProcessStartThunk');
  const thread = createThread(k, p, { eip: start ?? exe.entry, regs: { Eax: exe.entry } });
  if (first) startThread(k, thread); else readyThread(k, thread.ethread);
  return { process: p, thread };
}
