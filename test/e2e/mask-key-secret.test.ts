// The key of repeatable masking is a secret: a request only names it (mask_key_name), the key is the clone
// API's setting RAILCLONE_MASK_KEY_<NAME>. Through the clone API with its in-process engine and real
// MariaDB: a request carrying a key is refused without storing or echoing it; two clones with the same
// name mask alike; the key reaches no stored input, output, log line, history row, audit entry or file.
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicDatabaseUrl } from '../../src/clone/services.js';
import { deleteEnvironment, listEnvironments } from '../../src/clone/environments.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { RailwayApi } from '../../src/railway/types.js';
import {
  CLONE,
  bearer,
  pollUntilDone,
  post,
  startTestEmulator,
  startTestGateway,
  tempFileStore,
  type TestGateway,
} from '../integration/gateway-helpers.js';
import { dumpDatabase } from './helpers.js';

const KEY = `mask-key-${randomUUID()}`;
let emulator: RunningEmulator;
let railway: RailwayApi;
let gw: TestGateway;
let dir: string;
let apiKey: string;

beforeAll(async () => {
  process.env.RAILCLONE_MASK_KEY_ACME = KEY;
  ({ emulator, railway } = await startTestEmulator(`rcmk${randomUUID().slice(0, 6)}`));
  const temp = await tempFileStore();
  dir = temp.dir;
  gw = await startTestGateway({ store: temp.store, railway, projectId: emulator.projectId });
  apiKey = await gw.key();
}, 60_000);

afterAll(async () => {
  delete process.env.RAILCLONE_MASK_KEY_ACME;
  await gw?.stop();
  await emulator?.stop();
});

async function filesUnder(root: string): Promise<string> {
  let text = '';
  for (const e of await readdir(root, { withFileTypes: true, recursive: true }))
    if (e.isFile()) text += await readFile(join(e.parentPath, e.name), 'utf8');
  return text;
}

async function emails(environment: string): Promise<string[]> {
  const env = (await listEnvironments(railway, emulator.projectId)).find((e) => e.name === environment)!;
  const mariadb = (await railway.getProject(emulator.projectId)).services.find((s) => s.name === 'MariaDB')!;
  const vars = await railway.getVariables({
    projectId: emulator.projectId,
    environmentId: env.id,
    serviceId: mariadb.id,
  });
  const dump = await dumpDatabase(publicDatabaseUrl('mariadb', vars)!);
  return (dump.wp_users ?? []).map((r) => String((JSON.parse(r) as { user_email: string }).user_email));
}

describe('mask_key_name: the masking key stays a server setting (local engine)', () => {
  it('refuses a request that carries the key itself, without echoing or storing it', async () => {
    const res = await post(
      `${gw.url}${CLONE}`,
      { client_name: 'acme', mask_key: KEY, environment_name: 'mk-refused' },
      bearer(apiKey),
    );
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('mask_key');
    expect(text).toContain('mask_key_name'); // the allowed fields name the replacement
    expect(text).not.toContain(KEY);
    expect(await filesUnder(dir)).not.toContain(KEY);
  });

  it('masks two clones alike with the named key, and the key is in no input, output, log, history or file', async () => {
    const ids: string[] = [];
    for (const name of ['mk-one', 'mk-two']) {
      const res = await post(
        `${gw.url}${CLONE}`,
        { client_name: 'acme', environment_name: name, mask_key_name: 'acme', enable_basic_auth: false },
        bearer(apiKey),
      );
      expect(res.status, await res.clone().text()).toBe(202);
      const { polling_url, execution_id } = (await res.json()) as {
        polling_url: string;
        execution_id: string;
      };
      const done = await pollUntilDone(gw.url, polling_url, apiKey);
      expect(done.state, JSON.stringify(done.error)).toBe('SUCCESS');
      ids.push(execution_id);
    }
    const [one, two] = await Promise.all([emails('mk-one'), emails('mk-two')]);
    expect(one.length).toBeGreaterThan(0);
    expect(one.every((e) => e.endsWith('@example.invalid'))).toBe(true);
    expect(two).toEqual(one);

    const seen: string[] = [];
    for (const id of ids) {
      const base = `${gw.url}/api/v1/main/executions/railclone/clone-staging-api/${id}`;
      for (const url of [base, `${base}/logs`])
        seen.push(await (await fetch(url, { headers: bearer(apiKey) })).text());
    }
    const history = await (
      await fetch(`${gw.url}/api/v1/main/executions/railclone/clone-staging-api?size=50`, {
        headers: bearer(apiKey),
      })
    ).text();
    expect(history).toContain('"mask_key_name":"ACME"');
    seen.push(history);
    for (const text of seen) expect(text).not.toContain(KEY);
    expect(await filesUnder(dir)).not.toContain(KEY);
    for (const name of ['mk-one', 'mk-two']) await deleteEnvironment(railway, emulator.projectId, name);
  }, 240_000);

  it('fails at validate-inputs, naming mask_key_name, when the named setting is not set — nothing is created', async () => {
    const res = await post(
      `${gw.url}${CLONE}`,
      { client_name: 'acme', environment_name: 'mk-missing', mask_key_name: 'nobody' },
      bearer(apiKey),
    );
    expect(res.status).toBe(202);
    const { polling_url } = (await res.json()) as { polling_url: string };
    const done = await pollUntilDone(gw.url, polling_url, apiKey);
    expect(done.state).toBe('FAILED');
    expect(JSON.stringify(done.error)).toContain('RAILCLONE_MASK_KEY_NOBODY');
    const failed = (done.tasks as { name: string; state: string }[]).find((t) => t.state === 'FAILED');
    expect(failed?.name).toBe('validate-inputs');
    expect((await listEnvironments(railway, emulator.projectId)).map((e) => e.name)).not.toContain(
      'mk-missing',
    );
  }, 60_000);
});
