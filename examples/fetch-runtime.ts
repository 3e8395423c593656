/**
 * Serving a tsgi application from a Fetch runtime. Deno, Bun and Cloudflare
 * Workers all call a `fetch(request)` function; `toFetchHandler()` makes one
 * from any tsgi application, middleware included:
 *
 *   Deno:    deno serve fetch-runtime.js        (or Deno.serve(server.fetch))
 *   Bun:     bun run fetch-runtime.js           (Bun.serve picks up the default export)
 *   Workers: main = "fetch-runtime.js", with compatibility_flags = ["nodejs_compat"]
 *
 * The application sees an ordinary environ; the runtime gets a `Response`
 * whose body streams as the application yields.
 */
import { toFetchHandler } from '../lib/adapters/index.js';
import { byteStringToUtf8, compose, type Application } from '../lib/index.js';
import { cors } from '../middleware/index.js';

const TEXT: [string, string] = ['Content-Type', 'text/plain; charset=utf-8'];

/** Any tsgi application: here a greeting and a slow countdown streamed line by line. */
export const site: Application = (environ, startResponse) => {
  if (environ.PATH_INFO === '/countdown') {
    startResponse('200 OK', [TEXT]);
    return (async function* () {
      for (let n = 3; n > 0; n -= 1) {
        yield Buffer.from(`${n}\n`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      yield Buffer.from('liftoff\n');
    })();
  }
  const name = new URLSearchParams(environ.QUERY_STRING).get('name') ?? 'world';
  startResponse('200 OK', [TEXT]);
  return [Buffer.from(`Hello, ${name}, from ${byteStringToUtf8(environ.SERVER_NAME)}!\n`)];
};

/** What Deno, Bun and Workers import: an object with a `fetch` method. */
export default {
  fetch: toFetchHandler(compose(cors({ origins: ['https://app.example'] }))(site)),
};
