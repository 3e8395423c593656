/**
 * The `tsgi` command line, parsed into a command object with no side
 * effects, so every case is tested as a plain function call. The flags of
 * `tsgi serve` come from the option table in prefork/serve-options.ts, the
 * same table a config file is checked against.
 */
import { parseArgs } from 'node:util';
import { flagName, SERVE_OPTIONS } from '../prefork/serve-options.js';

const SERVE_FLAGS = SERVE_OPTIONS.map((spec) => `  --${`${flagName(spec.key)} ${spec.arg}`.padEnd(30)} ${spec.help}`).join('\n');

export const USAGE = `Usage: tsgi serve [MODULE[:EXPORT]] [options]   the prefork production server
       tsgi dev [MODULE[:EXPORT]] [--host HOST] [--port PORT]   the development server
       tsgi top [HOST:PORT] [--once] [--interval MS]   watch a server's --stats
       tsgi --help | --version

  MODULE          a file path relative to the current directory, or a package;
                  without one (and without --mount), tsgi serves its demo application
  EXPORT          the export holding the application (default: default, then app)

tsgi serve options (a tsgi.config.json or tsgi.config.js in the current
directory, or --config FILE, may set them too, under the same names; flags win):
  --config FILE                   read options from FILE (.json, or .js exporting an object)
  --host HOST, -p/--port PORT     shorthand for --bind HOST:PORT
${SERVE_FLAGS}

Signals to the tsgi serve master: TERM graceful stop, INT/QUIT quick stop,
HUP graceful reload, TTIN/TTOU one worker more/less, USR1 reopen log files.

tsgi dev runs one process, for development: --host (default 127.0.0.1; ''
binds every interface) and --port (default 8000; 0 picks a free one).
`;

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8000;
/** Where `tsgi top` looks without an address. */
export const DEFAULT_STATS = '127.0.0.1:1717';

/** What the user asked for. */
export type CliCommand =
  | { command: 'help' }
  | { command: 'version' }
  | {
      command: 'dev';
      /** The module to import; `undefined` serves the demo application. */
      module: string | undefined;
      /** The export to take; `undefined` tries `default`, then `app`. */
      exportName: string | undefined;
      host: string;
      port: number;
    }
  | {
      command: 'serve';
      /** The flags given, by option name (camelCase), still unchecked strings; `app` is MODULE[:EXPORT]. */
      flags: Record<string, string | string[]>;
      /** `--config FILE`, when given. */
      config: string | undefined;
    }
  | { command: 'top'; url: string; once: boolean; intervalMs: number };

/** The command line is wrong: the CLI prints the message and exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type FlagSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };

function flagSpecs(): Record<string, FlagSpec> {
  const specs: Record<string, FlagSpec> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
    host: { type: 'string' },
    port: { type: 'string', short: 'p' },
    config: { type: 'string' },
    once: { type: 'boolean' },
    interval: { type: 'string' },
  };
  for (const spec of SERVE_OPTIONS) specs[flagName(spec.key)] = { type: 'string', multiple: spec.kind === 'list' };
  return specs;
}

/** Which flags each command takes (help and version go with any). */
const COMMAND_FLAGS: Readonly<Record<string, ReadonlySet<string>>> = {
  dev: new Set(['host', 'port']),
  top: new Set(['once', 'interval']),
  serve: new Set(['host', 'port', 'config', ...SERVE_OPTIONS.map((spec) => flagName(spec.key))]),
};

/**
 * Parses the arguments after `tsgi` (`process.argv.slice(2)`).
 * @throws UsageError naming what is wrong and how to fix it.
 */
export function parseCommandLine(argv: readonly string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: flagSpecs(), allowPositionals: true, strict: true });
  } catch (error) {
    const { code, message } = error as { code?: unknown; message: string };
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      // node's message goes on about '--' for positionals; the option name is what matters.
      const option = /'([^']*)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`tsgi: unknown option '${option}'. Run 'tsgi --help' for usage.`);
    }
    throw new UsageError(`tsgi: ${message}. Run 'tsgi --help' for usage.`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { command: 'help' };
  if (values.version === true) return { command: 'version' };

  const [command, target, ...extra] = positionals;
  if (command === undefined) {
    throw new UsageError(`tsgi: missing a command. Run 'tsgi serve [MODULE]', or 'tsgi --help' for usage.`);
  }
  const allowed = COMMAND_FLAGS[command];
  if (allowed === undefined) {
    throw new UsageError(`tsgi: unknown command '${command}'. The commands are serve, dev and top; run 'tsgi --help' for usage.`);
  }
  for (const name of Object.keys(values)) {
    if (!allowed.has(name)) throw new UsageError(`tsgi ${command}: does not take --${name}. Run 'tsgi --help' for usage.`);
  }
  if (extra.length > 0) {
    throw new UsageError(
      `tsgi ${command}: takes one ${command === 'top' ? 'address' : 'module'}; got also ${extra.map((arg) => `'${arg}'`).join(', ')}.` +
        (command === 'top' ? '' : ' Serve one application per server, or add others with --mount.'),
    );
  }
  const port = typeof values.port === 'string' ? parsePort(values.port) : undefined;
  const host = typeof values.host === 'string' ? values.host : undefined;
  switch (command) {
    case 'dev': {
      const { module, exportName } = target === undefined ? { module: undefined, exportName: undefined } : splitTarget(target);
      return { command: 'dev', module, exportName, host: host ?? DEFAULT_HOST, port: port ?? DEFAULT_PORT };
    }
    case 'top':
      return { command: 'top', url: statsUrl(target ?? DEFAULT_STATS), once: values.once === true, intervalMs: interval(values.interval) };
    default: {
      if (target !== undefined) splitTarget(target);
      const flags: Record<string, string | string[]> = {};
      for (const spec of SERVE_OPTIONS) {
        const value = values[flagName(spec.key)];
        if (typeof value === 'string' || Array.isArray(value)) flags[spec.key] = value as string | string[];
      }
      if (host !== undefined || port !== undefined) {
        const hostPart = host ?? DEFAULT_HOST;
        const shorthand = `${hostPart.includes(':') ? `[${hostPart}]` : hostPart}:${port ?? DEFAULT_PORT}`;
        flags.bind = [...((flags.bind as string[] | undefined) ?? []), shorthand];
      }
      if (target !== undefined) flags.app = target;
      return { command: 'serve', flags, config: typeof values.config === 'string' ? values.config : undefined };
    }
  }
}

/**
 * `MODULE[:EXPORT]`: the export is what follows the last `:` when it is an
 * identifier, so `C:\app.js` and `./a:b/app.js` stay whole module paths.
 */
export function splitTarget(target: string): { module: string; exportName: string | undefined } {
  const colon = target.lastIndexOf(':');
  const exportName = target.slice(colon + 1);
  if (colon > 0 && /^[A-Za-z_$][\w$]*$/.test(exportName)) {
    return { module: target.slice(0, colon), exportName };
  }
  if (target === '' || colon === 0 || colon === target.length - 1) {
    throw new UsageError(
      `tsgi serve: MODULE[:EXPORT] must name a module and, after ':', an export; got '${target}'. ` +
        `Example: tsgi serve ./app.js:app`,
    );
  }
  return { module: target, exportName: undefined };
}

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port <= 65535)) {
    throw new UsageError(`tsgi: --port must be an integer from 0 to 65535; got '${text}'. Use 0 to pick a free port.`);
  }
  return port;
}

/** `HOST:PORT` (or a full URL) of a stats server, as a URL. */
function statsUrl(text: string): string {
  if (/^https?:\/\//.test(text)) return text;
  if (!/^(\[[^\]]+\]|[^:/]+):\d{1,5}$/.test(text)) {
    throw new UsageError(`tsgi top: the stats address must be HOST:PORT, as given to tsgi serve --stats; got '${text}'.`);
  }
  return `http://${text}/`;
}

function interval(text: unknown): number {
  if (text === undefined) return 1000;
  const ms = typeof text === 'string' && /^\d+$/.test(text) ? Number(text) : 0;
  if (ms < 1) throw new UsageError(`tsgi top: --interval must be a whole number of milliseconds >= 1; got '${String(text)}'.`);
  return ms;
}
