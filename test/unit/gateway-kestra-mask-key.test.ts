// The masking key never reaches Kestra: the clone API refuses a request carrying `mask_key` before it
// calls Kestra (a webhook body is kept in Kestra's execution), and a request naming a key sends Kestra only
// the name — the flow reads the Kestra secret RAILCLONE_MASK_KEY_<NAME> (flows-structure.test.ts checks it).
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KestraClient } from '../../src/kestra/client.js';
import { KestraBackend } from '../../src/gateway/backends/kestra.js';
import type { GatewayDeps } from '../../src/gateway/context.js';
import { closeServer, listen } from '../../src/gateway/server.js';
import { createApiKey } from '../../src/gateway/admin.js';
import type { GatewayStore } from '../../src/gateway/store/types.js';
import { CLONE, bearer, defaultSettings, post, tempFileStore } from '../integration/gateway-helpers.js';
import { kestraNock } from '../kestra-contract.js';
import { kestraState } from '../fixtures/kestra-answers.js';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

// nock intercepts fetch through @mswjs/interceptors, which calls Promise.withResolvers (Node 22+).
const P = Promise as unknown as { withResolvers?: () => unknown };
P.withResolvers ??= () => {
  let resolve!: (v: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

const KESTRA = 'http://kestra.test:8080';
const KEY = 'a-real-masking-key-0123456789abcdef';
let store: GatewayStore;
let dir: string;
let server: Awaited<ReturnType<typeof listen>>['server'];
let base: string;
let apiKey: string;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  ({ store, dir } = await tempFileStore());
  const client = new KestraClient({ url: KESTRA, user: 'admin@example.com', password: 'pw', tenant: 'main' });
  const deps: GatewayDeps = {
    store,
    backend: new KestraBackend({ client, webhookKey: 'server-side-webhook-key', store }),
    // Admission only asks which project (the requests name no environment, so nothing is read).
    environments: { projectOf: () => 'project-1' } as unknown as GatewayDeps['environments'],
    settings: defaultSettings(),
  };
  const l = await listen(deps, 0);
  server = l.server;
  base = `http://127.0.0.1:${l.port}`;
  apiKey = (await createApiKey(store, { name: 'mk', namespaces: ['railclone'], flows: [], rate_limit: null }))
    .key;
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  await closeServer(server);
  await store.close();
  nock.enableNetConnect();
});

async function storedText(): Promise<string> {
  let text = '';
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) text += await readFile(join(e.parentPath, e.name), 'utf8');
  return text;
}

describe('mask_key with the Kestra backend', () => {
  it('refuses a body carrying mask_key before Kestra is called, without echoing the key', async () => {
    const scope = kestraNock(KESTRA).post(/.*/).reply(500);
    const res = await post(`${base}${CLONE}`, { client_name: 'acme', mask_key: KEY }, bearer(apiKey));
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toContain('mask_key');
    expect(body).not.toContain(KEY);
    expect(scope.isDone()).toBe(false); // Kestra never saw the request
    expect(await storedText()).not.toContain(KEY);
  });

  it('sends Kestra only the key’s name, and keeps the name in the stored inputs', async () => {
    let sent: Record<string, unknown> | undefined;
    kestraNock(KESTRA)
      .post('/api/v1/main/executions/webhook/railclone/clone-staging-api/server-side-webhook-key', (b) => {
        sent = b as Record<string, unknown>;
        return true;
      })
      .reply(200, {
        tenantId: 'main',
        id: 'mk1',
        namespace: 'railclone',
        flowId: 'clone-staging-api',
        flowRevision: 1,
        state: kestraState('CREATED', [['CREATED', '2026-01-01T00:00:00Z']]),
        labels: [],
      });
    const res = await post(`${base}${CLONE}`, { client_name: 'acme', mask_key_name: 'acme' }, bearer(apiKey));
    expect(res.status, await res.clone().text()).toBe(202);
    expect(sent?.mask_key_name).toBe('ACME');
    expect(sent).not.toHaveProperty('mask_key');
    expect((await store.getExecution('mk1'))?.inputs).toMatchObject({ mask_key_name: 'ACME' });
  });
});
