// Issue 11.7: the rate limit is a sliding window — no burst of 2×limit across a window edge, as fixed windows
// allowed — on the embedded store and on PostgreSQL (exact across instances: gateway-concurrency.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayStore } from '../../src/gateway/store/types.js';
import { openTestPgStore, tempDatabase, tempFileStore } from './gateway-helpers.js';

const LIMIT = 3;
const WINDOW_MS = 1_500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let db: Awaited<ReturnType<typeof tempDatabase>>;
beforeAll(async () => {
  db = await tempDatabase('gateway_rw');
});
afterAll(async () => {
  await db?.drop();
});

async function checkSliding(store: GatewayStore) {
  const key = `k${Date.now()}`;
  // Start just before a fixed-window edge (multiples of WINDOW_MS), where fixed windows would let the next
  // LIMIT starts through a moment later.
  while (Date.now() % WINDOW_MS < 1_000 || Date.now() % WINDOW_MS > 1_150) await sleep(10);
  const first = await Promise.all(Array.from({ length: LIMIT }, () => store.takeRate(key, LIMIT, WINDOW_MS)));
  expect(first.map((t) => t.allowed)).toEqual([true, true, true]);
  await sleep(WINDOW_MS - (Date.now() % WINDOW_MS) + 100); // past the edge, well inside the sliding window
  const across = await store.takeRate(key, LIMIT, WINDOW_MS);
  expect(across).toMatchObject({ allowed: false, count: LIMIT });
  expect(across.resetMs).toBeGreaterThan(0);
  expect(across.resetMs).toBeLessThanOrEqual(WINDOW_MS);
  await sleep(across.resetMs + 50);
  const later = await store.takeRate(key, LIMIT, WINDOW_MS);
  expect(later.allowed).toBe(true);
  // The window full again; a refund gives exactly one start back.
  for (let i = 1; i < LIMIT; i++) expect((await store.takeRate(key, LIMIT, WINDOW_MS)).allowed).toBe(true);
  expect((await store.takeRate(key, LIMIT, WINDOW_MS)).allowed).toBe(false);
  await store.refundRate(key, later.stamp!);
  expect((await store.takeRate(key, LIMIT, WINDOW_MS)).allowed).toBe(true);
  expect((await store.takeRate(key, LIMIT, WINDOW_MS)).allowed).toBe(false);
}

describe('sliding-window rate limit', () => {
  it('embedded store: no boundary burst', async () => {
    const { store } = await tempFileStore();
    try {
      await checkSliding(store);
    } finally {
      await store.close();
    }
  }, 20_000);

  it('PostgreSQL store: no boundary burst', async () => {
    const store = await openTestPgStore(db.url);
    try {
      await checkSliding(store);
    } finally {
      await store.close();
    }
  }, 20_000);
});
