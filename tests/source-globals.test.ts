/**
 * Node 20 defines the global `Buffer` as a getter on globalThis. Code that
 * reads it pays a global lookup and a getter call at every use, on every
 * request; `import { Buffer } from 'node:buffer'` is a module binding the
 * compiler folds away. This keeps every runtime use in lib/ and middleware/
 * on the import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import test from 'ava';

const root = new URL('../../', import.meta.url);

function sourceFiles(dir: string): string[] {
  return readdirSync(new URL(dir, root), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `${dir}${name}`);
}

/** The code of `text` without comments and string contents, so only real uses remain. */
function codeOnly(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/[^\n]*/g, '')
    .replace(/'(?:[^'\\\n]|\\.)*'/g, "''")
    .replace(/`(?:[^`\\]|\\.)*`/g, '``');
}

/** The files that use `Buffer` as a value without importing it. */
function globalBufferUsers(files: ReadonlyArray<{ name: string; text: string }>): string[] {
  return files
    .filter(({ text }) => /\bBuffer\s*\.|\binstanceof\s+Buffer\b|\bnew\s+Buffer\b/.test(codeOnly(text)))
    .filter(({ text }) => !/^import \{[^}]*\bBuffer\b[^}]*\} from 'node:buffer';$/m.test(text))
    .map(({ name }) => name);
}

test('lib/ and middleware/ take Buffer from node:buffer, not from the global getter', (t) => {
  const files = [...sourceFiles('lib/'), ...sourceFiles('middleware/')].map((name) => ({ name, text: readFileSync(new URL(name, root), 'utf8') }));
  t.true(files.length > 100);
  t.deepEqual(globalBufferUsers(files), [], "add `import { Buffer } from 'node:buffer';` to these files");
});

test('the check sees a global Buffer use, and not one in a comment or string', (t) => {
  t.deepEqual(
    globalBufferUsers([
      { name: 'uses.ts', text: "const a = Buffer.from('x');\n" },
      { name: 'imports.ts', text: "import { Buffer } from 'node:buffer';\nconst a = Buffer.from('x');\n" },
      { name: 'comment.ts', text: "// Buffer.from(text)\nconst advice = 'use Buffer.from(text)';\n" },
      { name: 'type-only.ts', text: 'let chunk: Buffer | undefined;\n' },
      { name: 'instanceof.ts', text: 'const is = value instanceof Buffer;\n' },
    ]),
    ['uses.ts', 'instanceof.ts'],
  );
});
