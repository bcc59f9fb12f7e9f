// Loads the WordPress schema and rows into a MariaDB/MySQL database, connected as its own user.
import mysql from 'mysql2/promise';
import { ValidationError } from '../../util/errors.js';
import type { PhysicalDatabase } from '../databases.js';
import { wordpressSchema } from './wordpress-schema.js';
import { buildWordPressData } from './wordpress-data.js';

const INSERT_BATCH = 100;

/** Replaces any WordPress tables in `db` with the seed data for `siteUrl` (e.g. `https://host`). */
export async function seedWordPress(
  db: PhysicalDatabase,
  siteUrl: string,
  tablePrefix = 'wp_',
): Promise<void> {
  if (db.engine !== 'mariadb' && db.engine !== 'mysql') {
    throw new ValidationError(
      'db.engine',
      `the WordPress seed needs a MariaDB or MySQL database, got ${db.engine}`,
      {
        provided: db.engine,
        allowed: ['mariadb', 'mysql'],
      },
    );
  }
  const data = buildWordPressData(siteUrl);
  const conn = await mysql.createConnection({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    database: db.database,
    charset: 'utf8mb4_unicode_520_ci',
  });
  try {
    // WordPress drops the strict and zero-date modes for its session; its zero-date defaults need that.
    await conn.query("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'");
    for (const statement of wordpressSchema(tablePrefix)) await conn.query(statement);
    await conn.beginTransaction();
    for (const [table, { columns, rows }] of Object.entries(data)) {
      const head = `INSERT INTO ${mysql.escapeId(tablePrefix + table)} (${columns.map((c) => mysql.escapeId(c)).join(', ')}) VALUES ?`;
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        await conn.query(head, [rows.slice(i, i + INSERT_BATCH)]);
      }
    }
    await conn.commit();
  } catch (err) {
    await conn.rollback().catch(() => undefined);
    throw err;
  } finally {
    await conn.end().catch(() => undefined);
  }
}
