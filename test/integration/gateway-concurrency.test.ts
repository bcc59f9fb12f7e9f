// N+1 concurrent clone requests on a key limited to N start exactly N executions: on the embedded store,
// and with two gateway instances sharing one PostgreSQL store.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { RailwayApi } from '../../src/railway/types.js';
import { verifyAudit } from '../../src/gateway/admin.js';
import {
  CLONE,
  bearer,
  post,
  startTestEmulator,
  startTestGateway,
  tempDatabase,
  tempFileStore,
  openTestPgStore,
} from './gateway-helpers.js';

const prefix = `rcgwcc${randomUUID().slice(0, 6)}`;
let emulator: RunningEmulator;
let railway: RailwayApi;
let db: Awaited<ReturnType<typeof tempDatabase>>;
const N = 7;
// A real clone that fails fast at preflight: the engine runs, nothing is created in Railway.
const body = { client_name: 'race', source_environment: 'does-not-exist' };

beforeAll(async () => {
  ({ emulator, railway } = await startTestEmulator(prefix));
  db = await tempDatabase('gateway_cc');
});

afterAll(async () => {
  await emulator?.stop();
  await db?.drop();
});

async function countStarted(store: { searchExecutions: (q: never) => Promise<{ total: number }> }) {
  return (
    await store.searchExecutions({
      namespace: 'railclone',
      flowId: 'clone-staging-api',
      page: 1,
      size: 100,
    } as never)
  ).total;
}

describe('rate limit under concurrency', () => {
  it('embedded store: exactly N of N+1 concurrent starts', async () => {
    const { store } = await tempFileStore();
    const gw = await startTestGateway({ store, railway, projectId: emulator.projectId });
    try {
      const key = await gw.key({ rate_limit: N });
      const statuses = await Promise.all(
        Array.from({ length: N + 1 }, () =>
          post(`${gw.url}${CLONE}`, body, bearer(key)).then((r) => r.status),
        ),
      );
      expect(statuses.filter((s) => s === 202)).toHaveLength(N);
      expect(statuses.filter((s) => s === 429)).toHaveLength(1);
      expect(await countStarted(store)).toBe(N);
    } finally {
      await gw.stop();
    }
  });

  it('two gateway instances sharing PostgreSQL: exactly N of N+1 concurrent starts, one audit chain', async () => {
    const storeA = await openTestPgStore(db.url);
    const storeB = await openTestPgStore(db.url);
    const a = await startTestGateway({ store: storeA, railway, projectId: emulator.projectId });
    const b = await startTestGateway({ store: storeB, railway, projectId: emulator.projectId });
    try {
      const key = await a.key({ rate_limit: N });
      const statuses = await Promise.all(
        Array.from({ length: N + 1 }, (_, i) =>
          post(`${(i % 2 ? a : b).url}${CLONE}`, body, bearer(key)).then((r) => r.status),
        ),
      );
      expect(statuses.filter((s) => s === 202)).toHaveLength(N);
      expect(statuses.filter((s) => s === 429)).toHaveLength(1);
      expect(await countStarted(storeA)).toBe(N);
      // a second burst of N+1 on a fresh key, all on instance B, while A's executions still finish
      const key2 = await b.key({ rate_limit: 3 });
      const s2 = await Promise.all(
        Array.from({ length: 4 }, () => post(`${b.url}${CLONE}`, body, bearer(key2)).then((r) => r.status)),
      );
      expect(s2.filter((s) => s === 202)).toHaveLength(3);
      const verdict = await verifyAudit(storeA);
      expect(verdict).toMatchObject({ ok: true });
      expect(verdict.entries).toBe(N + 1 + 4);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
