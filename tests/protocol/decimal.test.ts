import test from 'ava';
import { parseDecimal } from '../../lib/protocol/decimal.js';

const cases: Array<[text: string, expected: number]> = [
  ['0', 0],
  ['27', 27],
  ['007', 7],
  ['123456789012345', 123456789012345],
  ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ['0000000000000000042', 42],
  ['9007199254740992', -1],
  ['99999999999999999999', -1],
  ['', -1],
  ['-1', -1],
  ['+1', -1],
  ['1.5', -1],
  ['1e3', -1],
  [' 1', -1],
  ['1 ', -1],
  ['0x10', -1],
  ['１', -1],
  ['12345678901234a', -1],
  ['1234567890123456a', -1],
];

for (const [text, expected] of cases) {
  test(`parseDecimal(${JSON.stringify(text)}) is ${expected}`, (t) => {
    t.is(parseDecimal(text), expected);
  });
}
