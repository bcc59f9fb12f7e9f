// Host mode through both copy engines, on a subdirectory WordPress multisite (wp_blogs, wp_site,
// wp_sitemeta, wp_N_options) with every form a host takes; then the leftovers check on the copy,
// which must find only what no rewriter can see (a base64 value) and say where.
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { copyDatabase } from '../../src/data/copy.js';
import { countLeftovers, createRewriter, formatLeftovers } from '../../src/data/rewrite/index.js';
import { inspectWordPress } from '../../src/data/wordpress/inspect.js';
import { databases } from './pg-helpers.js';
import { createDb, dropAll, type TestDb } from './mysql-helpers.js';

const STG = 'stg-42.up.railway.app';
const HOSTS = [
  { from: 'www.example-shop.com', to: STG },
  { from: 'example-shop.com', to: STG },
];
const ser = (s: string) => `s:${Buffer.byteLength(s)}:"${s}";`;
const b64 = Buffer.from('{"return":"https://www.example-shop.com/checkout"}').toString('base64');

/** table → [columns, rows]; ids first. */
const DATA: Record<string, [string[], (string | number)[][]]> = {
  wp_site: [['id', 'domain', 'path'], [[1, 'example-shop.com', '/']]],
  wp_blogs: [
    ['blog_id', 'site_id', 'domain', 'path'],
    [
      [1, 1, 'example-shop.com', '/'],
      [2, 1, 'EXAMPLE-SHOP.COM', '/de/'],
    ],
  ],
  wp_sitemeta: [
    ['meta_id', 'site_id', 'meta_key', 'meta_value'],
    [
      [1, 1, 'siteurl', 'https://example-shop.com/'],
      [2, 1, 'admin_email', 'info@example-shop.com'],
      [
        3,
        1,
        'allowedthemes',
        `a:1:{s:4:"shop";${ser('https://www.example-shop.com/wp-content/themes/shop')}}`,
      ],
    ],
  ],
  wp_options: [
    ['option_id', 'option_name', 'option_value'],
    [
      [1, 'siteurl', 'https://example-shop.com'],
      [2, 'home', 'https://www.example-shop.com'],
      [3, 'cdn', 'https://cdn.example-shop.com/c.png'],
      [4, 'partner', 'https://myexample-shop.com/ and https://example-shop.com.au/'],
      [5, 'payment_return_b64', b64],
      [
        6,
        'nested',
        `a:2:{s:3:"url";${ser('//WWW.Example-Shop.com/a')}s:5:"inner";${ser(`a:1:{i:0;${ser('https://example-shop.com/x')}}`)}}`,
      ],
    ],
  ],
  wp_2_options: [
    ['option_id', 'option_name', 'option_value'],
    [
      [1, 'siteurl', 'https://example-shop.com/de/'],
      [2, 'home', 'https://example-shop.com/de/'],
      [3, 'widget', '{"url":"https:\\/\\/www.example-shop.com\\/de\\/","mail":"shop@example-shop.com"}'],
    ],
  ],
  wp_posts: [
    ['id', 'post_content', 'guid'],
    [
      [
        1,
        'Visit https://www.example-shop.com/a or write to info@example-shop.com.',
        'https://example-shop.com/?p=1',
      ],
      [2, 'share?u=https%3A%2F%2Fwww.example-shop.com%2Fsale', 'https://example-shop.com/?p=2'],
      [3, 'nothing to see', 'https://EXAMPLE-SHOP.COM/?p=3'],
      // Many rows in one COPY block / LOAD DATA chunk: hits found across rows, fields and cases.
      ...Array.from({ length: 1500 }, (_, k) => [
        10 + k,
        k % 3 === 0
          ? `price ${k}.50 at cdn.example-shop.com`
          : `see https://${k % 2 ? 'Www.Example-Shop.com' : 'example-shop.com'}/p/${k}`,
        k % 5 === 0 ? `https://example-shop.com/?p=${k}` : `v${k}.0`,
      ]),
    ],
  ],
  wp_users: [
    ['id', 'user_login', 'user_email', 'user_pass', 'user_url'],
    [[1, 'admin', 'admin@example-shop.com', '$P$B/example-shop.com', 'https://example-shop.com']],
  ],
};

const ddl = (table: string, cols: string[]) =>
  `CREATE TABLE ${table} (${cols.map((c, i) => (i === 0 ? `${c} int PRIMARY KEY` : /_id$/.test(c) ? `${c} int` : `${c} text`)).join(', ')})`;

async function seedPg(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  for (const [t, [cols, rows]] of Object.entries(DATA)) {
    await c.query(ddl(t, cols));
    for (let i = 0; i < rows.length; i += 100) {
      const batch = rows.slice(i, i + 100);
      const tuples = batch.map((_, j) => `(${cols.map((_, k) => `$${j * cols.length + k + 1}`).join(', ')})`);
      await c.query(`INSERT INTO ${t} VALUES ${tuples.join(', ')}`, batch.flat());
    }
  }
  await c.end();
}

async function seedMysql(db: TestDb) {
  for (const [t, [cols, rows]] of Object.entries(DATA)) {
    await db.conn.query(ddl(t, cols));
    for (const r of rows)
      await db.conn.query(`INSERT INTO ${t} VALUES (${cols.map(() => '?').join(', ')})`, r);
  }
}

async function readPg(url: string, table: string, cols: string[]) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query(`SELECT ${cols.join(', ')} FROM ${table} ORDER BY 1`, []);
  await c.end();
  return rows.map((r) => cols.map((k) => (r as Record<string, unknown>)[k]));
}

async function readMysql(url: string, table: string, cols: string[]) {
  const c = await mysql.createConnection({ uri: url, rowsAsArray: true });
  const [rows] = await c.query(`SELECT ${cols.join(', ')} FROM ${table} ORDER BY 1`);
  await c.end();
  return rows as unknown[][];
}

/** What each value must become: the rewriter's own answer, user_pass untouched. */
function expected(table: string, cols: string[], row: (string | number)[]) {
  const rw = createRewriter([], { hosts: HOSTS });
  return row.map((v, i) => (typeof v === 'string' && cols[i] !== 'user_pass' ? rw.rewrite(v) : v));
}

const pgDbs = databases('hostrw');
const myDbs: TestDb[] = [];
afterAll(async () => {
  await pgDbs.dropAll();
  await dropAll(myDbs);
});

describe.each(['postgres', 'mysql'] as const)('host mode copy (%s): subdirectory multisite', (engine) => {
  it('rewrites every whole host in every form, leaves e-mails / CDN / other hosts / user_pass, reports the base64 leftover', async () => {
    let source: string;
    let target: string;
    let read: typeof readPg;
    if (engine === 'postgres') {
      source = await pgDbs.create('src');
      target = await pgDbs.create('dst');
      await seedPg(source);
      read = readPg;
    } else {
      const s = await createDb('hostsrc');
      const t = await createDb('hostdst');
      myDbs.push(s, t);
      await seedMysql(s);
      source = s.url;
      target = t.url;
      read = readMysql;
    }
    const report = await copyDatabase({ source, target, rewriteHosts: HOSTS });
    expect(report.rewrittenValues).toBeGreaterThan(1000);

    for (const [t, [cols, rows]] of Object.entries(DATA)) {
      const got = await read(target, t, cols);
      expect(got, t).toEqual(rows.map((r) => expected(t, cols, r)));
    }
    // The facts a multisite needs, spelled out (not only "same as the rewriter").
    expect(await read(target, 'wp_blogs', ['blog_id', 'domain', 'path'])).toEqual([
      [1, STG, '/'],
      [2, STG, '/de/'],
    ]);
    expect(await read(target, 'wp_site', ['id', 'domain'])).toEqual([[1, STG]]);
    const opts2 = await read(target, 'wp_2_options', ['option_id', 'option_value']);
    expect(opts2[0]).toEqual([1, `https://${STG}/de/`]);
    expect(opts2[2]?.[1]).toBe(`{"url":"https:\\/\\/${STG}\\/de\\/","mail":"shop@example-shop.com"}`);
    const opts = await read(target, 'wp_options', ['option_id', 'option_value']);
    expect(opts[2]?.[1]).toBe('https://cdn.example-shop.com/c.png');
    expect(opts[3]?.[1]).toBe('https://myexample-shop.com/ and https://example-shop.com.au/');
    expect(opts[5]?.[1]).toBe(
      `a:2:{s:3:"url";${ser(`//${STG}/a`)}s:5:"inner";${ser(`a:1:{i:0;${ser(`https://${STG}/x`)}}`)}}`,
    );
    expect(await read(target, 'wp_users', ['id', 'user_email', 'user_pass'])).toEqual([
      [1, 'admin@example-shop.com', '$P$B/example-shop.com'],
    ]);

    const left = await countLeftovers(
      target,
      HOSTS.map((h) => h.from),
    );
    // user_pass is never rewritten, by design: its host-like text is a leftover and listed as one.
    expect(left.leftovers).toEqual([
      {
        table: 'wp_options',
        column: 'option_value',
        host: 'www.example-shop.com',
        encoding: 'base64',
        count: 1,
      },
      { table: 'wp_users', column: 'user_pass', host: 'example-shop.com', encoding: 'plain', count: 1 },
    ]);
    expect(left.total).toBe(2);
    expect(formatLeftovers(left)).toMatch(
      /wp_options\.option_value: 1 × www\.example-shop\.com \(inside base64/,
    );
    // And the source still holds every original (never written).
    const srcLeft = await countLeftovers(source, ['example-shop.com']);
    expect(srcLeft.total).toBeGreaterThan(10);
  }, 120_000);
});

describe.each(['postgres', 'mysql'] as const)('WordPress multisite detection (%s)', (engine) => {
  it('tells a subdirectory network from one whose sites have their own hosts', async () => {
    const make = async (label: string) => {
      if (engine === 'postgres') return pgDbs.create(label);
      const d = await createDb(label);
      myDbs.push(d);
      return d.url;
    };
    const exec = async (url: string, sqlText: string) => {
      if (engine === 'postgres') {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(sqlText);
        await c.end();
      } else {
        const c = await mysql.createConnection({ uri: url, multipleStatements: true });
        await c.query(sqlText);
        await c.end();
      }
    };
    const base = `CREATE TABLE wp_options (option_id int PRIMARY KEY, option_value text);
      CREATE TABLE wp_posts (id int PRIMARY KEY); CREATE TABLE wp_users (id int PRIMARY KEY);
      CREATE TABLE wp_2_options (option_id int PRIMARY KEY);
      CREATE TABLE wp_site (id int PRIMARY KEY, domain varchar(200), path varchar(100));
      CREATE TABLE wp_blogs (blog_id int PRIMARY KEY, domain varchar(200), path varchar(100));
      INSERT INTO wp_site VALUES (1, 'example-shop.com', '/');`;
    const subdir = await make('msdir');
    await exec(
      subdir,
      `${base} INSERT INTO wp_blogs VALUES (1, 'example-shop.com', '/'), (2, 'example-shop.com', '/de/');`,
    );
    const subdomain = await make('msdom');
    await exec(
      subdomain,
      `${base} INSERT INTO wp_blogs VALUES (1, 'example-shop.com', '/'), (2, 'de.example-shop.com', '/');`,
    );
    const single = await make('single');
    await exec(
      single,
      'CREATE TABLE wp_options (option_id int PRIMARY KEY); CREATE TABLE wp_posts (id int PRIMARY KEY); CREATE TABLE wp_users (id int PRIMARY KEY);',
    );
    const none = await make('none');

    expect(await inspectWordPress(subdir)).toEqual({
      prefix: 'wp_',
      multisite: { kind: 'subdirectory', network: 'example-shop.com', sites: 2, otherHosts: [] },
    });
    expect(await inspectWordPress(subdomain)).toEqual({
      prefix: 'wp_',
      multisite: {
        kind: 'subdomain',
        network: 'example-shop.com',
        sites: 2,
        otherHosts: ['de.example-shop.com'],
      },
    });
    expect(await inspectWordPress(single)).toEqual({ prefix: 'wp_' });
    expect(await inspectWordPress(none)).toBeUndefined();
  }, 60_000);
});
