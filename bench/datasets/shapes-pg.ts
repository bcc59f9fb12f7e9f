// The database shapes a user meets, generated server-side (generate_series) for the PostgreSQL
// bench: WordPress (a few tables, posts and meta), one dominant table, very wide rows (large text
// values, stored in TOAST), and a WordPress multisite (hundreds of small tables).
import pg from 'pg';
import { generateWordpressPg, SITE, WORDPRESS_TEXT_COLUMNS } from './wordpress-pg.js';

export const SHAPES = ['wordpress', 'dominant', 'wide', 'multisite'] as const;
export type Shape = (typeof SHAPES)[number];

export interface ShapeInfo {
  /** Text columns per table the peers' `UPDATE … replace()` pass rewrites. */
  textColumns: Record<string, string[]>;
}

async function run(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function generateShapePg(url: string, shape: Shape, sizeMb: number): Promise<ShapeInfo> {
  if (shape === 'wordpress') {
    await generateWordpressPg(url, sizeMb);
    return { textColumns: WORDPRESS_TEXT_COLUMNS };
  }
  if (shape === 'dominant') {
    // An event log holding ~95 % of the data (~110 bytes a row), with a primary key and one index,
    // beside an orders table and a settings table.
    const rows = Math.round((sizeMb * 1e6 * 0.95) / 110);
    await run(
      url,
      `CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, kind text NOT NULL, url text, payload text);
       INSERT INTO events SELECT i, timestamptz '2024-01-01' + i * interval '1 second', 'k' || (i % 20),
              '${SITE}/e/' || i, md5(i::text) || md5((i + 1)::text)
         FROM generate_series(1, ${rows}) i;
       CREATE INDEX events_created ON events (created_at);
       CREATE TABLE orders (id serial PRIMARY KEY, total numeric(10,2), note text);
       INSERT INTO orders (total, note) SELECT i % 1000, 'order ' || i || ' ${SITE}/o/' || i FROM generate_series(1, 20000) i;
       CREATE TABLE settings (k text PRIMARY KEY, v text);
       INSERT INTO settings SELECT 'k' || i, '${SITE}/s/' || i FROM generate_series(1, 200) i;
       ANALYZE;`,
    );
    return { textColumns: { events: ['url', 'payload'], orders: ['note'], settings: ['v'] } };
  }
  if (shape === 'wide') {
    // Documents of ~64 KB (TOASTed text), a URL inside each.
    const rows = Math.max(10, Math.round((sizeMb * 1e6) / 66_000));
    await run(
      url,
      `CREATE TABLE documents (id bigint PRIMARY KEY, title text, body text);
       ALTER TABLE documents ALTER COLUMN body SET STORAGE EXTERNAL;
       INSERT INTO documents SELECT i, 'doc ' || i,
              (SELECT string_agg(md5((i * 2000 + j)::text), ' ') FROM generate_series(1, 1950) j) || ' <a href="${SITE}/d/' || i || '">'
         FROM generate_series(1, ${rows}) i;
       ANALYZE;`,
    );
    return { textColumns: { documents: ['title', 'body'] } };
  }
  // multisite: 60 sites × (posts, postmeta, options, comments) = 240 tables plus the network's.
  const sites = 60;
  const perSite = Math.max(10, Math.round((sizeMb * 1e6) / sites / 1500));
  const textColumns: Record<string, string[]> = {};
  const statements: string[] = [];
  for (let s = 1; s <= sites; s++) {
    const p = `wp_${s}_`;
    statements.push(`
      CREATE TABLE ${p}posts (id bigserial PRIMARY KEY, post_title text, post_content text, guid text);
      CREATE INDEX ON ${p}posts (post_title);
      INSERT INTO ${p}posts (post_title, post_content, guid) SELECT 'Post ' || i, repeat(md5(i::text), 25) || ' ${SITE}/${s}/p/' || i, '${SITE}/?p=' || i FROM generate_series(1, ${perSite}) i;
      CREATE TABLE ${p}postmeta (meta_id bigserial PRIMARY KEY, post_id bigint, meta_key text, meta_value text);
      CREATE INDEX ON ${p}postmeta (post_id);
      INSERT INTO ${p}postmeta (post_id, meta_key, meta_value) SELECT i, '_k', '${SITE}/${s}/m/' || i FROM generate_series(1, ${perSite}) i;
      CREATE TABLE ${p}options (option_id bigserial PRIMARY KEY, option_name text UNIQUE, option_value text);
      INSERT INTO ${p}options (option_name, option_value) SELECT 'o' || i, '${SITE}/${s}/o/' || i FROM generate_series(1, 50) i;
      CREATE TABLE ${p}comments (comment_id bigserial PRIMARY KEY, comment_post_id bigint, comment_content text);
      INSERT INTO ${p}comments (comment_post_id, comment_content) SELECT i, 'Nice ' || md5(i::text) FROM generate_series(1, ${Math.ceil(perSite / 4)}) i;`);
    textColumns[`${p}posts`] = ['post_title', 'post_content', 'guid'];
    textColumns[`${p}postmeta`] = ['meta_value'];
    textColumns[`${p}options`] = ['option_value'];
    textColumns[`${p}comments`] = ['comment_content'];
  }
  statements.push(`CREATE TABLE wp_blogs (blog_id serial PRIMARY KEY, domain text, path text);
    INSERT INTO wp_blogs (domain, path) SELECT 'prod.example.com', '/' || i || '/' FROM generate_series(1, ${sites}) i; ANALYZE;`);
  await run(url, statements.join('\n'));
  return { textColumns };
}
