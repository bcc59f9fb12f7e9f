// The shapes of ./shapes-pg.ts for MariaDB/MySQL (generated with the SEQUENCE engine): one dominant
// table, very wide rows (longtext documents), a WordPress multisite (hundreds of small tables).
// WordPress itself is ./wordpress-mysql.ts.
import type mysql from 'mysql2/promise';
import { PROD_URL } from './wordpress-mysql.js';

export const SHAPES = ['wordpress', 'dominant', 'wide', 'multisite'] as const;
export type Shape = (typeof SHAPES)[number];

/** Text columns per table the peers' `UPDATE … REPLACE()` pass rewrites. */
export type TextColumns = Record<string, string[]>;

export async function generateShapeMysql(
  conn: mysql.Connection,
  shape: Exclude<Shape, 'wordpress'>,
  sizeMb: number,
): Promise<TextColumns> {
  if (shape === 'dominant') {
    const rows = Math.round((sizeMb * 1e6 * 0.95) / 130);
    await conn.query(`CREATE TABLE events (id bigint NOT NULL PRIMARY KEY, created_at datetime NOT NULL, kind varchar(20) NOT NULL,
      url varchar(200), payload varchar(100), KEY created (created_at)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
    for (let from = 1; from <= rows; from += 500_000) {
      const to = Math.min(rows, from + 499_999);
      await conn.query(`INSERT INTO events SELECT seq, '2024-01-01' + INTERVAL seq SECOND, CONCAT('k', seq % 20),
        CONCAT('${PROD_URL}/e/', seq), CONCAT(MD5(seq), MD5(seq + 1)) FROM seq_${from}_to_${to}`);
    }
    await conn.query(`CREATE TABLE orders (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, total decimal(10,2), note varchar(200)) ENGINE=InnoDB;
      INSERT INTO orders (total, note) SELECT seq % 1000, CONCAT('order ', seq, ' ${PROD_URL}/o/', seq) FROM seq_1_to_20000;
      CREATE TABLE settings (k varchar(50) PRIMARY KEY, v text) ENGINE=InnoDB;
      INSERT INTO settings SELECT CONCAT('k', seq), CONCAT('${PROD_URL}/s/', seq) FROM seq_1_to_200;
      ANALYZE TABLE events, orders, settings`);
    return { events: ['url', 'payload'], orders: ['note'], settings: ['v'] };
  }
  if (shape === 'wide') {
    const rows = Math.max(10, Math.round((sizeMb * 1e6) / 66_000));
    await conn.query(
      `CREATE TABLE documents (id bigint NOT NULL PRIMARY KEY, title varchar(100), body longtext) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    );
    for (let from = 1; from <= rows; from += 500) {
      const to = Math.min(rows, from + 499);
      await conn.query(`INSERT INTO documents SELECT s.seq, CONCAT('doc ', s.seq),
          CONCAT((SELECT GROUP_CONCAT(MD5(s.seq * 2000 + j.seq) SEPARATOR ' ') FROM seq_1_to_1950 j), ' <a href="${PROD_URL}/d/', s.seq, '">')
        FROM seq_${from}_to_${to} s`);
    }
    await conn.query('ANALYZE TABLE documents');
    return { documents: ['title', 'body'] };
  }
  const sites = 60;
  const perSite = Math.max(10, Math.round((sizeMb * 1e6) / sites / 1700));
  const cols: TextColumns = {};
  for (let s = 1; s <= sites; s++) {
    const p = `wp_${s}_`;
    await conn.query(`
      CREATE TABLE ${p}posts (ID bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, post_title text, post_content longtext, guid varchar(255), KEY t (post_title(50))) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
      INSERT INTO ${p}posts (post_title, post_content, guid) SELECT CONCAT('Post ', seq), CONCAT(REPEAT(MD5(seq), 25), ' ${PROD_URL}/${s}/p/', seq), CONCAT('${PROD_URL}/?p=', seq) FROM seq_1_to_${perSite};
      CREATE TABLE ${p}postmeta (meta_id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, post_id bigint unsigned, meta_key varchar(255), meta_value longtext, KEY post_id (post_id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
      INSERT INTO ${p}postmeta (post_id, meta_key, meta_value) SELECT seq, '_k', CONCAT('${PROD_URL}/${s}/m/', seq) FROM seq_1_to_${perSite};
      CREATE TABLE ${p}options (option_id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, option_name varchar(191) UNIQUE, option_value longtext) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
      INSERT INTO ${p}options (option_name, option_value) SELECT CONCAT('o', seq), CONCAT('${PROD_URL}/${s}/o/', seq) FROM seq_1_to_50;
      CREATE TABLE ${p}comments (comment_ID bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, comment_post_ID bigint unsigned, comment_content text) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
      INSERT INTO ${p}comments (comment_post_ID, comment_content) SELECT seq, CONCAT('Nice ', MD5(seq)) FROM seq_1_to_${Math.ceil(perSite / 4)};`);
    cols[`${p}posts`] = ['post_title', 'post_content', 'guid'];
    cols[`${p}postmeta`] = ['meta_value'];
    cols[`${p}options`] = ['option_value'];
    cols[`${p}comments`] = ['comment_content'];
  }
  await conn.query(`CREATE TABLE wp_blogs (blog_id int AUTO_INCREMENT PRIMARY KEY, domain varchar(200), path varchar(100)) ENGINE=InnoDB;
    INSERT INTO wp_blogs (domain, path) SELECT 'prod.example.com', CONCAT('/', seq, '/') FROM seq_1_to_${sites}`);
  return cols;
}
