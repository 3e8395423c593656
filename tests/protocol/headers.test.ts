import { inspect } from 'node:util';
import test from 'ava';
import { ProtocolError } from '../../lib/protocol/errors.js';
import { Headers } from '../../lib/protocol/headers.js';
import type { HeaderList } from '../../lib/protocol/types.js';

// new Headers(list)

test('new Headers(list) wraps the list: changes are visible to the caller', (t) => {
  const list: HeaderList = [['x', 'y']];
  const headers = new Headers(list);
  headers.set('Content-Type', 'text/plain');
  headers.delete('x');
  t.is(headers.toList(), list);
  t.deepEqual(list, [['Content-Type', 'text/plain']]);
});

test('new Headers() starts from an empty list', (t) => {
  t.is(new Headers().size, 0);
  t.deepEqual(new Headers().toList(), []);
  t.is(new Headers([]).size, 0);
});

test('new Headers() rejects anything but an array', (t) => {
  t.throws(() => new Headers('foo' as unknown as HeaderList), {
    instanceOf: TypeError,
    message: "new Headers() expects an array of [name, value] pairs; got 'foo'.",
  });
});

// reading

test('headers.get() is case-insensitive and returns the first value', (t) => {
  const headers = new Headers([
    ['Set-Cookie', 'a=1'],
    ['set-cookie', 'b=2'],
  ]);
  for (const name of ['set-cookie', 'Set-Cookie', 'SET-COOKIE']) t.is(headers.get(name), 'a=1', name);
  t.is(headers.get('cookie'), undefined);
});

test('headers.getAll() returns every value in order', (t) => {
  const headers = new Headers([
    ['Vary', 'Accept'],
    ['X', '1'],
    ['vary', 'Cookie'],
  ]);
  t.deepEqual(headers.getAll('VARY'), ['Accept', 'Cookie']);
  t.deepEqual(headers.getAll('missing'), []);
});

test('headers.has() is case-insensitive', (t) => {
  const headers = new Headers([['Foo', 'bar']]);
  t.true(headers.has('foo'));
  t.true(headers.has('FOO'));
  t.false(headers.has('bar'));
  t.true(new Headers([['Empty', '']]).has('empty'), 'an empty value still counts');
});

test('keys(), values() and entries() keep order and repeats; entries() is a copy', (t) => {
  const list: HeaderList = [
    ['A', '1'],
    ['B', '2'],
    ['a', '3'],
  ];
  const headers = new Headers(list);
  t.deepEqual(headers.keys(), ['A', 'B', 'a']);
  t.deepEqual(headers.values(), ['1', '2', '3']);
  const entries = headers.entries();
  t.deepEqual(entries, list);
  t.not(entries, list);
  entries[0]![1] = 'changed';
  t.is(list[0]![1], '1');
  t.is(headers.size, 3);
});

test('for...of iterates the [name, value] pairs', (t) => {
  const headers = new Headers([
    ['A', '1'],
    ['B', '2'],
  ]);
  t.deepEqual([...headers], [
    ['A', '1'],
    ['B', '2'],
  ]);
});

// writing

test('headers.set() replaces every value with one at the end', (t) => {
  const headers = new Headers([
    ['Foo', 'a'],
    ['Other', 'x'],
    ['FOO', 'b'],
  ]);
  t.is(headers.set('foo', 'baz'), headers);
  t.deepEqual(headers.toList(), [
    ['Other', 'x'],
    ['foo', 'baz'],
  ]);
  t.is(headers.get('FOO'), 'baz');
});

test('headers.delete() removes every value and never throws', (t) => {
  const headers = new Headers([
    ['A', '1'],
    ['b', '2'],
    ['a', '3'],
  ]);
  t.true(headers.delete('a'));
  t.deepEqual(headers.toList(), [['b', '2']]);
  t.false(headers.delete('missing'));
  t.false(new Headers().delete('foo'));
});

test('headers.setDefault() returns an existing value or adds the default', (t) => {
  const headers = new Headers([['foo', 'baz']]);
  t.is(headers.setDefault('FOO', 'whee'), 'baz');
  t.is(headers.setDefault('zoo', 'whee'), 'whee');
  t.deepEqual(headers.toList(), [
    ['foo', 'baz'],
    ['zoo', 'whee'],
  ]);
});

test('headers.add() appends, keeping existing values', (t) => {
  const headers = new Headers([['Vary', 'Accept']]);
  t.is(headers.add('Vary', 'Cookie'), headers);
  t.deepEqual(headers.getAll('vary'), ['Accept', 'Cookie']);
});

test('headers.add() formats parameters as wsgiref does', (t) => {
  const headers = new Headers();
  headers.add('foo', 'bar', { baz: 'spam' });
  t.is(headers.get('foo'), 'bar; baz="spam"');
  headers.add('Foo', 'bar', { cheese: null });
  t.deepEqual(headers.getAll('foo'), ['bar; baz="spam"', 'bar; cheese']);
  headers.add('Content-Disposition', 'attachment', { filename: 'bud.gif' });
  t.is(headers.get('content-disposition'), 'attachment; filename="bud.gif"');
});

test('headers.add() turns _ into - in parameter names and quotes \\ and "', (t) => {
  const headers = new Headers();
  headers.add('X-Test', 'v', { max_age: '10', note: 'say "hi" \\o/', empty: '' });
  t.is(headers.get('x-test'), 'v; max-age="10"; note="say \\"hi\\" \\\\o/"; empty=""');
});

test('headers.add() with a null value sends only the parameters', (t) => {
  const headers = new Headers();
  headers.add('X-Flags', null, { a: null, b: '1' });
  headers.add('X-None', null);
  t.deepEqual(headers.toList(), [
    ['X-Flags', 'a; b="1"'],
    ['X-None', ''],
  ]);
});

// toString(), toJSON(), inspect

test('String(headers) is the header block ending in a blank line', (t) => {
  t.is(String(new Headers()), '\r\n');
  const headers = new Headers();
  headers.add('foo', 'bar', { baz: 'spam' });
  headers.add('Foo', 'bar', { cheese: null });
  t.is(String(headers), 'foo: bar; baz="spam"\r\nFoo: bar; cheese\r\n\r\n');
});

test('headers describe themselves in JSON and in inspect()', (t) => {
  const headers = new Headers([['Content-Type', 'text/plain']]);
  t.is(JSON.stringify({ headers }), '{"headers":[["Content-Type","text/plain"]]}');
  t.is(inspect(headers), "Headers [ [ 'Content-Type', 'text/plain' ] ]");
  t.is(Object.prototype.toString.call(headers), '[object Headers]');
});

// validation

test('set() and add() reject every C0 control character in a name', (t) => {
  const headers = new Headers();
  for (let code = 0; code < 0x20; code++) {
    const char = String.fromCharCode(code);
    const hex = code.toString(16).toUpperCase().padStart(4, '0');
    const message = `Header name ${JSON.stringify(`key${char}`).replaceAll('"', "'")} contains the control character U+${hex} at index 3, which an RFC 9110 token does not allow. Use only letters, digits and !#$%&'*+-.^_\`|~.`;
    t.throws(() => headers.set(`key${char}`, 'val'), { instanceOf: ProtocolError, message }, `set U+${hex}`);
    t.throws(() => headers.add(`key${char}`, 'val', { param: 'param' }), { instanceOf: ProtocolError, message }, `add U+${hex}`);
  }
  t.is(headers.size, 0, 'nothing was added');
});

test('set() and add() reject C0 controls and DEL in a value, but allow HTAB', (t) => {
  const headers = new Headers();
  for (const code of [...Array.from({ length: 0x20 }, (_, i) => i), 0x7f]) {
    const char = String.fromCharCode(code);
    if (char === '\t') {
      headers.set('key', `val${char}`);
      continue;
    }
    const hex = code.toString(16).toUpperCase().padStart(4, '0');
    const shown = JSON.stringify(`val${char}`).replaceAll('"', "'");
    const message = `Header 'key' value ${shown} contains the control character U+${hex} at index 3. Remove CR, LF and other control characters (HTAB is allowed).`;
    t.throws(() => headers.set('key', `val${char}`), { instanceOf: ProtocolError, message }, `set U+${hex}`);
    t.throws(() => headers.add('key', `val${char}`, { param: 'param' }), { instanceOf: ProtocolError, message }, `add U+${hex}`);
    t.throws(() => headers.add('key', 'val', { param: `param${char}` }), { instanceOf: ProtocolError }, `param U+${hex}`);
  }
  t.deepEqual(headers.toList(), [['key', 'val\t']]);
});

test('set() rejects a name that is not a token and names the character', (t) => {
  t.throws(() => new Headers().set('X Foo', 'v'), {
    instanceOf: ProtocolError,
    message: "Header name 'X Foo' contains ' ' (U+0020) at index 1, which an RFC 9110 token does not allow. Use only letters, digits and !#$%&'*+-.^_`|~.",
  });
  t.throws(() => new Headers().set('', 'v'), {
    instanceOf: ProtocolError,
    message: 'Header name is empty. Give every header a name.',
  });
});

test('add() rejects a parameter name that is not a token', (t) => {
  t.throws(() => new Headers().add('X', 'v', { 'file name': 'a' }), {
    instanceOf: ProtocolError,
    message: "Header name 'file name' contains ' ' (U+0020) at index 4, which an RFC 9110 token does not allow. Use only letters, digits and !#$%&'*+-.^_`|~.",
  });
});

test('set() rejects a value with a character above 0xFF', (t) => {
  t.throws(() => new Headers().set('X-Name', 'Zoë ☕'), {
    instanceOf: ProtocolError,
    message: "Header 'X-Name' value 'Zoë ☕' contains '☕' (U+2615) at index 4, which is not a byte (0–255). Encode text with utf8ToByteString() or RFC 8187.",
  });
});

test('set() and add() reject non-string names, values and parameters', (t) => {
  const headers = new Headers();
  t.throws(() => headers.set(1 as unknown as string, 'v'), {
    instanceOf: TypeError,
    message: 'Header name must be a string; got 1.',
  });
  t.throws(() => headers.set('X-Count', 1 as unknown as string), {
    instanceOf: TypeError,
    message: "Header 'X-Count' value must be a string; got 1. Convert it with String().",
  });
  t.throws(() => headers.add('X', undefined as unknown as string), {
    instanceOf: TypeError,
    message: "Header 'X' value must be a string; got undefined. Convert it with String().",
  });
  t.throws(() => headers.add('X', 'v', { n: 5 as unknown as string }), {
    instanceOf: TypeError,
    message: "Header 'X' parameter 'n' must be a string or null; got 5.",
  });
  t.is(headers.size, 0);
});

test('setDefault() validates what it adds', (t) => {
  t.throws(() => new Headers().setDefault('X', 'a\r\nb'), { instanceOf: ProtocolError });
});
