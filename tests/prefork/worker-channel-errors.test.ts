import test from 'ava';
import { EventEmitter } from 'node:events';
import { watchChannelErrors } from '../../lib/prefork/worker-channel-errors.js';

function watched(): { worker: EventEmitter; warnings: string[] } {
  const worker = new EventEmitter();
  const warnings: string[] = [];
  watchChannelErrors(worker, () => 'Worker 1 (pid 42)', { warning: (message) => void warnings.push(message) });
  return { worker, warnings };
}

function codeError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

test('watchChannelErrors() keeps the error of a send to an exiting worker from crashing the master, quietly', (t) => {
  const { worker, warnings } = watched();
  for (const code of ['EPIPE', 'ECONNRESET', 'ERR_IPC_CHANNEL_CLOSED']) {
    t.notThrows(() => worker.emit('error', codeError(`write ${code}`, code)));
  }
  t.deepEqual(warnings, []);
});

test('watchChannelErrors() logs any other channel error as a warning, naming the worker', (t) => {
  const { worker, warnings } = watched();
  const error = codeError('something odd', 'EINVAL');
  t.notThrows(() => worker.emit('error', error));
  t.deepEqual(warnings, [`Worker 1 (pid 42): error on its IPC channel: ${error.stack}`]);
  t.notThrows(() => worker.emit('error', 'not an Error'));
  t.is(warnings[1], 'Worker 1 (pid 42): error on its IPC channel: not an Error');
});

test('without the watch, an error event on a worker is thrown (what crashed the master)', (t) => {
  const worker = new EventEmitter();
  t.throws(() => worker.emit('error', codeError('write EPIPE', 'EPIPE')), { message: 'write EPIPE' });
});
