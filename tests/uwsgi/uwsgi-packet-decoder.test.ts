import test from 'ava';
import fc from 'fast-check';
import { TsgiError } from '../../lib/protocol/errors.js';
import { decodePacket, encodePacket } from '../../lib/uwsgi/uwsgi-packet.js';
import { UwsgiPacketDecoder } from '../../lib/uwsgi/uwsgi-packet-decoder.js';
import { UwsgiProtocolError } from '../../lib/uwsgi/uwsgi-protocol-error.js';

const PACKET = Buffer.from(encodePacket({ vars: [['REQUEST_METHOD', 'POST'], ['CONTENT_LENGTH', '4']] }));

test('push() returns the packet once complete, byte by byte, and keeps what follows as rest', (t) => {
  const decoder = new UwsgiPacketDecoder();
  const stream = Buffer.concat([PACKET, Buffer.from('body')]);
  let packet = null;
  for (let i = 0; i < stream.length && packet === null; i++) packet = decoder.push(stream.subarray(i, i + 1));
  t.deepEqual(packet?.vars, [['REQUEST_METHOD', 'POST'], ['CONTENT_LENGTH', '4']]);
  t.is(decoder.packet, packet);
  t.is(decoder.rest.length, 0, 'fed byte by byte, no body byte was pushed yet');
  const whole = new UwsgiPacketDecoder();
  t.truthy(whole.push(stream));
  t.is(whole.rest.toString(), 'body');
});

test('push() reports a bad header as soon as its 4 bytes are in', (t) => {
  const decoder = new UwsgiPacketDecoder({ maxBlockSize: 100 });
  t.is(decoder.push(Buffer.from([0, 0xff])), null);
  t.throws(() => decoder.push(Buffer.from([0xff, 0])), { instanceOf: UwsgiProtocolError, message: /over the buffer size of 100 bytes/ });
});

test('push() after the packet is a usage error', (t) => {
  const decoder = new UwsgiPacketDecoder();
  decoder.push(PACKET);
  t.throws(() => decoder.push(Buffer.from('x')), {
    instanceOf: TsgiError,
    message: 'UwsgiPacketDecoder.push() was called after the packet was complete; got more bytes. Read the body from decoder.rest and the stream instead.',
  });
});

test('new UwsgiPacketDecoder() checks maxBlockSize at once', (t) => {
  t.throws(() => new UwsgiPacketDecoder({ maxBlockSize: 70000 }), { message: /^UwsgiPacketDecoder maxBlockSize must be an integer from 0 to 65535/ });
});

/** Every way decoding may end: a packet, a wish for more bytes, or a UwsgiProtocolError. Anything else fails the property. */
function outcome(decode: () => unknown): 'packet' | 'more' | 'error' {
  try {
    return decode() === null ? 'more' : 'packet';
  } catch (error) {
    if (error instanceof UwsgiProtocolError) return 'error';
    throw error;
  }
}

const varsArbitrary = fc.array(
  fc.tuple(fc.string({ minLength: 1, maxLength: 20, unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)) }), fc.string({ maxLength: 40 }).map((s) => Buffer.from(s).toString('latin1'))),
  { maxLength: 12 },
);

test('fuzz: random bytes decode to a packet, a wish for more, or a UwsgiProtocolError — nothing else', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 65535 }), (bytes, maxBlockSize) => {
      outcome(() => decodePacket(bytes, { maxBlockSize }));
    }),
    { numRuns: 1000 },
  );
  t.pass();
});

test('fuzz: mutated valid packets, fed in random pieces, never fail otherwise and round-trip when untouched', (t) => {
  fc.assert(
    fc.property(
      varsArbitrary,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
      (vars, mutations, pieces) => {
        const bytes = Buffer.from(encodePacket({ vars }));
        if (mutations.length === 0) {
          const packet = decodePacket(bytes, { maxBlockSize: 65535 });
          if (packet === null || JSON.stringify(packet.vars) !== JSON.stringify(vars)) throw new Error('an untouched packet must round-trip');
        }
        for (const [at, value] of mutations) bytes[at % bytes.length] = value;
        const decoder = new UwsgiPacketDecoder({ maxBlockSize: 65535 });
        let offset = 0;
        let piece = 0;
        // Bounded: each push consumes at least one byte.
        while (offset < bytes.length) {
          const size = pieces[piece++ % pieces.length]!;
          const result = outcome(() => decoder.push(bytes.subarray(offset, offset + size)));
          offset += size;
          if (result !== 'more') break;
        }
      },
    ),
    { numRuns: 1000 },
  );
  t.pass();
});
