import test from 'ava';
import { headerValue } from '../../../lib/framework/http/header-value.js';
import { Headers } from '../../../lib/protocol/headers.js';
import type { HeaderList } from '../../../lib/protocol/types.js';

/** What Headers.get() answers (or throws) for the same lookup. */
function viaHeaders(list: HeaderList, name: string): { value?: string | undefined; error?: string } {
  try {
    return { value: new Headers(list).get(name) };
  } catch (error) {
    return { error: String(error) };
  }
}

function viaHeaderValue(list: HeaderList, name: string): { value?: string | undefined; error?: string } {
  try {
    return { value: headerValue(list, name, name.toLowerCase()) };
  } catch (error) {
    return { error: String(error) };
  }
}

const cases: Array<[label: string, list: HeaderList, name: string]> = [
  ['same spelling', [['X-A', '1'], ['Content-Length', '5']], 'Content-Length'],
  ['other case', [['content-length', '5']], 'Content-Length'],
  ['first of two', [['X-Frame-Options', 'DENY'], ['x-frame-options', 'SAMEORIGIN']], 'X-Frame-Options'],
  ['absent', [['Content-Type', 'text/plain']], 'Content-Length'],
  ['empty list', [], 'Content-Type'],
  ['a non-ASCII name that lower-cases to the one asked for', [['\u212Aey', '1']], 'Key'],
  ['a non-string name after the header', [['Content-Type', 'a/b'], [7 as never, 'x']], 'Content-Type'],
  ['a non-string name before it', [[7 as never, 'x'], ['Content-Type', 'a/b']], 'Content-Type'],
  ['a String object as a name', [[new String('content-type') as never, 'a/b']], 'Content-Type'],
];

for (const [label, list, name] of cases) {
  test(`headerValue() answers as Headers.get(): ${label}`, (t) => {
    t.deepEqual(viaHeaderValue(list, name), viaHeaders(list, name));
  });
}

test('headerValue() finds the value in another case and misses an absent one', (t) => {
  t.is(headerValue([['content-length', '5']], 'Content-Length', 'content-length'), '5');
  t.is(headerValue([['Content-Type', 'a/b']], 'Content-Length', 'content-length'), undefined);
});
