import test from 'ava';
import { describeRatios, format, median, quartiles } from '../../bench/round-stats.js';

test('median() takes the middle value, or the mean of the middle two, whatever the order', (t) => {
  t.is(median([3, 1, 2]), 2);
  t.is(median([4, 1, 3, 2]), 2.5);
  t.is(median([7]), 7);
  t.true(Number.isNaN(median([])));
});

test('quartiles() bound the middle half, interpolating between rounds', (t) => {
  t.deepEqual(quartiles([1, 2, 3, 4, 5]), [2, 4]);
  t.deepEqual(quartiles([4, 1, 3, 2]), [1.75, 3.25]);
  t.deepEqual(quartiles([0.9]), [0.9, 0.9]);
});

test('describeRatios() gives the median with the middle half and the whole range', (t) => {
  t.is(describeRatios([0.9, 1.1, 0.8, 1, 0.95]), '0.950 (middle half 0.900–1.000, all 0.800–1.100)');
});

test('format() rounds and separates thousands', (t) => {
  t.is(format(12345.6), '12,346');
  t.is(format(999), '999');
});
