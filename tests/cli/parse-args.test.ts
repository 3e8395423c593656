import test from 'ava';
import { parseCommandLine, splitTarget, UsageError } from '../../lib/cli/parse-args.js';
import type { CliCommand } from '../../lib/cli/parse-args.js';

const good: Array<[argv: string[], expected: CliCommand]> = [
  [['--help'], { command: 'help' }],
  [['-h'], { command: 'help' }],
  [['serve', '--help'], { command: 'help' }],
  [['--version'], { command: 'version' }],
  [['serve'], { command: 'serve', module: undefined, exportName: undefined, host: '127.0.0.1', port: 8000 }],
  [
    ['serve', './app.js'],
    { command: 'serve', module: './app.js', exportName: undefined, host: '127.0.0.1', port: 8000 },
  ],
  [
    ['serve', './app.js:handler', '--host', '0.0.0.0', '--port', '0'],
    { command: 'serve', module: './app.js', exportName: 'handler', host: '0.0.0.0', port: 0 },
  ],
  [
    ['serve', '-p', '9000', 'my-package'],
    { command: 'serve', module: 'my-package', exportName: undefined, host: '127.0.0.1', port: 9000 },
  ],
  [
    ['serve', '--host=', '--port=65535'],
    { command: 'serve', module: undefined, exportName: undefined, host: '', port: 65535 },
  ],
];

for (const [argv, expected] of good) {
  test(`parseCommandLine([${argv.map((a) => `'${a}'`).join(', ')}])`, (t) => {
    t.deepEqual(parseCommandLine(argv), expected);
  });
}

const bad: Array<[label: string, argv: string[], message: string]> = [
  ['no command', [], "tsgi: missing a command. Run 'tsgi serve [MODULE]', or 'tsgi --help' for usage."],
  ['an unknown command', ['run'], "tsgi: unknown command 'run'. The command is 'serve'; run 'tsgi --help' for usage."],
  ['two modules', ['serve', 'a.js', 'b.js'], "tsgi serve: takes one module; got also 'b.js'. Serve one application per server."],
  [
    'an unknown option',
    ['serve', '--hots', 'x'],
    "tsgi: unknown option '--hots'. Run 'tsgi --help' for usage.",
  ],
  [
    'a port option without a value',
    ['serve', '--port'],
    "tsgi: Option '-p, --port <value>' argument missing. Run 'tsgi --help' for usage.",
  ],
  ['a port that is not a number', ['serve', '--port', 'http'], "tsgi: --port must be an integer from 0 to 65535; got 'http'. Use 0 to pick a free port."],
  ['a port too large', ['serve', '--port', '65536'], "tsgi: --port must be an integer from 0 to 65535; got '65536'. Use 0 to pick a free port."],
  ['a negative port', ['serve', '--port=-1'], "tsgi: --port must be an integer from 0 to 65535; got '-1'. Use 0 to pick a free port."],
  [
    'an empty export',
    ['serve', './app.js:'],
    "tsgi serve: MODULE[:EXPORT] must name a module and, after ':', an export; got './app.js:'. Example: tsgi serve ./app.js:app",
  ],
  [
    'an export without a module',
    ['serve', ':app'],
    "tsgi serve: MODULE[:EXPORT] must name a module and, after ':', an export; got ':app'. Example: tsgi serve ./app.js:app",
  ],
];

for (const [label, argv, message] of bad) {
  test(`parseCommandLine() rejects ${label}`, (t) => {
    t.throws(() => parseCommandLine(argv), { instanceOf: UsageError, message });
  });
}

const targets: Array<[target: string, module: string, exportName: string | undefined]> = [
  ['./app.js', './app.js', undefined],
  ['./app.js:app', './app.js', 'app'],
  ['C:\\apps\\site.js', 'C:\\apps\\site.js', undefined],
  ['C:\\apps\\site.js:site', 'C:\\apps\\site.js', 'site'],
  ['./odd:dir/app.js', './odd:dir/app.js', undefined],
  ['@scope/pkg:$handler', '@scope/pkg', '$handler'],
];

for (const [target, module, exportName] of targets) {
  test(`splitTarget('${target}') is module '${module}' and export ${String(exportName)}`, (t) => {
    t.deepEqual(splitTarget(target), { module, exportName });
  });
}
