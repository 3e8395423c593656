import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { loadApplication } from '../../lib/cli/load-app.js';
import { UsageError } from '../../lib/cli/parse-args.js';

const dir = mkdtempSync(join(tmpdir(), 'tsgi-load-app-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
const files: Record<string, string> = {
  'default.mjs': 'export default function site() {}',
  'named.mjs': 'export function app() {}',
  'both.mjs': 'export default function first() {}\nexport function app() {}',
  'handler.mjs': 'export function handler() {}\nexport const notApp = 42;',
  'none.mjs': 'export const value = 1;',
  'throws.mjs': 'throw new Error("module failed to load");',
  'common.cjs': 'module.exports = function legacy() {};',
};
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);

const found: Array<[module: string, exportName: string | undefined, name: string]> = [
  ['./default.mjs', undefined, 'site'],
  ['named.mjs', undefined, 'app'],
  ['./both.mjs', undefined, 'first'],
  ['./handler.mjs', 'handler', 'handler'],
  ['./common.cjs', undefined, 'legacy'],
  [join(dir, 'default.mjs'), undefined, 'site'],
];

for (const [module, exportName, name] of found) {
  test(`loadApplication('${module.startsWith(dir) ? '<absolute>' : module}', ${String(exportName)}) finds ${name}`, async (t) => {
    const app = await loadApplication(module, exportName, dir);
    t.is(app.name, name);
  });
}

test('loadApplication() rejects a module with no function to serve', async (t) => {
  await t.throwsAsync(loadApplication('./none.mjs', undefined, dir), {
    instanceOf: UsageError,
    message:
      "tsgi serve: ./none.mjs has no default or 'app' export that is a function. Export the application as default, or name its export: tsgi serve ./none.mjs:myApp",
  });
});

test('loadApplication() rejects an export that is not a function', async (t) => {
  await t.throwsAsync(loadApplication('./handler.mjs', 'notApp', dir), {
    instanceOf: UsageError,
    message:
      "tsgi serve: the export 'notApp' of ./handler.mjs must be a tsgi application (a function); got 42. Check the name after ':'.",
  });
});

test('loadApplication() rejects a path with no file', async (t) => {
  await t.throwsAsync(loadApplication('./missing.mjs', undefined, dir), {
    instanceOf: UsageError,
    message: `tsgi serve: cannot find the module ./missing.mjs (no file at ${join(dir, 'missing.mjs')}). Check the path.`,
  });
});

test('loadApplication() rejects a package that is not installed', async (t) => {
  await t.throwsAsync(loadApplication('no-such-tsgi-package', undefined, dir), {
    instanceOf: UsageError,
    message: `tsgi serve: cannot find the module or package 'no-such-tsgi-package' from ${dir}. Give a file path (./app.js) or install the package.`,
  });
});

test('loadApplication() lets an error raised by the module itself through', async (t) => {
  await t.throwsAsync(loadApplication('./throws.mjs', undefined, dir), { message: 'module failed to load' });
});

test('loadApplication() imports an installed package by name', async (t) => {
  // ava is installed beside tsgi; its default export is a function.
  const app = await loadApplication('ava', undefined, process.cwd());
  t.is(typeof app, 'function');
});
