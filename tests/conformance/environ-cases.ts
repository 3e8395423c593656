/** Conformance: the environ a request produces (CGI keys, headers, PATH_INFO decoding). */
import { echoEnvironApp } from '../helpers/fixtures.js';
import { capturing, only, type Register } from './cases-helpers.js';

export function registerEnvironTests(it: Register): void {
  it('environ has the required CGI and tsgi keys', async (t, start) => {
    const { app, environs } = capturing();
    const frontEnd = await start(app);
    await frontEnd.send({ target: '/path?x=1' });
    const environ = only(environs[0]);
    t.is(environ.REQUEST_METHOD, 'GET');
    t.is(environ.SCRIPT_NAME, '');
    t.is(environ.PATH_INFO, '/path');
    t.is(environ.QUERY_STRING, 'x=1');
    t.is(environ.REQUEST_URI, '/path?x=1');
    t.is(environ.SERVER_PROTOCOL, 'HTTP/1.1');
    t.is(environ.GATEWAY_INTERFACE, 'CGI/1.1');
    t.is(typeof environ.SERVER_NAME, 'string');
    t.regex(environ.SERVER_PORT, /^\d+$/);
    t.is(environ.REMOTE_ADDR, '127.0.0.1');
    t.deepEqual([...environ['tsgi.version']], [1, 0]);
    t.is(environ['tsgi.url_scheme'], 'http');
    t.is(typeof environ['tsgi.input'].read, 'function');
    t.is(typeof environ['tsgi.errors'].write, 'function');
    t.is(typeof environ['tsgi.multithread'], 'boolean');
    t.is(typeof environ['tsgi.multiprocess'], 'boolean');
    t.is(typeof environ['tsgi.run_once'], 'boolean');
    t.false('CONTENT_LENGTH' in environ, 'no CONTENT_LENGTH without a body');
    t.false('tsgi.input_terminated' in environ && environ['tsgi.input_terminated'] === true);
  });

  it('environ takes SERVER_NAME and SERVER_PORT from the Host header', async (t, start) => {
    const { app, environs } = capturing();
    const frontEnd = await start(app);
    await frontEnd.send({ headers: [['Host', 'example.com:8080']] });
    const environ = only(environs[0]);
    t.is(environ.HTTP_HOST, 'example.com:8080');
    t.is(environ.SERVER_NAME, 'example.com');
    t.is(environ.SERVER_PORT, '8080');
  });

  it('environ maps X-Foo to HTTP_X_FOO and drops header names with an underscore', async (t, start) => {
    const frontEnd = await start(echoEnvironApp);
    const response = await frontEnd.send({ headers: [['X-Foo', 'dashed'], ['X_Foo', 'underscored'], ['X_Only_Underscore', 'u']] });
    const environ = response.body.length > 0 ? (JSON.parse(response.body.toString()) as Record<string, string>) : {};
    t.is(environ.HTTP_X_FOO, 'dashed');
    t.false('HTTP_X_ONLY_UNDERSCORE' in environ);
  });

  it('environ joins repeated headers with a comma', async (t, start) => {
    const { app, environs } = capturing();
    const frontEnd = await start(app);
    await frontEnd.send({ headers: [['X-Multi', 'a'], ['X-Multi', 'b']] });
    t.is(only(environs[0]).HTTP_X_MULTI, 'a,b');
  });

  it('environ joins repeated Cookie headers with "; "', async (t, start) => {
    const { app, environs } = capturing();
    const frontEnd = await start(app);
    await frontEnd.send({ headers: [['Cookie', 'a=1'], ['Cookie', 'b=2']] });
    t.is(only(environs[0]).HTTP_COOKIE, 'a=1; b=2');
  }, { needs: 'raw-headers' });

  it('environ gives Content-Type and Content-Length as CONTENT_TYPE and CONTENT_LENGTH, never as HTTP_*', async (t, start) => {
    const { app, environs } = capturing((environ) => environ['tsgi.input'].read());
    const frontEnd = await start(app);
    await frontEnd.send({ method: 'POST', headers: [['Content-Type', 'text/plain']], body: 'hello' });
    const environ = only(environs[0]);
    t.is(environ.CONTENT_TYPE, 'text/plain');
    t.is(environ.CONTENT_LENGTH, '5');
    t.false('HTTP_CONTENT_TYPE' in environ);
    t.false('HTTP_CONTENT_LENGTH' in environ);
  });

  it('environ PATH_INFO is percent-decoded exactly once; REQUEST_URI and QUERY_STRING stay raw', async (t, start) => {
    const { app, environs } = capturing();
    const frontEnd = await start(app);
    await frontEnd.send({ target: '/a%2Fb/%E4%20c%2541?x=%20y&z=%2F' });
    const environ = only(environs[0]);
    t.is(environ.PATH_INFO, '/a/b/\xe4 c%41');
    t.is(environ.QUERY_STRING, 'x=%20y&z=%2F');
    t.is(environ.REQUEST_URI, '/a%2Fb/%E4%20c%2541?x=%20y&z=%2F');
  });

  it('environ PATH_INFO keeps a malformed percent-escape as it is', async (t, start) => {
    const { app, environs } = capturing();
    const frontEnd = await start(app);
    await frontEnd.send({ target: '/a%zz%4' });
    t.is(only(environs[0]).PATH_INFO, '/a%zz%4');
  });

  it('environ SERVER_PROTOCOL is HTTP/1.0 for an HTTP/1.0 request', async (t, start) => {
    const { app, environs } = capturing();
    const frontEnd = await start(app);
    await frontEnd.send({ protocol: 'HTTP/1.0' });
    t.is(only(environs[0]).SERVER_PROTOCOL, 'HTTP/1.0');
  }, { needs: 'http-1.0' });
}
