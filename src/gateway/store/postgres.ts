// The shared store: PostgreSQL. Several gateway instances can point at one database; the rate limit is
// one atomic statement and the audit chain is appended under a transaction-scoped advisory lock.
import pg from 'pg';
import { createLogger } from '../../util/log.js';
import {
  type AuditCheckpoint,
  type AuditEntry,
  type AuditInput,
  auditSigner,
  chainEntry,
  makeCheckpoint,
} from '../audit.js';
import { ValidationError } from '../../util/errors.js';
import type { ExecutionQuery, ExecutionRecord, LogRecord } from '../execution.js';
import type { ApiKeyRecord } from '../keys.js';
import { GroupCommit } from './group-commit.js';
import { withKeyCache } from './key-cache.js';
import type { GatewayStore, RateTake } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS railclone_gateway_keys (
  id text PRIMARY KEY, name text NOT NULL, hash text NOT NULL, namespaces text[] NOT NULL, flows text[] NOT NULL,
  rate_limit integer, created_at timestamptz NOT NULL, revoked_at timestamptz);
ALTER TABLE railclone_gateway_keys ADD COLUMN IF NOT EXISTS admin boolean NOT NULL DEFAULT false;
CREATE TABLE IF NOT EXISTS railclone_gateway_rate_starts (key_id text PRIMARY KEY, starts bigint[] NOT NULL);
-- One start of a key unless the sliding window is full. The key's row is locked first, and only then is the
-- clock read: takes of one key are serialised across instances and stamped in that order by one clock
-- (the database's), so the count is exact. Stamps are microseconds, strictly increasing per key.
CREATE OR REPLACE FUNCTION railclone_gateway_take_start(k text, lim integer, win_us bigint)
RETURNS TABLE (allowed boolean, count integer, reset_us bigint, stamp bigint) LANGUAGE plpgsql AS $$
DECLARE
  now_us bigint;
  kept bigint[];
BEGIN
  INSERT INTO railclone_gateway_rate_starts (key_id, starts) VALUES (k, '{}') ON CONFLICT (key_id) DO NOTHING;
  SELECT r.starts INTO kept FROM railclone_gateway_rate_starts r WHERE r.key_id = k FOR UPDATE;
  now_us := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
  kept := ARRAY(SELECT s FROM unnest(kept) AS s WHERE s > now_us - win_us ORDER BY s);
  IF cardinality(kept) >= lim THEN
    UPDATE railclone_gateway_rate_starts SET starts = kept WHERE key_id = k;
    RETURN QUERY SELECT false, cardinality(kept), kept[cardinality(kept) - lim + 1] + win_us - now_us, NULL::bigint;
    RETURN;
  END IF;
  now_us := GREATEST(now_us, COALESCE(kept[cardinality(kept)], 0) + 1);
  kept := kept || now_us;
  UPDATE railclone_gateway_rate_starts SET starts = kept WHERE key_id = k;
  RETURN QUERY SELECT true, cardinality(kept), kept[1] + win_us - now_us, now_us;
END $$;
CREATE TABLE IF NOT EXISTS railclone_gateway_audit (seq bigint PRIMARY KEY, entry jsonb NOT NULL);
-- The head checkpoint, apart from the trail (grant the audit table INSERT only, if you like: this one is UPDATEd).
CREATE TABLE IF NOT EXISTS railclone_gateway_audit_checkpoint (id integer PRIMARY KEY CHECK (id = 1), checkpoint jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS railclone_gateway_executions (
  id text PRIMARY KEY, namespace text NOT NULL, flow_id text NOT NULL, state text NOT NULL,
  start_date timestamptz NOT NULL, record jsonb NOT NULL);
CREATE INDEX IF NOT EXISTS railclone_gateway_executions_flow ON railclone_gateway_executions (namespace, flow_id, start_date DESC);
CREATE TABLE IF NOT EXISTS railclone_gateway_logs (
  seq bigserial PRIMARY KEY, execution_id text NOT NULL, record jsonb NOT NULL);
CREATE INDEX IF NOT EXISTS railclone_gateway_logs_exec ON railclone_gateway_logs (execution_id, seq);
`;

const log = createLogger('gateway-store');

interface RateRow {
  allowed: boolean;
  count: number;
  reset_us: string;
  stamp: string | null;
}

// Any fixed number: every instance serialises audit appends on it.
const AUDIT_LOCK = 0x7261696c;

const toKey = (r: Record<string, unknown>): ApiKeyRecord => ({
  id: String(r.id),
  name: String(r.name),
  hash: String(r.hash),
  namespaces: r.namespaces as string[],
  flows: r.flows as string[],
  rate_limit: r.rate_limit === null ? null : Number(r.rate_limit),
  admin: r.admin === true,
  created_at: new Date(r.created_at as string).toISOString(),
  revoked_at: r.revoked_at ? new Date(r.revoked_at as string).toISOString() : null,
});

/** host:port/database of a PostgreSQL URL: no user, no password. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'RAILCLONE_GATEWAY_DATABASE_URL';
  }
}

export async function openPostgresStore(
  url: string,
  opts: { auditKey?: string } = {},
): Promise<GatewayStore> {
  // Instances share the trail, so they must share the key; a generated one would differ per instance.
  if (!opts.auditKey)
    throw new ValidationError(
      'RAILCLONE_AUDIT_KEY',
      'RAILCLONE_AUDIT_KEY is required with the PostgreSQL store (RAILCLONE_GATEWAY_DATABASE_URL): the same secret on every instance, e.g. openssl rand -hex 32',
      { provided: null, missing: true, allowed: 'at least 32 characters' },
    );
  const signer = auditSigner(opts.auditKey);
  const pool = new pg.Pool({ connectionString: url, max: 20 });
  // An idle connection dropped by the server (restart, failover) must not end the gateway: the pool replaces
  // it, and requests meanwhile fail with 503 (audit) or 500.
  pool.on('error', (err) => log.warn(`PostgreSQL connection lost: ${err.message}`));
  // Two instances starting at once may both run CREATE … IF NOT EXISTS; the lock makes that safe.
  const boot = await pool.connect();
  try {
    await boot.query('SELECT pg_advisory_lock($1)', [AUDIT_LOCK + 1]);
    await boot.query(SCHEMA);
  } finally {
    await boot.query('SELECT pg_advisory_unlock($1)', [AUDIT_LOCK + 1]).catch(() => undefined);
    boot.release();
  }

  // Rate takes, group-committed: each take is its own call of the function above (exact, see there), but the
  // takes waiting together go as one multi-statement query: one round trip and one commit (one WAL flush)
  // for the batch instead of one each. The batch is one transaction holding the row locks of its keys until
  // it commits, so its takes are ordered by key id (stably): two instances' batches lock in the same order
  // and cannot deadlock. A simple query takes no parameters: the key id is quoted by escapeLiteral, the
  // numbers are checked integers.
  const rateWriter = new GroupCommit<{ keyId: string; limit: number; windowMs: number }, RateTake>(
    async (takes) => {
      const order = takes
        .map((_, i) => i)
        .sort((a, b) =>
          takes[a]!.keyId < takes[b]!.keyId ? -1 : takes[a]!.keyId > takes[b]!.keyId ? 1 : a - b,
        );
      const sql = order.map((i) => {
        const { keyId, limit, windowMs } = takes[i]!;
        if (!Number.isSafeInteger(windowMs) || !Number.isSafeInteger(limit))
          throw new Error('rate window and limit must be integers');
        return `SELECT * FROM railclone_gateway_take_start(${pg.escapeLiteral(keyId)}, ${limit}, ${windowMs * 1000})`;
      });
      const res = (await pool.query(sql.join(';\n'))) as unknown as
        pg.QueryResult<RateRow> | pg.QueryResult<RateRow>[];
      const results = Array.isArray(res) ? res : [res];
      const out: RateTake[] = new Array(takes.length);
      order.forEach((i, j) => {
        const r = results[j]!.rows[0]!;
        out[i] = {
          allowed: r.allowed,
          count: Number(r.count),
          resetMs: Math.max(0, Number(r.reset_us) / 1000),
          stamp: r.stamp === null ? null : Number(r.stamp),
        };
      });
      return out;
    },
  );

  // Group commit: requests that arrive while a batch is being written go together in the next transaction,
  // so twenty concurrent audited requests cost two transactions, not twenty in a queue behind the lock. No
  // request hears back before the COMMIT that holds its entry. Under the advisory lock the head is read
  // again each time, so instances sharing the database extend one chain.
  const auditWriter = new GroupCommit<AuditInput, AuditEntry>(async (inputs) => {
    const client = await pool.connect();
    try {
      // One round trip for BEGIN, the lock and the head (a simple query may hold several statements).
      const opened = (await client.query(
        `BEGIN; SELECT pg_advisory_xact_lock(${AUDIT_LOCK}); SELECT entry FROM railclone_gateway_audit ORDER BY seq DESC LIMIT 1`,
      )) as unknown as pg.QueryResult<{ entry: AuditEntry }>[];
      const last = opened[2]!.rows[0]?.entry;
      let head = last ? { seq: last.seq, hash: last.hash } : null;
      const entries = inputs.map((input) => {
        const entry = chainEntry(input, head, signer);
        head = { seq: entry.seq, hash: entry.hash };
        return entry;
      });
      // INSERT and COMMIT in one round trip too: a simple query takes no parameters, so the JSON goes in as a
      // literal quoted by pg's escapeLiteral (the lock is held for two round trips, not three).
      await client.query(
        `INSERT INTO railclone_gateway_audit (seq, entry) SELECT (x->>'seq')::bigint, x FROM jsonb_array_elements(${client.escapeLiteral(JSON.stringify(entries))}::jsonb) AS x;
         INSERT INTO railclone_gateway_audit_checkpoint (id, checkpoint) VALUES (1, ${client.escapeLiteral(JSON.stringify(makeCheckpoint(head!, signer)))}::jsonb)
           ON CONFLICT (id) DO UPDATE SET checkpoint = EXCLUDED.checkpoint; COMMIT`,
      );
      return entries;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  });

  return withKeyCache({
    kind: 'postgres',
    where: `the PostgreSQL store at ${describeUrl(url)}`,
    async createKey(k) {
      await pool.query(
        'INSERT INTO railclone_gateway_keys (id, name, hash, namespaces, flows, rate_limit, created_at, revoked_at, admin) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
        [k.id, k.name, k.hash, k.namespaces, k.flows, k.rate_limit, k.created_at, k.revoked_at, k.admin],
      );
    },
    async getKey(id) {
      const r = await pool.query('SELECT * FROM railclone_gateway_keys WHERE id = $1', [id]);
      return r.rows[0] ? toKey(r.rows[0]) : null;
    },
    async listKeys() {
      return (await pool.query('SELECT * FROM railclone_gateway_keys ORDER BY created_at')).rows.map(toKey);
    },
    async revokeKey(id, at) {
      const r = await pool.query(
        'UPDATE railclone_gateway_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL',
        [id, at],
      );
      return (r.rowCount ?? 0) > 0;
    },

    takeRate: (keyId, limit, windowMs) => rateWriter.submit({ keyId, limit, windowMs }),
    async refundRate(keyId, stamp) {
      await pool.query(
        'UPDATE railclone_gateway_rate_starts SET starts = array_remove(starts, $2::bigint) WHERE key_id = $1',
        [keyId, stamp],
      );
    },

    appendAudit: (input: AuditInput) => auditWriter.submit(input),
    async listAudit() {
      // Stored order is physical order of seq; verify checks the seq numbers themselves.
      return (
        await pool.query<{ entry: AuditEntry }>('SELECT entry FROM railclone_gateway_audit ORDER BY seq')
      ).rows.map((r) => r.entry);
    },

    async auditCheckpoint() {
      const r = await pool.query<{ checkpoint: AuditCheckpoint }>(
        'SELECT checkpoint FROM railclone_gateway_audit_checkpoint WHERE id = 1',
      );
      return r.rows[0]?.checkpoint ?? null;
    },
    auditSigner: signer,

    async saveExecution(e: ExecutionRecord) {
      await pool.query(
        `INSERT INTO railclone_gateway_executions (id, namespace, flow_id, state, start_date, record) VALUES ($1,$2,$3,$4,$5,$6)
         ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, record = EXCLUDED.record`,
        [e.id, e.namespace, e.flowId, e.state, e.startDate, JSON.stringify(e)],
      );
    },
    async getExecution(id) {
      const r = await pool.query<{ record: ExecutionRecord }>(
        'SELECT record FROM railclone_gateway_executions WHERE id = $1',
        [id],
      );
      return r.rows[0]?.record ?? null;
    },
    async searchExecutions(q: ExecutionQuery) {
      const where = ['namespace = $1', 'flow_id = $2'];
      const params: unknown[] = [q.namespace, q.flowId];
      if (q.states?.length) where.push(`state = ANY($${params.push(q.states)})`);
      if (q.from) where.push(`start_date >= $${params.push(q.from)}`);
      if (q.to) where.push(`start_date <= $${params.push(q.to)}`);
      if (q.client !== undefined) where.push(`record->'inputs'->>'client_name' = $${params.push(q.client)}`);
      if (q.startedBy !== undefined) where.push(`record->>'startedBy' = $${params.push(q.startedBy)}`);
      const w = where.join(' AND ');
      // The count and the page on two pooled connections at once: one round trip of waiting, not two.
      const [total, rows] = await Promise.all([
        pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM railclone_gateway_executions WHERE ${w}`,
          params,
        ),
        pool.query<{ record: ExecutionRecord }>(
          `SELECT record FROM railclone_gateway_executions WHERE ${w} ORDER BY start_date DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
          [...params, q.size, (q.page - 1) * q.size],
        ),
      ]);
      return { results: rows.rows.map((r) => r.record), total: Number(total.rows[0]!.n) };
    },
    async appendLogs(logs: LogRecord[]) {
      if (logs.length === 0) return;
      await pool.query(
        "INSERT INTO railclone_gateway_logs (execution_id, record) SELECT x->>'executionId', x FROM jsonb_array_elements($1::jsonb) AS x",
        [JSON.stringify(logs)],
      );
    },
    async getLogs(id, offset = 0) {
      const r = await pool.query<{ record: LogRecord }>(
        'SELECT record FROM railclone_gateway_logs WHERE execution_id = $1 ORDER BY seq OFFSET $2',
        [id, offset],
      );
      return r.rows.map((x) => x.record);
    },
    close: async () => {
      await Promise.all([rateWriter.drain(), auditWriter.drain()]);
      await pool.end();
    },
  });
}
