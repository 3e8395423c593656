import { gunzipSync } from 'node:zlib';
import test from 'ava';
import { Client } from '../../lib/testing/index.js';
import { logLines, protectedReports } from '../../examples/wrap-existing-app.js';

const credentials = `Basic ${Buffer.from('ada:correct horse battery staple').toString('base64')}`;

test.serial('the wrapped application answers an authenticated client, compressed, and logs the request', async (t) => {
  logLines.length = 0;
  const response = await new Client(protectedReports).get('/reports.csv', {
    headers: { Authorization: credentials, 'Accept-Encoding': 'gzip' },
  });
  t.is(response.status, 200);
  t.is(response.headers.get('Content-Encoding'), 'gzip');
  const csv = gunzipSync(response.body).toString();
  t.true(csv.startsWith('n,user,square\n0,ada,0\n'));
  t.is(logLines.length, 1);
  t.regex(logLines[0] ?? '', /^\S+ - ada \[[^\]]+\] "GET \/reports\.csv HTTP\/1\.1" 200 \d+\n$/);
});

test.serial('the wrapped application refuses a client without credentials, and logs the 401', async (t) => {
  logLines.length = 0;
  const response = await new Client(protectedReports).get('/reports.csv');
  t.is(response.status, 401);
  t.is(response.headers.get('WWW-Authenticate'), 'Basic realm="reports", charset="UTF-8"');
  t.regex(logLines[0] ?? '', /"GET \/reports\.csv HTTP\/1\.1" 401 /);
});
