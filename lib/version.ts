/**
 * tsgi's own version, read once from its package.json (two levels up from
 * dist/lib/, in the repository and when installed). The Server header and the
 * `tsgi --version` command both use it.
 */
import { readFileSync } from 'node:fs';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
