/** Conformance: tsgi.input (reads, lines, EOF at CONTENT_LENGTH, chunked uploads, Expect: 100-continue) and streaming with backpressure. */
import { echoBodyApp, helloApp } from '../helpers/fixtures.js';
import { capturing, only, type Register } from './cases-helpers.js';

export function registerInputTests(it: Register): void {
  it('tsgi.input read(size) reads in blocks and returns empty at CONTENT_LENGTH', async (t, start) => {
    const { app, results } = capturing(async (environ) => {
      const input = environ['tsgi.input'];
      const reads: string[] = [];
      for (let i = 0; i < 4; i += 1) reads.push(Buffer.from(await input.read(5)).toString());
      return reads;
    });
    const frontEnd = await start(app);
    await frontEnd.send({ method: 'POST', body: 'hello world' });
    t.deepEqual(results[0], ['hello', ' worl', 'd', '']);
  });

  it('tsgi.input read() returns the rest, then empty', async (t, start) => {
    const { app, results } = capturing(async (environ) => {
      const input = environ['tsgi.input'];
      return [Buffer.from(await input.read(2)).toString(), Buffer.from(await input.read()).toString(), (await input.read()).length];
    });
    const frontEnd = await start(app);
    await frontEnd.send({ method: 'PUT', body: 'abcdef' });
    t.deepEqual(results[0], ['ab', 'cdef', 0]);
  });

  it('tsgi.input readline() and for await read lines', async (t, start) => {
    const { app, results } = capturing(async (environ) => {
      const input = environ['tsgi.input'];
      const lines = [Buffer.from(await input.readline()).toString()];
      for await (const line of input) lines.push(Buffer.from(line).toString());
      return lines;
    });
    const frontEnd = await start(app);
    await frontEnd.send({ method: 'POST', body: 'a\nbb\nccc' });
    t.deepEqual(results[0], ['a\n', 'bb\n', 'ccc']);
  });

  it('tsgi.input readlines() returns the remaining lines', async (t, start) => {
    const { app, results } = capturing(async (environ) =>
      (await environ['tsgi.input'].readlines()).map((line) => Buffer.from(line).toString()),
    );
    const frontEnd = await start(app);
    await frontEnd.send({ method: 'POST', body: 'one\ntwo\n' });
    t.deepEqual(results[0], ['one\n', 'two\n']);
  });

  it('tsgi.input de-chunks a chunked upload and sets tsgi.input_terminated', async (t, start) => {
    const { app, environs, results } = capturing(async (environ) => Buffer.from(await environ['tsgi.input'].read()).toString());
    const frontEnd = await start(app);
    await frontEnd.send({ method: 'POST', bodyChunks: ['ab', 'cd', 'ef'].map((text) => Buffer.from(text)) });
    const environ = only(environs[0]);
    t.is(results[0], 'abcdef');
    t.true(environ['tsgi.input_terminated']);
    t.false('CONTENT_LENGTH' in environ);
  }, { needs: 'chunked-request' });

  it('tsgi.input is echoed whole for a 1 MiB body', async (t, start) => {
    const frontEnd = await start(echoBodyApp);
    const payload = Buffer.alloc(1024 * 1024, 'x');
    const response = await frontEnd.send({ method: 'POST', body: payload, headers: [['Content-Type', 'application/x-test']] });
    t.is(response.headers.get('Content-Type'), 'application/x-test');
    t.true(response.body.equals(payload));
  });

  it('Expect: 100-continue is answered when the app reads tsgi.input', async (t, start) => {
    const frontEnd = await start(echoBodyApp);
    const response = await frontEnd.send({ method: 'POST', body: 'continued', expectContinue: true });
    t.true(response.continued);
    t.is(response.body.toString(), 'continued');
  }, { needs: 'expect-continue' });

  it('Expect: 100-continue is not answered when the app does not read tsgi.input', async (t, start) => {
    const frontEnd = await start(helloApp);
    const response = await frontEnd.send({ method: 'POST', body: 'ignored', expectContinue: true });
    t.false(response.continued);
    t.is(response.status, 200);
    t.is(response.body.toString(), 'Hello world!');
  }, { needs: 'expect-continue' });
}

export function registerStreamingTests(it: Register): void {
  it('streaming 256 MiB applies backpressure and keeps memory bounded', async (t, start) => {
    const block = Buffer.alloc(64 * 1024, 'z');
    const total = 256 * 1024 * 1024;
    let produced = 0;
    let consumed = 0;
    let maxAhead = 0;
    const frontEnd = await start((_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'application/octet-stream']]);
      return (async function* () {
        while (produced < total) {
          maxAhead = Math.max(maxAhead, produced - consumed);
          produced += block.length;
          yield block;
        }
      })();
    });
    const before = process.memoryUsage();
    const rssBefore = before.rss;
    let peakRss = rssBefore;
    let peakBuffers = before.arrayBuffers;
    let chunks = 0;
    const response = await frontEnd.send({
      onBodyChunk: async (chunk) => {
        consumed += chunk.length;
        chunks += 1;
        if (chunks % 64 === 0) {
          const usage = process.memoryUsage();
          peakRss = Math.max(peakRss, usage.rss);
          peakBuffers = Math.max(peakBuffers, usage.arrayBuffers);
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      },
    });
    t.log(`ran ahead at most ${(maxAhead / 1024).toFixed(0)} KiB; rss grew ${((peakRss - rssBefore) / 1048576).toFixed(1)} MiB; buffers grew ${((peakBuffers - before.arrayBuffers) / 1048576).toFixed(1)} MiB`);
    t.is(response.bodyLength, total);
    t.false(response.aborted);
    // The strict check: the app never runs far ahead of the client (socket buffers at most).
    t.true(maxAhead < 16 * 1024 * 1024, `the app ran ${maxAhead} bytes ahead of the client`);
    // The loose one: dead socket buffers wait for V8's external-memory GC (it triggers
    // around 64 MiB), so growth is bounded well below the 256 MiB that buffering would need.
    t.true(peakRss - rssBefore < 128 * 1024 * 1024, `rss grew by ${peakRss - rssBefore} bytes`);
  }, { serial: true });
}
