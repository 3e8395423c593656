/**
 * Micro-benchmark of the bundled middleware (issue 4): the per-request
 * overhead of each one around a hello-world application, in-process through
 * the gateway (`runGateway` with a sink that discards the response), so no
 * socket or HTTP parsing blurs the figures.
 *
 * Each middleware gets typical options and a request that takes its main
 * path (compress encodes a 2 KiB text body with gzip, basicAuth checks valid
 * credentials, staticFiles serves a small file, cors sees an allowed Origin,
 * conditionalGet answers 304, …). Its baseline is the same application and
 * request with no middleware. Rounds are interleaved (every baseline and
 * every middleware once per round) so machine drift affects all alike; the
 * figures are medians over the rounds: ns per request added over the
 * baseline, and the ratio of requests per second (wrapped / bare).
 *
 * Before timing, one request per case runs through a recording sink and its
 * status is checked, so a misconfigured case (a 401 instead of the
 * authenticated path) fails loudly instead of measuring the wrong thing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultGatewayOptions, runGateway } from '../lib/gateway/index.js';
import type { GatewayOptions, GatewayRequest, ResponseHead, ResponseSink } from '../lib/gateway/types.js';
import type { Application, ErrorStream, Middleware } from '../lib/protocol/types.js';
import {
  accessLog, basicAuth, bearerAuth, bodyLimit, compress, conditionalGet, contentLength, cors, etag, head,
  methodOverride, proxyFix, requestId, serverTiming, showExceptions, staticFiles, timeout, urlMap,
} from '../middleware/index.js';
import { discardingSink, makeRequest, type RequestShape } from './in-process.js';
import { format, median } from './round-stats.js';

export interface MiddlewareMicroOptions {
  /** Interleaved rounds; the figures are medians over them. */
  rounds: number;
  /** How long each case runs per round, in ms. @default 250 */
  durationMs?: number;
}

const HELLO = Buffer.from('hello world');
const TEXT_2K = Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(46).slice(0, 2048));

const APPS: Record<string, Application> = {
  hello: (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return [HELLO];
  },
  tagged: (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain'], ['ETag', '"v1"']]);
    return [HELLO];
  },
  text2k: (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
    return [TEXT_2K];
  },
};

interface Case {
  name: string;
  middleware: Middleware;
  app?: keyof typeof APPS;
  request?: RequestShape;
  /** The status the main path answers. @default 200 */
  status?: number;
}

const noop = (): void => {};
const quietErrors: ErrorStream = { write: noop, writelines: noop, flush: noop };

function cases(staticRoot: string): Case[] {
  const basic = `Basic ${Buffer.from('ada:lovelace').toString('base64')}`;
  return [
    { name: 'accessLog (combined)', middleware: accessLog({ stream: { write: noop } }) },
    { name: 'requestId (generated)', middleware: requestId() },
    { name: 'serverTiming', middleware: serverTiming() },
    { name: 'showExceptions', middleware: showExceptions() },
    { name: 'timeout (30 s)', middleware: timeout({ ms: 30_000 }) },
    { name: 'bodyLimit (64 B POST)', middleware: bodyLimit(), request: { method: 'POST', body: Buffer.alloc(64, 0x61) } },
    { name: 'cors (allowed Origin)', middleware: cors({ origins: ['https://app.example.com'] }), request: { headers: [['Origin', 'https://app.example.com']] } },
    { name: 'methodOverride (header)', middleware: methodOverride(), request: { method: 'POST', headers: [['X-HTTP-Method-Override', 'DELETE']] } },
    { name: 'basicAuth (valid)', middleware: basicAuth({ realm: 'bench', users: { ada: 'lovelace' } }), request: { headers: [['Authorization', basic]] } },
    { name: 'bearerAuth (valid)', middleware: bearerAuth({ tokens: ['s3cr3t-token'] }), request: { headers: [['Authorization', 'Bearer s3cr3t-token']] } },
    { name: 'proxyFix (XFF + proto)', middleware: proxyFix(), request: { headers: [['X-Forwarded-For', '203.0.113.7'], ['X-Forwarded-Proto', 'https']] } },
    { name: 'compress (2 KiB, gzip)', middleware: compress(), app: 'text2k', request: { headers: [['Accept-Encoding', 'gzip']] } },
    { name: 'conditionalGet (304)', middleware: conditionalGet(), app: 'tagged', request: { headers: [['If-None-Match', '"v1"']] }, status: 304 },
    { name: 'etag', middleware: etag() },
    { name: 'contentLength', middleware: contentLength() },
    { name: 'head (HEAD)', middleware: head(), request: { method: 'HEAD' } },
    { name: 'staticFiles (21 B file)', middleware: staticFiles({ root: staticRoot, prefix: '/static' }), request: { target: '/static/hello.txt' } },
    { name: 'urlMap (/api mount)', middleware: (app) => urlMap({ '/api': app }, { notFound: app }), request: { target: '/api/items' } },
  ];
}

interface Runnable {
  app: Application;
  request: () => GatewayRequest;
}

/** Runs requests one after the other for about `durationMs`; returns ns per request. */
async function nsPerRequest(target: Runnable, options: GatewayOptions, durationMs: number): Promise<number> {
  let requests = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(durationMs * 1e6));
  let now = started;
  do {
    for (let i = 0; i < 200; i += 1) await runGateway(target.app, target.request(), discardingSink, options);
    requests += 200;
    now = process.hrtime.bigint();
  } while (now < deadline);
  return Number(now - started) / requests;
}

/** Runs one request and returns its status, failing on an abort. */
async function probe(target: Runnable, options: GatewayOptions): Promise<number> {
  let head: ResponseHead | undefined;
  let aborted: unknown;
  const sink: ResponseSink = { ...discardingSink, start: (h) => { head = h; }, abort: (reason) => { aborted = reason ?? 'aborted'; } };
  await runGateway(target.app, target.request(), sink, options);
  if (aborted !== undefined) throw new Error(`middleware micro-benchmark: the probe request was aborted: ${String(aborted)}`);
  return head?.status ?? 0;
}

/** Measures every bundled middleware; resolves to the lines to print. */
export async function runMiddlewareMicro(options: MiddlewareMicroOptions): Promise<string[]> {
  const { rounds, durationMs = 250 } = options;
  if (!Number.isSafeInteger(rounds) || rounds < 1) throw new TypeError(`runMiddlewareMicro() rounds must be a positive integer; got ${String(rounds)}.`);
  if (!(Number.isFinite(durationMs) && durationMs > 0)) throw new TypeError(`runMiddlewareMicro() durationMs must be a positive number; got ${String(durationMs)}.`);
  const root = mkdtempSync(join(tmpdir(), 'tsgi-bench-static-'));
  try {
    writeFileSync(join(root, 'hello.txt'), 'Hello, static world!\n');
    const gateway = defaultGatewayOptions({ serverSoftware: '', errors: quietErrors });
    // One baseline per (application, request) pair the cases use.
    const baselines = new Map<string, Runnable>();
    const measured = cases(root).map((item) => {
      const appName = item.app ?? 'hello';
      const request = makeRequest(item.request ?? {});
      const key = `${appName} ${JSON.stringify(item.request ?? {})}`;
      if (!baselines.has(key)) baselines.set(key, { app: APPS[appName]!, request });
      return { item, key, runnable: { app: item.middleware(APPS[appName]!), request } satisfies Runnable, ns: [] as number[] };
    });
    const bare = new Map<string, number[]>([...baselines.keys()].map((key) => [key, []]));

    for (const { item, runnable } of measured) {
      const status = await probe(runnable, gateway);
      if (status !== (item.status ?? 200)) {
        throw new Error(`middleware micro-benchmark: ${item.name} answered ${status}, expected ${item.status ?? 200}; fix the case.`);
      }
    }
    // Warm-up: let the JIT settle on every path before timing.
    for (const runnable of baselines.values()) await nsPerRequest(runnable, gateway, 100);
    for (const { runnable } of measured) await nsPerRequest(runnable, gateway, 100);

    for (let round = 0; round < rounds; round += 1) {
      for (const [key, runnable] of baselines) bare.get(key)!.push(await nsPerRequest(runnable, gateway, durationMs));
      for (const entry of measured) entry.ns.push(await nsPerRequest(entry.runnable, gateway, durationMs));
    }

    const helloKey = `hello ${JSON.stringify({})}`;
    const lines = [
      `middleware: per-request overhead over the bare app, in-process through runGateway; median of ${rounds} interleaved rounds x ${durationMs} ms`,
      `  bare hello world: ${format(1e9 / median(bare.get(helloKey)!))} req/s (${format(median(bare.get(helloKey)!))} ns/req)`,
    ];
    const width = Math.max(...measured.map(({ item }) => item.name.length));
    for (const { item, key, ns } of measured) {
      const base = median(bare.get(key)!);
      const wrapped = median(ns);
      const overhead = wrapped - base;
      lines.push(
        `  ${item.name.padEnd(width)}  ${format(1e9 / wrapped).padStart(9)} req/s  ${(overhead >= 0 ? '+' : '') + format(overhead)} ns/req`.padEnd(width + 40) +
          `  ratio ${(base / wrapped).toFixed(3)}${key === helloKey ? '' : ` (bare ${format(base)} ns/req)`}`,
      );
    }
    return lines;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
