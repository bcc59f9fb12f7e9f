// The gateway's speed-ups keep its contracts: cached key records never outlive a revoke (at once through the
// same store, within the TTL from elsewhere), concurrent audit appends — group-committed, two instances on one
// PostgreSQL — form one verifiable chain, and the file store's history index follows every save.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditInput } from '../../src/gateway/audit.js';
import { CompletionEstimator } from '../../src/gateway/estimate.js';
import type { ExecutionBackend } from '../../src/gateway/backends/types.js';
import type { ExecutionRecord } from '../../src/gateway/execution.js';
import pg from 'pg';
import { createApiKey, verifyAudit } from '../../src/gateway/admin.js';
import { openFileStore } from '../../src/gateway/store/file.js';
import { KEY_CACHE_TTL_MS, withKeyCache } from '../../src/gateway/store/key-cache.js';
import type { GatewayStore } from '../../src/gateway/store/types.js';
import { openTestPgStore, tempDatabase, tempFileStore } from './gateway-helpers.js';

const audit = (i: number): AuditInput => ({
  time: new Date().toISOString(),
  key_id: `k${i}`,
  action: 'clone',
  namespace: 'railclone',
  flow_id: 'clone-staging-api',
  inputs: { client_name: `c${i}` },
  result: 'accepted:202',
  status: 202,
  execution_id: `e${i}`,
  remote: null,
});

const exec = (
  id: string,
  state: ExecutionRecord['state'],
  startDate: string,
  endDate: string | null = null,
): ExecutionRecord => ({
  id,
  namespace: 'railclone',
  flowId: 'clone-staging-api',
  state,
  startDate,
  endDate,
  histories: [],
  taskRuns: [],
  inputs: {},
  outputs: null,
  startedBy: 'k',
  error: null,
});

describe('key cache', () => {
  it('a revoke through the same store counts at once; one from another process within the TTL', async () => {
    const { store, dir } = await tempFileStore(); // opened stores cache key records (KEY_CACHE_TTL_MS)
    const other = await openFileStore(dir); // stands for `railclone keys revoke` in another process
    try {
      const { record } = await createApiKey(store, { name: 'a', namespaces: ['railclone'] });
      expect((await store.getKey(record.id))?.revoked_at).toBeNull();
      expect(await store.revokeKey(record.id, new Date().toISOString())).toBe(true);
      expect((await store.getKey(record.id))?.revoked_at).not.toBeNull();

      const { record: b } = await createApiKey(store, { name: 'b', namespaces: ['railclone'] });
      expect((await store.getKey(b.id))?.revoked_at).toBeNull();
      expect(await other.revokeKey(b.id, new Date().toISOString())).toBe(true);
      expect((await store.getKey(b.id))?.revoked_at).toBeNull(); // still cached: the documented window
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + KEY_CACHE_TTL_MS + 1);
      expect((await store.getKey(b.id))?.revoked_at).not.toBeNull();
    } finally {
      vi.useRealTimers();
      await other.close();
      await store.close();
    }
  });

  it('concurrent lookups of one key share one read; unknown ids are answered null', async () => {
    const { store } = await tempFileStore();
    let reads = 0;
    const counting: GatewayStore = { ...store, getKey: (id) => (reads++, store.getKey(id)) };
    const cached = withKeyCache(counting);
    try {
      const { record } = await createApiKey(cached, { name: 'a', namespaces: ['railclone'] });
      const got = await Promise.all(Array.from({ length: 20 }, () => cached.getKey(record.id)));
      expect(got.every((k) => k?.hash === record.hash)).toBe(true);
      expect(reads).toBe(1);
      expect(await cached.getKey('000000000000')).toBeNull();
    } finally {
      await store.close();
    }
  });
});

describe('audit group commit', () => {
  let db: Awaited<ReturnType<typeof tempDatabase>>;
  beforeAll(async () => {
    db = await tempDatabase('gwcache');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('two PostgreSQL instances appending 200 entries at once build one chain, each caller gets its own entry', async () => {
    const a = await openTestPgStore(db.url);
    const b = await openTestPgStore(db.url);
    try {
      const entries = await Promise.all(
        Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).appendAudit(audit(i))),
      );
      expect(entries.map((e) => e.execution_id)).toEqual(Array.from({ length: 200 }, (_, i) => `e${i}`));
      expect(new Set(entries.map((e) => e.seq)).size).toBe(200);
      const stored = await a.listAudit();
      expect(await verifyAudit(a)).toMatchObject({ ok: true, entries: 200 });
      // Every acknowledged entry is in the stored chain, exactly as returned.
      expect(stored.find((e) => e.seq === entries[37]!.seq)).toEqual(entries[37]);
      // Still tamper-evident: an edit and a removal in the table are reported at their place.
      const sql = new pg.Client({ connectionString: db.url });
      await sql.connect();
      try {
        await sql.query(
          `UPDATE railclone_gateway_audit SET entry = jsonb_set(entry, '{status}', '500') WHERE seq = 50`,
        );
        expect(await verifyAudit(a)).toMatchObject({ ok: false, at: 50 });
        await sql.query('DELETE FROM railclone_gateway_audit WHERE seq >= 50 AND seq <= 60');
        expect(await verifyAudit(a)).toMatchObject({ ok: false, at: 50 });
      } finally {
        await sql.end();
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('rate takes batched into one query stay exact: 40 at once over two instances on a limit of 7 allow 7', async () => {
    const a = await openTestPgStore(db.url);
    const b = await openTestPgStore(db.url);
    try {
      const takes = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).takeRate("k'ey", 7, 3_600_000)),
      );
      const allowed = takes.filter((t) => t.allowed);
      expect(allowed.map((t) => t.count).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(takes.filter((t) => !t.allowed).every((t) => t.count === 7)).toBe(true);
      await a.refundRate("k'ey", allowed[3]!.stamp!);
      expect(await b.takeRate("k'ey", 7, 3_600_000)).toMatchObject({ allowed: true, count: 7 });
      expect(await b.takeRate("k'ey", 7, 3_600_000)).toMatchObject({ allowed: false, count: 7 });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('the file store: 200 concurrent appends, one chain, all on disk when they resolve', async () => {
    const { store } = await tempFileStore();
    try {
      const entries = await Promise.all(Array.from({ length: 200 }, (_, i) => store.appendAudit(audit(i))));
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(await verifyAudit(store)).toMatchObject({ ok: true, entries: 200 });
    } finally {
      await store.close();
    }
  });
});

describe('file store history index', () => {
  it('follows saves made before and after the first search', async () => {
    const { store } = await tempFileStore();
    try {
      await store.saveExecution(exec('a1', 'RUNNING', '2026-01-01T00:00:01.000Z'));
      await store.saveExecution(exec('a2', 'CREATED', '2026-01-01T00:00:02.000Z'));
      expect(
        (
          await store.searchExecutions({
            namespace: 'railclone',
            flowId: 'clone-staging-api',
            states: ['RUNNING'],
            page: 1,
            size: 10,
          })
        ).total,
      ).toBe(1);
      await store.saveExecution(
        exec('a1', 'SUCCESS', '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:09.000Z'),
      );
      await store.saveExecution(exec('a3', 'RUNNING', '2026-01-01T00:00:03.000Z'));
      const running = await store.searchExecutions({
        namespace: 'railclone',
        flowId: 'clone-staging-api',
        states: ['RUNNING'],
        page: 1,
        size: 10,
      });
      expect(running.results.map((e) => e.id)).toEqual(['a3']);
      const page2 = await store.searchExecutions({
        namespace: 'railclone',
        flowId: 'clone-staging-api',
        page: 2,
        size: 2,
      });
      expect({ ids: page2.results.map((e) => e.id), total: page2.total }).toEqual({ ids: ['a1'], total: 3 });
      expect(page2.results[0]!.state).toBe('SUCCESS');
      // Finished records are served from memory, frozen so no reader can change what the next one sees.
      const done = await store.getExecution('a1');
      expect(done).toEqual(exec('a1', 'SUCCESS', '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:09.000Z'));
      expect(Object.isFrozen(done) && Object.isFrozen(done!.histories)).toBe(true);
      await store.saveExecution(exec('a1', 'RUNNING', '2026-01-01T00:00:01.000Z')); // a re-run replaces it
      expect((await store.getExecution('a1'))?.state).toBe('RUNNING');
    } finally {
      await store.close();
    }
  });
});

describe('history filters by client and starting key, in both stores', () => {
  const who = (id: string, client: string, key: string, at: string): ExecutionRecord => ({
    ...exec(id, 'SUCCESS', at, at),
    inputs: { client_name: client },
    startedBy: key,
  });
  const check = async (store: GatewayStore) => {
    await store.saveExecution(who('w1', 'acme', 'key-a', '2026-02-01T00:00:01.000Z'));
    await store.saveExecution(who('w2', 'acme', 'key-b', '2026-02-01T00:00:02.000Z'));
    await store.saveExecution(who('w3', 'globex', 'key-a', '2026-02-01T00:00:03.000Z'));
    const ids = async (q: { client?: string; startedBy?: string }) => {
      const r = await store.searchExecutions({
        namespace: 'railclone',
        flowId: 'clone-staging-api',
        from: '2026-02-01T00:00:00.000Z',
        to: '2026-02-01T00:00:09.000Z',
        page: 1,
        size: 10,
        ...q,
      });
      return { ids: r.results.map((e) => e.id), total: r.total };
    };
    expect(await ids({ client: 'acme' })).toEqual({ ids: ['w2', 'w1'], total: 2 });
    expect(await ids({ startedBy: 'key-a' })).toEqual({ ids: ['w3', 'w1'], total: 2 });
    expect(await ids({ client: 'acme', startedBy: 'key-a' })).toEqual({ ids: ['w1'], total: 1 });
    expect(await ids({ client: 'Acme' })).toEqual({ ids: [], total: 0 }); // exact, as Kestra's labels
  };
  let db: Awaited<ReturnType<typeof tempDatabase>>;
  beforeAll(async () => {
    db = await tempDatabase('gwhist');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('the file store', async () => {
    const { store } = await tempFileStore();
    try {
      await check(store);
    } finally {
      await store.close();
    }
  });

  it('the PostgreSQL store', async () => {
    const store = await openTestPgStore(db.url);
    try {
      await check(store);
    } finally {
      await store.close();
    }
  });
});

describe('completion estimate cache', () => {
  it('remembers "no history" until a run succeeds, then counts it at once', async () => {
    let searches = 0;
    let history: ExecutionRecord[] = [];
    let finished: ((e: ExecutionRecord) => void) | undefined;
    const backend = {
      search: async () => (searches++, { results: history, total: history.length }),
      onFinished: (l: (e: ExecutionRecord) => void) => (finished = l),
    } as unknown as ExecutionBackend;
    const est = new CompletionEstimator(backend);
    const start = '2026-01-01T00:00:00.000Z';
    expect(
      await Promise.all([
        est.estimate('railclone', 'clone-staging-api', start),
        est.estimate('railclone', 'clone-staging-api', start),
      ]),
    ).toEqual([null, null]);
    expect(await est.estimate('railclone', 'clone-staging-api', start)).toBeNull();
    expect(searches).toBe(1);
    history = [exec('s1', 'SUCCESS', '2026-01-01T00:00:00.000Z', '2026-01-01T00:01:00.000Z')];
    finished!(exec('f1', 'FAILED', start)); // a failure changes no median
    expect(await est.estimate('railclone', 'clone-staging-api', start)).toBeNull();
    finished!(history[0]!);
    expect(await est.estimate('railclone', 'clone-staging-api', start)).toBe('2026-01-01T00:01:00.000Z');
    expect(searches).toBe(2);
  });
});
