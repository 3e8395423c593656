import test from 'ava';
import { describeRatios, format, median, medianInterval, quartiles } from '../../bench/round-stats.js';

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

test('describeRatios() gives the median with its 95% interval, the middle half and the whole range', (t) => {
  t.is(describeRatios([0.9, 1.1, 0.8, 1, 0.95]), '0.950 (95% confidence needs 6 rounds or more; middle half 0.900–1.000, all 0.800–1.100)');
  t.is(
    describeRatios([0.9, 1.1, 0.8, 1, 0.95, 0.85]),
    '0.925 (95% confidence 0.800–1.100; middle half 0.863–0.988, all 0.800–1.100)',
  );
});

test('medianInterval() takes the order statistics the binomial distribution allows at 95%', (t) => {
  const rounds = (n: number) => Array.from({ length: n }, (_, i) => n - i);
  t.is(medianInterval(rounds(5)), undefined);
  // n = 6: P(X = 0) = 1/64, doubled 0.031: the extremes.
  t.deepEqual(medianInterval(rounds(6)), [1, 6]);
  // n = 15: P(X <= 3) = 576/32768, doubled 0.035; P(X <= 4) doubled is 0.118: the 4th from each end.
  t.deepEqual(medianInterval(rounds(15)), [4, 12]);
  // n = 31: the 10th from each end, as in the published tables.
  t.deepEqual(medianInterval(rounds(31)), [10, 22]);
  t.is(medianInterval([]), undefined);
});

test('format() rounds and separates thousands', (t) => {
  t.is(format(12345.6), '12,346');
  t.is(format(999), '999');
});
