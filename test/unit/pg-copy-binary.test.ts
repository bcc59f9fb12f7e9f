// The COPY binary row counter against streams built from random rows (NULLs, empty and long fields,
// zero-column rows, a header extension), cut into random chunks: it counts every row once, knows
// when the stream is complete, and refuses what is not COPY binary.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryRowCounter } from '../../src/data/postgres/copy-binary.js';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

function encode(rows: (Buffer | null)[][], extension = Buffer.alloc(0), trailer = true): Buffer {
  const parts: Buffer[] = [SIGNATURE, Buffer.alloc(4)];
  const ext = Buffer.alloc(4);
  ext.writeUInt32BE(extension.length);
  parts.push(ext, extension);
  for (const row of rows) {
    const n = Buffer.alloc(2);
    n.writeInt16BE(row.length);
    parts.push(n);
    for (const f of row) {
      const len = Buffer.alloc(4);
      len.writeInt32BE(f === null ? -1 : f.length);
      parts.push(len, ...(f ? [f] : []));
    }
  }
  if (trailer) parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

function cut(data: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  for (let k = 0; i < data.length; k++) {
    const n = Math.max(1, sizes[k % Math.max(sizes.length, 1)] ?? data.length);
    out.push(data.subarray(i, i + n));
    i += n;
  }
  return out;
}

const field = fc.oneof(
  fc.constant(null),
  fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  fc.integer({ min: 70_000, max: 90_000 }).map((n) => Buffer.alloc(n, 7)),
);

describe('BinaryRowCounter', () => {
  it('counts every row once however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { maxLength: 6 }), { maxLength: 30 }),
        fc.uint8Array({ maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 20 }),
        (rows, ext, sizes) => {
          const counter = new BinaryRowCounter();
          let total = 0;
          for (const c of cut(encode(rows, Buffer.from(ext)), sizes)) total += counter.push(c);
          expect(total).toBe(rows.length);
          expect(counter.rows).toBe(rows.length);
          expect(counter.complete).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('cut one byte at a time', () => {
    const rows = [[Buffer.from('a'), null], [], [Buffer.alloc(0), Buffer.from('xyz')]];
    const counter = new BinaryRowCounter();
    for (const c of cut(encode(rows), [1])) counter.push(c);
    expect(counter.rows).toBe(3);
    expect(counter.complete).toBe(true);
  });

  it('is incomplete when the stream stops before the end marker or mid-field', () => {
    const whole = encode([[Buffer.from('hello')], [Buffer.from('world')]]);
    const noTrailer = new BinaryRowCounter();
    noTrailer.push(whole.subarray(0, whole.length - 2));
    expect(noTrailer.rows).toBe(2);
    expect(noTrailer.complete).toBe(false);
    const midField = new BinaryRowCounter();
    midField.push(whole.subarray(0, whole.length - 6));
    expect(midField.rows).toBe(1);
    expect(midField.complete).toBe(false);
  });

  it('refuses text COPY data and data after the end marker', () => {
    expect(() => new BinaryRowCounter().push(Buffer.from('1\tabc\n2\tdef\n'.repeat(3)))).toThrow(/signature/);
    const counter = new BinaryRowCounter();
    expect(() => counter.push(Buffer.concat([encode([[null]]), Buffer.from([0, 1])]))).toThrow(/end marker/);
  });
});
