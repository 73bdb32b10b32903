// The helper table `h` that compiled blocks call for work too large to inline: every
// family's helpers merged, plus the exception raiser.
import { CpuFault } from '../types.ts';
import { familyHelpers } from './index.ts';

function fault(vector: number, errorCode: number | undefined): never {
  throw new CpuFault(vector, errorCode);
}

export const helpers = Object.freeze({ fault, ...familyHelpers() }) as Readonly<Record<string, (...args: any[]) => any>> & { fault: typeof fault };
