/**
 * Finds the application `tsgi serve MODULE[:EXPORT]` names: imports the
 * module (a path relative to the working directory, or a package) and takes
 * the export.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeValue } from '../protocol/describe-value.js';
import type { Application } from '../protocol/types.js';
import { UsageError } from './parse-args.js';

/**
 * Imports `module` and returns its application: the export named
 * `exportName`, or else `default`, then `app`.
 * @throws UsageError when the module cannot be found or exports no function;
 *   errors raised while the module itself runs propagate unchanged.
 */
export async function loadApplication(
  module: string,
  exportName: string | undefined,
  cwd: string,
): Promise<Application> {
  const specifier = locateModule(module, cwd);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    // Only a package that could not be located is a usage error; a module
    // failing to import something of its own shows its own stack.
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (specifier === module && code === 'ERR_MODULE_NOT_FOUND' && String(message).includes(`'${module}'`)) {
      throw new UsageError(
        `tsgi serve: cannot find the module or package '${module}' from ${cwd}. ` +
          `Give a file path (./app.js) or install the package.`,
      );
    }
    throw error;
  }
  const names = exportName === undefined ? ['default', 'app'] : [exportName];
  for (const name of names) {
    if (typeof namespace[name] === 'function') return namespace[name] as Application;
  }
  if (exportName !== undefined) {
    throw new UsageError(
      `tsgi serve: the export '${exportName}' of ${module} must be a tsgi application (a function); ` +
        `got ${describeValue(namespace[exportName])}. Check the name after ':'.`,
    );
  }
  throw new UsageError(
    `tsgi serve: ${module} has no default or 'app' export that is a function. ` +
      `Export the application as default, or name its export: tsgi serve ${module}:myApp`,
  );
}

/**
 * The URL or specifier to import: a file when the argument looks like a
 * path or names one, else a package.
 * @throws UsageError when it looks like a path and no file is there.
 */
export function locateModule(module: string, cwd: string): string {
  const path = resolve(cwd, module);
  const looksLikePath = module.startsWith('.') || isAbsolute(module);
  if (looksLikePath || existsSync(path)) {
    if (!existsSync(path)) {
      throw new UsageError(`tsgi serve: cannot find the module ${module} (no file at ${path}). Check the path.`);
    }
    return pathToFileURL(path).href;
  }
  try {
    // Resolve packages from the working directory, as node would for a script there.
    return pathToFileURL(createRequire(join(cwd, 'tsgi-serve.js')).resolve(module)).href;
  } catch {
    // An import-only package (no "require" condition) is not found by
    // require.resolve; let import() try from tsgi's own location.
    return module;
  }
}
