// A WordPress-shaped PostgreSQL dataset (posts, postmeta, options, comments, with URLs), generated
// server-side with generate_series so a gigabyte takes seconds, not an hour of INSERTs from Node.
import pg from 'pg';

export const SITE = 'https://prod.example.com';

/** Rough COPY-text bytes per post with its meta and comments (measured). */
const BYTES_PER_POST = 2900;

export async function generateWordpressPg(url: string, sizeMb: number): Promise<{ posts: number }> {
  const posts = Math.max(100, Math.round((sizeMb * 1e6) / BYTES_PER_POST));
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`
      CREATE TABLE wp_posts (
        id bigserial PRIMARY KEY, post_author bigint NOT NULL DEFAULT 0, post_date timestamp NOT NULL,
        post_content text NOT NULL, post_title text NOT NULL, post_excerpt text NOT NULL DEFAULT '',
        post_status varchar(20) NOT NULL DEFAULT 'publish', post_name varchar(200) NOT NULL,
        guid varchar(255) NOT NULL, post_type varchar(20) NOT NULL DEFAULT 'post', comment_count bigint NOT NULL DEFAULT 0);
      CREATE INDEX wp_posts_name ON wp_posts (post_name);
      CREATE INDEX wp_posts_type_status_date ON wp_posts (post_type, post_status, post_date, id);
      CREATE TABLE wp_postmeta (meta_id bigserial PRIMARY KEY, post_id bigint NOT NULL, meta_key varchar(255), meta_value text);
      CREATE INDEX wp_postmeta_post_id ON wp_postmeta (post_id);
      CREATE INDEX wp_postmeta_meta_key ON wp_postmeta (meta_key);
      CREATE TABLE wp_comments (comment_id bigserial PRIMARY KEY, comment_post_id bigint NOT NULL, comment_author text,
        comment_author_url varchar(200), comment_date timestamp, comment_content text, comment_approved varchar(20));
      CREATE INDEX wp_comments_post ON wp_comments (comment_post_id);
      CREATE TABLE wp_options (option_id bigserial PRIMARY KEY, option_name varchar(191) UNIQUE, option_value text, autoload varchar(20));
    `);
    // Post content: ~2.5 KB of HTML with a few links and a Gutenberg block holding a JSON-escaped URL.
    await c.query(
      `INSERT INTO wp_posts (post_date, post_content, post_title, post_name, guid)
       SELECT timestamp '2015-01-01' + i * interval '7 minutes',
              '<!-- wp:paragraph --><p>' || repeat(md5(i::text) || ' lorem ipsum dolor sit amet ', 30) ||
              '<a href="${SITE}/post-' || i || '/">link</a> <img src="${SITE}/wp-content/uploads/' || i || '.jpg"></p>' ||
              '<!-- wp:image {"url":"${SITE.replace(/\//g, '\\/')}\\/img-' || i || '.png"} /-->',
              'Post ' || i, 'post-' || i, '${SITE}/?p=' || i
         FROM generate_series(1, $1::int) i`,
      [posts],
    );
    // Meta: 6 rows per post, one of them PHP-serialized with a URL, one with a plain URL.
    await c.query(
      `INSERT INTO wp_postmeta (post_id, meta_key, meta_value)
       SELECT p, k, CASE k
           WHEN '_wp_attachment_metadata' THEN 'a:2:{s:4:"file";s:' || length('${SITE}/u/' || p || '.jpg') || ':"${SITE}/u/' || p || '.jpg";s:5:"width";i:1024;}'
           WHEN '_link' THEN '${SITE}/l/' || p
           ELSE md5(p::text || k) END
         FROM generate_series(1, $1::int) p, unnest(ARRAY['_edit_lock','_edit_last','_thumbnail_id','_wp_attachment_metadata','_link','_views']) k`,
      [posts],
    );
    await c.query(
      `INSERT INTO wp_comments (comment_post_id, comment_author, comment_author_url, comment_date, comment_content, comment_approved)
       SELECT 1 + i % $1::int, 'Reader ' || i, '${SITE}/author/' || (i % 100), timestamp '2016-01-01' + i * interval '3 minutes',
              'Nice post! See ${SITE}/post-' || (i % $1::int) || ' ' || repeat(md5(i::text), 3), '1'
         FROM generate_series(1, $1::int * 2) i`,
      [posts],
    );
    await c.query(
      `INSERT INTO wp_options (option_name, option_value, autoload)
       SELECT 'option_' || i, CASE WHEN i % 10 = 0 THEN '${SITE}/opt/' || i ELSE md5(i::text) END, 'yes' FROM generate_series(1, 2000) i;
       INSERT INTO wp_options (option_name, option_value, autoload) VALUES ('siteurl', '${SITE}', 'yes'), ('home', '${SITE}', 'yes');`,
    );
    await c.query('ANALYZE');
  } finally {
    await c.end();
  }
  return { posts };
}

/** The text columns a WordPress search-replace touches, for the peers' SQL second pass. */
export const WORDPRESS_TEXT_COLUMNS: Record<string, string[]> = {
  wp_posts: ['post_content', 'post_title', 'post_excerpt', 'guid'],
  wp_postmeta: ['meta_value'],
  wp_comments: ['comment_author_url', 'comment_content'],
  wp_options: ['option_value'],
};
