// A table's copy as a log line and back (Kestra keeps only log lines): every field survives the trip,
// MB to two decimals, and lines that only look alike are not read as a table.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTableLine, parseTableLine, tablesFromLines } from '../../src/util/table-progress-line.js';

const table = fc.stringMatching(/^[A-Za-z0-9_$]{1,30}$/);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });

describe('table progress lines', () => {
  it('round-trip rows, bytes (to 10 kB), the row estimate, chunks and the ETA', () => {
    fc.assert(
      fc.property(
        table,
        fc.constantFrom('copying' as const, 'done' as const),
        fc.nat(10_000_000),
        fc.nat(50_000_000_000),
        opt(fc.integer({ min: 1, max: 10_000_000 })),
        opt(
          fc
            .integer({ min: 2, max: 64 })
            .chain((total) => fc.record({ done: fc.nat(total), total: fc.constant(total) })),
        ),
        opt(fc.nat(100_000)),
        (name, status, rows, bytes, totalRows, chunks, etaSeconds) => {
          const line = formatTableLine({ table: name, status, rows, bytes, totalRows, chunks, etaSeconds });
          const back = parseTableLine(line)!;
          expect(back).not.toBeNull();
          expect(back.table).toBe(name);
          expect(back.status).toBe(status);
          expect(back.rows).toBe(rows);
          expect(Math.abs(back.bytes - bytes)).toBeLessThanOrEqual(5_000);
          if (status === 'copying') {
            expect(back.totalRows).toBe(totalRows);
            expect(back.chunks).toEqual(chunks);
            expect(back.etaSeconds).toBe(etaSeconds);
          } else {
            expect(back).toMatchObject({ totalRows: null, chunks: null, etaSeconds: null });
          }
        },
      ),
    );
  });

  it('reads only table lines, and keeps each table’s latest', () => {
    expect(parseTableLine('service MariaDB: SUCCESS')).toBeNull();
    expect(parseTableLine('table wp_posts: copying, 1 rows, 0.00 MB')).toBeNull();
    expect(parseTableLine('table wp_posts: 1 rows, 0.00 MB so far')).toBeNull();
    expect(
      tablesFromLines([
        'table a: copying, 1 rows, 0.00 MB so far',
        'table b: 2 rows, 0.00 MB',
        'table a: 3 rows, 0.01 MB',
      ]).map((t) => [t.table, t.status, t.rows]),
    ).toEqual([
      ['a', 'done', 3],
      ['b', 'done', 2],
    ]);
  });
});
