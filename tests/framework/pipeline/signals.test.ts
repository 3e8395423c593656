import test from 'ava';
import { MemoryErrorStream } from '../../../lib/protocol/index.js';
import { Signals } from '../../../lib/framework/pipeline/index.js';
import { createEnviron } from '../../../lib/testing/index.js';

test('on() listeners run in order; the returned function removes one', (t) => {
  const signals = new Signals();
  const seen: string[] = [];
  const environ = createEnviron('/x');
  const offFirst = signals.on('requestStarted', () => void seen.push('first'));
  signals.on('requestStarted', ({ environ: sent }) => void seen.push(`second ${sent.PATH_INFO}`));
  signals.emit('requestStarted', { environ }, new MemoryErrorStream());
  offFirst();
  signals.emit('requestStarted', { environ }, new MemoryErrorStream());
  t.deepEqual(seen, ['first', 'second /x', 'second /x']);
  t.is(signals.listenerCount('requestStarted'), 1);
});

test('listenerCount() counts each signal on its own', (t) => {
  const signals = new Signals();
  signals.on('requestStarted', () => undefined);
  signals.on('requestFinished', () => undefined);
  signals.on('requestFinished', () => undefined);
  for (let n = 0; n < 3; n += 1) signals.on('gotRequestException', () => undefined);
  t.deepEqual(
    (['requestStarted', 'requestFinished', 'gotRequestException'] as const).map((name) => signals.listenerCount(name)),
    [1, 2, 3],
  );
});

test('once() listeners run a single time', (t) => {
  const signals = new Signals();
  let calls = 0;
  signals.once('requestStarted', () => void (calls += 1));
  signals.emit('requestStarted', { environ: createEnviron() }, new MemoryErrorStream());
  signals.emit('requestStarted', { environ: createEnviron() }, new MemoryErrorStream());
  t.is(calls, 1);
  t.is(String(signals), '<Signals requestStarted=0 requestFinished=0 gotRequestException=0>');
});

test('off() says whether the listener was registered', (t) => {
  const signals = new Signals();
  const listener = () => undefined;
  t.false(signals.off('requestFinished', listener));
  signals.on('requestFinished', listener);
  t.true(signals.off('requestFinished', listener));
});

test('a failing listener is reported and the next one still runs', async (t) => {
  const signals = new Signals();
  const errors = new MemoryErrorStream();
  const seen: string[] = [];
  signals.on('requestStarted', () => {
    throw new TypeError('first broke');
  });
  signals.on('requestStarted', () => Promise.reject(new Error('second rejected')));
  signals.on('requestStarted', () => void seen.push('third'));
  signals.emit('requestStarted', { environ: createEnviron() }, errors);
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(seen, ['third']);
  t.regex(errors.text, /A requestStarted listener \(anonymous\) failed; the request goes on:\nTypeError: first broke/);
  t.regex(errors.text, /Error: second rejected/);
});

test('unknown signal names and non-function listeners are refused', (t) => {
  const signals = new Signals();
  t.throws(() => signals.on('requestEnded' as never, () => undefined), {
    instanceOf: TypeError,
    message: "signals.on() got an unknown signal 'requestEnded'. Signals: requestStarted, requestFinished, gotRequestException.",
  });
  t.throws(() => signals.once('requestStarted', 'x' as never), {
    instanceOf: TypeError,
    message: "signals.once('requestStarted') expects a listener function; got 'x'.",
  });
});
