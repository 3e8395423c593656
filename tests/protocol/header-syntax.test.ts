import test from 'ava';
import { ProtocolError } from '../../lib/protocol/errors.js';
import { checkHeaderName, checkHeaderValue, isToken } from '../../lib/protocol/header-syntax.js';

test('isToken() accepts RFC 9110 tokens only', (t) => {
  for (const name of ['Content-Type', 'x', "!#$%&'*+-.^_`|~09AZaz"]) t.true(isToken(name), name);
  for (const name of ['', 'a b', 'a:b', 'a"b', 'é', 'a\tb', '(x)']) t.false(isToken(name), JSON.stringify(name));
});

test('checkHeaderName() names a separator that is not a token character', (t) => {
  t.throws(() => checkHeaderName('Set:Cookie'), {
    instanceOf: ProtocolError,
    message: "Header name 'Set:Cookie' contains ':' (U+003A) at index 3, which an RFC 9110 token does not allow. Use only letters, digits and !#$%&'*+-.^_`|~.",
  });
  t.throws(() => checkHeaderName('X\x7f'), { message: /contains the control character U\+007F at index 1/ });
  t.notThrows(() => checkHeaderName('X-Ok'));
});

test('checkHeaderValue() accepts visible characters, spaces, HTAB and obs-text', (t) => {
  t.notThrows(() => checkHeaderValue('X', ''));
  t.notThrows(() => checkHeaderValue('X', ' a\tb "quoted" caf\xe9 \xff'));
});

test('checkHeaderValue() rejects CR and LF, naming header and character', (t) => {
  t.throws(() => checkHeaderValue('Location', '/x\r\nSet-Cookie: a=b'), {
    instanceOf: ProtocolError,
    message:
      "Header 'Location' value '/x\\r\\nSet-Cookie: a=b' contains the control character U+000D at index 2. " +
      'Remove CR, LF and other control characters (HTAB is allowed).',
  });
});
