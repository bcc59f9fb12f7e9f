// Masking a block of COPY-text rows against a plain model (split rows and fields, decode each value
// from its UTF-8 bytes, mask with the table masker, encode byte by byte): ASCII and multibyte values,
// COPY escapes (tab, newline, backslash) inside names and e-mails, NULL and empty fields.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMasker } from '../../src/data/mask/index.js';
import { maskBlock } from '../../src/data/postgres/copy-mask.js';

const COLUMNS = ['umeta_id', 'user_id', 'meta_key', 'meta_value'];
const KEYS = ['first_name', 'billing_email', 'billing_phone', 'description', 'session_tokens'];
const builtins = (await createMasker({ builtins: true, key: 'k' }))!;
const masker = () =>
  builtins.forTable(
    'wp_usermeta',
    COLUMNS.map((name) => ({ name, textLike: true })),
  )!;

/** Reference COPY escaping, one byte at a time. */
function encode(value: string): string {
  const map: Record<number, string> = { 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r', 92: '\\' };
  let out = '';
  for (const c of Buffer.from(value, 'utf8')) {
    const e = map[c];
    out += e === undefined ? String.fromCharCode(c) : `\\${e}`;
  }
  return out;
}
const toCopy = (rows: (string | null)[][]) =>
  Buffer.from(
    rows.map((r) => r.map((v) => (v === null ? '\\N' : encode(v))).join('\t') + '\n').join(''),
    'latin1',
  );

function model(rows: (string | null)[][]): Buffer {
  const m = masker();
  return toCopy(
    rows.map((r) => {
      const row = [...r];
      m.maskRow(
        (i) => row[i] ?? null,
        (i, v) => (row[i] = v),
      );
      return row;
    }),
  );
}

const value = fc.oneof(
  fc.constantFrom(
    'Jane',
    'Élodie van Dürer',
    '漢字 🖖',
    'a\tb',
    'line\nbreak',
    'back\\slash',
    '',
    '+1 555 0100',
  ),
  fc.constantFrom('jane@example.org', 'Ünï@example.org', 'tab\t@example.org'),
  fc.string(),
);
const row = fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...KEYS), fc.option(value, { nil: null }));

describe('maskBlock', () => {
  it('gives the model’s bytes for ASCII, multibyte and escaped values', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 30 }), (rows) => {
        const input = rows.map(([a, b, k, v]) => [String(a), String(b), k, v]);
        expect(maskBlock(toCopy(input), masker()).toString('latin1')).toBe(model(input).toString('latin1'));
      }),
      { numRuns: 300 },
    );
  });

  it('returns the same Buffer when no row changes', () => {
    const block = toCopy([['1', '2', 'description', 'nothing personal']]);
    expect(maskBlock(block, masker())).toBe(block);
  });
});
