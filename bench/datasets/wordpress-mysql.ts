// A WordPress-shaped MariaDB database of about `sizeMb` MB (data + indexes), generated server-side
// with the SEQUENCE engine (seq_1_to_N) so a gigabyte takes a minute, not an hour.
// Core WordPress tables with their real indexes; URLs of the production site in post content,
// guids, options and postmeta, some of them PHP-serialized (lengths correct).
import mysql from 'mysql2/promise';

export const PROD_URL = 'https://prod.example.com';

export interface DatasetInfo {
  posts: number;
  postmeta: number;
  comments: number;
  bytes: number;
}

const SCHEMA = `
CREATE TABLE wp_options (option_id bigint(20) unsigned NOT NULL AUTO_INCREMENT, option_name varchar(191) NOT NULL DEFAULT '',
  option_value longtext NOT NULL, autoload varchar(20) NOT NULL DEFAULT 'yes', PRIMARY KEY (option_id),
  UNIQUE KEY option_name (option_name), KEY autoload (autoload)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
CREATE TABLE wp_posts (ID bigint(20) unsigned NOT NULL AUTO_INCREMENT, post_author bigint(20) unsigned NOT NULL DEFAULT 0,
  post_date datetime NOT NULL DEFAULT '0000-00-00 00:00:00', post_date_gmt datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  post_content longtext NOT NULL, post_title text NOT NULL, post_excerpt text NOT NULL,
  post_status varchar(20) NOT NULL DEFAULT 'publish', comment_status varchar(20) NOT NULL DEFAULT 'open',
  ping_status varchar(20) NOT NULL DEFAULT 'open', post_password varchar(255) NOT NULL DEFAULT '',
  post_name varchar(200) NOT NULL DEFAULT '', to_ping text NOT NULL, pinged text NOT NULL,
  post_modified datetime NOT NULL DEFAULT '0000-00-00 00:00:00', post_modified_gmt datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  post_content_filtered longtext NOT NULL, post_parent bigint(20) unsigned NOT NULL DEFAULT 0, guid varchar(255) NOT NULL DEFAULT '',
  menu_order int(11) NOT NULL DEFAULT 0, post_type varchar(20) NOT NULL DEFAULT 'post', post_mime_type varchar(100) NOT NULL DEFAULT '',
  comment_count bigint(20) NOT NULL DEFAULT 0, PRIMARY KEY (ID), KEY post_name (post_name(191)),
  KEY type_status_date (post_type,post_status,post_date,ID), KEY post_parent (post_parent), KEY post_author (post_author))
  ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
CREATE TABLE wp_postmeta (meta_id bigint(20) unsigned NOT NULL AUTO_INCREMENT, post_id bigint(20) unsigned NOT NULL DEFAULT 0,
  meta_key varchar(255) DEFAULT NULL, meta_value longtext, PRIMARY KEY (meta_id), KEY post_id (post_id), KEY meta_key (meta_key(191)))
  ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
CREATE TABLE wp_comments (comment_ID bigint(20) unsigned NOT NULL AUTO_INCREMENT, comment_post_ID bigint(20) unsigned NOT NULL DEFAULT 0,
  comment_author tinytext NOT NULL, comment_author_email varchar(100) NOT NULL DEFAULT '', comment_author_url varchar(200) NOT NULL DEFAULT '',
  comment_date datetime NOT NULL DEFAULT '0000-00-00 00:00:00', comment_content text NOT NULL, comment_approved varchar(20) NOT NULL DEFAULT '1',
  PRIMARY KEY (comment_ID), KEY comment_post_ID (comment_post_ID), KEY comment_approved_date_gmt (comment_approved,comment_date))
  ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
CREATE TABLE wp_users (ID bigint(20) unsigned NOT NULL AUTO_INCREMENT, user_login varchar(60) NOT NULL DEFAULT '',
  user_pass varchar(255) NOT NULL DEFAULT '', user_email varchar(100) NOT NULL DEFAULT '', user_url varchar(100) NOT NULL DEFAULT '',
  PRIMARY KEY (ID), KEY user_login_key (user_login)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;
`;

/** ~2.4 KB per post row + ~10 postmeta + 2 comments, which with indexes lands near 3.9 KB on disk per post. */
const BYTES_PER_POST = 3900;
const CHUNK = 20_000;

export async function generateWordpress(
  conn: mysql.Connection,
  sizeMb: number,
  log: (m: string) => void,
): Promise<DatasetInfo> {
  await conn.query(`SET SESSION sql_mode = '', unique_checks = 0, foreign_key_checks = 0`);
  await conn.query(SCHEMA);
  const posts = Math.max(1000, Math.round((sizeMb * 1e6) / BYTES_PER_POST));
  const url = conn.escape(PROD_URL);
  for (let start = 1; start <= posts; start += CHUNK) {
    const end = Math.min(posts, start + CHUNK - 1);
    const seq = `seq_${start}_to_${end}`;
    await conn.query(`INSERT INTO wp_posts (ID, post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt, post_name,
        to_ping, pinged, post_modified, post_modified_gmt, post_content_filtered, guid, post_type)
      SELECT seq, 1 + seq % 7, '2020-01-01' + INTERVAL seq MINUTE, '2020-01-01' + INTERVAL seq MINUTE,
        CONCAT('<!-- wp:paragraph --><p>', REPEAT(CONCAT('Lorem ipsum dolor sit amet ', seq, ', consectetur adipiscing elit. '), 12),
               '<a href="', ${url}, '/', seq, '/">see</a></p>\n<!-- /wp:paragraph -->\n<figure><img src="', ${url},
               '/wp-content/uploads/2020/01/img-', seq, '.jpg" alt="\tcaption\\\\"></figure>\n',
               REPEAT(MD5(seq), 20)),
        CONCAT('Post number ', seq, ' \u00e9t\u00e9 \u{1F600}'), '', CONCAT('post-', seq), '', '', '2021-01-01', '2021-01-01', '',
        CONCAT(${url}, '/?p=', seq), IF(seq % 10 = 0, 'page', 'post')
      FROM ${seq}`);
    await conn.query(`INSERT INTO wp_postmeta (post_id, meta_key, meta_value)
      SELECT p.seq, CONCAT('_meta_', k.seq),
        IF(k.seq = 1, CONCAT('a:2:{s:3:"url";s:', LENGTH(CONCAT(${url}, '/', p.seq, '/')), ':"', ${url}, '/', p.seq, '/";s:1:"n";i:', p.seq, ';}'),
           CONCAT('value ', p.seq * k.seq))
      FROM ${seq} p JOIN seq_1_to_10 k`);
    await conn.query(`INSERT INTO wp_comments (comment_post_ID, comment_author, comment_author_email, comment_author_url, comment_date, comment_content)
      SELECT p.seq, CONCAT('Reader ', k.seq), 'reader@example.org', ${url}, '2021-01-01', CONCAT('Nice post! ', REPEAT('x', 120))
      FROM ${seq} p JOIN seq_1_to_2 k`);
    if ((end - start + 1 === CHUNK && end % (CHUNK * 5) === 0) || end === posts)
      log(`generated ${end}/${posts} posts`);
  }
  await conn.query(`INSERT INTO wp_options (option_name, option_value) VALUES ('siteurl', ${url}), ('home', ${url}),
      ('widget_text', CONCAT('a:1:{i:0;a:2:{s:5:"title";s:4:"Shop";s:4:"text";s:', LENGTH(CONCAT('<a href="', ${url}, '/shop">x</a>')), ':"<a href="', ${url}, '/shop">x</a>";}}'))`);
  await conn.query(`INSERT INTO wp_users (user_login, user_pass, user_email, user_url)
      SELECT CONCAT('user', seq), '$P$BsomeHashedPassword.', CONCAT('u', seq, '@example.org'), ${url} FROM seq_1_to_50`);
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    `SELECT SUM(DATA_LENGTH + INDEX_LENGTH) AS b FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()`,
  );
  return { posts, postmeta: posts * 10, comments: posts * 2, bytes: Number(rows[0]?.b ?? 0) };
}

/** Serialized postmeta values whose declared s:N: length does not match the URL they hold. */
export function brokenSerializedSql(): string {
  return `SELECT COUNT(*) FROM wp_postmeta WHERE meta_key = '_meta_1' AND
    CAST(SUBSTRING_INDEX(SUBSTRING_INDEX(SUBSTRING_INDEX(meta_value, ';s:', 2), ';s:', -1), ':', 1) AS UNSIGNED)
      <> LENGTH(SUBSTRING_INDEX(SUBSTRING_INDEX(meta_value, '"', 4), '"', -1))`;
}
