import test from 'ava';
import { encodeParams, encodeTarget, mergeQuery } from '../../lib/testing/request-target.js';

const encodeCases: Array<[label: string, input: string, expected: string]> = [
  ['plain path', '/items/1', '/items/1'],
  ['existing escapes kept', '/a%2Fb%20c', '/a%2Fb%20c'],
  ['space', '/a b', '/a%20b'],
  ['non-ASCII as UTF-8', '/ä€', '/%C3%A4%E2%82%AC'],
  ['sub-delims and query kept', "/x;y=1,z?q=a&b=c*'()!$+:@", "/x;y=1,z?q=a&b=c*'()!$+:@"],
  ['quote and angle brackets', '/"<>', '/%22%3C%3E'],
];
for (const [label, input, expected] of encodeCases) {
  test(`encodeTarget() encodes ${label}`, (t) => {
    t.is(encodeTarget(input), expected);
  });
}

test('encodeParams() encodes an object, repeating array values', (t) => {
  t.is(encodeParams({ q: 'a b', tag: ['x', 'y'], e: 'ä' }, 'query'), 'q=a+b&tag=x&tag=y&e=%C3%A4');
});

test('encodeParams() accepts URLSearchParams as they are', (t) => {
  t.is(encodeParams(new URLSearchParams([['a', '1'], ['a', '2']]), 'query'), 'a=1&a=2');
});

test('encodeParams() rejects a non-string value naming the key', (t) => {
  t.throws(() => encodeParams({ page: 2 as unknown as string }, 'Client.get(\'/\') query'), {
    instanceOf: TypeError,
    message: "Client.get('/') query value for 'page' must be a string; got 2. Convert it with String().",
  });
});

test('encodeParams() rejects something that is not an object', (t) => {
  t.throws(() => encodeParams('a=1' as unknown as URLSearchParams, 'form'), {
    instanceOf: TypeError,
    message: "form must be an object of strings (or string arrays) or a URLSearchParams; got 'a=1'.",
  });
});

const mergeCases: Array<[label: string, target: string, query: string, expected: string]> = [
  ['no query yet', '/x', 'a=1', '/x?a=1'],
  ['after an existing query', '/x?b=2', 'a=1', '/x?b=2&a=1'],
  ['after a bare ?', '/x?', 'a=1', '/x?a=1'],
  ['empty query changes nothing', '/x', '', '/x'],
];
for (const [label, target, query, expected] of mergeCases) {
  test(`mergeQuery() appends: ${label}`, (t) => {
    t.is(mergeQuery(target, query), expected);
  });
}
