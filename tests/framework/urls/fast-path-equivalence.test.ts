/**
 * The resolver's index must answer exactly as Django's plain scan: random
 * URLconfs (routes with converters, anchored and unanchored regexes, nested
 * includes with prefix captures and namespaces, a converter whose toValue
 * rejects odd numbers) and random paths (most derived from the patterns, some
 * mutated) are resolved both ways and compared. The seed is printed; set
 * URLS_SEED to replay one.
 */
import test from 'ava';
import { Resolver404 } from '../../../lib/framework/errors.js';
import { createResolver, include, path, registerConverter, rePath, type ResolverMatch, type UrlEntry } from '../../../lib/framework/urls/index.js';
import { makeView } from './views.js';

registerConverter('odd', {
  regex: '[0-9]+',
  toValue(text) {
    if (Number(text) % 2 === 0) throw new Error(`${text} is even`);
    return Number(text);
  },
  toUrl: String,
});

/** mulberry32: small, seedable, good enough to draw test cases. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Generated {
  readonly entry: UrlEntry;
  /** A path this entry (with what is under it) could match. */
  readonly sample: () => string;
}

function generator(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const literals = ['a', 'b', 'ab', 'blog', 'x-y', 'r1', '2020'];
  const values: Record<string, () => string> = {
    str: () => pick(['a', 'b', 'zz', '12', 'a.b']),
    int: () => pick(['1', '2', '42', '007']),
    slug: () => pick(['a', 'x-y', 'a_b', 'blog']),
    path: () => pick(['a', 'a/b', '1/2/3']),
    odd: () => pick(['1', '2', '3', '10']),
    uuid: () => pick(['075194d3-6885-417e-a8a8-6c931e272f00', '075194D3-6885-417E-A8A8-6C931E272F00']),
  };
  let views = 0;
  let names = 0;

  function route(endpoint: boolean): { text: string; sample: () => string } {
    const pieces: Array<() => string> = [];
    let text = '';
    const count = Math.floor(random() * 3) + (endpoint ? 0 : 1);
    for (let i = 0; i < count; i += 1) {
      if (random() < 0.5) {
        const literal = pick(literals);
        text += literal;
        pieces.push(() => literal);
      } else {
        const converter = pick(['str', 'int', 'slug', 'path', 'odd', 'uuid', '']);
        const name = `p${names++}`;
        text += converter === '' ? `<${name}>` : `<${converter}:${name}>`;
        const value = values[converter === '' ? 'str' : converter] as () => string;
        pieces.push(value);
      }
      if (i < count - 1 || random() < 0.8) {
        text += '/';
        pieces.push(() => '/');
      }
    }
    return { text, sample: () => pieces.map((piece) => piece()).join('') };
  }

  function regex(endpoint: boolean): { regex: RegExp | string; sample: () => string } {
    return pick([
      { regex: endpoint ? /^re\/([0-9]+)\/$/ : /^re\/([0-9]+)\//, sample: () => `re/${values['int']?.()}/` },
      { regex: endpoint ? '^(?P<w>[a-z]+)/$' : '^(?P<w>[a-z]+)/', sample: () => `${values['str']?.()}/` },
      { regex: 'b/', sample: () => pick(['b/', 'ab/', 'x/b/']) },
      { regex: /^(?<n>[0-9]+)?\/?/, sample: () => pick(['1/', '/', '']) },
      { regex: endpoint ? /^blog\/(?<y>[0-9]{4})\/$/ : /^blog\//, sample: () => (endpoint ? 'blog/2020/' : 'blog/') },
    ]);
  }

  function entries(depth: number): Generated[] {
    const list: Generated[] = [];
    const count = 1 + Math.floor(random() * 5);
    for (let i = 0; i < count; i += 1) {
      const isInclude = depth < 3 && random() < 0.3;
      const useRegex = random() < 0.25;
      const kwargs = random() < 0.2 ? { kwargs: { extra: depth, p1: 'override' } } : {};
      if (isInclude) {
        const inner = entries(depth + 1);
        const appName = random() < 0.5 ? pick(['app', 'other']) : undefined;
        const namespace = appName !== undefined && random() < 0.5 ? pick(['ns1', 'ns2']) : undefined;
        const included = include(
          appName === undefined ? inner.map((item) => item.entry) : { patterns: inner.map((item) => item.entry), appName },
          namespace === undefined ? {} : { namespace },
        );
        const prefix = useRegex ? regex(false) : route(false);
        const entry = useRegex ? rePath((prefix as { regex: RegExp }).regex, included, kwargs) : path((prefix as { text: string }).text, included, kwargs);
        list.push({ entry, sample: () => prefix.sample() + pick(inner).sample() });
      } else {
        const view = makeView(`view${views++}`);
        const options = { ...kwargs, ...(random() < 0.5 ? { name: pick(['n1', 'n2', 'n3']) } : {}) };
        if (useRegex) {
          const made = regex(true);
          list.push({ entry: rePath(made.regex, view, options), sample: made.sample });
        } else {
          const made = route(true);
          list.push({ entry: path(made.text, view, options), sample: made.sample });
        }
      }
    }
    return list;
  }

  function mutate(sample: string): string {
    switch (Math.floor(random() * 5)) {
      case 0:
        return sample.endsWith('/') ? sample.slice(0, -1) : `${sample}/`;
      case 1:
        return `${sample}${pick(literals)}/`;
      case 2:
        return pick(literals) + '/' + sample;
      case 3: {
        const at = Math.floor(random() * (sample.length + 1));
        return sample.slice(0, at) + pick(['x', '/', '1', '-']) + sample.slice(at + 1);
      }
      default:
        return sample.replace(/[0-9]/, pick(['2', '3', 'a']));
    }
  }

  return { entries, mutate, pick };
}

type Outcome = { match: ResolverMatch } | { error: Resolver404 };

function outcome(call: () => ResolverMatch): Outcome {
  try {
    return { match: call() };
  } catch (error) {
    if (error instanceof Resolver404) return { error };
    throw error;
  }
}

function summary(result: Outcome): unknown {
  if ('error' in result) return { path: result.error.path, tried: result.error.tried, message: result.error.message };
  const match = result.match;
  return {
    view: match.view,
    args: match.args,
    kwargs: match.kwargs,
    capturedKwargs: match.capturedKwargs,
    extraKwargs: match.extraKwargs,
    route: match.route,
    urlName: match.urlName,
    appNames: match.appNames,
    namespaces: match.namespaces,
  };
}

test('resolve() answers exactly as the plain first-match-wins scan', (t) => {
  const seed = Number(process.env['URLS_SEED'] ?? Date.now() % 1_000_000);
  t.log(`seed ${seed} (replay with URLS_SEED=${seed})`);
  const random = prng(seed);
  const { entries, mutate, pick } = generator(random);
  let hits = 0;
  let misses = 0;
  for (let conf = 0; conf < 150; conf += 1) {
    const generated = entries(0);
    const resolver = createResolver(generated.map((item) => item.entry));
    for (let i = 0; i < 40; i += 1) {
      const sample = pick(generated).sample();
      const pathInfo = '/' + (random() < 0.3 ? mutate(sample) : sample);
      const fast = outcome(() => resolver.resolve(pathInfo));
      const scanned = outcome(() => resolver.scan(pathInfo));
      if ('match' in fast) hits += 1;
      else misses += 1;
      const same = t.deepEqual(summary(fast), summary(scanned), `seed ${seed}, URLconf ${conf}, path ${JSON.stringify(pathInfo)}`);
      if (!same) return;
      const valid = resolver.isValidPath(pathInfo);
      t.is(valid === false ? null : valid.view, 'match' in fast ? fast.match.view : null);
    }
  }
  t.log(`${hits} hits, ${misses} misses`);
  // Both branches must be exercised for the property to mean something.
  t.true(hits > 1000 && misses > 500, `hits ${hits}, misses ${misses}`);
});
