import test from 'ava';
import { ImproperlyConfigured } from '../../lib/protocol/errors.js';
import { decodeHeader, decodePacket, encodePacket, MAX_BLOCK_SIZE } from '../../lib/uwsgi/uwsgi-packet.js';
import { UwsgiProtocolError } from '../../lib/uwsgi/uwsgi-protocol-error.js';
import type { UwsgiProtocolErrorCode } from '../../lib/uwsgi/uwsgi-protocol-error.js';
import { NGINX_VARS } from './nginx-vars.js';

/** Hex with spaces and line breaks allowed. */
function hex(...parts: string[]): Buffer {
  return Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');
}

/**
 * What nginx 1.22 sends for `GET /hello?x=1` with `Host: example.com` and
 * `User-Agent: curl/8.0` through `include uwsgi_params; uwsgi_pass ...;`:
 * the uwsgi_params vars in their file order (CONTENT_TYPE and CONTENT_LENGTH
 * empty: the request has no body), then HTTP_HOST and one HTTP_* per header.
 */
const NGINX_GET = hex(
  '00 5501 00', // modifier1 0, datasize 341, modifier2 0
  '0c00 51554552595f535452494e47 0300 783d31', // QUERY_STRING = x=1
  '0e00 524551554553545f4d4554484f44 0300 474554', // REQUEST_METHOD = GET
  '0c00 434f4e54454e545f54595045 0000', // CONTENT_TYPE = ''
  '0e00 434f4e54454e545f4c454e475448 0000', // CONTENT_LENGTH = ''
  '0b00 524551554553545f555249 0a00 2f68656c6c6f3f783d31', // REQUEST_URI = /hello?x=1
  '0900 504154485f494e464f 0600 2f68656c6c6f', // PATH_INFO = /hello
  '0d00 444f43554d454e545f524f4f54 1500 2f7573722f73686172652f6e67696e782f68746d6c', // DOCUMENT_ROOT = /usr/share/nginx/html
  '0f00 5345525645525f50524f544f434f4c 0800 485454502f312e31', // SERVER_PROTOCOL = HTTP/1.1
  '0e00 524551554553545f534348454d45 0400 68747470', // REQUEST_SCHEME = http
  '0b00 52454d4f54455f41444452 0900 3132372e302e302e31', // REMOTE_ADDR = 127.0.0.1
  '0b00 52454d4f54455f504f5254 0500 3531323334', // REMOTE_PORT = 51234
  '0b00 5345525645525f504f5254 0200 3830', // SERVER_PORT = 80
  '0b00 5345525645525f4e414d45 0900 6c6f63616c686f7374', // SERVER_NAME = localhost
  '0900 485454505f484f5354 0b00 6578616d706c652e636f6d', // HTTP_HOST = example.com
  '0f00 485454505f555345525f4147454e54 0800 6375726c2f382e30', // HTTP_USER_AGENT = curl/8.0
);


function throwsCode(t: import('ava').ExecutionContext, bytes: Uint8Array, code: UwsgiProtocolErrorCode, message: string, maxBlockSize?: number): void {
  const error = t.throws(() => decodePacket(bytes, maxBlockSize === undefined ? {} : { maxBlockSize }), { instanceOf: UwsgiProtocolError, message });
  t.is(error?.code, code);
  t.is(error?.name, 'UwsgiProtocolError');
}

test('decodePacket(nginx GET fixture) gives every var in order and consumes the whole packet', (t) => {
  const packet = decodePacket(NGINX_GET);
  t.deepEqual(packet, { modifier1: 0, modifier2: 0, vars: NGINX_VARS, consumed: 345 });
});

test('encodePacket(nginx vars) gives the nginx bytes exactly', (t) => {
  t.true(Buffer.from(encodePacket({ vars: NGINX_VARS })).equals(NGINX_GET));
});

test('encodePacket() takes an object of vars and the two modifiers', (t) => {
  const bytes = encodePacket({ modifier1: 100, modifier2: 7, vars: { A: 'b' } });
  t.deepEqual([...bytes], [100, 6, 0, 7, 1, 0, 0x41, 1, 0, 0x62]);
});

test('encodePacket() keeps repeated keys and latin-1 bytes; decodePacket() gives them back', (t) => {
  const vars: Array<[string, string]> = [['HTTP_COOKIE', 'a=1'], ['HTTP_COOKIE', 'b=\xe4\xff']];
  const bytes = encodePacket({ vars });
  t.is(bytes.length, 4 + 2 * (2 + 11 + 2) + 3 + 4);
  t.deepEqual(decodePacket(bytes)?.vars, vars);
});

test('decodePacket() of an empty vars block (a ping) gives no vars', (t) => {
  t.deepEqual(decodePacket(hex('64 0000 00')), { modifier1: 100, modifier2: 0, vars: [], consumed: 4 });
});

test('decodePacket() asks for more bytes until the whole block is there, and leaves the body', (t) => {
  for (let cut = 0; cut < NGINX_GET.length; cut++) {
    t.is(decodePacket(NGINX_GET.subarray(0, cut)), null, `cut at ${cut}`);
  }
  const withBody = Buffer.concat([NGINX_GET, Buffer.from('body')]);
  t.is(decodePacket(withBody)?.consumed, NGINX_GET.length);
});

test('decodeHeader() reads modifier1, the little-endian datasize and modifier2', (t) => {
  t.deepEqual(decodeHeader(hex('07 3412 09')), { modifier1: 7, datasize: 0x1234, modifier2: 9 });
  t.is(decodeHeader(hex('00 01')), null);
});

test('decodePacket() rejects a zero-length key', (t) => {
  throwsCode(t, hex('00 0600 00', '0000 0200 6162'), 'empty-key',
    'uwsgi request: var 1 has an empty key (uWSGI: "uwsgi key cannot be null"). The sender must name every var.');
});

test('decodePacket() rejects a key length that overruns the block', (t) => {
  throwsCode(t, hex('00 0500 00', '0900 414243'), 'size-overrun',
    'uwsgi request: the key of var 1 is said to be 9 bytes, but only 3 remain in the vars block. The sender wrote a length that overruns datasize.');
});

test('decodePacket() rejects a value length that overruns the block', (t) => {
  throwsCode(t, hex('00 0700 00', '0100 41 0500 6263'), 'size-overrun',
    "uwsgi request: the value of 'A' of var 1 is said to be 5 bytes, but only 2 remain in the vars block. The sender wrote a length that overruns datasize.");
});

test('decodePacket() rejects a key with no room for its value length', (t) => {
  throwsCode(t, hex('00 0400 00', '0100 41 00'), 'size-overrun',
    "uwsgi request: var 'A' has no value length; the vars block ends 1 bytes after its key. The sender must follow every key with a u16 value length.");
});

test('decodePacket() rejects a stray byte at the end of the block', (t) => {
  throwsCode(t, hex('00 0700 00', '0100 41 0100 42', '09'), 'trailing-bytes',
    'uwsgi request: the vars block ends with 1 stray byte after 1 vars; got no room for another key length. The sender computed datasize wrongly: it must be the exact size of the vars.');
});

test('decodePacket() rejects a block over the buffer size from the header alone, saying how to raise it', (t) => {
  const message = 'uwsgi request: the vars block is 4097 bytes, over the buffer size of 4096 bytes. Raise maxBlockSize (up to 65535; uWSGI calls it buffer-size) if your proxy sends headers this large.';
  throwsCode(t, hex('00 0110 00'), 'block-too-large', message);
  t.is(decodePacket(hex('00 0110 00'), { maxBlockSize: 8192 }), null, 'a raised limit waits for the block');
});

test('decodePacket() rejects an unknown modifier1', (t) => {
  throwsCode(t, hex('05 0000 00'), 'unknown-modifier',
    "uwsgi request: modifier1 5 is not served here; got a packet with modifier1 5 (modifier2 0). Send modifier1 0 for a request (nginx's default uwsgi_modifier1) or 100 for a ping.");
});

test('decodePacket() recognises plain HTTP: "GET " is modifier1 71 with the classic datasize 21573', (t) => {
  t.deepEqual(decodeHeader(Buffer.from('GET ')), { modifier1: 71, datasize: 21573, modifier2: 0x20 });
  throwsCode(t, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 'http-request',
    "uwsgi request: the connection began with 'GET ', which is plain HTTP, not uwsgi (read as a uwsgi header it announces a 21573-byte block: uWSGI's \"invalid request block size: 21573\"). This socket speaks the uwsgi protocol: point an HTTP client at a server started with --protocol http, or use uwsgi_pass in nginx.");
  for (const start of ['POST /', 'HEAD /', 'PUT /x', 'DELETE /', 'OPTIONS *', 'PRI * HTTP/2.0']) {
    t.is((t.throws(() => decodePacket(Buffer.from(start))) as UwsgiProtocolError).code, 'http-request', start);
  }
});

test('decodePacket() checks maxBlockSize', (t) => {
  for (const bad of [-1, 65536, 1.5, '4096']) {
    t.throws(() => decodePacket(NGINX_GET, { maxBlockSize: bad as number }), {
      instanceOf: ImproperlyConfigured,
      message: /^decodePacket\(\) maxBlockSize must be an integer from 0 to 65535 \(bytes\); got .+\. uwsgi's datasize is 16 bits, so 65535 is the most any proxy can send\.$/,
    });
  }
});

test('encodePacket() refuses what cannot be a uwsgi var', (t) => {
  t.throws(() => encodePacket({ vars: { '': 'x' } }), {
    instanceOf: RangeError,
    message: 'encodePacket() got a var with an empty key; uwsgi keys cannot be empty. Remove it or give it a name.',
  });
  t.throws(() => encodePacket({ vars: { PATH_INFO: '/\u20ac' } }), {
    instanceOf: TypeError,
    message: "encodePacket() var 'PATH_INFO' is not a byte string: '/\u20ac' has a character above U+00FF. Encode text first, e.g. with utf8ToByteString().",
  });
  t.throws(() => encodePacket({ vars: { BIG: 'x'.repeat(MAX_BLOCK_SIZE) } }), {
    instanceOf: RangeError,
    message: 'encodePacket() vars take 65542 bytes; a uwsgi vars block holds at most 65535. Send fewer or shorter vars.',
  });
  t.throws(() => encodePacket({ modifier1: 256, vars: {} }), {
    instanceOf: RangeError,
    message: 'encodePacket() modifier1 must be an integer from 0 to 255; got 256.',
  });
});
