// The COPY text codec against the real server: what COPY TO writes, decodeField reads back exactly,
// and what encodeField writes, COPY FROM stores exactly (any Unicode, control characters, backslashes).
import fc from 'fast-check';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeField, encodeField, isNullField, splitFields } from '../../src/data/postgres/copy-text.js';
import { CopyStream, needlesFor } from '../../src/data/postgres/copy-stream.js';
import { escapedForms } from '../../src/data/rewrite/index.js';
import { databases } from './pg-helpers.js';

const dbs = databases('pgcopy_txt');
let client: pg.Client;

beforeAll(async () => {
  const url = await dbs.create('db');
  client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('CREATE TABLE t (a text, b text)');
});

afterAll(async () => {
  await client.end();
  await dbs.dropAll();
});

const text = fc
  .array(
    fc.oneof(
      fc.constantFrom('\\', '\t', '\n', '\r', '\b', '\f', '\v', '\\N', 'N', '\x01', 'é', '🚀', 'x'),
      fc.string({ unit: 'binary' }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join('').replace(/\0/g, ''))
  // Lone surrogates have no UTF-8 form: keep strings that survive a UTF-8 round trip.
  .filter((s) => Buffer.from(s, 'utf8').toString('utf8') === s);

async function copyOut(sql: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(
    client.query(copyStreams.to(sql)),
    new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) }),
  );
  return Buffer.concat(chunks);
}

describe('COPY text codec', () => {
  it('decodes what COPY TO writes', async () => {
    await fc.assert(
      fc.asyncProperty(text, fc.option(text), async (a, b) => {
        const out = await copyOut(
          `COPY (SELECT ${client.escapeLiteral(a)}::text, ${b === null ? 'NULL' : client.escapeLiteral(b)}::text) TO STDOUT`,
        );
        const fields = splitFields(out.subarray(0, out.length - 1));
        expect(fields.length).toBe(2);
        expect(decodeField(fields[0] as Buffer).toString('utf8')).toBe(a);
        if (b === null) expect(isNullField(fields[1] as Buffer)).toBe(true);
        else expect(decodeField(fields[1] as Buffer).toString('utf8')).toBe(b);
      }),
      { numRuns: 60 },
    );
  });

  it('COPY FROM stores exactly what encodeField wrote; octal and hex escapes decode too', async () => {
    await fc.assert(
      fc.asyncProperty(text, async (a) => {
        await client.query('TRUNCATE t');
        const row = Buffer.concat([encodeField(Buffer.from(a, 'utf8')), Buffer.from('\t\\N\n')]);
        await pipeline(Readable.from([row]), client.query(copyStreams.from('COPY t FROM STDIN')));
        const r = await client.query<{ a: string; b: string | null }>('SELECT a, b FROM t');
        expect(r.rows).toEqual([{ a, b: null }]);
      }),
      { numRuns: 60 },
    );
    expect(decodeField(Buffer.from('\\101\\x42\\x4\\7z\\q')).toString('latin1')).toBe('AB\x04\x07zq');
  });

  it('CopyStream rewrites only chosen columns, across chunk boundaries, and counts rows', async () => {
    const rw = {
      rewriteBuffer: (b: Buffer) =>
        b.includes('old.example') ? Buffer.from(b.toString().replaceAll('old.example', 'new\texample')) : b,
    };
    const pairs = [{ from: 'https://old.example', to: 'x' }];
    const s = new CopyStream({ rewriteColumns: [1], rewriter: rw, needles: needlesFor(pairs, escapedForms) });
    const input = 'old.example\told.example\\\\x\n1\tplain\nold.example\t\\N\n';
    const out: Buffer[] = [];
    s.on('data', (c: Buffer) => out.push(c));
    // One byte at a time: rows and needles split across chunks.
    for (const ch of Buffer.from(input)) s.write(Buffer.from([ch]));
    s.end();
    await new Promise((r) => s.on('end', r));
    expect(Buffer.concat(out).toString()).toBe(
      'old.example\tnew\\texample\\\\x\n1\tplain\nold.example\t\\N\n',
    );
    expect(s.rows).toBe(3);
    expect(s.rewritten).toBe(1);
    expect(s.bytes).toBe(Buffer.byteLength(input));
  });
});
