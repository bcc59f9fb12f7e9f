// Shared by the gateway tests: a real gateway (HTTP server) over a real store, the local backend and the
// Railway emulator with real databases.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { railwayClientFromEnv } from '../../src/railway/client.js';
import type { RailwayApi } from '../../src/railway/types.js';
import { LocalBackend } from '../../src/gateway/backends/local.js';
import type { GatewayDeps, GatewaySettings } from '../../src/gateway/context.js';
import { directEnvironments } from '../../src/gateway/environments.js';
import { closeServer, listen } from '../../src/gateway/server.js';
import { openFileStore } from '../../src/gateway/store/file.js';
import { openPostgresStore } from '../../src/gateway/store/postgres.js';
import type { GatewayStore } from '../../src/gateway/store/types.js';
import { createApiKey } from '../../src/gateway/admin.js';
import { setLogSink } from '../../src/util/log.js';

export const ADMIN_PG = 'postgresql://postgres@127.0.0.1:5432/postgres';
/** RAILCLONE_AUDIT_KEY of the test stores. */
export const TEST_AUDIT_KEY = 'gateway-test-audit-key-0123456789abcdef';

/** The PostgreSQL store with the tests' audit key. */
export const openTestPgStore = (url: string) => openPostgresStore(url, { auditKey: TEST_AUDIT_KEY });

export interface TestGateway {
  url: string;
  deps: GatewayDeps;
  key(opts?: {
    namespaces?: string[];
    flows?: string[];
    rate_limit?: number | null;
    admin?: boolean;
  }): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestEmulator(
  prefix: string,
): Promise<{ emulator: RunningEmulator; railway: RailwayApi }> {
  setLogSink(() => {});
  const emulator = await startEmulator({
    port: 0,
    scenario: 'wordpress',
    dbPrefix: prefix,
    deploymentStepMs: 10,
  });
  const railway = railwayClientFromEnv({
    RAILWAY_API_TOKEN: emulator.tokens.account,
    RAILWAY_API_URL: emulator.url,
  });
  return { emulator, railway };
}

export async function tempFileStore(): Promise<{ store: GatewayStore; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'rc-gateway-'));
  return { store: await openFileStore(dir, { auditKey: TEST_AUDIT_KEY }), dir };
}

/** A fresh PostgreSQL database for one test file; `drop` removes it. */
export async function tempDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const admin = new pg.Client({ connectionString: ADMIN_PG });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: `postgresql://postgres@127.0.0.1:5432/${name}`,
    drop: async () => {
      const c = new pg.Client({ connectionString: ADMIN_PG });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export const defaultSettings = (over: Partial<GatewaySettings> = {}): GatewaySettings => ({
  namespace: 'railclone',
  corsOrigins: [],
  bodyLimit: 65_536,
  rate: { defaultLimit: 10, windowSeconds: 3_600 },
  ...over,
});

export async function startTestGateway(opts: {
  store: GatewayStore;
  railway: RailwayApi;
  projectId: string;
  settings?: Partial<GatewaySettings>;
  ownsStore?: boolean;
}): Promise<TestGateway> {
  const backend = new LocalBackend({
    store: opts.store,
    railway: opts.railway,
    defaultProjectId: opts.projectId,
    outputKey: 'gateway-test-output-key-0123',
    followIntervalMs: 50,
  });
  const deps: GatewayDeps = {
    store: opts.store,
    backend,
    environments: directEnvironments(opts.railway, opts.projectId),
    settings: defaultSettings(opts.settings),
  };
  const { server, port } = await listen(deps, 0);
  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    key: async (k = {}) =>
      (
        await createApiKey(opts.store, {
          name: `test-${randomUUID().slice(0, 8)}`,
          namespaces: k.namespaces ?? ['railclone'],
          flows: k.flows ?? [],
          rate_limit: k.rate_limit ?? null,
          admin: k.admin ?? false,
        })
      ).key,
    stop: async () => {
      await closeServer(server);
      await backend.close();
      if (opts.ownsStore !== false) await opts.store.close();
    },
  };
}

export const CLONE = '/api/v1/main/executions/webhook/railclone/clone-staging-api/k';

export function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** Polls an execution until it ends. */
export async function pollUntilDone(
  base: string,
  pollingUrl: string,
  key: string,
  timeoutMs = 120_000,
): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${base}${pollingUrl}`, { headers: bearer(key) });
    const body = (await res.json()) as Record<string, unknown>;
    if (['SUCCESS', 'FAILED', 'WARNING', 'KILLED'].includes(String(body.state))) return body;
    if (Date.now() > until) throw new Error(`execution still ${String(body.state)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
