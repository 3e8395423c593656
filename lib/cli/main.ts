#!/usr/bin/env node
/**
 * The `tsgi` executable (package.json "bin"). All behaviour is in
 * run-cli.ts; this file only connects it to the process.
 */
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2));
