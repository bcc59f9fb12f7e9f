// URLs rewritten inside the COPY stream: text-like columns only (text, varchar, json, jsonb), values
// with COPY escapes around the URL, the rewritten count, and every other column byte-identical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyPostgres } from '../../src/data/postgres/index.js';
import { createRewriter } from '../../src/data/rewrite/index.js';
import type { CopyReport, Replacement } from '../../src/data/types.js';
import { databases, sql } from './pg-helpers.js';

const dbs = databases('pgcopy_rw');
let source = '';
let target = '';
let report: CopyReport;
const pairs: Replacement[] = [{ from: 'https://prod.example.com', to: 'https://staging-42.up.railway.app' }];
const REWRITABLE = ['post_content', 'guid', 'title', 'meta_json', 'meta_jsonb'] as const;

const FIXTURE = `
CREATE TABLE wp_posts (
  id serial PRIMARY KEY,
  post_content text, guid varchar(255), title text, meta_json json, meta_jsonb jsonb,
  code char(40), raw bytea, links text[], user_pass text, n int
);
INSERT INTO wp_posts (post_content, guid, title, meta_json, meta_jsonb, code, raw, links, user_pass, n) VALUES
 (E'See https://prod.example.com/a\\tand\\nhttps://prod.example.com/b \\\\ back', 'https://prod.example.com/?p=1', 'plain title',
  '{"u": "https:\\/\\/prod.example.com\\/x", "v": "https://prod.example.com/y"}', '{"u": "https://prod.example.com/z"}',
  'https://prod.example.com', convert_to('https://prod.example.com', 'UTF8'), ARRAY['https://prod.example.com'],
  'https://prod.example.com', 1),
 ('a:2:{s:3:"url";s:28:"https://prod.example.com/img";s:1:"n";i:5;}', 'https://prod.example.com/?p=2', E'tab\\tnewline\\nhttps://prod.example.com\\\\',
  NULL, NULL, NULL, NULL, NULL, NULL, 2),
 ('no url here', '', NULL, '{}', '[]', '', '', '{}', '', 3),
 (E'\\\\N', 'https://prod.example.com.evil/not-a-prefix? no: it is a prefix', '日本語 https://prod.example.com/ü 🚀', NULL, NULL, NULL, NULL, NULL, NULL, 4);
INSERT INTO wp_posts (post_content, guid, n) SELECT 'filler ' || i, 'https://prod.example.com/?p=' || i, i FROM generate_series(10, 3000) i;
CREATE TABLE wp_options (option_id serial PRIMARY KEY, option_name text, option_value text);
INSERT INTO wp_options (option_name, option_value) VALUES ('siteurl', 'https://prod.example.com'), ('home', 'https://prod.example.com'), ('blogname', 'Blog');
`;

beforeAll(async () => {
  source = await dbs.create('src');
  target = await dbs.create('dst');
  await sql(source, FIXTURE);
  report = await copyPostgres({
    source,
    target,
    rewrite: pairs,
    skipColumns: ['wp_posts.title'],
    checksums: true,
  });
}, 120_000);

afterAll(async () => {
  await dbs.dropAll();
});

type Row = Record<string, string | null>;
const TEXT_OF = `SELECT id::text, post_content, guid, title, meta_json::text AS meta_json, meta_jsonb::text AS meta_jsonb,
  md5(ROW(code, raw, links, user_pass, n)::text) AS others FROM wp_posts ORDER BY id`;

describe('copyPostgres with rewrite', () => {
  it('rewrites text, varchar, json and jsonb values exactly as the rewriter does, except skipped columns', async () => {
    const rewriter = createRewriter(pairs);
    const [src, dst] = await Promise.all([sql<Row>(source, TEXT_OF), sql<Row>(target, TEXT_OF)]);
    expect(dst.length).toBe(src.length);
    let expectedChanges = 0;
    src.forEach((s, i) => {
      const d = dst[i] as Row;
      for (const col of REWRITABLE) {
        const v = s[col] ?? null;
        // title is in skipColumns: untouched.
        const want = v === null || col === 'title' ? v : rewriter.rewrite(v);
        if (want !== v) expectedChanges++;
        expect({ id: s.id, col, value: d[col] }).toEqual({ id: s.id, col, value: want });
      }
      expect(d.others).toBe(s.others);
    });
    expect(expectedChanges).toBeGreaterThan(2990);
    expect(report.rewrittenValues).toBe(expectedChanges + 2); // + siteurl and home in wp_options
    expect(report.tables.find((t) => t.table === 'wp_options')?.rewritten).toBe(2);
  });

  it('rewrote through COPY escapes and left no old URL in rewritable columns', async () => {
    const [left] = await sql<{ n: number }>(
      target,
      `SELECT count(*)::int AS n FROM wp_posts WHERE post_content LIKE '%prod.example.com%' OR guid LIKE '%prod.example.com%'
         OR meta_json::text LIKE '%prod.example.com%' OR meta_jsonb::text LIKE '%prod.example.com%'`,
    );
    expect(left?.n).toBe(0);
    const [r] = await sql<{ c: string; s: string }>(
      target,
      `SELECT post_content AS c, title AS s FROM wp_posts WHERE n = 1`,
    );
    expect(r?.c).toBe(
      'See https://staging-42.up.railway.app/a\tand\nhttps://staging-42.up.railway.app/b \\ back',
    );
    const [ser] = await sql<{ c: string }>(target, `SELECT post_content AS c FROM wp_posts WHERE n = 2`);
    // PHP serialized length fixed by the rewriter: s:37 for the longer URL.
    expect(ser?.c).toBe('a:2:{s:3:"url";s:37:"https://staging-42.up.railway.app/img";s:1:"n";i:5;}');
  });

  it('never touches bytea, char(n), arrays or user_pass', async () => {
    const q = `SELECT code, encode(raw, 'hex') AS raw, links::text AS links, user_pass, title FROM wp_posts ORDER BY id`;
    expect(await sql(target, q)).toEqual(await sql(source, q));
  });

  it('copies without rewriting when no pairs are given (byte-identical)', async () => {
    const plain = await dbs.create('plain');
    const r = await copyPostgres({ source, target: plain, rewrite: [] });
    expect(r.rewrittenValues).toBe(0);
    expect(await sql(plain, TEXT_OF)).toEqual(await sql(source, TEXT_OF));
  });
});
