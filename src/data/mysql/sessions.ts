// Session settings of the source (read-only, UTC, raw bytes) and target (permissive, UTC, no checks).
import type { Connection } from './connect.js';
import { query } from './connect.js';

// A worker stalled by a slow target must not be cut off by the server (default 60 s).
const LONG = 86_400;

/** Target sql_mode: zero dates and '' in any column load as they are; id 0 stays 0 (mysqldump does the same). */
export const TARGET_SQL_MODE = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION';

/**
 * Source sessions never write: `SET SESSION TRANSACTION READ ONLY` makes the server refuse any
 * write. UTC so TIMESTAMP values are not shifted (or lost in a DST gap) on the way.
 * `rawResults`: results come as the column's own bytes (no conversion to the connection charset).
 */
export async function initSourceSession(conn: Connection, rawResults: boolean): Promise<void> {
  await query(
    conn,
    `SET SESSION time_zone = '+00:00', sql_mode = '', net_write_timeout = ${LONG}, net_read_timeout = ${LONG}, ` +
      `wait_timeout = ${LONG}, lock_wait_timeout = 120`,
  );
  if (rawResults) await query(conn, 'SET SESSION character_set_results = binary');
  await query(conn, 'SET SESSION TRANSACTION READ ONLY');
}

export async function initTargetSession(conn: Connection): Promise<void> {
  await query(
    conn,
    `SET SESSION time_zone = '+00:00', sql_mode = '${TARGET_SQL_MODE}', foreign_key_checks = 0, unique_checks = 0, ` +
      `net_read_timeout = ${LONG}, net_write_timeout = ${LONG}, wait_timeout = ${LONG}`,
  );
}
