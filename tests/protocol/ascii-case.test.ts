import test from 'ava';
import { equalsAsciiLowerCase } from '../../lib/protocol/ascii-case.js';

test('equalsAsciiLowerCase(name, lower) ignores the case of name', (t) => {
  t.true(equalsAsciiLowerCase('Content-Type', 'content-type'));
  t.true(equalsAsciiLowerCase('CONTENT-TYPE', 'content-type'));
  t.true(equalsAsciiLowerCase('content-type', 'content-type'));
  t.true(equalsAsciiLowerCase('', ''));
});

test('equalsAsciiLowerCase(name, lower) tells different names apart', (t) => {
  t.false(equalsAsciiLowerCase('Content-Type', 'content-length'));
  t.false(equalsAsciiLowerCase('X-Powered-By', 'content-type'));
  t.false(equalsAsciiLowerCase('ETag', 'etah'));
  // '[' is 0x5b, just above 'Z': it has no lower case.
  t.false(equalsAsciiLowerCase('[', '{'));
  t.false(equalsAsciiLowerCase('@', '`'));
});

test('equalsAsciiLowerCase(name, lower) follows toLowerCase() outside ASCII', (t) => {
  // U+212A KELVIN SIGN lower-cases to 'k'.
  t.true(equalsAsciiLowerCase('\u212Aeep-Alive', 'keep-alive'));
  t.is('\u212Aeep-Alive'.toLowerCase(), 'keep-alive');
  t.false(equalsAsciiLowerCase('\u00C9tag', 'etag'));
});
