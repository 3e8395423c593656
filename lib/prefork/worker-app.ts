/**
 * The application a prefork worker serves, built from the options: the
 * module (or the demo), `--mount`ed modules dispatched by `urlMap`, the
 * access log, and `proxyFix` applied only to peers `--forwarded-allow-ips`
 * trusts (gunicorn's `forwarded_allow_ips`: anyone can send
 * `X-Forwarded-For`; only a known proxy's copy is believed).
 *
 * Layers, outermost first: proxyFix (for trusted peers) so the access log
 * shows the client, then accessLog, then the application(s).
 *
 * @example
 * const app = await buildWorkerApp(options, process.cwd(), { accessLog: undefined, pid: process.pid });
 */
import { BlockList, isIP } from 'node:net';
import { accessLog } from '../../middleware/access-log.js';
import { proxyFix } from '../../middleware/proxy-fix.js';
import { urlMap } from '../../middleware/url-map.js';
import { loadApplication } from '../cli/load-app.js';
import { splitTarget, UsageError } from '../cli/parse-args.js';
import type { Application, Environ, StartResponse } from '../protocol/types.js';
import { demoApp } from '../server/demo-app.js';
import { withPid } from './log-file.js';
import type { LogFile } from './log-file.js';
import type { ServeOptions } from './serve-options.js';

/** One `--mount /prefix=MODULE[:EXPORT]`. */
export interface Mount {
  prefix: string;
  module: string;
  exportName: string | undefined;
}

/** Parses a `--mount` value. @throws UsageError with the value and the form expected. */
export function parseMount(text: string): Mount {
  const equals = text.indexOf('=');
  const prefix = text.slice(0, equals);
  if (equals === -1 || !prefix.startsWith('/') || equals === text.length - 1) {
    throw new UsageError(`tsgi serve: --mount must be /PREFIX=MODULE[:EXPORT]; got '${text}'. Example: --mount /api=./api.js:app`);
  }
  return { prefix, ...splitTarget(text.slice(equals + 1)) };
}

/**
 * A predicate for "this peer may set X-Forwarded-*": IPs and CIDRs, `*` for
 * all; a unix-socket peer (no REMOTE_ADDR) is trusted whenever the list is not empty.
 * @throws UsageError for an entry that is no IP or CIDR.
 */
export function trustedPeers(entries: readonly string[]): (remoteAddress: string | undefined) => boolean {
  if (entries.length === 0) return () => false;
  if (entries.includes('*')) return () => true;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits, extra] = entry.split('/');
    const family = isIP(address);
    const prefix = bits === undefined ? undefined : Number(bits);
    if (family === 0 || extra !== undefined || (prefix !== undefined && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= (family === 4 ? 32 : 128)))) {
      throw new UsageError(`tsgi serve: --forwarded-allow-ips has '${entry}', which is not an IP address or CIDR. Use e.g. 127.0.0.1,10.0.0.0/8 or '*'.`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, prefix, type);
  }
  return (remoteAddress) => {
    if (remoteAddress === undefined || remoteAddress === '') return true;
    const family = isIP(remoteAddress);
    return family !== 0 && list.check(remoteAddress, family === 4 ? 'ipv4' : 'ipv6');
  };
}

export interface WorkerAppContext {
  /** The access log, when `--access-log` is set. */
  readonly accessLog: LogFile | undefined;
  readonly pid: number;
}

/** Imports the application(s) and wraps them as the options say. Module errors propagate. */
export async function buildWorkerApp(options: ServeOptions, cwd: string, context: WorkerAppContext): Promise<Application> {
  let app = await rootApp(options, cwd);
  if (context.accessLog !== undefined) {
    const format = options.accessLogFormat ?? 'combined';
    app = accessLog({ format, stream: pidStream(context.accessLog, context.pid, format === 'json') })(app);
  }
  const trusted = trustedPeers(options.forwardedAllowIps);
  if (options.forwardedAllowIps.length > 0) {
    const fixed = proxyFix({ xFor: 1, xProto: 1, xHost: 1, xPort: 1, xPrefix: 1 })(app);
    const plain = app;
    app = function forwardedAllowIps(environ: Environ, startResponse: StartResponse) {
      return trusted(environ.REMOTE_ADDR) ? fixed(environ, startResponse) : plain(environ, startResponse);
    };
  }
  return app;
}

async function rootApp(options: ServeOptions, cwd: string): Promise<Application> {
  const target = options.app === undefined ? undefined : splitTarget(options.app);
  const main = target === undefined ? undefined : await loadApplication(target.module, target.exportName, cwd);
  if (options.mount.length === 0) return main ?? demoApp;
  const mounts: Array<[string, Application]> = [];
  for (const text of options.mount) {
    const mount = parseMount(text);
    mounts.push([mount.prefix, await loadApplication(mount.module, mount.exportName, cwd)]);
  }
  return main === undefined ? urlMap(mounts) : urlMap(mounts, { notFound: main });
}

/** Every access-log line with the worker's pid: `[pid] ` in front, or a `pid` field for JSON lines. */
function pidStream(log: LogFile, pid: number, json: boolean): { write(text: string): unknown } {
  if (!json) return withPid(log, pid);
  return { write: (text: string) => log.write(text.replace(/^\{/, `{"pid":${pid},`)) };
}
