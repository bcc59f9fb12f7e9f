// Connections to the source (always read-only) and the target, with the password registered as a secret.
import pg from 'pg';
import { RailcloneError } from '../../util/errors.js';
import { registerSecret } from '../../util/secrets.js';

export type PgClient = pg.Client;

function passwordOf(url: string): string | undefined {
  try {
    const p = new URL(url).password;
    return p ? decodeURIComponent(p) : undefined;
  } catch {
    return undefined;
  }
}

/** Session settings: no server-side timeout may cut a long COPY or the idle snapshot holder. */
const SESSION =
  'SET statement_timeout = 0; SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0';

export async function connect(url: string, role: 'source' | 'target'): Promise<PgClient> {
  registerSecret(passwordOf(url));
  const client = new pg.Client({ connectionString: url, application_name: `railclone-${role}` });
  // A dropped connection must reject the pending query, not crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    const u = new URL(url);
    throw new RailcloneError(
      'ConnectionFailed',
      `cannot connect to the ${role} database ${u.hostname}:${u.port || 5432}${u.pathname}: ${(err as Error).message}`,
      { role },
      { cause: err },
    );
  }
  await client.query(SESSION);
  // The source is never written: every transaction of this session is read-only.
  if (role === 'source') await client.query('SET default_transaction_read_only = on');
  return client;
}

/**
 * The copy's target sessions (its lanes, pg_restore) commit without waiting for the WAL flush — a
 * commit per table, index and ANALYZE, hundreds on a multisite. Nothing is lost that matters: a crash
 * fails the copy anyway (the mark stays "in progress"), and the "done" mark is written by a session
 * that does wait, which flushes the WAL of every commit before it.
 */
export const NO_COMMIT_WAIT = { name: 'synchronous_commit', value: 'off' } as const;

/** Ends a client; when it is stuck in a COPY, drops the socket instead of waiting for it. */
export async function closeClient(client: PgClient | undefined, force = false): Promise<void> {
  if (!client) return;
  const stream = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  if (force) {
    stream?.destroy();
    return;
  }
  await Promise.race([client.end().catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())]);
  stream?.destroy();
}

export const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
export const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
export const qualified = (schema: string, name: string) => `${ident(schema)}.${ident(name)}`;

/** Libpq environment for pg_dump/psql: the password travels in PGPASSWORD, never on a command line. */
export function libpqTarget(url: string): { dbname: string; env: Record<string, string> } {
  const u = new URL(url);
  const password = passwordOf(url);
  u.password = '';
  const env: Record<string, string> = {};
  if (password) env.PGPASSWORD = password;
  return { dbname: u.toString(), env };
}
