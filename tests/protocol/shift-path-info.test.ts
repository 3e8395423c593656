import test from 'ava';
import { ProtocolError } from '../../lib/protocol/errors.js';
import { setupTestingDefaults } from '../../lib/protocol/setup-testing-defaults.js';
import { shiftPathInfo } from '../../lib/protocol/shift-path-info.js';

// wsgiref's table: [SCRIPT_NAME, PATH_INFO] -> returned, new SCRIPT_NAME, new PATH_INFO.
const table: Array<[label: string, scriptName: string, pathInfo: string, part: string | undefined, newScript: string, newPath: string]> = [
  ['root', '', '/', '', '/', ''],
  ['one segment', '', '/x', 'x', '/x', ''],
  ['empty PATH_INFO', '/', '', undefined, '/', ''],
  ['two segments', '/a', '/x/y', 'x', '/a/x', '/y'],
  ['trailing slash', '/a', '/x/', 'x', '/a/x', '/'],
  ['.. pops', '/a/b', '/../y', '..', '/a', '/y'],
  ['.. at the top', '', '/../y', '..', '', '/y'],
  ['empty segment dropped', '/a/b', '//y', 'y', '/a/b/y', ''],
  ['empty segment, trailing slash', '/a/b', '//y/', 'y', '/a/b/y', '/'],
  ['. dropped', '/a/b', '/./y', 'y', '/a/b/y', ''],
  ['., trailing slash', '/a/b', '/./y/', 'y', '/a/b/y', '/'],
  ['mixed empty, . and ..', '/a/b', '///./..//y/.//', '..', '/a', '/y/'],
  ['only slashes', '/a/b', '///', '', '/a/b/', ''],
  ['. and slashes', '/a/b', '/.//', '', '/a/b/', ''],
  ['double trailing slash', '/a/b', '/x//', 'x', '/a/b/x', '/'],
  ['lone .', '/a/b', '/.', undefined, '/a/b', ''],
];

test('shiftPathInfo() follows every row of wsgiref\'s table', (t) => {
  t.is(table.length, 16);
  for (const [label, scriptName, pathInfo, part, newScript, newPath] of table) {
    const environ = setupTestingDefaults({ SCRIPT_NAME: scriptName, PATH_INFO: pathInfo });
    t.is(shiftPathInfo(environ), part, `${label}: returned`);
    t.is(environ.SCRIPT_NAME, newScript, `${label}: SCRIPT_NAME`);
    t.is(environ.PATH_INFO, newPath, `${label}: PATH_INFO`);
  }
});

test('shiftPathInfo() walks a whole path one segment at a time', (t) => {
  const environ = { SCRIPT_NAME: '', PATH_INFO: '/blog/2024/post/' };
  const parts: Array<string | undefined> = [];
  for (let part = shiftPathInfo(environ); part !== undefined; part = shiftPathInfo(environ)) parts.push(part);
  t.deepEqual(parts, ['blog', '2024', 'post', '']);
  t.deepEqual(environ, { SCRIPT_NAME: '/blog/2024/post/', PATH_INFO: '' });
});

test('shiftPathInfo() treats missing keys as empty', (t) => {
  const environ: { SCRIPT_NAME?: string; PATH_INFO?: string } = {};
  t.is(shiftPathInfo(environ), undefined);
  t.deepEqual(environ, {});
  const noScript: { SCRIPT_NAME?: string; PATH_INFO?: string } = { PATH_INFO: '/x' };
  t.is(shiftPathInfo(noScript), 'x');
  t.deepEqual(noScript, { SCRIPT_NAME: '/x', PATH_INFO: '' });
});

test('shiftPathInfo() keeps a POSIX double leading slash, as normpath does', (t) => {
  const environ = { SCRIPT_NAME: '//a', PATH_INFO: '/x' };
  t.is(shiftPathInfo(environ), 'x');
  t.is(environ.SCRIPT_NAME, '//a/x');
});

test('shiftPathInfo() rejects a PATH_INFO without a leading slash', (t) => {
  t.throws(() => shiftPathInfo({ SCRIPT_NAME: '', PATH_INFO: 'x/y' }), {
    instanceOf: ProtocolError,
    message: "shiftPathInfo() needs a PATH_INFO that is '' or starts with '/'; got 'x/y'. Fix the server or middleware that set it.",
  });
});
