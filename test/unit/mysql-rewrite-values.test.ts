// The MySQL engine's per-value rewrite step (JS prefilter + latin1 rewrite) against two models:
// the rewriter's own Buffer path, and, for plain (not serialized) values, split/join on the bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commonCore, createValueRewrite } from '../../src/data/mysql/rewrite-values.js';
import { createRewriter, escapedForms, looksSerialized } from '../../src/data/rewrite/index.js';

const FROM = 'https://prod.example.com';
const TO = 'https://staging.example.net/é';
const pairs = [{ from: FROM, to: TO }];

/** Plain-value model: every escaped form replaced, in order, on the raw bytes. */
function model(value: Buffer): Buffer {
  let s = value.toString('latin1');
  for (const f of escapedForms({ from: FROM, to: TO })) {
    const from = Buffer.from(f.from, 'utf8').toString('latin1');
    const to = Buffer.from(f.to, 'utf8').toString('latin1');
    s = s.split(from).join(to);
  }
  return Buffer.from(s, 'latin1');
}

const serialized = (payload: string) => `s:${Buffer.byteLength(payload)}:"${payload}";`;

const fragment = fc.oneof(
  fc.constantFrom(
    FROM,
    `${FROM}/wp-content/é漢😀`,
    'https:\\/\\/prod.example.com',
    'prod.example.co',
    'https://prod',
    'é',
    '漢',
    '😀',
  ),
  fc.constantFrom('\t', '\n', '\\', '\0', '\\N', '"', ';', 'a:1:{', 's:3:"'),
  fc.string({ maxLength: 6 }),
  fc.uint8Array({ maxLength: 4 }).map((b) => Buffer.from(b).toString('latin1')), // raw, maybe invalid UTF-8 (as latin1 chars)
);

/** Random values as bytes: plain text, invalid UTF-8, long ones (past the JS-scan limit), serialized. */
const valueArb: fc.Arbitrary<Buffer> = fc.oneof(
  fc.array(fragment, { maxLength: 12 }).map((parts) => Buffer.from(parts.join(''), 'utf8')),
  fc.array(fragment, { maxLength: 12 }).map((parts) => Buffer.from(parts.join(''), 'latin1')),
  fc
    .tuple(fc.array(fragment, { maxLength: 6 }), fc.integer({ min: 200, max: 700 }))
    .map(([parts, pad]) => Buffer.from('x'.repeat(pad) + parts.join('') + 'y'.repeat(pad % 97), 'utf8')),
  fc.array(fragment, { maxLength: 6 }).map((parts) => Buffer.from(serialized(parts.join('')), 'utf8')),
  fc
    .array(fragment, { maxLength: 6 })
    .map((parts) => Buffer.from(`a:2:{s:3:"url";${serialized(parts.join(''))}s:1:"n";i:7;}`, 'utf8')),
);

describe('mysql rewrite-values', () => {
  it('gives the same bytes as rewriteBuffer, and the same Buffer when nothing changed', () => {
    const rewriter = createRewriter(pairs);
    const step = createValueRewrite(rewriter, rewriter.searchStrings);
    fc.assert(
      fc.property(valueArb, (v) => {
        const copy = Buffer.from(v);
        const expected = createRewriter(pairs).rewriteBuffer(Buffer.from(v));
        const out = step(v);
        expect(out.equals(expected)).toBe(true);
        expect(v.equals(copy)).toBe(true); // the input is never written to
        if (out.equals(v)) expect(out).toBe(v);
      }),
      { numRuns: 3000 },
    );
  });

  it('matches split/join on the bytes for values that are not serialized', () => {
    const rewriter = createRewriter(pairs);
    const step = createValueRewrite(rewriter, rewriter.searchStrings);
    fc.assert(
      fc.property(valueArb, (v) => {
        fc.pre(!looksSerialized(v.toString('latin1')));
        expect(step(v).toString('hex')).toBe(model(v).toString('hex'));
      }),
      { numRuns: 3000 },
    );
  });

  it('finds the search string at either end of short and long values', () => {
    const rewriter = createRewriter(pairs);
    const step = createValueRewrite(rewriter, rewriter.searchStrings);
    for (const pad of [0, 1, 255 - FROM.length, 256 - FROM.length, 257 - FROM.length, 600]) {
      for (const v of [FROM + 'z'.repeat(pad), 'z'.repeat(pad) + FROM]) {
        expect(step(Buffer.from(v)).toString()).toBe(v.replace(FROM, TO));
      }
    }
    expect(step(Buffer.from(FROM.slice(0, -1)))).toEqual(Buffer.from(FROM.slice(0, -1)));
  });

  it('keeps serialized lengths right in UTF-8 bytes', () => {
    const rewriter = createRewriter(pairs);
    const step = createValueRewrite(rewriter, rewriter.searchStrings);
    const out = step(Buffer.from(serialized(`${FROM}/漢\t\\`), 'utf8')).toString('utf8');
    expect(out).toBe(serialized(`${TO}/漢\t\\`));
  });

  it('searches once for the run every form shares', () => {
    const forms = escapedForms({ from: FROM, to: TO }).map((f) => Buffer.from(f.from));
    expect(commonCore(forms)?.toString()).toBe('/prod.example.com'); // https:\/\/ ends in / too
    expect(commonCore([Buffer.from('ab/'), Buffer.from('ab\\/')])).toBeUndefined();
    expect(commonCore([])).toBeUndefined();
  });
});
