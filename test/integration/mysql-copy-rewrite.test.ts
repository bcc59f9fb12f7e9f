// URL rewrite inside the MySQL copy stream, on a WordPress-shaped database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyMysqlWith, type LoadMethod } from '../../src/data/mysql/index.js';
import type { CopyReport } from '../../src/data/types.js';
import { createDb, dropAll, rawRows, scalarOf, type TestDb } from './mysql-helpers.js';

const OLD = 'https://prod.example.com';
const NEW = 'https://staging-7.example.net';

// PHP serialize() for the shapes WordPress stores: lengths are UTF-8 byte counts.
type Php = string | number | boolean | null | Php[] | { [k: string]: Php };
function ser(v: Php): string {
  if (v === null) return 'N;';
  if (typeof v === 'boolean') return `b:${v ? 1 : 0};`;
  if (typeof v === 'number') return Number.isInteger(v) ? `i:${v};` : `d:${v};`;
  if (typeof v === 'string') return `s:${Buffer.byteLength(v, 'utf8')}:"${v}";`;
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  return `a:${entries.length}:{${entries.map(([k, x]) => (typeof k === 'number' ? `i:${k};` : ser(k)) + ser(x)).join('')}}`;
}

const widget = (base: string): Php => ({
  title: 'Caf\u00e9 \u{1F600}',
  url: `${base}/shop`,
  nested: ser({ img: `${base}/a.png` }),
  n: 3,
});
const jsonMods = (base: string) =>
  JSON.stringify({ logo: `${base}/wp-content/logo.png` }).replace(/\//g, '\\/');

let src: TestDb;
const dsts: Partial<Record<LoadMethod, TestDb>> = {};
const reports: Partial<Record<LoadMethod, CopyReport>> = {};
const all: TestDb[] = [];
let sourceBefore: string[] = [];

beforeAll(async () => {
  src = await createDb('rw_src');
  all.push(src);
  const c = src.conn;
  await c.query(`
    CREATE TABLE wp_options (option_id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, option_name VARCHAR(191) NOT NULL UNIQUE,
      option_value LONGTEXT NOT NULL, autoload VARCHAR(20) NOT NULL DEFAULT 'yes') DEFAULT CHARSET=utf8mb4;
    CREATE TABLE wp_posts (ID BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, post_title TEXT, post_content LONGTEXT,
      guid VARCHAR(255), post_data JSON, raw_blob BLOB) DEFAULT CHARSET=utf8mb4;
    CREATE TABLE wp_users (ID BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, user_login VARCHAR(60), user_pass VARCHAR(255),
      user_url VARCHAR(100)) DEFAULT CHARSET=utf8mb4;`);
  await c.query('INSERT INTO wp_options (option_name, option_value) VALUES ?', [
    [
      ['siteurl', OLD],
      ['home', OLD],
      ['widget_text', ser([widget(OLD), widget(OLD)])],
      ['theme_mods', ser({ custom_css: jsonMods(OLD) })],
      ['untouched', ser({ a: 'no url here', b: 1.5 })],
      ['blogname', 'My prod blog'],
    ],
  ]);
  await c.query('INSERT INTO wp_posts (post_title, post_content, guid, post_data, raw_blob) VALUES ?', [
    [
      [
        'Hello',
        `<a href="${OLD}/hello">x</a>\n<img src="${OLD}/img.png">\tend`,
        `${OLD}/?p=1`,
        JSON.stringify({ link: `${OLD}/x` }),
        Buffer.from(`${OLD}/bytes`),
      ],
      ['Plain', 'nothing to see', `${OLD}/?p=2`, null, null],
    ],
  ]);
  await c.query('INSERT INTO wp_users (user_login, user_pass, user_url) VALUES ?', [
    [
      ['admin', `$P$B${OLD}hash`, OLD],
      ['bob', '$P$Bplainhash', ''],
    ],
  ]);
  sourceBefore = [
    ...(await rawRows(src, 'wp_options')),
    ...(await rawRows(src, 'wp_posts')),
    ...(await rawRows(src, 'wp_users')),
  ];
  for (const method of ['load-data', 'insert'] as const) {
    const dst = await createDb(`rw_${method === 'insert' ? 'ins' : 'ld'}`);
    all.push(dst);
    dsts[method] = dst;
    reports[method] = await copyMysqlWith(
      {
        source: src.url,
        target: dst.url,
        rewrite: [{ from: OLD, to: NEW }],
        skipColumns: ['wp_posts.guid'],
        checksums: true,
      },
      { loadMethod: method },
    );
  }
});

afterAll(async () => {
  await dropAll(all);
});

describe.each(['load-data', 'insert'] as const)('rewrite in flight via %s', (method) => {
  const dst = () => dsts[method] as TestDb;
  const option = async (name: string) =>
    String(await scalarOf(dst(), 'SELECT option_value FROM wp_options WHERE option_name = ?', [name]));

  it('replaces plain URLs and rewrites serialized values with correct byte lengths', async () => {
    expect(await option('siteurl')).toBe(NEW);
    expect(await option('home')).toBe(NEW);
    expect(await option('widget_text')).toBe(ser([widget(NEW), widget(NEW)]));
    expect(await option('theme_mods')).toBe(ser({ custom_css: jsonMods(NEW) }));
    expect(await option('untouched')).toBe(ser({ a: 'no url here', b: 1.5 }));
  });

  it('rewrites post content and JSON, but not skipped columns, binary columns or user_pass', async () => {
    const [rows] = await dst().conn.query<import('mysql2').RowDataPacket[]>(
      'SELECT * FROM wp_posts ORDER BY ID',
    );
    expect(rows[0]?.post_content).toBe(`<a href="${NEW}/hello">x</a>\n<img src="${NEW}/img.png">\tend`);
    const data: unknown = rows[0]?.post_data; // mysql2 parses JSON columns itself
    expect(typeof data === 'string' ? JSON.parse(data) : data).toEqual({ link: `${NEW}/x` });
    expect(rows[0]?.guid).toBe(`${OLD}/?p=1`);
    expect((rows[0]?.raw_blob as Buffer).toString()).toBe(`${OLD}/bytes`);
    const [users] = await dst().conn.query<import('mysql2').RowDataPacket[]>(
      'SELECT user_pass, user_url FROM wp_users ORDER BY ID',
    );
    expect(users.map((u) => [u.user_pass, u.user_url])).toEqual([
      [`$P$B${OLD}hash`, NEW],
      ['$P$Bplainhash', ''],
    ]);
  });

  it('counts the rewritten values per table, as the source holds them', async () => {
    const r = reports[method] as CopyReport;
    const count = async (sql: string) => Number(await scalarOf(src, sql));
    const expected = {
      wp_options: await count(
        `SELECT COUNT(*) FROM wp_options WHERE option_value LIKE BINARY '%prod.example.com%'`,
      ),
      wp_posts: await count(
        `SELECT SUM(post_content LIKE BINARY '%prod.example.com%') + SUM(IFNULL(post_data LIKE BINARY '%prod.example.com%', 0)) FROM wp_posts`,
      ),
      wp_users: await count(`SELECT COUNT(*) FROM wp_users WHERE user_url LIKE BINARY '%prod.example.com%'`),
    };
    expect(Object.fromEntries(r.tables.map((t) => [t.table, t.rewritten]))).toEqual(expected);
    expect(r.rewrittenValues).toBe(expected.wp_options + expected.wp_posts + expected.wp_users);
    expect(r.tables.every((t) => t.verified)).toBe(true);
  });

  it('leaves the source as it was', async () => {
    const now = [
      ...(await rawRows(src, 'wp_options')),
      ...(await rawRows(src, 'wp_posts')),
      ...(await rawRows(src, 'wp_users')),
    ];
    expect(now).toEqual(sourceBefore);
  });
});
