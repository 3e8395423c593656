/**
 * The `tsgi` command line, parsed into a command object with no side
 * effects, so every case is tested as a plain function call.
 */
import { parseArgs } from 'node:util';

export const USAGE = `Usage: tsgi serve [MODULE[:EXPORT]] [--host HOST] [--port PORT]
       tsgi --help | --version

Serves a tsgi application with the development server.

  MODULE          a file path relative to the current directory, or a package;
                  without one, tsgi serves its demo application
  EXPORT          the export holding the application (default: default, then app)
  --host HOST     the address to bind (default: 127.0.0.1; '' binds every interface)
  -p, --port PORT the port (default: 8000; 0 picks a free one)
  -h, --help      shows this help
  --version       prints tsgi's version
`;

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8000;

/** What the user asked for. */
export type CliCommand =
  | { command: 'help' }
  | { command: 'version' }
  | {
      command: 'serve';
      /** The module to import; `undefined` serves the demo application. */
      module: string | undefined;
      /** The export to take; `undefined` tries `default`, then `app`. */
      exportName: string | undefined;
      host: string;
      port: number;
    };

/** The command line is wrong: the CLI prints the message and exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Parses the arguments after `tsgi` (`process.argv.slice(2)`).
 * @throws UsageError naming what is wrong and how to fix it.
 */
export function parseCommandLine(argv: readonly string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        host: { type: 'string' },
        port: { type: 'string', short: 'p' },
      },
      allowPositionals: true,
      strict: true,
    });
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
  if (command !== 'serve') {
    throw new UsageError(`tsgi: unknown command '${command}'. The command is 'serve'; run 'tsgi --help' for usage.`);
  }
  if (extra.length > 0) {
    throw new UsageError(
      `tsgi serve: takes one module; got also ${extra.map((arg) => `'${arg}'`).join(', ')}. Serve one application per server.`,
    );
  }
  const { module, exportName } = target === undefined ? { module: undefined, exportName: undefined } : splitTarget(target);
  return {
    command: 'serve',
    module,
    exportName,
    host: values.host ?? DEFAULT_HOST,
    port: values.port === undefined ? DEFAULT_PORT : parsePort(values.port),
  };
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
