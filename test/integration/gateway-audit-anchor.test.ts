// Issue 11.5 on PostgreSQL: a trail rewritten in the table (hashes recomputed after an edit), cut short, or
// with its checkpoint row edited or removed is reported with the entry where it starts; the key is required.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/gateway/admin.js';
import { type AuditEntry, type AuditInput, hashEntry } from '../../src/gateway/audit.js';
import { openPostgresStore } from '../../src/gateway/store/postgres.js';
import type { GatewayStore } from '../../src/gateway/store/types.js';
import { openTestPgStore, tempDatabase } from './gateway-helpers.js';

const input = (i: number): AuditInput => ({
  time: new Date(1_700_000_000_000 + i * 1000).toISOString(),
  key_id: `key${i}`,
  action: 'clone',
  namespace: 'railclone',
  flow_id: 'clone-staging-api',
  inputs: { client_name: `c${i}` },
  result: 'accepted:202',
  status: 202,
  execution_id: `ex${i}`,
  remote: '127.0.0.1',
});

let db: Awaited<ReturnType<typeof tempDatabase>>;
let store: GatewayStore;
let sql: pg.Client;
let original: AuditEntry[];

beforeAll(async () => {
  db = await tempDatabase('gateway_anchor');
  store = await openTestPgStore(db.url);
  for (let i = 1; i <= 20; i++) await store.appendAudit(input(i));
  original = await store.listAudit();
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
});

afterAll(async () => {
  await sql?.end();
  await store?.close();
  await db?.drop();
});

/** Puts the trail back as it was written, after each tampering. */
async function restore() {
  await sql.query('DELETE FROM railclone_gateway_audit');
  for (const e of original)
    await sql.query('INSERT INTO railclone_gateway_audit (seq, entry) VALUES ($1, $2)', [e.seq, e]);
  expect(await verifyAudit(store)).toMatchObject({ ok: true, entries: 20, unanchored: 0 });
}

describe('anchored audit trail (PostgreSQL store)', () => {
  it('an edit with every later hash recomputed is reported at the edited entry', async () => {
    let prev = original[6]!.hash;
    for (const e of original.slice(7)) {
      const body = { ...e, ...(e.seq === 8 ? { key_id: 'someone-else' } : {}), prev_hash: prev };
      const { hash: _h, mac, ...rest } = body;
      const hash = hashEntry(rest);
      prev = hash;
      await sql.query('UPDATE railclone_gateway_audit SET entry = $2 WHERE seq = $1', [
        e.seq,
        { ...rest, hash, mac },
      ]);
    }
    expect(await verifyAudit(store)).toMatchObject({
      ok: false,
      at: 8,
      problem: expect.stringMatching(/MAC/),
    });
    await restore();
  });

  it('entries cut off the end are reported where the cut starts', async () => {
    await sql.query('DELETE FROM railclone_gateway_audit WHERE seq > 17');
    expect(await verifyAudit(store)).toMatchObject({
      ok: false,
      at: 18,
      problem: expect.stringMatching(/18 to 20 are missing/),
    });
    await restore();
  });

  it('a removed or edited checkpoint is reported', async () => {
    const saved = (await sql.query('SELECT checkpoint FROM railclone_gateway_audit_checkpoint')).rows[0]
      .checkpoint;
    await sql.query(
      `UPDATE railclone_gateway_audit_checkpoint SET checkpoint = jsonb_set(checkpoint, '{seq}', '17')`,
    );
    expect(await verifyAudit(store)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/checkpoint was edited/),
    });
    await sql.query('DELETE FROM railclone_gateway_audit_checkpoint');
    expect(await verifyAudit(store)).toMatchObject({
      ok: false,
      at: 1,
      problem: expect.stringMatching(/missing/),
    });
    await sql.query('INSERT INTO railclone_gateway_audit_checkpoint (id, checkpoint) VALUES (1, $1)', [
      saved,
    ]);
    expect((await verifyAudit(store)).ok).toBe(true);
  });

  it('reordered rows are reported where the order breaks', async () => {
    const [a, b] = [original[3]!, original[4]!];
    await sql.query('UPDATE railclone_gateway_audit SET entry = $2 WHERE seq = $1', [4, b]);
    await sql.query('UPDATE railclone_gateway_audit SET entry = $2 WHERE seq = $1', [5, a]);
    expect(await verifyAudit(store)).toMatchObject({ ok: false, at: 4 });
    await restore();
  });

  it('the same trail read with another key is refused; the store will not open without a key', async () => {
    const other = await openPostgresStore(db.url, { auditKey: 'another-audit-key-0123456789abcdefgh' });
    try {
      expect(await verifyAudit(other)).toMatchObject({
        ok: false,
        problem: expect.stringMatching(/another audit key/),
      });
    } finally {
      await other.close();
    }
    await expect(openPostgresStore(db.url)).rejects.toThrow(/RAILCLONE_AUDIT_KEY is required/);
  });
});
