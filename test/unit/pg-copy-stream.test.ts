// The COPY-text Transform against a plain model (split rows and fields, decode, rewrite the string,
// encode byte by byte), under random chunking: patterns and rows split across chunks, escaped
// backslashes before a pattern, multibyte UTF-8, NULL and empty fields, serialized values, JSON forms.
// Also: the rewriter's Buffer entry point gives the bytes of its string entry point.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CopyStream, needlesFor } from '../../src/data/postgres/copy-stream.js';
import { createRewriter, escapedForms } from '../../src/data/rewrite/index.js';

const FROM = 'https://old.example.com';
const TO = 'https://staging-42.up.railway.app';
const pairs = [{ from: FROM, to: TO }];
const ser = (s: string) => `s:${Buffer.byteLength(s)}:"${s}";`;

/** Reference COPY escaping, one byte at a time. */
function modelEncode(value: Buffer): Buffer {
  const map: Record<number, string> = { 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r', 92: '\\' };
  const out: number[] = [];
  for (const c of value) {
    const e = map[c];
    if (e === undefined) out.push(c);
    else out.push(92, e.charCodeAt(0));
  }
  return Buffer.from(out);
}

/** Rows of raw values (null = SQL NULL) → COPY text. */
const toCopy = (rows: (string | null)[][]) =>
  Buffer.concat(
    rows.map((r) =>
      Buffer.concat([
        ...r.flatMap((v, i) => [
          Buffer.from(i > 0 ? '\t' : ''),
          v === null ? Buffer.from('\\N') : modelEncode(Buffer.from(v)),
        ]),
        Buffer.from('\n'),
      ]),
    ),
  );

/** What the stream must produce: every chosen non-NULL value through the rewriter's string entry point. */
function model(rows: (string | null)[][], columns: number[], caseSensitive = true): Buffer {
  const rw = createRewriter(pairs, { caseSensitive });
  return toCopy(rows.map((r) => r.map((v, i) => (v !== null && columns.includes(i) ? rw.rewrite(v) : v))));
}

async function stream(
  input: Buffer,
  cuts: number[],
  columns: number[],
  caseSensitive = true,
): Promise<{ out: Buffer; s: CopyStream }> {
  const rewriter = createRewriter(pairs, { caseSensitive });
  // Case-insensitive: no needle can pre-filter (any letter case may match), so every field is looked at.
  const s = new CopyStream({
    rewriteColumns: columns,
    rewriter,
    needles: caseSensitive ? needlesFor(pairs, escapedForms) : [],
  });
  const out: Buffer[] = [];
  s.on('data', (c: Buffer) => out.push(c));
  const ended = new Promise((r) => s.on('end', r));
  let at = 0;
  for (const c of [...new Set(cuts)].sort((a, b) => a - b)) {
    if (c > at && c < input.length) {
      s.write(input.subarray(at, c));
      at = c;
    }
  }
  s.write(input.subarray(at));
  s.end();
  await ended;
  return { out: Buffer.concat(out), s };
}

const pieces = [
  FROM,
  FROM.replace(/\//g, '\\/'),
  'old.example.com',
  'https://OLD.example.com',
  '\\',
  '\\\\',
  '\t',
  '\n',
  '\r',
  '\b',
  '\f',
  '\v',
  'é',
  '漢字',
  '🖖',
  ' ',
  'x',
  '"',
  '\\N',
  'N',
  ':',
  ';',
  '/',
];
const plain = fc.array(fc.constantFrom(...pieces), { maxLength: 6 }).map((p) => p.join(''));
const value = fc.oneof(
  plain,
  plain.map((s) => ser(s)),
  plain.map((s) => `a:2:{s:1:"u";${ser(s)}s:1:"n";${ser(ser(`${FROM}/${s}`))}}`),
  fc.constant(''),
  fc.constant(null),
);
const table = fc.integer({ min: 1, max: 4 }).chain((width) =>
  fc.record({
    rows: fc.array(fc.array(value, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 12 }),
    columns: fc.subarray([...Array(width).keys()]),
  }),
);

describe('CopyStream rewrite', () => {
  it('gives the model output whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(table, fc.array(fc.nat(4000), { maxLength: 12 }), async ({ rows, columns }, cuts) => {
        const input = toCopy(rows);
        const { out, s } = await stream(input, cuts, columns);
        expect(out.toString('latin1')).toBe(model(rows, columns).toString('latin1'));
        expect(s.rows).toBe(rows.length);
        expect(s.bytes).toBe(input.length);
      }),
      { numRuns: 400 },
    );
  });

  it('case-insensitive rewriter (through the Buffer path), every field looked at', async () => {
    await fc.assert(
      fc.asyncProperty(table, fc.array(fc.nat(4000), { maxLength: 6 }), async ({ rows, columns }, cuts) => {
        const { out } = await stream(toCopy(rows), cuts, columns, false);
        expect(out.toString('latin1')).toBe(model(rows, columns, false).toString('latin1'));
      }),
      { numRuns: 200 },
    );
  });

  it('edge cases: pattern cut between chunks, escaped backslash before it, multibyte cut, NULL', async () => {
    const rows = [
      [`\\${FROM}/a`, null, `é${FROM}漢`],
      ['', `${FROM.replace(/\//g, '\\/')}\\/x\t${FROM}`, ser(`🖖${FROM}`)],
      [`\\\\${FROM}\\`, '\\N', 'N'],
    ];
    const input = toCopy(rows);
    const expected = model(rows, [0, 1, 2]);
    expect(expected.includes(TO)).toBe(true);
    for (let cut = 1; cut < input.length; cut++) {
      const { out, s } = await stream(input, [cut, cut + 7], [0, 1, 2]);
      expect(out.toString('latin1')).toBe(expected.toString('latin1'));
      expect(s.rewritten).toBe(5);
    }
  });
});

describe('rewriteBuffer', () => {
  it('gives the UTF-8 bytes of rewrite() and counts the same', () => {
    fc.assert(
      fc.property(
        value.filter((v): v is string => v !== null),
        (v) => {
          const a = createRewriter(pairs);
          const b = createRewriter(pairs);
          const input = Buffer.from(v);
          const out = a.rewriteBuffer(input);
          const expected = b.rewrite(v);
          expect(out.toString('latin1')).toBe(Buffer.from(expected).toString('latin1'));
          expect(out === input).toBe(expected === v);
          expect(a.stats).toEqual(b.stats);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('replaces byte for byte in values that are not UTF-8', () => {
    const rw = createRewriter(pairs);
    const v = Buffer.concat([Buffer.from([0xff, 0xc3]), Buffer.from(FROM), Buffer.from([0x80])]);
    expect(rw.rewriteBuffer(v)).toEqual(
      Buffer.concat([Buffer.from([0xff, 0xc3]), Buffer.from(TO), Buffer.from([0x80])]),
    );
  });
});
