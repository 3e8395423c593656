import test from 'ava';
import { ProtocolError } from '../../lib/protocol/errors.js';
import { Headers } from '../../lib/protocol/headers.js';
import type { HeaderList } from '../../lib/protocol/types.js';

// Lookups skip headers of another length and remember names already checked:
// the answers must stay those of a plain lower-case comparison.

const lookups = [
  { label: 'same spelling', list: [['Content-Length', '3']], name: 'Content-Length', found: '3' },
  { label: 'other case', list: [['content-length', '3']], name: 'CONTENT-LENGTH', found: '3' },
  { label: 'same length, other name', list: [['Content-Lengtx', '3']], name: 'Content-Length', found: undefined },
  { label: 'Kelvin sign lower-cases to k', list: [['\u212Aey', 'v']], name: 'key', found: 'v' },
  { label: 'dotted capital I lower-cases to two code units', list: [['\u0130d', 'v']], name: 'i\u0307d', found: 'v' },
  { label: 'non-ASCII name asked', list: [['\u00C9t\u00E9', 'v']], name: '\u00E9T\u00C9', found: 'v' },
] satisfies Array<{ label: string; list: HeaderList; name: string; found: string | undefined }>;

for (const { label, list, name, found } of lookups) {
  test(`get(), has() and delete() compare names ignoring case: ${label}`, (t) => {
    const headers = new Headers(list.map(([key, value]) => [key, value]));
    t.is(headers.get(name), found);
    t.is(headers.has(name), found !== undefined);
    t.is(headers.delete(name), found !== undefined);
    t.is(headers.size, found === undefined ? 1 : 0);
  });
}

test('add() without parameters checks the name and value every time, cached name or not', (t) => {
  const headers = new Headers();
  headers.add('X-Cached', 'one');
  headers.add('X-Cached', 'two');
  t.throws(() => headers.add('X-Cached', 'a\r\nb'), { instanceOf: ProtocolError });
  t.throws(() => headers.add('Bad Name', 'x'), { instanceOf: ProtocolError });
  t.throws(() => headers.add('Bad Name', 'x'), { instanceOf: ProtocolError });
  t.throws(() => headers.add('X-Cached', 42 as unknown as string), { instanceOf: TypeError });
  t.deepEqual(headers.getAll('x-cached'), ['one', 'two']);
});

test('add() with parameters still formats them', (t) => {
  const headers = new Headers();
  headers.add('Content-Disposition', 'attachment', { filename: 'bud.gif', inline: null });
  headers.add('X-Only-Params', null, { a_b: 'c' });
  t.deepEqual(headers.toList(), [
    ['Content-Disposition', 'attachment; filename="bud.gif"; inline'],
    ['X-Only-Params', 'a-b="c"'],
  ]);
});
