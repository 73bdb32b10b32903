// The host side of the service tables: one host call per SSDT thunk (hostcall.ts). When
// KiSystemService calls through the SSDT, the thunk's `out` lands here: the arguments are
// read from the kernel stack where `rep movsd` put them (ESP + 4, above the return address
// into KiSystemService), the body runs, and its NTSTATUS goes back in EAX; the thunk's
// `ret 4*argc` and everything after it is guest code again.
import type { Kernel } from '../kernel.ts';
import type { ServiceEntry } from './sysfuncs.ts';
import { AccessViolation, VirtualMemory } from '../mm/virtual.ts';
import { KTHREAD, KTRAP_FRAME, KUSER_SHARED_DATA } from '../layouts.ts';
import { KI_USER_SHARED_DATA } from '../memmap.ts';
import { UserMode } from './irql.ts';
import { EAX, EBX, ESP, EBP } from '../../cpu/types.ts';
import { HC_KI_INVALID_SERVICE } from './hostcall.ts';
import { STATUS_ACCESS_VIOLATION, STATUS_NOT_IMPLEMENTED, STATUS_INVALID_SYSTEM_SERVICE, statusName } from '../ex/status.ts';
import { KMODE_EXCEPTION_NOT_HANDLED } from './bugcheck.ts';
import { bugCheck } from './bugcheck-host.ts';
import type { EntryPath } from '../../trace/events.ts';

const PREVIOUS_MODE = KTHREAD.off.PreviousMode;

export interface ServiceCall {
  readonly kernel: Kernel;
  readonly service: ServiceEntry;
  /** The arguments as copied to the kernel stack, as uint32 values. */
  readonly args: readonly number[];
  /** KTHREAD.PreviousMode: 1 when the caller was user mode (probe its pointers). */
  readonly previousMode: 0 | 1;
  /** The current KTHREAD. */
  readonly thread: number;
  /** The KTRAP_FRAME KiSystemService built (EBP in the service). */
  readonly trapFrame: number;
  /** The current address space. */
  readonly mem: VirtualMemory;
}

/** A service body: returns an NTSTATUS. Throwing AccessViolation returns
 *  STATUS_ACCESS_VIOLATION, as an exception handler around a probe would. */
export type ServiceBody = (call: ServiceCall) => number;

export class ServiceDispatcher {
  private readonly bodies = new Map<number, ServiceBody>();
  private readonly entries = new Map<number, ServiceEntry>();

  constructor(private readonly k: Kernel) {
    k.hostCalls.register(HC_KI_INVALID_SERVICE, () => this.invalidService());
  }

  /** Registers a table's services: each gets its host call, with a body or without. */
  addTable(list: ServiceEntry[], bodies: Record<string, ServiceBody>): void {
    for (const s of list) {
      this.entries.set(s.number, s);
      if (bodies[s.name]) this.bodies.set(s.number, bodies[s.name]);
      this.k.hostCalls.register(s.number, () => this.dispatch(s));
    }
  }

  /** Replaces (or adds) the host body of a service; tests use it to look at the machine
   *  at the moment a service runs. Returns the previous body. */
  setBody(name: string, body: ServiceBody): ServiceBody | undefined {
    const s = [...this.entries.values()].find(e => e.name === name);
    if (!s) throw new Error(`no service named ${name}`);
    const old = this.bodies.get(s.number);
    this.bodies.set(s.number, body);
    return old;
  }

  entry(number: number): ServiceEntry | undefined { return this.entries.get(number); }

  private dispatch(service: ServiceEntry): void {
    const k = this.k, cpu = k.cpu, mem = k.vm;
    const thread = k.currentThread();
    const previousMode = (mem.read8(thread + PREVIOUS_MODE) & 1) as 0 | 1;
    const argBase = (cpu.regs[ESP] + 4) | 0, argc = service.argc;
    const args: number[] = new Array<number>(argc);
    for (let i = 0; i < argc; i++) args[i] = mem.read32(argBase + 4 * i) >>> 0;
    const trapFrame = cpu.regs[EBP] >>> 0;
    if (k.trace) k.emit({ kind: 'syscall-enter', number: service.number, name: service.name, args, previousMode, path: this.entryPath(trapFrame, previousMode) });
    const body = this.bodies.get(service.number);
    let status: number;
    if (!body) status = STATUS_NOT_IMPLEMENTED;
    else {
      try {
        status = body({ kernel: k, service, args, previousMode, thread, trapFrame, mem }) >>> 0;
      } catch (e) {
        if (!(e instanceof AccessViolation)) {
          // A bug in a host body must not take the host down: it is the kernel's fault.
          k.notice(`host body of ${service.name} failed: ${(e as Error).stack ?? e}`);
          bugCheck(k, KMODE_EXCEPTION_NOT_HANDLED, [STATUS_ACCESS_VIOLATION, cpu.eip >>> 0, 0, 0]);
          return;
        }
        status = STATUS_ACCESS_VIOLATION;
      }
    }
    cpu.regs[EAX] = status | 0;
    if (k.trace) k.emit({ kind: 'syscall-exit', number: service.number, name: service.name, status, statusName: statusName(status), implemented: !!body });
  }

  /** Sysenter entries have KiFastSystemCallRet as the frame's EIP (KiFastCallEntry put it
   *  there); anything else came through int 0x2e. */
  private entryPath(trapFrame: number, previousMode: number): EntryPath {
    if (previousMode !== UserMode) return 'int2e';
    const eip = KTRAP_FRAME.at(this.k.vm, trapFrame).get('Eip');
    const fastRet = KUSER_SHARED_DATA.at(this.k.vm, KI_USER_SHARED_DATA).get('SystemCallReturn');
    return eip === fastRet && fastRet !== 0 ? 'sysenter' : 'int2e';
  }

  /** KiSystemService's invalid-number path reports here (EBX = the number) for the trace. */
  private invalidService(): void {
    const k = this.k;
    const number = k.cpu.regs[EBX] >>> 0;
    const thread = k.currentThread();
    const previousMode = (k.thread(thread).get('PreviousMode') & 1) as 0 | 1;
    const trapFrame = k.cpu.regs[EBP] >>> 0;
    k.emit({ kind: 'syscall-enter', number, name: '', args: [], previousMode, path: this.entryPath(trapFrame, previousMode) });
    k.emit({ kind: 'syscall-exit', number, name: '', status: STATUS_INVALID_SYSTEM_SERVICE, statusName: statusName(STATUS_INVALID_SYSTEM_SERVICE), implemented: false });
  }
}
