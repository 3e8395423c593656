import test from 'ava';
import { DisallowedHost } from '../../../lib/framework/errors.js';
import { HttpRequest } from '../../../lib/framework/http/index.js';
import { createEnviron } from '../../../lib/testing/index.js';

// getHost() keeps its verdicts per Host value for a frozen allowedHosts list:
// repeated and alternating hosts, and other lists, must get the same answers.

const frozen = Object.freeze(['example.com', '.example.org']);

function hostOf(host: string, allowedHosts: readonly string[]): string | DisallowedHost {
  const request = new HttpRequest(createEnviron('/', { headers: { Host: host } }), { allowedHosts });
  try {
    return request.getHost();
  } catch (error) {
    return error as DisallowedHost;
  }
}

test('getHost() answers alike on the first and later requests, alternating hosts and lists', (t) => {
  const mutable = ['evil.test'];
  for (let round = 0; round < 3; round += 1) {
    t.is(hostOf('example.com', frozen), 'example.com', `round ${round}`);
    t.is(hostOf('a.example.org:8000', frozen), 'a.example.org:8000', `round ${round}`);
    const refused = hostOf('evil.test', frozen);
    t.true(refused instanceof DisallowedHost, `round ${round}`);
    t.is((refused as DisallowedHost).message, "Invalid HTTP_HOST header: 'evil.test'. You may need to add 'evil.test' to allowedHosts.");
    t.is(hostOf('evil.test', mutable), 'evil.test', `round ${round}`);
    const invalid = hostOf('bad host', frozen);
    t.is((invalid as DisallowedHost).message, "Invalid HTTP_HOST header: 'bad host'. The domain name provided is not valid according to RFC 1034/1035.");
  }
});

test('a list that is not frozen is read afresh on every request', (t) => {
  const mutable = ['example.com'];
  t.is(hostOf('example.com', mutable), 'example.com');
  mutable[0] = 'other.com';
  t.true(hostOf('example.com', mutable) instanceof DisallowedHost);
});
