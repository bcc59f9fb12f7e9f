// db search-replace against a real MariaDB/MySQL: PK (single and composite) and no-PK tables,
// serialized values, a view, dry-run, skip-columns, case sensitivity under a _ci collation.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchReplace } from '../../src/data/rewrite/index.js';

const dbName = `rewrite_sr_my_${Math.random().toString(36).slice(2, 10)}`;
const url = `mysql://root@127.0.0.1:3306/${dbName}`;
const OLD = 'http://old.example';
const NEW = 'https://staging.new.example';
const ser = (s: string) => `s:${Buffer.byteLength(s)}:"${s}";`;

async function withDb<T>(fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await mysql.createConnection({ uri: url, charset: 'utf8mb4' });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
const rows = (c: mysql.Connection, sql: string) => c.query(sql).then(([r]) => r as Record<string, unknown>[]);
const snapshot = () =>
  withDb(async (c) => ({
    o: await rows(c, 'SELECT * FROM wp_options ORDER BY 1'),
    p: await rows(c, 'SELECT * FROM wp_posts ORDER BY 1'),
    u: await rows(c, 'SELECT * FROM wp_users ORDER BY 1'),
    l: await rows(c, 'SELECT * FROM nopk_log ORDER BY 1, 2'),
  }));

beforeAll(async () => {
  const admin = await mysql.createConnection({ uri: 'mysql://root@127.0.0.1:3306/' });
  await admin.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  await withDb(async (c) => {
    await c.query(
      `CREATE TABLE wp_options (option_id bigint unsigned AUTO_INCREMENT PRIMARY KEY, option_name varchar(191) NOT NULL, option_value longtext NOT NULL)`,
    );
    await c.query(
      `CREATE TABLE wp_posts (ID bigint PRIMARY KEY, post_content longtext, post_excerpt text, guid varchar(255), post_date datetime(6))`,
    );
    await c.query(
      `CREATE TABLE wp_users (ID bigint, user_login varchar(60), user_pass varchar(255), user_url varchar(100), PRIMARY KEY (ID, user_login))`,
    );
    await c.query(`CREATE TABLE nopk_log (n int, score double, msg text, at datetime)`);
    await c.query(`CREATE VIEW v_posts AS SELECT ID, post_content FROM wp_posts`);
    const widget = `a:2:{s:5:"title";${ser('Héllo!')}s:3:"url";${ser(`${OLD}/ünï/🖖`)}}`;
    await c.query(
      `INSERT INTO wp_options (option_name, option_value) VALUES (?, ?), (?, ?), (?, ?), (?, ?), (?, ?)`,
      [
        'siteurl',
        OLD,
        'widget',
        widget,
        'nested',
        ser(`a:1:{i:0;${ser(`${OLD}/nested`)}}`),
        'float',
        `a:2:{i:0;d:0.1000000000000000055511151231257827;i:1;${ser(OLD)}}`,
        'broken',
        `a:1:{s:3:"url";s:99:"${OLD}";}`,
      ],
    );
    await c.query(
      `INSERT INTO wp_posts VALUES (1, ?, ?, ?, '2024-01-02 03:04:05.123456'), (2, 'no match', 'no', 'x', NULL), (3, ?, NULL, NULL, NULL)`,
      [
        `<a href="${OLD}/a">a</a> {"url":"http:\\/\\/old.example\\/b.jpg"}`,
        `excerpt ${OLD}`,
        `${OLD}/?p=1`,
        `HTTP://OLD.EXAMPLE stays`,
      ],
    );
    await c.query(`INSERT INTO wp_users VALUES (1, 'admin', ?, ?)`, [`$P$B${OLD}`, OLD]);
    await c.query(
      `INSERT INTO nopk_log VALUES (1, 0.1, ?, '2024-01-01 00:00:00'), (1, 0.1, ?, '2024-01-01 00:00:00'), (2, NULL, 'plain', NULL), (3, 2.5, ?, NULL)`,
      [`seen ${OLD}`, `seen ${OLD}`, ser(OLD)],
    );
  });
});

afterAll(async () => {
  const admin = await mysql.createConnection({ uri: 'mysql://root@127.0.0.1:3306/' });
  await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
  await admin.end();
});

const col = (r: Awaited<ReturnType<typeof searchReplace>>, table: string, column: string) =>
  r.tables.find((t) => t.table === table)?.columns.find((c) => c.column === column);

describe('db search-replace on MariaDB', () => {
  let dryTotal = -1;

  it('dry run reports the changes and writes nothing', async () => {
    const before = await snapshot();
    const r = await searchReplace({
      url,
      pairs: [{ from: OLD, to: NEW }],
      dryRun: true,
      skipColumns: ['wp_posts.post_excerpt'],
    });
    expect(await snapshot()).toEqual(before);
    expect(r.engine).toBe('mysql');
    expect(col(r, 'wp_options', 'option_value')).toEqual({
      column: 'option_value',
      matched: 5,
      changed: 4,
      malformed: 1,
    });
    dryTotal = r.totalChanged;
  });

  it('rewrites in place: by primary key, and by full old row without one', async () => {
    const r = await searchReplace({
      url,
      pairs: [{ from: OLD, to: NEW }],
      skipColumns: ['wp_posts.post_excerpt'],
    });
    expect(r.totalChanged).toBe(dryTotal);
    // siteurl, widget, nested, float (options) + post 1 content, post 1 guid + user_url + 3 log rows
    expect(r.totalChanged).toBe(4 + 2 + 1 + 3);
    expect(r.tables.find((t) => t.table === 'v_posts')).toMatchObject({ status: 'skipped', reason: 'view' });
    expect(r.tables.find((t) => t.table === 'nopk_log')).toMatchObject({
      status: 'done',
      method: 'full row',
      rowsChanged: 3,
    });
    expect(col(r, 'wp_posts', 'post_content')).toMatchObject({ matched: 1, changed: 1 });
    expect(col(r, 'wp_users', 'user_pass')).toBeUndefined();

    await withDb(async (c) => {
      const opt = Object.fromEntries(
        (await rows(c, 'SELECT option_name, option_value FROM wp_options')).map((x) => [
          x.option_name,
          x.option_value,
        ]),
      );
      expect(opt.siteurl).toBe(NEW);
      expect(opt.widget).toBe(`a:2:{s:5:"title";${ser('Héllo!')}s:3:"url";${ser(`${NEW}/ünï/🖖`)}}`);
      expect(opt.nested).toBe(ser(`a:1:{i:0;${ser(`${NEW}/nested`)}}`));
      expect(opt.float).toBe(`a:2:{i:0;d:0.1000000000000000055511151231257827;i:1;${ser(NEW)}}`);
      expect(opt.broken).toBe(`a:1:{s:3:"url";s:99:"${OLD}";}`);
      const posts = await rows(c, 'SELECT * FROM wp_posts ORDER BY ID');
      expect(posts[0]?.post_content).toBe(
        `<a href="${NEW}/a">a</a> {"url":"https:\\/\\/staging.new.example\\/b.jpg"}`,
      );
      expect(posts[0]?.post_excerpt).toBe(`excerpt ${OLD}`);
      expect(posts[0]?.guid).toBe(`${NEW}/?p=1`);
      expect(posts[2]?.post_content).toBe('HTTP://OLD.EXAMPLE stays');
      const user = (await rows(c, 'SELECT * FROM wp_users'))[0];
      expect(user?.user_pass).toBe(`$P$B${OLD}`);
      expect(user?.user_url).toBe(NEW);
      const logs = await rows(c, 'SELECT n, msg FROM nopk_log ORDER BY n, msg');
      expect(logs).toEqual([
        { n: 1, msg: `seen ${NEW}` },
        { n: 1, msg: `seen ${NEW}` },
        { n: 2, msg: 'plain' },
        { n: 3, msg: ser(NEW) },
      ]);
    });
  });

  it('a second run changes nothing; --tables narrows the walk', async () => {
    const r = await searchReplace({ url, pairs: [{ from: OLD, to: NEW }], tables: ['wp_opt*'] });
    expect(r.tables.map((t) => t.table)).toEqual(['wp_options']);
    expect(r.totalChanged).toBe(0);
  });
});
