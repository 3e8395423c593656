import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { fetchResult } from '../server/http-helpers.js';

test('node dist/examples/demo-classic.js answers one request, then exits 0', async (t) => {
  const script = fileURLToPath(new URL('../../examples/demo-classic.js', import.meta.url));
  const child = spawn(process.execPath, [script], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
  t.regex(line, /^Serving HTTP on 127\.0\.0\.1 port \d+ \.\.\.\n$/);
  const port = Number(/port (\d+)/.exec(line)?.[1]);
  const result = await fetchResult(port);
  t.true(result.body.toString().startsWith('Hello world!\n\n'));
  t.is(await exited, 0);
});
