// The LOAD DATA encoder and DEFINER stripping, without a server.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripDefiner } from '../../src/data/mysql/ddl.js';
import { LoadDataEncoder, type RawRow } from '../../src/data/mysql/load-format.js';

/** The reading side of LOAD DATA … FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n'. */
function parse(data: Buffer): RawRow[] {
  const rows: RawRow[] = [];
  let row: RawRow = [];
  let field: number[] = [];
  let escaped = false;
  let nullField = false;
  const end = () => {
    row.push(nullField ? null : Buffer.from(field));
    field = [];
    nullField = false;
  };
  for (const b of data) {
    if (escaped) {
      escaped = false;
      if (b === 0x4e && field.length === 0) nullField = true;
      else field.push(({ 0x30: 0, 0x74: 9, 0x6e: 10, 0x5c: 92 } as Record<number, number>)[b] ?? b);
    } else if (b === 0x5c) escaped = true;
    else if (b === 0x09) end();
    else if (b === 0x0a) {
      end();
      rows.push(row);
      row = [];
    } else field.push(b);
  }
  return rows;
}

async function encode(
  rows: RawRow[],
  map?: (r: RawRow) => void,
): Promise<{ out: Buffer; enc: LoadDataEncoder }> {
  const enc = new LoadDataEncoder(map);
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    Readable.from(rows.map((r) => [...r]))
      .pipe(enc)
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', resolve)
      .on('error', reject);
  });
  return { out: Buffer.concat(chunks), enc };
}

describe('LoadDataEncoder', () => {
  it('round-trips any bytes, NULL, empty and the literal \\N', async () => {
    const rows: RawRow[] = [
      [Buffer.from([0, 9, 10, 13, 92, 78, 255]), null, Buffer.alloc(0), Buffer.from('\\N')],
      [
        Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
        Buffer.from('\u{1F600}'),
        null,
        Buffer.from('NULL'),
      ],
    ];
    const { out, enc } = await encode(rows);
    expect(parse(out)).toEqual(rows);
    expect(enc.rows).toBe(2);
    expect(enc.bytes).toBe(out.length);
  });

  it('round-trips random rows, including values larger than a chunk', async () => {
    const value = fc.oneof(
      fc.constant(null),
      fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(value, { minLength: 1, maxLength: 5 }), { maxLength: 50 }),
        async (rows) => {
          const { out } = await encode(rows);
          expect(parse(out)).toEqual(rows);
        },
      ),
      { numRuns: 100 },
    );
    const big = Buffer.alloc(3 * 1024 * 1024, 0x5c);
    const { out } = await encode([[big, null]]);
    expect(parse(out)).toEqual([[big, null]]);
  });

  it('round-trips long values (scanned natively): clean, sparse and dense escapes, mixed with short ones', async () => {
    const text = (n: number, every: number, byte: number) =>
      Buffer.from(
        Array.from({ length: n }, (_, i) => (every > 0 && i % every === every - 1 ? byte : 0x61 + (i % 26))),
      );
    const rows: RawRow[] = [
      [text(300, 0, 0), Buffer.from('1'), text(70_000, 0, 0)], // clean: passed on as they are
      [text(5_000, 997, 0x0a), null, text(5_000, 1_009, 0x5c)], // sparse newlines, backslashes
      [text(4_000, 3, 0x00), text(4_000, 2, 0x09)], // dense: back to the byte loop midway
      [Buffer.concat([text(600, 0, 0), Buffer.from([0x5c, 0x09, 0x0a, 0x00])]), text(256, 256, 0x5c)],
      [text(600_000, 0, 0), text(600_000, 50_000, 0x0a)], // larger than a chunk and a push
    ];
    const { out, enc } = await encode(rows);
    expect(parse(out)).toEqual(rows);
    expect(enc.bytes).toBe(out.length);
    const value = fc.oneof(
      fc.constant(null),
      fc
        .array(fc.constantFrom(0x00, 0x09, 0x0a, 0x5c, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48), {
          minLength: 250,
          maxLength: 2_000,
        })
        .map((a) => Buffer.from(a)),
      fc.uint8Array({ minLength: 250, maxLength: 2_000 }).map((a) => Buffer.from(a)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(value, { minLength: 1, maxLength: 4 }), { maxLength: 10 }),
        async (r) => {
          const { out: o } = await encode(r);
          expect(parse(o)).toEqual(r);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('applies the row mapper (the rewrite) before encoding', async () => {
    const { out } = await encode([[Buffer.from('http://a'), Buffer.from('x')]], (r) => {
      r[0] = Buffer.from('https://b\t');
    });
    expect(parse(out)).toEqual([[Buffer.from('https://b\t'), Buffer.from('x')]]);
  });
});

describe('stripDefiner', () => {
  it.each([
    [
      'CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`%` SQL SECURITY DEFINER VIEW `v` AS select 1',
      'CREATE ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `v` AS select 1',
    ],
    [
      "CREATE DEFINER=`a``b`@`localhost` TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @d = 'DEFINER=`x`@`y`'",
      "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @d = 'DEFINER=`x`@`y`'",
    ],
    ["CREATE DEFINER='u'@'h' PROCEDURE p() BEGIN END", 'CREATE PROCEDURE p() BEGIN END'],
    [
      'CREATE DEFINER=CURRENT_USER FUNCTION f() RETURNS INT RETURN 1',
      'CREATE FUNCTION f() RETURNS INT RETURN 1',
    ],
    ['CREATE OR REPLACE DEFINER=root@localhost VIEW v AS SELECT 1', 'CREATE OR REPLACE VIEW v AS SELECT 1'],
    ['CREATE VIEW v AS SELECT "DEFINER=`x`@`y`"', 'CREATE VIEW v AS SELECT "DEFINER=`x`@`y`"'],
  ])('%s', (input, expected) => {
    expect(stripDefiner(input)).toBe(expected);
  });
});
