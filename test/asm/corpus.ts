// A generated corpus of i386 instruction forms, one per line, for byte-for-byte
// comparison with nasm. Shapes are crossed with register sizes, memory addressing
// modes and immediate widths so that every encoding form gets exercised.
const R8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'];
const R16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const R32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const MEMS = [
  '[eax]', '[ebp]', '[esp]', '[ebp+8]', '[esp+4]', '[eax+ebx*4+0x100]', '[0x1234]', '[eax*2]',
  '[ebx+ecx]', '[ebp-4]', '[esi+0x80]', '[edi-0x80]', '[fs:0x124]', '[es:edi]', '[ss:esp+4]',
  '[ecx*8+0x10]', '[esp+eax]', '[ebp+esi*2-0x7f]', '[edx+0x7fffffff]', '[data_label]', '[ebx+data_label]',
];
const SMALL_MEMS = ['[eax]', '[ebp+8]', '[esp+4]', '[0x1234]', '[ebx+ecx*2+0x40]', '[fs:0x124]'];
const SIZES: [string, string[]][] = [['byte', R8], ['word', R16], ['dword', R32]];
const CC = ['o', 'no', 'b', 'c', 'nae', 'ae', 'nb', 'nc', 'e', 'z', 'ne', 'nz', 'be', 'na', 'a', 'nbe',
  's', 'ns', 'p', 'pe', 'np', 'po', 'l', 'nge', 'ge', 'nl', 'le', 'ng', 'g', 'nle'];

export function corpusLines(): string[] {
  const L: string[] = [];
  const alu = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
  for (const op of alu) {
    for (const [size, regs] of SIZES) {
      for (const r of regs) L.push(`${op} ${r}, ${regs[(regs.indexOf(r) + 3) % 8]}`);
      for (const m of SMALL_MEMS) L.push(`${op} ${m}, ${regs[1]}`, `${op} ${regs[2]}, ${m}`);
      for (const imm of ['1', '-1', '0x7f', '0x80', '-0x80', '0xff', ...(size === 'byte' ? [] : ['-0x81'])]) {
        L.push(`${op} ${regs[0]}, ${imm}`, `${op} ${regs[3]}, ${imm}`, `${op} ${size} [ebx+4], ${imm}`);
      }
      if (size !== 'byte') for (const imm of ['0x1234', '0x7fff', '-0x8000', '0xffff']) L.push(`${op} ${regs[0]}, ${imm}`, `${op} ${regs[5]}, ${imm}`, `${op} ${size} [esi], ${imm}`);
    }
    for (const imm of ['0x12345678', '0x80000000', '0xffffffff', '-0x80000000', 'data_label', 'equ_small', 'equ_big']) {
      L.push(`${op} eax, ${imm}`, `${op} edi, ${imm}`, `${op} dword [eax], ${imm}`);
    }
    L.push(`${op} eax, byte 5`, `${op} ax, byte 0x7f`, `${op} eax, strict dword 5`, `${op} eax, dword 5`);
  }
  for (const [size, regs] of SIZES) {
    for (const r of regs) L.push(`test ${r}, ${regs[(regs.indexOf(r) + 5) % 8]}`, `test ${r}, 0x41`);
    for (const m of SMALL_MEMS) L.push(`test ${m}, ${regs[3]}`, `test ${regs[6]}, ${m}`, `test ${size} ${m}, 0x12`);
  }
  // mov in all its forms
  for (const [size, regs] of SIZES) {
    for (const r of regs) L.push(`mov ${r}, ${regs[(regs.indexOf(r) + 1) % 8]}`, `mov ${r}, 0x12`, `mov ${r}, -2`);
    for (const m of MEMS) L.push(`mov ${m}, ${regs[0]}`, `mov ${regs[0]}, ${m}`, `mov ${m}, ${regs[3]}`, `mov ${regs[7 - 2 * (size === 'byte' ? 1 : 0)]}, ${m}`, `mov ${size} ${m}, 0x5a`);
  }
  L.push('mov eax, data_label', 'mov ebx, equ_big', 'mov eax, [data_label]', 'mov [data_label], al');
  for (const s of ['es', 'cs', 'ss', 'ds', 'fs', 'gs']) {
    L.push(`mov eax, ${s}`, `mov ax, ${s}`, `mov [eax], ${s}`, `mov word [ebx+4], ${s}`, `push ${s}`);
    if (s !== 'cs') L.push(`mov ${s}, eax`, `mov ${s}, ax`, `mov ${s}, [eax]`, `mov ${s}, word [ebp+8]`, `pop ${s}`);
  }
  for (const c of ['cr0', 'cr2', 'cr3', 'cr4']) L.push(`mov eax, ${c}`, `mov ${c}, ebx`);
  for (const d of ['dr0', 'dr1', 'dr2', 'dr3', 'dr6', 'dr7']) L.push(`mov ecx, ${d}`, `mov ${d}, edx`);
  // xchg
  for (const [, regs] of SIZES) {
    for (const r of regs) L.push(`xchg ${regs[0]}, ${r}`, `xchg ${r}, ${regs[0]}`, `xchg ${r}, ${regs[(regs.indexOf(r) + 2) % 8]}`);
    L.push(`xchg [eax], ${regs[1]}`, `xchg ${regs[2]}, [ebx+8]`);
  }
  // unary
  for (const op of ['inc', 'dec', 'neg', 'not', 'mul', 'imul', 'div', 'idiv']) {
    for (const [size, regs] of SIZES) {
      for (const r of regs) L.push(`${op} ${r}`);
      for (const m of SMALL_MEMS) L.push(`${op} ${size} ${m}`);
    }
  }
  for (const [, regs] of SIZES.slice(1)) {
    for (const r of regs) L.push(`imul ${r}, ${regs[2]}`, `imul ${r}, [eax]`, `imul ${r}, ${regs[1]}, 5`, `imul ${r}, ${regs[1]}, 0x1234`, `imul ${r}, 7`, `imul ${r}, 0x300`, `imul ${r}, [ebx+4], -3`);
  }
  // shifts and rotates
  for (const op of ['rol', 'ror', 'rcl', 'rcr', 'shl', 'sal', 'shr', 'sar']) {
    for (const [size, regs] of SIZES) {
      for (const r of [regs[0], regs[3], regs[6]]) L.push(`${op} ${r}, 1`, `${op} ${r}, cl`, `${op} ${r}, 7`, `${op} ${r}, 0x1f`);
      for (const m of SMALL_MEMS.slice(0, 3)) L.push(`${op} ${size} ${m}, 1`, `${op} ${size} ${m}, cl`, `${op} ${size} ${m}, 3`);
    }
  }
  for (const op of ['shld', 'shrd']) {
    for (const [, regs] of SIZES.slice(1)) {
      L.push(`${op} ${regs[0]}, ${regs[2]}, 4`, `${op} ${regs[3]}, ${regs[1]}, cl`, `${op} [eax], ${regs[2]}, 9`, `${op} [ebp+8], ${regs[5]}, cl`);
    }
  }
  // bit operations
  for (const op of ['bt', 'bts', 'btr', 'btc']) {
    for (const [size, regs] of SIZES.slice(1)) {
      L.push(`${op} ${regs[0]}, ${regs[3]}`, `${op} ${regs[6]}, 5`, `${op} [eax], ${regs[1]}`, `${op} ${size} [ebx+4], 31`);
    }
  }
  for (const op of ['bsf', 'bsr']) for (const [, regs] of SIZES.slice(1)) L.push(`${op} ${regs[0]}, ${regs[1]}`, `${op} ${regs[2]}, [esi]`);
  for (const cc of CC) L.push(`set${cc} al`, `set${cc} bh`, `set${cc} [eax]`, `cmov${cc} eax, ebx`, `cmov${cc} cx, [edi]`, `j${cc} $`, `j${cc} $+0x20`, `j${cc} near back_label`, `j${cc} far_label`);
  // movzx/movsx, bswap, xadd, cmpxchg
  for (const op of ['movzx', 'movsx']) {
    L.push(`${op} eax, bl`, `${op} eax, bx`, `${op} cx, dl`, `${op} edx, byte [eax]`, `${op} edx, word [eax]`, `${op} si, byte [ebp+8]`, `${op} esp, ah`);
  }
  for (const r of R32) L.push(`bswap ${r}`);
  for (const [, regs] of SIZES) L.push(`xadd ${regs[0]}, ${regs[1]}`, `xadd [eax], ${regs[2]}`, `cmpxchg ${regs[3]}, ${regs[4 % 8]}`, `cmpxchg [ebx+4], ${regs[1]}`, `lock cmpxchg [ecx], ${regs[2]}`, `lock xadd [edx], ${regs[0]}`);
  L.push('cmpxchg8b [esi]', 'lock cmpxchg8b [edi+4]');
  for (const op of ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor']) L.push(`lock ${op} [eax], ebx`, `lock ${op} dword [ebx], 1`);
  L.push('lock inc dword [eax]', 'lock dec byte [ebx]', 'lock not dword [ecx]', 'lock neg word [edx]', 'lock bts [eax], ecx', 'lock xchg [eax], ebx');
  // lea and far-pointer loads
  for (const m of MEMS.filter(m => !m.includes(':'))) L.push(`lea eax, ${m}`, `lea di, ${m}`);
  for (const op of ['les', 'lds', 'lss', 'lfs', 'lgs']) L.push(`${op} eax, [ebx]`, `${op} si, [ebp+8]`, `${op} edi, [0x1000]`);
  L.push('bound eax, [ebx]', 'bound cx, [esi+4]', 'arpl ax, bx', 'arpl [eax], dx');
  // stack
  for (const r of [...R16, ...R32]) L.push(`push ${r}`, `pop ${r}`);
  L.push('push 1', 'push -1', 'push 0x80', 'push 0x12345678', 'push data_label', 'push equ_small', 'push equ_big',
    'push byte 5', 'push word 5', 'push dword 5', 'push strict dword 5', 'push word 0x1234',
    'push dword [eax]', 'push word [ebx]', 'pop dword [eax]', 'pop word [esp+4]', 'pusha', 'pushad', 'pushaw', 'popa', 'popad', 'popaw',
    'pushf', 'pushfd', 'pushfw', 'popf', 'popfd', 'popfw', 'enter 16, 0', 'enter 0x100, 1', 'enter 8, 3', 'leave');
  // control transfer
  L.push('jmp $', 'jmp short $+5', 'jmp $-0x7e', 'jmp back_label', 'jmp near back_label', 'jmp far_label', 'jmp eax', 'jmp [eax]', 'jmp dword [ebx+8]',
    'jmp far [eax]', 'jmp 0x08:back_label', 'jmp 0x1b:0x12345678', 'jmp word 0x10:0x1234', 'call back_label', 'call far_label', 'call eax', 'call [ebx]', 'call dword [data_label]',
    'call far [esi]', 'call 0x08:back_label', 'call 0x23:0x401000', 'ret', 'ret 4', 'ret 0x10', 'retn', 'retn 8', 'retf', 'retf 8',
    'loop $', 'loope $', 'loopz $+4', 'loopne $-10', 'loopnz $', 'jecxz $', 'jcxz $',
    'int 0x2e', 'int 3', 'int3', 'int 0x80', 'into', 'iret', 'iretd', 'iretw', 'int1');
  // strings
  for (const s of ['movs', 'cmps', 'scas', 'lods', 'stos', 'ins', 'outs']) {
    for (const w of ['b', 'w', 'd']) {
      L.push(`${s}${w}`);
      if (s === 'cmps' || s === 'scas') L.push(`repe ${s}${w}`, `repz ${s}${w}`, `repne ${s}${w}`, `repnz ${s}${w}`);
      else L.push(`rep ${s}${w}`);
    }
  }
  L.push('xlat', 'xlatb');
  // BCD, conversions, flags
  L.push('daa', 'das', 'aaa', 'aas', 'aam', 'aad', 'aam 16', 'aad 8', 'cbw', 'cwde', 'cwd', 'cdq', 'sahf', 'lahf',
    'clc', 'stc', 'cmc', 'cld', 'std', 'cli', 'sti', 'nop', 'hlt', 'wait', 'salc');
  // system
  L.push('lgdt [eax]', 'lidt [ebx+8]', 'sgdt [ecx]', 'sidt [0x1000]', 'lldt ax', 'lldt [eax]', 'sldt eax', 'sldt ax', 'sldt [eax]',
    'ltr ax', 'ltr word [ebx]', 'str eax', 'str ax', 'str [eax]', 'lmsw ax', 'lmsw [eax]', 'smsw eax', 'smsw ax', 'smsw [eax]',
    'lar eax, ecx', 'lar ax, cx', 'lar eax, [ebx]', 'lsl eax, ecx', 'lsl dx, [eax]', 'verr ax', 'verr [eax]', 'verw cx', 'verw [ebx]',
    'clts', 'invd', 'wbinvd', 'invlpg [eax]', 'invlpg [0x1000]', 'rdmsr', 'wrmsr', 'rdtsc', 'rdpmc', 'cpuid', 'sysenter', 'sysexit',
    'ud2', 'rsm');
  for (const port of ['0x60', '0x80', '0xff']) L.push(`in al, ${port}`, `in ax, ${port}`, `in eax, ${port}`, `out ${port}, al`, `out ${port}, ax`, `out ${port}, eax`);
  L.push('in al, dx', 'in ax, dx', 'in eax, dx', 'out dx, al', 'out dx, ax', 'out dx, eax');
  // data and expressions
  L.push('db 1, 2, 3', 'db "hello", 13, 10, 0', "db 'x'", 'dw 0x1234, -1', 'dw "ab"', 'dd 0x12345678, data_label', 'dd "abc"',
    'db (3+4)*2, 1<<4, 0x100>>4, 7 % 3, 7/2, ~0 & 0xff, 5|2, 6^3', 'dd equ_big - 1', "mov eax, 'abcd'", 'mov al, "z"',
    'times 3 db 0x55', 'times 2 nop', 'mov eax, $', 'mov eax, $$', 'dd $ - $$');
  // 16-bit addressing, segment-override spellings, address hints, x87
  L.push('mov [bx+si], al', 'mov ax, [bp+di+4]', 'mov [bx], eax', 'lea ax, [si+0x1234]', 'mov cx, [bp]', 'mov [di-2], dl',
    'mov eax, fs:[0x124]', 'mov eax, [fs:eax+4]', 'mov byte [es:edi], 0', 'mov [gs:0], esp', 'jmp dword far [eax]',
    "cmp byte [eax], 'a'", "mov eax, 'ab'", 'mov eax, [dword 0x10]', 'mov eax, [byte eax+4]', 'mov eax, [dword eax+4]',
    'mov eax, [esp+ecx*4]', 'mov eax, [ebp*2]', 'mov eax, [nosplit eax*2]', 'mov eax, [eax*1]', 'mov eax, [ecx+eax*1]',
    'mov eax, [eax+esp]', 'mov eax, [esp+eax]', 'mov eax, [ebx+4*esi]', 'mov eax, [4*esi+ebx+8]', 'mov eax, [-8+ebp]',
    'mov eax, [ebp+ebx-8+4]', 'mov eax, [ebx+(4*2)]', 'mov eax, [eax*3]', 'mov eax, [ecx*5+1]', 'mov eax, [edx*9]',
    'fld dword [eax]', 'fstp qword [ebx]', 'fadd st0, st1', 'fxch st1', 'fild word [eax]', 'fistp dword [eax]', 'fninit',
    'fnstsw ax', 'fldcw [eax]', 'fxch', 'faddp', 'fmulp st2, st0', 'fadd st1', 'fsubr st0, st3', 'fcomp st2', 'fucompp',
    'fld st3', 'fld tword [eax]', 'fstp tword [ebx]', 'fldz', 'fld1', 'fsqrt', 'fwait', 'emms', 'movd mm0, eax');
  return L;
}

/** Source around the corpus: labels the lines refer to, placed so branches hit both sizes. */
export function corpusSource(lines: string[]): string {
  return ['bits 32', 'equ_small equ 5', 'equ_big equ 0x12345', 'back_label:', ...lines,
    'times 200 nop', 'far_label: nop', 'data_label: dd 0'].join('\n') + '\n';
}
