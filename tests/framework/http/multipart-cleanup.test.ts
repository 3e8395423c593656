import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { MultiPartParserError, TooManyFilesSent } from '../../../lib/framework/errors.js';
import { HttpRequest } from '../../../lib/framework/http/index.js';
import { createEnviron } from '../../../lib/testing/index.js';
import { multipartBody } from './helpers.js';

// This file runs in its own process: point os.tmpdir() at an empty directory to see every temp file.
const uploads = mkdtempSync(join(tmpdir(), 'tsgi-cleanup-test-'));
test.after.always(() => rmSync(uploads, { recursive: true, force: true }));
process.env['TMPDIR'] = uploads;

function post(body: Uint8Array, contentType: string, options = {}): HttpRequest {
  return new HttpRequest(createEnviron('/', { method: 'POST', body, headers: { 'Content-Type': contentType } }), {
    fileUploadMaxMemorySize: 1000,
    ...options,
  });
}

test.serial('temporary files written before a failure are deleted', async (t) => {
  t.is(tmpdir(), uploads);
  const files = multipartBody([1, 2, 3].map((n) => ({ name: `f${n}`, filename: `${n}.txt`, value: 'x'.repeat(200_000) })));
  await t.throwsAsync(post(files.body, files.contentType, { dataUploadMaxNumberFiles: 2 }).readForm(), { instanceOf: TooManyFilesSent });
  t.deepEqual(readdirSync(uploads), []);
  const one = multipartBody([{ name: 'f', filename: 'a.txt', value: 'x'.repeat(200_000) }]);
  await t.throwsAsync(post(one.body.subarray(0, 150_000), one.contentType).readForm(), { instanceOf: MultiPartParserError });
  t.deepEqual(readdirSync(uploads), []);
});

test.serial('a successful upload keeps its temporary file until close()', async (t) => {
  const one = multipartBody([{ name: 'f', filename: 'a.txt', value: 'x'.repeat(5000) }]);
  const request = post(one.body, one.contentType);
  await request.readForm();
  t.is(readdirSync(uploads).length, 1);
  await request.close();
  t.deepEqual(readdirSync(uploads), []);
});
