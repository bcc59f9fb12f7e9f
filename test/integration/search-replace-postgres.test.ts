// db search-replace against a real PostgreSQL: PK and no-PK tables, serialized values, views,
// dry-run, skip-columns, json/jsonb, and the CLI.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchReplace } from '../../src/data/rewrite/index.js';

const ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `rewrite_sr_pg_${Math.random().toString(36).slice(2, 10)}`;
const url = `postgres://postgres@127.0.0.1:5432/${dbName}`;
const OLD = 'http://old.example';
const NEW = 'https://staging.new.example';
const ser = (s: string) => `s:${Buffer.byteLength(s)}:"${s}";`;

async function withDb<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
const snapshot = () =>
  withDb(async (c) => {
    const out: Record<string, unknown[]> = {};
    for (const t of ['wp_options', 'wp_posts', 'wp_users', 'nopk_log', 'docs']) {
      out[t] = (await c.query(`SELECT * FROM ${t} ORDER BY 1, 2`)).rows;
    }
    return out;
  });

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  await withDb(async (c) => {
    await c.query(`
      CREATE TABLE wp_options (option_id bigserial PRIMARY KEY, option_name varchar(191) NOT NULL, option_value text NOT NULL);
      CREATE TABLE wp_posts (id bigint PRIMARY KEY, post_content text, post_excerpt text, guid varchar(255));
      CREATE TABLE wp_users (id bigint, login text, user_pass varchar(255), user_url varchar(100), PRIMARY KEY (id, login));
      CREATE TABLE nopk_log (n int, msg text);
      CREATE TABLE docs (id int PRIMARY KEY, body jsonb, raw json);
      CREATE VIEW v_posts AS SELECT id, post_content FROM wp_posts;`);
    const widget = `a:2:{s:5:"title";${ser('Héllo!')}s:3:"url";${ser(`${OLD}/ünï/🖖`)}}`;
    const nested = ser(`a:1:{i:0;${ser(`${OLD}/nested`)}}`);
    await c.query(
      `INSERT INTO wp_options (option_name, option_value) VALUES
      ('siteurl', $1), ('widget', $2), ('nested', $3), ('float', $4), ('broken', $5), ('other', 'nothing here')`,
      [
        OLD,
        widget,
        nested,
        `a:2:{i:0;d:0.1000000000000000055511151231257827;i:1;${ser(OLD)}}`,
        `a:1:{s:3:"url";s:99:"${OLD}";}`,
      ],
    );
    await c.query(
      `INSERT INTO wp_posts VALUES
      (1, $1, $2, $3), (2, 'no match', 'no match', 'x'), (3, $4, NULL, NULL)`,
      [
        `<a href="${OLD}/a">a</a> <!-- wp:image {"url":"http:\\/\\/old.example\\/b.jpg"} -->`,
        `excerpt ${OLD}`,
        `${OLD}/?p=1`,
        `${OLD} ${OLD}`,
      ],
    );
    await c.query(`INSERT INTO wp_users VALUES (1, 'admin', $1, $2)`, [`$P$B${OLD}`, OLD]);
    await c.query(`INSERT INTO nopk_log VALUES (1, $1), (1, $1), (2, 'plain'), (3, $2)`, [
      `seen ${OLD}`,
      ser(OLD),
    ]);
    await c.query(`INSERT INTO docs VALUES (1, $1, $2)`, [
      JSON.stringify({ u: `${OLD}/x`, n: 1 }),
      JSON.stringify({ u: `${OLD}/x`, n: 1 }),
    ]);
  });
});

afterAll(async () => {
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
});

const col = (r: Awaited<ReturnType<typeof searchReplace>>, table: string, column: string) =>
  r.tables.find((t) => t.table === table)?.columns.find((c) => c.column === column);

describe('db search-replace on PostgreSQL', () => {
  let dryTotal = 0;

  it('dry run reports the changes and writes nothing', async () => {
    const before = await snapshot();
    const r = await searchReplace({
      url,
      pairs: [{ from: OLD, to: NEW }],
      dryRun: true,
      skipColumns: ['post_excerpt'],
    });
    expect(r.dryRun).toBe(true);
    expect(await snapshot()).toEqual(before);
    expect(col(r, 'wp_options', 'option_value')).toEqual({
      column: 'option_value',
      matched: 5,
      changed: 4,
      malformed: 1,
    });
    dryTotal = r.totalChanged;
    expect(dryTotal).toBeGreaterThan(0);
  });

  it('rewrites in place with correct lengths, by primary key and by ctid', async () => {
    const r = await searchReplace({ url, pairs: [{ from: OLD, to: NEW }], skipColumns: ['post_excerpt'] });
    expect(r.totalChanged).toBe(dryTotal);
    expect(r.tables.find((t) => t.table === 'v_posts')).toMatchObject({ status: 'skipped', reason: 'view' });
    expect(r.tables.find((t) => t.table === 'nopk_log')).toMatchObject({
      status: 'done',
      method: 'ctid',
      rowsChanged: 3,
    });
    expect(col(r, 'wp_posts', 'post_content')).toMatchObject({ matched: 2, changed: 2 });
    expect(col(r, 'wp_posts', 'guid')).toMatchObject({ changed: 1 });
    expect(col(r, 'wp_posts', 'post_excerpt')).toBeUndefined();
    expect(col(r, 'wp_users', 'user_pass')).toBeUndefined();

    await withDb(async (c) => {
      const opt = Object.fromEntries(
        (await c.query('SELECT option_name, option_value FROM wp_options')).rows.map((x) => [
          x.option_name,
          x.option_value,
        ]),
      );
      expect(opt.siteurl).toBe(NEW);
      expect(opt.widget).toBe(`a:2:{s:5:"title";${ser('Héllo!')}s:3:"url";${ser(`${NEW}/ünï/🖖`)}}`);
      expect(opt.nested).toBe(ser(`a:1:{i:0;${ser(`${NEW}/nested`)}}`));
      expect(opt.float).toBe(`a:2:{i:0;d:0.1000000000000000055511151231257827;i:1;${ser(NEW)}}`);
      expect(opt.broken).toBe(`a:1:{s:3:"url";s:99:"${OLD}";}`);
      const posts = (await c.query('SELECT * FROM wp_posts ORDER BY id')).rows;
      expect(posts[0].post_content).toBe(
        `<a href="${NEW}/a">a</a> <!-- wp:image {"url":"https:\\/\\/staging.new.example\\/b.jpg"} -->`,
      );
      expect(posts[0].post_excerpt).toBe(`excerpt ${OLD}`);
      expect(posts[2].post_content).toBe(`${NEW} ${NEW}`);
      const user = (await c.query('SELECT * FROM wp_users')).rows[0];
      expect(user.user_pass).toBe(`$P$B${OLD}`);
      expect(user.user_url).toBe(NEW);
      const logs = (await c.query('SELECT n, msg FROM nopk_log ORDER BY n, msg')).rows;
      expect(logs).toEqual([
        { n: 1, msg: `seen ${NEW}` },
        { n: 1, msg: `seen ${NEW}` },
        { n: 2, msg: 'plain' },
        { n: 3, msg: ser(NEW) },
      ]);
      const doc = (await c.query('SELECT body, raw FROM docs')).rows[0];
      expect(doc.body).toEqual({ u: `${NEW}/x`, n: 1 });
      expect(doc.raw).toEqual({ u: `${NEW}/x`, n: 1 });
    });
  });

  it('a second run finds nothing left to change', async () => {
    const r = await searchReplace({ url, pairs: [{ from: OLD, to: NEW }], skipColumns: ['post_excerpt'] });
    // Only the malformed option and the skipped column still hold the old URL.
    expect(r.totalChanged).toBe(0);
    expect(col(r, 'wp_options', 'option_value')).toMatchObject({ matched: 1, changed: 0, malformed: 1 });
  });

  it('--tables limits the walk; the CLI prints the JSON report and refuses a URL without a database', async () => {
    const run = promisify(execFile);
    const { stdout } = await run('npx', [
      'tsx',
      'src/cli.ts',
      'db',
      'search-replace',
      '--url',
      url,
      'excerpt',
      'summary',
      '--tables',
      'wp_post*',
      '--report',
      'json',
    ]);
    const report = JSON.parse(stdout);
    expect(report.tables.map((t: { table: string }) => t.table)).toEqual(['wp_posts']);
    expect(report.totalChanged).toBe(1);
    await expect(
      run('npx', [
        'tsx',
        'src/cli.ts',
        'db',
        'search-replace',
        '--url',
        'postgres://postgres@127.0.0.1:5432',
        'a',
        'b',
      ]),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('must name a database'),
    });
  });
});
