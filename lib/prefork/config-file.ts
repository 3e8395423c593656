/**
 * `tsgi.config.json` / `tsgi.config.js`: the options of `tsgi serve` in a
 * file, under the flags' names (`"max-requests": 1000` or `maxRequests:
 * 1000`; the application as `"app": "./site.js:app"`), checked against the
 * same table as the flags. Flags given on the command line win.
 *
 * Without `--config`, the current directory's `tsgi.config.json`, else
 * `tsgi.config.js`, is read when present. A `.js` (or `.mjs`) file exports
 * the object as default.
 *
 * @example
 * // tsgi.config.json
 * { "app": "./site.js", "bind": ["0.0.0.0:8000", "unix:/run/site.sock"], "workers": 4, "max-requests": 1000 }
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeValue } from '../protocol/describe-value.js';
import { ImproperlyConfigured } from '../protocol/errors.js';

export const CONFIG_NAMES = ['tsgi.config.json', 'tsgi.config.js'] as const;

export interface ConfigFile {
  /** The file's name, for messages. */
  readonly source: string;
  /** Its options, keys as written. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** Reads `path` (relative to `cwd`), or the default file when `path` is undefined; `undefined` when there is none. */
export async function loadConfigFile(path: string | undefined, cwd: string): Promise<ConfigFile | undefined> {
  let file: string;
  if (path !== undefined) {
    file = resolve(cwd, path);
    if (!existsSync(file)) {
      throw new ImproperlyConfigured(`tsgi serve: --config ${path} names no file (looked at ${file}). Check the path.`);
    }
  } else {
    const found = CONFIG_NAMES.map((name) => resolve(cwd, name)).find((candidate) => existsSync(candidate));
    if (found === undefined) return undefined;
    file = found;
  }
  const source = path ?? basename(file);
  let values: unknown;
  if (file.endsWith('.json')) {
    try {
      values = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ImproperlyConfigured(`tsgi serve: ${source} is not valid JSON: ${(error as Error).message}. Fix the file.`, { cause: error });
    }
  } else {
    const namespace = (await import(pathToFileURL(file).href)) as { default?: unknown };
    values = namespace.default;
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new ImproperlyConfigured(
      `tsgi serve: ${source} must hold an object of options (a .js file exports it as default); got ${describeValue(values)}.`,
    );
  }
  return { source, values: values as Record<string, unknown> };
}
