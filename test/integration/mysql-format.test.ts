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
