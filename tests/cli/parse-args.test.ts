import test from 'ava';
import { parseCommandLine, splitTarget, UsageError } from '../../lib/cli/parse-args.js';
import type { CliCommand } from '../../lib/cli/parse-args.js';

const good: Array<[argv: string[], expected: CliCommand]> = [
  [['--help'], { command: 'help' }],
  [['-h'], { command: 'help' }],
  [['serve', '--help'], { command: 'help' }],
  [['--version'], { command: 'version' }],
  [['serve'], { command: 'serve', flags: {}, config: undefined }],
  [['serve', './app.js'], { command: 'serve', flags: { app: './app.js' }, config: undefined }],
  [
    ['serve', './app.js:handler', '--host', '0.0.0.0', '--port', '0'],
    { command: 'serve', flags: { app: './app.js:handler', bind: ['0.0.0.0:0'] }, config: undefined },
  ],
  [['serve', '-p', '9000', 'my-package'], { command: 'serve', flags: { app: 'my-package', bind: ['127.0.0.1:9000'] }, config: undefined }],
  [['serve', '--host', '::1'], { command: 'serve', flags: { bind: ['[::1]:8000'] }, config: undefined }],
  [
    ['serve', 'a.js', '--bind', 'unix:/tmp/a.sock', '--bind', ':9000', '--workers', '3', '--max-requests=10', '--config', 'c.json'],
    { command: 'serve', flags: { app: 'a.js', bind: ['unix:/tmp/a.sock', ':9000'], workers: '3', maxRequests: '10' }, config: 'c.json' },
  ],
  [
    ['serve', '--mount', '/api=./api.js', '--mount', '/admin=./admin.js:app', '--forwarded-allow-ips', '10.0.0.1,::1'],
    { command: 'serve', flags: { mount: ['/api=./api.js', '/admin=./admin.js:app'], forwardedAllowIps: ['10.0.0.1,::1'] }, config: undefined },
  ],
  [['dev'], { command: 'dev', module: undefined, exportName: undefined, host: '127.0.0.1', port: 8000 }],
  [
    ['dev', './app.js:handler', '--host', '0.0.0.0', '--port', '0'],
    { command: 'dev', module: './app.js', exportName: 'handler', host: '0.0.0.0', port: 0 },
  ],
  [['dev', '--host=', '--port=65535'], { command: 'dev', module: undefined, exportName: undefined, host: '', port: 65535 }],
  [['top'], { command: 'top', url: 'http://127.0.0.1:1717/', once: false, intervalMs: 1000 }],
  [['top', '[::1]:9191', '--once', '--interval', '250'], { command: 'top', url: 'http://[::1]:9191/', once: true, intervalMs: 250 }],
];

for (const [argv, expected] of good) {
  test(`parseCommandLine([${argv.map((a) => `'${a}'`).join(', ')}])`, (t) => {
    t.deepEqual(parseCommandLine(argv), expected);
  });
}

const bad: Array<[label: string, argv: string[], message: string]> = [
  ['no command', [], "tsgi: missing a command. Run 'tsgi serve [MODULE]', or 'tsgi --help' for usage."],
  ['an unknown command', ['run'], "tsgi: unknown command 'run'. The commands are serve, dev and top; run 'tsgi --help' for usage."],
  [
    'two modules',
    ['serve', 'a.js', 'b.js'],
    "tsgi serve: takes one module; got also 'b.js'. Serve one application per server, or add others with --mount.",
  ],
  ['an unknown option', ['serve', '--hots', 'x'], "tsgi: unknown option '--hots'. Run 'tsgi --help' for usage."],
  ['a serve option given to dev', ['dev', '--workers', '2'], "tsgi dev: does not take --workers. Run 'tsgi --help' for usage."],
  [
    'a port option without a value',
    ['dev', '--port'],
    "tsgi: Option '-p, --port <value>' argument missing. Run 'tsgi --help' for usage.",
  ],
  ['a port that is not a number', ['serve', '--port', 'http'], "tsgi: --port must be an integer from 0 to 65535; got 'http'. Use 0 to pick a free port."],
  ['a port too large', ['dev', '--port', '65536'], "tsgi: --port must be an integer from 0 to 65535; got '65536'. Use 0 to pick a free port."],
  ['a negative port', ['dev', '--port=-1'], "tsgi: --port must be an integer from 0 to 65535; got '-1'. Use 0 to pick a free port."],
  [
    'an empty export',
    ['serve', './app.js:'],
    "tsgi serve: MODULE[:EXPORT] must name a module and, after ':', an export; got './app.js:'. Example: tsgi serve ./app.js:app",
  ],
  [
    'an export without a module',
    ['dev', ':app'],
    "tsgi serve: MODULE[:EXPORT] must name a module and, after ':', an export; got ':app'. Example: tsgi serve ./app.js:app",
  ],
  ['a stats address without a port', ['top', 'localhost'], "tsgi top: the stats address must be HOST:PORT, as given to tsgi serve --stats; got 'localhost'."],
  ['a zero interval', ['top', '--interval', '0'], "tsgi top: --interval must be a whole number of milliseconds >= 1; got '0'."],
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
