// A big MariaDB table split by primary-key ranges over the jobs, with its secondary keys built
// after the rows: every row lands once (rewritten per chunk), the table ends with the same
// definition and keys, checksums agree, progress comes per chunk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyMysql } from '../../src/data/mysql/index.js';
import type { ProgressEvent } from '../../src/util/progress.js';
import { createDb, dropAll, rawRows, scalarOf, showCreate, type TestDb } from './mysql-helpers.js';

const all: TestDb[] = [];
let src: TestDb;
const ROWS = 110_000;

beforeAll(async () => {
  src = await createDb('split_src');
  all.push(src);
  await src.conn.query(`CREATE TABLE big (id int PRIMARY KEY, url varchar(100) NOT NULL, body text,
    KEY by_url (url), UNIQUE KEY body_prefix (body(40), id)) ENGINE=InnoDB`);
  // Id gaps, so the key ranges are uneven in rows.
  await src.conn
    .query(`INSERT INTO big SELECT IF(seq % 3 = 0, seq * 7, seq), CONCAT('https://old.example/e/', seq),
    REPEAT(MD5(seq), 10) FROM seq_1_to_${ROWS}`);
  await src.conn.query('CREATE TABLE small (id int PRIMARY KEY, note varchar(20))');
  await src.conn.query(`INSERT INTO small SELECT seq, CONCAT('n', seq) FROM seq_1_to_20`);
  await src.conn.query('ANALYZE TABLE big, small');
}, 180_000);

afterAll(async () => {
  await dropAll(all);
});

describe('copyMysql with a split table and deferred keys', () => {
  it('copies every row once in key ranges, rewritten, with the same keys and chunk progress', async () => {
    const dst = await createDb('split_dst');
    all.push(dst);
    const events: ProgressEvent[] = [];
    const report = await copyMysql({
      source: src.url,
      target: dst.url,
      jobs: 2,
      checksums: true,
      rewrite: [{ from: 'https://old.example', to: 'https://new.example' }],
      onProgress: (e) => events.push(e),
    });
    const mine = events.flatMap((e) => (e.kind === 'table' && e.table === 'big' ? [e] : []));
    const chunks = mine.flatMap((e) => (e.chunks ? [e.chunks] : []));
    expect(chunks[0]?.total ?? 0).toBeGreaterThanOrEqual(2);
    expect(chunks.map((c) => c.done)).toContain(chunks[0]?.total);
    expect(mine.filter((e) => e.status === 'done')).toHaveLength(1);
    expect(report.tables.find((t) => t.table === 'big')).toMatchObject({ rows: ROWS, rewritten: ROWS });

    expect(await showCreate(dst, 'big')).toBe(await showCreate(src, 'big'));
    expect(
      Number(
        await scalarOf(
          dst,
          `SELECT COUNT(*) FROM big WHERE url <> CONCAT('https://new.example/e/', SUBSTRING_INDEX(url, '/', -1))`,
        ),
      ),
    ).toBe(0);
    expect(await rawRows(dst, 'big', ['url'])).toEqual(await rawRows(src, 'big', ['url']));
  }, 240_000);

  it('gives the same table without splitting and without deferred keys', async () => {
    const dst = await createDb('split_plain');
    all.push(dst);
    await copyMysql({ source: src.url, target: dst.url, jobs: 2, splitTables: false, deferKeys: false });
    expect(await showCreate(dst, 'big')).toBe(await showCreate(src, 'big'));
    expect(await rawRows(dst, 'big')).toEqual(await rawRows(src, 'big'));
  }, 240_000);
});
