// Condition codes (jcc, setcc, cmovcc) as JS boolean expressions over the lazy flags. When
// the block knows which operation set the flags (a cmp or dec just before), the common
// conditions compile to a direct comparison of its operands instead of flag extraction.
import { ConditionCode } from 'iced-x86';
import { LAZY_SUB, LAZY_RESULT, LAZY_ADD, LAZY_INC, LAZY_DEC } from '../flags.ts';

const SIGN = ['0x80', '0x8000', '0x80000000'];
const SEXT = [(e: string) => `(${e}<<24>>24)`, (e: string) => `(${e}<<16>>16)`, (e: string) => `(${e}|0)`];

/** JS source that is true when condition `cc` holds. `known` is the lazy op in force, or -1. */
export function condition(cc: ConditionCode, known: number): string {
  const kind = known >> 2, sz = known & 3;
  if (known > 0 && (kind === LAZY_SUB || kind === LAZY_RESULT || kind === LAZY_ADD || kind === LAZY_INC || kind === LAZY_DEC)) {
    if (cc === ConditionCode.e) return '(f.r===0)';
    if (cc === ConditionCode.ne) return '(f.r!==0)';
    if (cc === ConditionCode.s) return `((f.r&${SIGN[sz]})!==0)`;
    if (cc === ConditionCode.ns) return `((f.r&${SIGN[sz]})===0)`;
  }
  if (known > 0 && kind === LAZY_SUB) {
    const sx = SEXT[sz];
    switch (cc) {
      case ConditionCode.b: return '((f.a>>>0)<(f.b>>>0))';
      case ConditionCode.ae: return '((f.a>>>0)>=(f.b>>>0))';
      case ConditionCode.be: return '((f.a>>>0)<=(f.b>>>0))';
      case ConditionCode.a: return '((f.a>>>0)>(f.b>>>0))';
      case ConditionCode.l: return `(${sx('f.a')}<${sx('f.b')})`;
      case ConditionCode.ge: return `(${sx('f.a')}>=${sx('f.b')})`;
      case ConditionCode.le: return `(${sx('f.a')}<=${sx('f.b')})`;
      case ConditionCode.g: return `(${sx('f.a')}>${sx('f.b')})`;
    }
  }
  switch (cc) {
    case ConditionCode.o: return '(f.of()!==0)';
    case ConditionCode.no: return '(f.of()===0)';
    case ConditionCode.b: return '(f.cf()!==0)';
    case ConditionCode.ae: return '(f.cf()===0)';
    case ConditionCode.e: return '(f.zf()!==0)';
    case ConditionCode.ne: return '(f.zf()===0)';
    case ConditionCode.be: return '((f.cf()|f.zf())!==0)';
    case ConditionCode.a: return '((f.cf()|f.zf())===0)';
    case ConditionCode.s: return '(f.sf()!==0)';
    case ConditionCode.ns: return '(f.sf()===0)';
    case ConditionCode.p: return '(f.pf()!==0)';
    case ConditionCode.np: return '(f.pf()===0)';
    case ConditionCode.l: return '(f.sf()!==f.of())';
    case ConditionCode.ge: return '(f.sf()===f.of())';
    case ConditionCode.le: return '(f.zf()!==0||f.sf()!==f.of())';
    case ConditionCode.g: return '(f.zf()===0&&f.sf()===f.of())';
  }
  throw new Error(`no condition code ${cc}`);
}
