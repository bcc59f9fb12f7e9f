// Reference vectors, read at test time from ../shared (never copied into the project):
// - go-search-replace's table tests (MySQL dump lines) replayed value by value;
// - value-level scenarios of wp-cli's Behat suite, extracted from the .feature text.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRewriter } from '../../src/data/rewrite/index.js';
import type { Replacement } from '../../src/data/types.js';
import { decode, encode, mapStrings, phpJson } from './rewrite-php-helper.js';
import { sharedReference } from '../shared-reference.js';

const refDir = sharedReference('search-replace');

interface GoCase {
  suite: string;
  name: string;
  replacements?: Replacement[];
  input?: string;
  expected?: string;
  enabled: boolean;
}
const goCases = (
  JSON.parse(readFileSync(path.join(refDir, 'go-search-replace-cases.json'), 'utf8')) as { cases: GoCase[] }
).cases;

/** MySQL string-literal unescaping (what the server stores for a dump's quoted text). */
function mysqlUnescape(s: string): string {
  const map: Record<string, string> = { '0': '\0', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a' };
  return s.replace(/\\([\s\S])/g, (_m, c: string) => map[c] ?? (c === '%' || c === '_' ? `\\${c}` : c));
}

/** The stored values of one dump line: each quoted literal of a `(…),(…)` tuple line, else the whole line. */
function dumpValues(line: string): string[] {
  if (!line.startsWith('(')) return [mysqlUnescape(line)];
  const out: string[] = [];
  const re = /'((?:[^'\\]|\\[\s\S])*)'|"((?:[^"\\]|\\[\s\S])*)"/g;
  for (const m of line.matchAll(re)) out.push(mysqlUnescape(m[1] ?? m[2] ?? ''));
  return out;
}

// Out of scope, with the reason. The count is asserted so the list cannot silently grow.
const GO_EXCLUDED: Record<string, string> = {
  'TestFix/Empty string':
    'repairs a wrong s:N length with no replacement; we never rewrite invalid serialized data (left byte-identical, asserted below)',
  'TestFix/Line break': 'same: length repair of invalid data',
  'TestFix/Escaped URL': 'same: length repair of invalid data',
  'TestFix/Many escaped characters (including escaped backslash)': 'same: length repair of invalid data',
  'TestInput/Simple domain name':
    'argument rules of a dump-line filter; we rewrite parsed values, so `s:`, `),(` are harmless',
  'TestInput/Short string': 'same: dump-filter argument rule',
  'TestInput/SQL string': 'same: dump-filter argument rule',
  'TestInput/Serialization structure': 'same: dump-filter argument rule',
};

describe('go-search-replace cases (value by value)', () => {
  it('the exclusion list is exactly as long as documented', () => {
    expect(Object.keys(GO_EXCLUDED)).toHaveLength(8);
    for (const key of Object.keys(GO_EXCLUDED)) {
      expect(
        goCases.some((c) => `${c.suite}/${c.name}` === key),
        key,
      ).toBe(true);
    }
  });

  const runnable = goCases.filter((c) => !(`${c.suite}/${c.name}` in GO_EXCLUDED));
  it('covers every other case (including the one disabled upstream)', () => {
    expect(runnable.length).toBe(goCases.length - 8);
    expect(runnable.length).toBeGreaterThanOrEqual(20);
  });

  for (const c of runnable) {
    it(`${c.suite}: ${c.name}`, () => {
      const pairs = (c.replacements ?? []).map((p) => ({
        from: mysqlUnescape(p.from),
        to: mysqlUnescape(p.to),
      }));
      const rw = createRewriter(pairs);
      const inputs = dumpValues(c.input as string);
      const expected = dumpValues(c.expected as string);
      expect(inputs.length).toBe(expected.length);
      expect(inputs.map((v) => rw.rewrite(v))).toEqual(expected);
    });
  }

  it('invalid serialized input from the excluded repair cases is left byte-identical', () => {
    for (const c of goCases.filter((x) => x.suite === 'TestFix')) {
      const rw = createRewriter([{ from: 'example.com', to: 'example.org' }]);
      for (const v of dumpValues(c.input as string)) expect(rw.rewrite(v)).toBe(v);
    }
  });
});

// ---- wp-cli Behat scenarios -------------------------------------------------------------------
const feature = readFileSync(path.join(refDir, 'wp-cli-search-replace.feature'), 'utf8');

function scenario(title: string): string {
  const start = feature.indexOf(`: ${title}\n`);
  if (start < 0) throw new Error(`scenario not found: ${title}`);
  const next = feature.indexOf('\n  Scenario', start + 1);
  return feature.slice(start, next < 0 ? undefined : next);
}
function must(m: RegExpMatchArray | null | undefined, what: string): RegExpMatchArray {
  if (!m) throw new Error(`could not extract ${what}`);
  return m;
}
const docStrings = (text: string, kind: string) =>
  [...text.matchAll(new RegExp(`STDOUT should ${kind}:\\n\\s*"""\\n\\s*(.*)\\n\\s*"""`, 'g'))].map(
    (m) => m[1] as string,
  );

const WP_EXCLUDED: Record<string, string> = {
  'Warn and ignore type-hinted objects that have some error in deserialization':
    'wp-cli plain-replaces the malformed `O:8:"mysqli_result"` row (declared length 8 for a 13-byte name), which makes it ' +
    'valid by accident; we leave malformed serialized data byte-identical and never rewrite class names (asserted below)',
  'Regex search/replace': 'regex mode is not offered',
};

describe('wp-cli feature scenarios (value level)', () => {
  it('the exclusion list is exactly as long as documented', () => {
    expect(Object.keys(WP_EXCLUDED)).toHaveLength(2);
    for (const t of Object.keys(WP_EXCLUDED)) expect(() => scenario(t)).not.toThrow();
  });

  it('theme mods: stdClass holding a URL, shown JSON-encoded', () => {
    const s = scenario('Search and replace within theme mods');
    const url = must(s.match(/'url' => '([^']+)'/), 'url')[1] as string;
    const [, from, to] = must(s.match(/`wp search-replace (\S+) (\S+)`/), 'pair');
    const shown = [...s.matchAll(/\| header_image_data \| (\{.*\}) +\|/g)].map((m) => m[1]);
    const before = encode({
      k: 'O',
      cls: 'stdClass',
      entries: [
        [
          { k: 's', v: 'url' },
          { k: 's', v: url },
        ],
      ],
    });
    expect(phpJson(decode(before))).toBe(shown[0]);
    const after = createRewriter([{ from: from as string, to: to as string }]).rewrite(before);
    expect(phpJson(decode(after))).toBe(shown[1]);
  });

  it('JSON-escaped URLs in post content, both directions', () => {
    const s = scenario('Search and replace handles JSON-encoded URLs in post content');
    const content = must(s.match(/--post_content='([^']+)'/), 'content')[1] as string;
    const runs = [...s.matchAll(/`wp search-replace '([^']+)' '([^']+)' wp_posts/g)];
    expect(runs).toHaveLength(2);
    const contains = docStrings(s, 'contain');
    const notContains = docStrings(s, 'not contain');
    const rw1 = createRewriter([{ from: runs[0]?.[1] as string, to: runs[0]?.[2] as string }]);
    const after = rw1.rewrite(content);
    expect(after).toContain(contains[1]);
    expect(after).not.toContain(notContains[0]);
    expect(rw1.stats.changed).toBe(1);
    const back = createRewriter([{ from: runs[1]?.[1] as string, to: runs[1]?.[2] as string }]).rewrite(
      after,
    );
    expect(back).toContain(contains[2]);
    expect(back).toBe(content);
  });

  it('quoted HTML search strings', () => {
    const s = scenario('Search and replace with quoted strings');
    const content = must(s.match(/--post_content='([^']+)'/), 'content')[1] as string;
    const [, from, to] = must(s.match(/`wp search-replace '([^']+)' '([^']+)'`/), 'pair');
    const shouldBe = docStrings(s, 'be');
    expect(shouldBe[0]).toBe(content);
    expect(createRewriter([{ from: from as string, to: to as string }]).rewrite(content)).toBe(shouldBe[1]);
  });

  it('same old and new value is a no-op', () => {
    const s = scenario('Search and replace with the same terms');
    const [, from, to] = must(s.match(/`wp search-replace (\S+) (\S+)`/), 'pair');
    const rw = createRewriter([{ from: from as string, to: to as string }]);
    expect(rw.isNoop).toBe(true);
    expect(rw.rewrite(`a ${from} b`)).toBe(`a ${from} b`);
  });

  it('serialized inputs end as in --precise mode (values replaced, keys kept)', () => {
    const s = scenario('Ensure search and replace uses PHP (precise) mode when serialized data is found');
    const [, from, to] = must(s.match(/`wp search-replace (\w+) (\w+)`/), 'pair');
    const inputs = [...s.slice(s.indexOf('Examples:')).matchAll(/\| ([aO]:.*?) +\|/g)].map(
      (m) => m[1] as string,
    );
    expect(inputs).toHaveLength(2);
    const rw = createRewriter([{ from: from as string, to: to as string }]);
    for (const input of inputs) {
      const precise = encode(mapStrings(decode(input), (x) => x.split(from as string).join(to as string)));
      expect(rw.rewrite(input)).toBe(precise);
      expect(rw.rewrite(input)).not.toBe(input);
    }
    expect(rw.rewrite(inputs[0] as string)).toBe('a:1:{s:3:"bar";s:3:"bar";}');
  });

  it('case sensitivity: replacement counts as the scenario states', () => {
    const s = scenario('Search / replace is case sensitive');
    const title = must(s.match(/--post_title='([^']+)'/), 'title')[1] as string;
    const runs = [
      ...s.matchAll(
        /`wp search-replace (\S+) (\S+)[^`]*`\n\s*Then STDOUT should contain:\n\s*"""\n\s*Success: (?:Made )?(\d+) replacement/g,
      ),
    ];
    expect(runs).toHaveLength(4);
    for (const [, from, to, count] of runs) {
      const rw = createRewriter([{ from: from as string, to: to as string }]);
      rw.rewrite(title);
      expect(rw.stats.changed, `${from} → ${to}`).toBe(Number(count));
    }
  });

  it('unknown class CornFlakes: nothing replaced, value unchanged', () => {
    const s = scenario('Incomplete classes are handled gracefully during (un)serialization');
    const value = must(s.match(/wp option add cereal_isation '([^']+)'/), 'value')[1] as string;
    const [, from, to] = must(s.match(/`wp search-replace (\S+) (\S+)`/), 'pair');
    const rw = createRewriter([{ from: from as string, to: to as string }]);
    expect(rw.rewrite(value)).toBe(value);
    expect(s).toContain('Made 0 replacements');
    expect(s).toContain(value);
  });

  it('a class wp-cli only walks when allowed: we walk any class', () => {
    const s = scenario(
      'The search_replace_unserialize_options hook allows overriding allowed_classes for unserialize',
    );
    const value = must(s.match(/VALUES \('cereal_isation','(.*?)'\)"/), 'value')[1]?.replace(
      /\\"/g,
      '"',
    ) as string;
    const [, from, to] = must(s.match(/--require=hook\.php search-replace (\S+) (\S+)`/), 'pair');
    const out = createRewriter([{ from: from as string, to: to as string }]).rewrite(value);
    expect(decode(out)).toEqual(mapStrings(decode(value), (x) => x.split(from as string).join(to as string)));
    expect(out).toContain(`s:${(to as string).length}:"${to}"`);
  });

  it('iterable dictionary object (protected property holding an array)', () => {
    const s = scenario(
      'Search-replace updates iterable dictionary objects without dynamic property deprecations',
    );
    const cls = must(
      s.match(/new \\(WpOrg\\Requests\\Utility\\CaseInsensitiveDictionary)\(/),
      'class',
    )[1] as string;
    const [, key, url] = must(s.match(/'(\w+)' => '([^']+)'/), 'entry');
    const [, from, to] = must(s.match(/SearchReplacer\( '([^']+)', '([^']+)'/), 'pair');
    const value = encode({
      k: 'O',
      cls,
      entries: [
        [
          { k: 's', v: '\0*\0data' },
          {
            k: 'a',
            entries: [
              [
                { k: 's', v: key as string },
                { k: 's', v: url as string },
              ],
            ],
          },
        ],
      ],
    });
    const out = createRewriter([{ from: from as string, to: to as string }]).rewrite(value);
    const [contains] = docStrings(s, 'contain');
    const [notContains] = docStrings(s, 'not contain');
    expect(out).toContain(contains);
    expect(out).not.toContain(notContains);
    expect(() => decode(out)).not.toThrow();
  });

  it('excluded mysqli_result rows: class names untouched, malformed row byte-identical', () => {
    const s = scenario('Warn and ignore type-hinted objects that have some error in deserialization');
    const values = [...s.matchAll(/VALUES \('cereal_isation(?:_2)?','(.*?)'\)"/g)].map((m) =>
      (m[1] as string).replace(/\\"/g, '"'),
    );
    expect(values).toHaveLength(2);
    const [, from, to] = must(s.match(/`wp search-replace (\S+) (\S+)`/), 'pair');
    const rw = createRewriter([{ from: from as string, to: to as string }]);
    for (const v of values) expect(rw.rewrite(v)).toBe(v);
    expect(rw.stats.malformed).toBe(1);
  });
});
