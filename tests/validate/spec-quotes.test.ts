/**
 * docs/SPEC.md and lib/validate/ cannot drift apart: every check quotes the
 * sentence it enforces, and these tests fail when a quoted sentence is no
 * longer in the rule it cites, or when a check cites a rule it does not quote.
 */
import { readdirSync, readFileSync } from 'node:fs';
import test from 'ava';

const root = new URL('../../../', import.meta.url);
const spec = readFileSync(new URL('docs/SPEC.md', root), 'utf8');
const sourceDir = new URL('lib/validate/', root);
const sources = readdirSync(sourceDir)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => ({ name, text: readFileSync(new URL(name, sourceDir), 'utf8') }));

const normalise = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** Rule number -> its text, from its anchor to the next anchor or heading. */
function rules(): Map<string, string> {
  const found = new Map<string, string>();
  const anchor = /<a id="(\d+\.\d+)"><\/a>/g;
  const starts = [...spec.matchAll(anchor)];
  for (const [index, match] of starts.entries()) {
    const from = match.index + match[0].length;
    const nextAnchor = starts[index + 1]?.index ?? spec.length;
    const nextHeading = spec.indexOf('\n## ', from);
    const to = Math.min(nextAnchor, nextHeading === -1 ? spec.length : nextHeading);
    found.set(match[1]!, normalise(spec.slice(from, to)));
  }
  return found;
}

const quotes = sources.flatMap(({ name, text }) =>
  [...text.matchAll(/\/\/ SPEC §(\d+\.\d+): "(.*)"$/gm)].map((match) => ({ name, rule: match[1]!, sentence: match[2]! })),
);

test('docs/SPEC.md numbers every rule once, as its anchor says', (t) => {
  const anchors = [...spec.matchAll(/<a id="(\d+\.\d+)"><\/a>\*\*(\d+\.\d+)\*\*/g)];
  t.true(anchors.length > 100);
  for (const match of anchors) t.is(match[1], match[2]);
  const ids = anchors.map((match) => match[1]);
  t.is(new Set(ids).size, ids.length);
});

test('lib/validate quotes docs/SPEC.md above its checks', (t) => {
  t.true(quotes.length >= 60);
});

test('every sentence lib/validate quotes is in the rule it cites', (t) => {
  const byRule = rules();
  for (const { name, rule, sentence } of quotes) {
    const text = byRule.get(rule);
    t.truthy(text, `${name} cites §${rule}, which docs/SPEC.md does not have`);
    t.true(text?.includes(normalise(sentence)), `${name}: §${rule} does not say: ${sentence}`);
  }
});

test('every rule a check reports is quoted in lib/validate', (t) => {
  const quoted = new Set(quotes.map((quote) => quote.rule));
  const reported = sources.flatMap(({ name, text }) =>
    [...text.matchAll(/violation\(\s*'(\d+\.\d+)'/g)].map((match) => ({ name, rule: match[1]! })),
  );
  t.true(reported.length >= 60);
  for (const { name, rule } of reported) t.true(quoted.has(rule), `${name} reports §${rule} without quoting it`);
});
