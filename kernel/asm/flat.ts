// Flat binary output (`--format bin`), laid out as NASM's bin format does: progbits
// sections in order of appearance (.text first) from `org`, each aligned to 4, then
// the bss sections after them. Gaps are zero-filled.
import type { Placement, Section, SectionKind } from './layout.ts';

const align = (n: number, a: number) => Math.ceil(n / a) * a;

export const flatPlacement: Placement = {
  place(sections: { name: string; kind: SectionKind; size: number }[], org: number | undefined) {
    const starts = new Map<string, number>();
    let at = org ?? 0;
    const ordered = [...sections.filter(s => s.kind !== 'bss'), ...sections.filter(s => s.kind === 'bss')];
    for (const s of ordered) {
      at = starts.size === 0 ? at : align(at, 4);
      starts.set(s.name, at);
      at += s.size;
    }
    return starts;
  },
  importAddress: () => undefined,
};

export function flatImage(sections: Section[], org: number | undefined): Uint8Array {
  const progbits = sections.filter(s => s.kind !== 'bss' && s.size > 0);
  if (progbits.length === 0) return new Uint8Array(0);
  const base = Math.min(org ?? 0, ...progbits.map(s => s.start));
  const end = Math.max(...progbits.map(s => s.start + s.size));
  const out = new Uint8Array(end - base);
  for (const s of progbits) out.set(s.data.toArray(), s.start - base);
  return out;
}
