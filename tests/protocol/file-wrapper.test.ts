import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { FileWrapper, fileWrapper, openFile } from '../../lib/protocol/file-wrapper.js';
import type { FileLike } from '../../lib/protocol/types.js';

/** An in-memory file like Python's BytesIO, recording reads and closes. */
class MemoryFile implements FileLike {
  closed = 0;
  reads: number[] = [];
  #data: Buffer;
  #position = 0;

  constructor(text: string) {
    this.#data = Buffer.from(text);
  }

  read(size: number): Uint8Array {
    this.reads.push(size);
    const chunk = this.#data.subarray(this.#position, this.#position + size);
    this.#position += chunk.length;
    return chunk;
  }

  close(): void {
    this.closed++;
  }
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk).toString());
  return chunks;
}

// new FileWrapper(file, blockSize)

test('new FileWrapper(file, 120) yields blocks of 120 bytes until EOF (wsgiref checkFW)', async (t) => {
  const wrapper = new FileWrapper(new MemoryFile('xyz'.repeat(50)), 120);
  t.deepEqual(await collect(wrapper), ['xyz'.repeat(40), 'xyz'.repeat(10)]);
});

test('new FileWrapper(file) reads 8192-byte blocks by default', async (t) => {
  const file = new MemoryFile('a'.repeat(10000));
  const wrapper = new FileWrapper(file);
  t.is(wrapper.blockSize, 8192);
  t.is(wrapper.file, file);
  t.deepEqual((await collect(wrapper)).map((chunk) => chunk.length), [8192, 1808]);
  t.deepEqual(file.reads, [8192, 8192, 8192]);
});

test('FileWrapper reads nothing until it is iterated', (t) => {
  const file = new MemoryFile('data');
  const wrapper = new FileWrapper(file);
  t.truthy(wrapper);
  t.deepEqual(file.reads, []);
});

test('FileWrapper does not close the file when exhausted, only on close()', async (t) => {
  const file = new MemoryFile('xyz');
  const wrapper = new FileWrapper(file, 2);
  await collect(wrapper);
  t.is(file.closed, 0);
  wrapper.close();
  t.is(file.closed, 1);
  wrapper.close();
  t.is(file.closed, 1, 'close() closes the file once');
});

test('FileWrapper.close() works for a file without close()', (t) => {
  const wrapper = new FileWrapper({ read: () => new Uint8Array(0) });
  t.is(wrapper.close(), undefined);
});

test('FileWrapper accepts a file whose read() returns a Promise', async (t) => {
  const chunks = [Buffer.from('ab'), Buffer.from('c'), Buffer.alloc(0)];
  const wrapper = new FileWrapper({ read: async () => chunks.shift()! });
  t.deepEqual(await collect(wrapper), ['ab', 'c']);
});

test('FileWrapper rejects a read() that returns something other than bytes', async (t) => {
  const wrapper = new FileWrapper({ read: () => 'text' as unknown as Uint8Array });
  await t.throwsAsync(collect(wrapper), {
    instanceOf: TypeError,
    message: "FileWrapper: file.read() returned 'text'; it must return a Uint8Array, empty at end of file.",
  });
});

test('new FileWrapper() checks its arguments at once', (t) => {
  t.throws(() => new FileWrapper('/etc/passwd' as unknown as FileLike), {
    instanceOf: TypeError,
    message: "FileWrapper needs a file with a read(size) method; got '/etc/passwd'. Use openFile(path) for a path.",
  });
  t.throws(() => new FileWrapper(null as unknown as FileLike), {
    instanceOf: TypeError,
    message: 'FileWrapper needs a file with a read(size) method; got null. Use openFile(path) for a path.',
  });
  for (const [label, size, shown] of [
    ['zero', 0, '0'],
    ['negative', -1, '-1'],
    ['fraction', 1.5, '1.5'],
    ['string', '8192', "'8192'"],
  ] as const) {
    t.throws(() => new FileWrapper(new MemoryFile(''), size as number), {
      instanceOf: RangeError,
      message: `FileWrapper blockSize must be a positive integer; got ${shown}. Omit it for 8192.`,
    }, label);
  }
});

test('FileWrapper describes itself', (t) => {
  t.is(Object.prototype.toString.call(new FileWrapper(new MemoryFile(''))), '[object FileWrapper]');
});

// fileWrapper(file, blockSize)

test('fileWrapper(file, blockSize) builds a FileWrapper', (t) => {
  const file = new MemoryFile('');
  const body = fileWrapper(file, 16);
  t.true(body instanceof FileWrapper);
  t.is((body as FileWrapper).blockSize, 16);
  t.is((fileWrapper(file) as FileWrapper).blockSize, 8192);
});

// openFile(path)

test('openFile(path) serves a real file through fileWrapper', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tsgi-file-wrapper-'));
  try {
    const path = join(dir, 'data.txt');
    await writeFile(path, 'hello, file\n'.repeat(1000));
    const file = await openFile(path);
    t.is(file.path, path);
    const body = fileWrapper(file, 4096);
    const chunks = await collect(body as FileWrapper);
    t.deepEqual(chunks.map((chunk) => chunk.length), [4096, 4096, 3808]);
    t.is(chunks.join(''), 'hello, file\n'.repeat(1000));
    await (body as FileWrapper).close();
    await file.close();
    await t.throwsAsync(file.read(1), { code: 'EBADF' }, 'the handle is closed');
  } finally {
    await rm(dir, { recursive: true });
  }
});

test('openFile(path).read() continues from the current position', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tsgi-file-wrapper-'));
  try {
    const path = join(dir, 'data.txt');
    await writeFile(path, 'abcdef');
    const file = await openFile(path);
    t.is(Buffer.from(await file.read(2)).toString(), 'ab');
    t.is((await file.read(0)).length, 0);
    t.deepEqual(await collect(new FileWrapper(file, 3)), ['cde', 'f']);
    await t.throwsAsync(file.read(-1), {
      instanceOf: RangeError,
      message: 'openFile(...).read() size must be a non-negative integer; got -1.',
    });
    await file.close();
  } finally {
    await rm(dir, { recursive: true });
  }
});

test('openFile(path) rejects a missing file', async (t) => {
  await t.throwsAsync(openFile(join(tmpdir(), 'tsgi-no-such-file-4c1d')), { code: 'ENOENT' });
});
