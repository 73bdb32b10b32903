// Directory listings for NtQueryDirectoryFile / FindFirstFile: a stable order, resuming
// after the last name returned, and wildcard patterns with DOS semantics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePattern, dosPatternToNt, isNameInExpression, unwrap } from '../../kernel/store/index.ts';
import { memoryDisk } from './helpers.ts';

const NAMES = ['readme.txt', 'BIG.DAT', 'Makefile', 'a', 'B.TXT', 'c.tar.gz', 'noext.', 'x.t', 'SUBDIR'];

function populated() {
  const t = memoryDisk();
  for (const name of NAMES) unwrap(t.disk.create(t.root, name, { directory: name === 'SUBDIR' }));
  return t;
}

const names = (entries: { name: string }[]) => entries.map(e => e.name);

test('entries come in upcased-name order, whatever the creation order and case', () => {
  const { disk, root } = populated();
  assert.deepEqual(names(unwrap(disk.list(root))), ['a', 'B.TXT', 'BIG.DAT', 'c.tar.gz', 'Makefile', 'noext.', 'readme.txt', 'SUBDIR', 'x.t']);
});

test('a listing resumes after the last name returned, even if entries came and went meanwhile', () => {
  const { disk, root } = populated();
  const first = unwrap(disk.list(root, { limit: 3 }));
  assert.deepEqual(names(first), ['a', 'B.TXT', 'BIG.DAT']);
  // Between the two calls: the last returned entry is deleted, one is added before and one after the resume point.
  unwrap(disk.delete(first[2].id));
  unwrap(disk.create(root, 'AAA'));
  unwrap(disk.create(root, 'zzz'));
  const rest = unwrap(disk.list(root, { after: first[2].name, limit: 4 }));
  assert.deepEqual(names(rest), ['c.tar.gz', 'Makefile', 'noext.', 'readme.txt']);
  const last = unwrap(disk.list(root, { after: 'README.TXT' }));      // resume names compare without case too
  assert.deepEqual(names(last), ['SUBDIR', 'x.t', 'zzz']);
  assert.deepEqual(unwrap(disk.list(root, { after: 'zzz' })), []);
  assert.deepEqual(unwrap(disk.list(root, { limit: 0 })), []);
});

test('FindFirstFile patterns: *.* is everything, *.TXT, ?, and no case', () => {
  const { disk, root } = populated();
  const match = (pattern: string) => names(unwrap(disk.list(root, { pattern })));
  assert.deepEqual(match('*.*'), names(unwrap(disk.list(root))));
  assert.deepEqual(match('*'), match('*.*'));
  assert.deepEqual(match('*.txt'), ['B.TXT', 'readme.txt']);
  assert.deepEqual(match('?.TXT'), ['B.TXT']);
  assert.deepEqual(match('*.t'), ['x.t']);
  assert.deepEqual(match('*.gz'), ['c.tar.gz']);
  assert.deepEqual(match('*.'), ['a', 'Makefile', 'noext.', 'SUBDIR']);    // "no extension"
  assert.deepEqual(match('README.TXT'), ['readme.txt']);                   // no wildcard: one name
  assert.deepEqual(match('nothing*'), []);
  // Patterns and resume points combine: FindNextFile after the first match.
  assert.deepEqual(names(unwrap(disk.list(root, { pattern: '*.TXT', after: 'B.TXT' }))), ['readme.txt']);
  assert.deepEqual(names(unwrap(disk.list(root, { pattern: '*', limit: 1, after: 'noext.' }))), ['readme.txt']);
});

test('kernel32 rewrites DOS patterns into NT expressions as FindFirstFile does', () => {
  assert.equal(dosPatternToNt('*.*'), '*');
  assert.equal(dosPatternToNt('*.txt'), '<.txt');
  assert.equal(dosPatternToNt('a?c'), 'a>c');
  assert.equal(dosPatternToNt('*.'), '<"');
  assert.equal(dosPatternToNt('file.?'), 'file">');
  assert.equal(dosPatternToNt('x'), 'x');
});

test('FsRtlIsNameInExpression semantics of *, ?, <, > and "', () => {
  const cases: [string, string, boolean][] = [
    ['*', 'ANYTHING.AT.ALL', true],
    ['*.TXT', 'A.TXT', true],
    ['*.TXT', 'ATXT', false],
    ['A?C', 'ABC', true],
    ['A?C', 'AC', false],
    ['<.TXT', 'A.B.TXT', true],          // DOS_STAR runs to the last dot
    ['<', 'NOEXT', true],
    ['<.', 'A.B', false],
    ['<"', 'NOEXT', true],               // "*." : names without an extension
    ['<"', 'A.B', false],
    ['FILE>.TXT', 'FILE.TXT', true],     // DOS_QM matches nothing before a dot
    ['FILE>.TXT', 'FILE1.TXT', true],
    ['FILE>.TXT', 'FILE12.TXT', false],
    ['A>>', 'A', true],                  // DOS_QM matches nothing at the end
    ['A>>', 'ABC', true],
    ['A>>', 'ABCD', false],
    ['A"', 'A', true],
    ['A"*', 'A.B', true],
    ['*A*A*A*A*A*A*A*A*B', 'A'.repeat(200), false],   // memoized: this must not take exponential time
  ];
  for (const [expression, name, expected] of cases) assert.equal(isNameInExpression(expression, name), expected, `${expression} ~ ${name}`);
});

test('compiled patterns ignore case and accept NT syntax when asked', () => {
  assert.equal(compilePattern('*.txt')('NOTES.TXT'), true);
  assert.equal(compilePattern('<.txt', 'nt')('notes.txt'), true);
  assert.equal(compilePattern('*.*', 'nt')('NOEXT'), false);     // in NT syntax "*.*" needs a dot
  assert.equal(compilePattern('*.*')('NOEXT'), true);            // in DOS syntax it does not
  assert.equal(compilePattern(undefined)('x'), true);
});
