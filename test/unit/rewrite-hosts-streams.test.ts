// Host mode inside the copy engines' hot paths, against the rewriter's string entry point: the
// PostgreSQL COPY block scanner (hosts found in any case by the dot-anchored search, under random
// chunking) and the MySQL per-value pre-check (short values in JS, long ones via latin1).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CopyStream } from '../../src/data/postgres/copy-stream.js';
import { encodeText } from '../../src/data/postgres/copy-text.js';
import { createValueRewrite } from '../../src/data/mysql/rewrite-values.js';
import { createRewriter } from '../../src/data/rewrite/index.js';

const hosts = [
  { from: 'old.example.com', to: 'stg-42.up.railway.app' },
  { from: 'www.old.example.com', to: 'stg-42.up.railway.app' },
  { from: 'api.old.example.com', to: 'api-stg.up.railway.app' },
];
const ser = (s: string) => `s:${Buffer.byteLength(s)}:"${s}";`;
const pieces = [
  'old.example.com',
  'OLD.Example.COM',
  'www.old.example.com',
  'api.OLD.example.com',
  'cdn.old.example.com',
  'info@old.example.com',
  'old.example.com.au',
  'myold.example.com',
  'https://',
  'https:\\/\\/',
  '%2F',
  '%2f%2F',
  '.',
  '-',
  '/',
  ' ',
  '\t',
  '\n',
  '\\',
  'é',
  '漢',
  '🖖',
  '1.5',
];
const plain = fc.array(fc.constantFrom(...pieces), { maxLength: 8 }).map((p) => p.join(''));
const value = fc.oneof(
  plain,
  plain.map(ser),
  plain.map((s) => `a:1:{s:1:"u";${ser(ser(s))}}`),
  fc.constant(null),
);
const table = fc.integer({ min: 1, max: 3 }).chain((width) =>
  fc.record({
    rows: fc.array(fc.array(value, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 12 }),
    columns: fc.subarray([...Array(width).keys()]),
  }),
);

const toCopy = (rows: (string | null)[][]) =>
  Buffer.concat(
    rows.map((r) =>
      Buffer.concat([
        ...r.flatMap((v, i) => [
          Buffer.from(i > 0 ? '\t' : ''),
          v === null ? Buffer.from('\\N') : encodeText(v),
        ]),
        Buffer.from('\n'),
      ]),
    ),
  );

describe('host mode in the PostgreSQL COPY stream', () => {
  it('gives the string rewriter’s output whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(table, fc.array(fc.nat(2000), { maxLength: 8 }), async ({ rows, columns }, cuts) => {
        const model = createRewriter([], { hosts });
        const expected = toCopy(
          rows.map((r) => r.map((v, i) => (v !== null && columns.includes(i) ? model.rewrite(v) : v))),
        );
        const s = new CopyStream({
          rewriteColumns: columns,
          rewriter: createRewriter([], { hosts }),
          needles: [],
        });
        const out: Buffer[] = [];
        s.on('data', (c: Buffer) => out.push(c));
        const ended = new Promise((r) => s.on('end', r));
        const input = toCopy(rows);
        let at = 0;
        for (const c of [...new Set(cuts)].sort((a, b) => a - b))
          if (c > at && c < input.length) {
            s.write(input.subarray(at, c));
            at = c;
          }
        s.write(input.subarray(at));
        s.end();
        await ended;
        expect(Buffer.concat(out).toString('latin1')).toBe(expected.toString('latin1'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('host mode in the MySQL value rewrite', () => {
  it('gives the string rewriter’s bytes, the same Buffer when nothing changed, short and long values', () => {
    const long = plain.map((s) => `${'x'.repeat(300)}${s}`);
    fc.assert(
      fc.property(fc.oneof(plain, long, plain.map(ser)), (v) => {
        const rw = createRewriter([{ from: '/wp-content/', to: '/files/' }], { hosts });
        const want = createRewriter([{ from: '/wp-content/', to: '/files/' }], { hosts }).rewrite(v);
        const input = Buffer.from(v);
        const out = createValueRewrite(rw, rw.searchStrings)(input);
        expect(out.toString('utf8')).toBe(want);
        expect(out === input).toBe(want === v);
        const hostOnly = createRewriter([], { hosts });
        expect(createValueRewrite(hostOnly, hostOnly.searchStrings)(input).toString('utf8')).toBe(
          createRewriter([], { hosts }).rewrite(v),
        );
      }),
      { numRuns: 1000 },
    );
  });
});
