// The clone API killed with executions in flight (issue 18). `railclone gateway` (the bundle, local
// engine, one clone at a time) runs against an emulator this test owns, so Railway outlives the API.
// Two clones are POSTed: the first runs, the second waits for the concurrency slot (QUEUED). The API
// is SIGKILLed while the first is in wait-for-databases, then started again on the same store. The
// running one must end FAILED (Killed) with its rollback run and logged; the queued one runs, as
// Kestra's queue keeps its waiting executions across a restart — except one whose stored inputs were
// redacted (a secret the store never keeps): it fails, asking for the request again. Finally nothing is left on the emulator
// or the database servers but the clone that ran (deleted through the API to finish).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { diff, railclone, type Running, snapshot as snap, watchEmulator } from './kill-helpers.js';

const prefix = `rckgw${randomUUID().slice(0, 6)}`;
let em: RunningEmulator;
let watched: ReturnType<typeof watchEmulator>;
let dir: string;
let gateway: Running | undefined;
const snapshot = () => snap(em, prefix);
const gatewayEnv = () => ({ RAILCLONE_GATEWAY_DIR: dir, RAILCLONE_CLONE_CONCURRENCY: '1' });

interface Execution {
  id: string;
  state: string;
  error: { error: string; message: string } | null;
}

async function startGateway(): Promise<{ run: Running; url: string }> {
  const run = railclone(em, ['gateway', '--port', '0'], gatewayEnv());
  for (let i = 0; i < 600 && !/^\{.*"url"/m.test(run.printed()); i++)
    await new Promise((r) => setTimeout(r, 100));
  const line = run
    .printed()
    .split('\n')
    .find((l) => l.startsWith('{') && l.includes('"url"'));
  if (!line) throw new Error(`the clone API did not start: ${run.printed().slice(-1000)}`);
  return { run, url: (JSON.parse(line) as { url: string }).url };
}

async function api<T>(
  url: string,
  key: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  em = await startEmulator({ port: 0, scenario: 'wordpress', dbPrefix: prefix, deploymentStepMs: 20 });
  watched = watchEmulator(em);
  dir = mkdtempSync(join(tmpdir(), 'rckgw-'));
}, 60_000);

afterAll(async () => {
  gateway?.child.kill('SIGKILL');
  await gateway?.done;
  await em?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the clone API killed with executions in flight', () => {
  it('at restart the running clone is FAILED and rolled back, the queued one runs; nothing is left', async () => {
    const baseline = await snapshot();
    const made = await railclone(em, ['keys', 'create', '--name', 'kill', '--key-only'], gatewayEnv()).done;
    expect(made.code, made.stderr).toBe(0);
    const key = made.stdout.trim();

    const first = await startGateway();
    gateway = first.run;
    const executions = `${first.url}/api/v1/main/executions`;
    const post = (name: string, extra: Record<string, unknown> = {}) =>
      api<{ execution_id: string }>(`${executions}/webhook/railclone/clone-staging-api/kill`, key, {
        method: 'POST',
        body: JSON.stringify({ client_name: 'kill', environment_name: name, ...extra }),
      });
    const start = watched.calls.length;
    const running = await post('gw-running');
    expect(running.status).toBe(202);
    const queued = await post('gw-queued');
    expect(queued.status).toBe(202);
    // A request with a secret in it: the store keeps it redacted, so it cannot be run again as sent.
    const secret = await post('gw-secret', {
      variable_overrides: { Primary: { API_TOKEN: 's3cr3t-value' } },
    });
    expect(secret.status).toBe(202);
    const get = (url: string, id: string) =>
      api<Execution>(`${url}/api/v1/main/executions/railclone/clone-staging-api/${id}`, key);

    // The second waits for the slot, in Kestra's state for that.
    expect((await get(first.url, queued.body.execution_id)).body.state).toBe('QUEUED');
    expect((await get(first.url, secret.body.execution_id)).body.state).toBe('QUEUED');
    // The first is in wait-for-databases: its environment, database and proxy exist.
    await until('the first deploy', async () =>
      watched.calls.slice(start).includes('serviceInstanceDeployV2') ? true : undefined,
    );
    expect((await get(first.url, running.body.execution_id)).body.state).toBe('RUNNING');
    gateway.child.kill('SIGKILL');
    expect((await gateway.done).signal).toBe('SIGKILL');
    await new Promise((r) => setTimeout(r, 300)); // requests the server was still serving finish
    const left = diff(baseline, await snapshot());
    expect(left.some((l) => l.startsWith('+environments: gw-running'))).toBe(true);

    const second = await startGateway();
    gateway = second.run;
    const failed = await until('the running clone FAILED', async () => {
      const e = (await get(second.url, running.body.execution_id)).body;
      return e.state === 'FAILED' ? e : undefined;
    });
    expect(failed.error?.error).toBe('Killed');
    const logs = (
      await api<{ message: string }[]>(
        `${second.url}/api/v1/main/executions/railclone/clone-staging-api/${running.body.execution_id}/logs`,
        key,
      )
    ).body.map((l) => l.message);
    expect(logs.join('\n')).toMatch(/the clone API stopped while this execution was RUNNING/);
    expect(logs.join('\n')).toMatch(/rolled back: .*environment gw-running/);

    const refused = (await get(second.url, secret.body.execution_id)).body;
    expect(refused.state).toBe('FAILED');
    expect(refused.error?.message).toMatch(/redacted values.*submit it again/);

    const ran = await until('the queued clone to end', async () => {
      const e = (await get(second.url, queued.body.execution_id)).body;
      return e.state === 'SUCCESS' || e.state === 'FAILED' ? e : undefined;
    });
    expect(ran.state, JSON.stringify(ran.error)).toBe('SUCCESS');
    const queuedLogs = (
      await api<{ message: string }[]>(
        `${second.url}/api/v1/main/executions/railclone/clone-staging-api/${queued.body.execution_id}/logs`,
        key,
      )
    ).body.map((l) => l.message);
    expect(queuedLogs.join('\n')).toMatch(/stopped while this execution was QUEUED .* runs now/);

    // Only the clone that ran is left; deleting it through the API leaves Railway as it was.
    const afterRecovery = diff(baseline, await snapshot());
    expect(afterRecovery.some((l) => /gw-(running|secret)/.test(l))).toBe(false);
    expect(afterRecovery.some((l) => l.startsWith('+environments: gw-queued'))).toBe(true);
    const del = await api<{ execution_id: string }>(
      `${second.url}/api/v1/main/environments/railclone/gw-queued`,
      key,
      { method: 'DELETE' },
    );
    expect(del.status).toBe(202);
    await until('the delete', async () => {
      const e = (
        await api<Execution>(
          `${second.url}/api/v1/main/executions/railclone/delete-environment/${del.body.execution_id}`,
          key,
        )
      ).body;
      return e.state === 'SUCCESS' ? e : undefined;
    });
    console.log(
      `kill-gateway: 1 SIGKILL of the clone API with 1 clone RUNNING (wait-for-databases) and 2 QUEUED\n` +
        `  left before restart: ${left.join('; ')}\n` +
        `  after restart: running → FAILED (Killed), rolled back; queued → ran, SUCCESS (then deleted); queued with a redacted secret → FAILED, asks to resubmit`,
    );
    expect(diff(baseline, await snapshot())).toEqual([]);
    expect(watched.violations).toEqual([]);
  }, 240_000);
});
