// The steps one by one, as Kestra's tasks run them: `node railclone.mjs task <step>` with the request
// and the previous step's state in the environment, outputs read back from the `::{json}::` protocol.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { CLONE_STEPS } from '../../src/clone/steps/index.js';
import { encryptValue } from '../../src/clone/override-values.js';
import { railwayClientFromEnv } from '../../src/railway/client.js';

const run = promisify(execFile);
let emulator: RunningEmulator;

interface TaskRun {
  code: number;
  outputs: Record<string, unknown>;
  logs: { level: string; message: string }[];
  stdout: string;
}

async function task(step: string, env: Record<string, string>): Promise<TaskRun> {
  const base = {
    PATH: process.env.PATH ?? '',
    RAILWAY_API_TOKEN: emulator.tokens.account,
    RAILWAY_API_URL: emulator.url,
  };
  const { stdout, code } = await run(process.execPath, ['dist/railclone.mjs', 'task', step], {
    env: { ...base, ...env },
    timeout: 120_000,
  }).then(
    (r) => ({ stdout: r.stdout, code: 0 }),
    (err: { stdout: string; code: number }) => ({ stdout: err.stdout, code: err.code }),
  );
  const outputs: Record<string, unknown> = {};
  const logs: TaskRun['logs'] = [];
  for (const line of stdout.split('\n')) {
    const m = /^::(\{.*\})::$/.exec(line);
    if (!m) continue;
    const msg = JSON.parse(m[1]!);
    Object.assign(outputs, msg.outputs ?? {});
    logs.push(...(msg.logs ?? []));
  }
  return { code, outputs, logs, stdout };
}

beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    scenario: 'wordpress',
    dbPrefix: `rctask${randomUUID().slice(0, 6)}`,
    deploymentStepMs: 20,
  });
});

afterAll(async () => {
  await emulator?.stop();
});

describe('railclone task <step>', () => {
  it('runs the whole clone step by step, passing state between tasks', async () => {
    const outputKey = 'task-test-output-key-0123';
    // As the clone API sends it to Kestra: the override value encrypted with the shared key.
    const secret = `override-${randomUUID()}`;
    const request = JSON.stringify({
      client_name: 'kestra',
      environment_name: 'staging-kestra',
      railway_project_id: emulator.projectId,
      variable_overrides: { Primary: { API_TOKEN: encryptValue(secret, outputKey) } },
    });
    const common = {
      RAILCLONE_REQUEST: request,
      RAILCLONE_EXECUTION_ID: `exec${randomUUID().slice(0, 8)}`,
      RAILCLONE_OUTPUT_KEY: outputKey,
    };
    let state = '';
    const seen: Record<string, Record<string, unknown>> = {};
    for (const [step] of CLONE_STEPS) {
      const r = await task(step, { ...common, RAILCLONE_STATE: state });
      expect(r.code, `${step}: ${r.stdout.slice(-500)}`).toBe(0);
      expect(typeof r.outputs.state).toBe('string');
      expect(
        r.logs.some((l) => l.message.includes(`[${step}]`)),
        step,
      ).toBe(true);
      expect(r.stdout, `${step} prints no override value`).not.toContain(secret);
      state = String(r.outputs.state);
      seen[step] = r.outputs;
    }
    expect(seen.finalize!.staging_url).toMatch(/^https:\/\//);
    // create-environment decrypted the value and set it in clear in the clone.
    const railway = railwayClientFromEnv({
      RAILWAY_API_TOKEN: emulator.tokens.account,
      RAILWAY_API_URL: emulator.url,
    });
    const clone = (await railway.listEnvironments(emulator.projectId)).find(
      (e) => e.name === 'staging-kestra',
    )!;
    const primary = (await railway.getProject(emulator.projectId)).services.find(
      (s) => s.name === 'Primary',
    )!;
    const cloneVars = await railway.getVariables({
      projectId: emulator.projectId,
      environmentId: clone.id,
      serviceId: primary.id,
    });
    expect(cloneVars.API_TOKEN).toBe(secret);
    expect(Number(seen['sync-database']!.rows)).toBeGreaterThan(0);
    const closed = await task('close-database-access', { ...common, RAILCLONE_STATE: state });
    expect(closed.code).toBe(0);

    const listed = await task('list-environments', {
      RAILCLONE_REQUEST: JSON.stringify({ railway_project_id: emulator.projectId }),
    });
    const rows = listed.outputs.result as { name: string; status: string }[];
    expect(rows.find((r) => r.name === 'staging-kestra')?.status).toBe('ready');

    // A permanent failure: the flow's `errors:` branch runs rollback with the state it has.
    const rolled = await task('rollback', { ...common, RAILCLONE_STATE: state });
    expect(rolled.code).toBe(0);
    expect(rolled.outputs.deleted).toEqual([expect.stringMatching(/^environment staging-kestra/)]);
    expect(rolled.logs.some((l) => /deleted environment "staging-kestra"/.test(l.message))).toBe(true);
  }, 300_000);

  it('fails with the error body and a non-zero exit, naming the step', async () => {
    const r = await task('preflight', {
      RAILCLONE_REQUEST: JSON.stringify({
        client_name: 'x',
        environment_name: 'nope-env',
        source_environment: 'does-not-exist',
        railway_project_id: emulator.projectId,
      }),
      RAILCLONE_EXECUTION_ID: 'exec-fail',
      RAILCLONE_STATE: JSON.stringify({
        execution_id: 'exec-fail',
        started_at: new Date().toISOString(),
        project_id: emulator.projectId,
        environment_name: 'nope-env',
      }),
    });
    expect(r.code).toBe(1);
    expect(r.outputs.error).toMatchObject({ error: 'StepError', details: { step: 'preflight' } });
    expect(String((r.outputs.error as { message: string }).message)).toContain(
      'source environment "does-not-exist" not found',
    );
    expect(r.logs.some((l) => l.level === 'ERROR')).toBe(true);
  }, 60_000);

  it('after a refused request, rollback and close-database-access succeed with nothing to do; validate-inputs fails', async () => {
    const env = {
      RAILCLONE_REQUEST: JSON.stringify({ client_name: 'x', ttl: 'forever' }),
      RAILCLONE_EXECUTION_ID: 'exec-refused',
    };
    const refused = await task('validate-inputs', env);
    expect(refused.code).toBe(1);
    expect(String((refused.outputs.error as { message: string }).message)).toMatch(/ttl/);
    for (const step of ['rollback', 'close-database-access']) {
      const r = await task(step, env);
      expect(r.code, `${step}: ${r.stdout.slice(-300)}`).toBe(0);
      expect(r.logs.map((l) => l.message).join('\n')).toContain('refused before anything was created');
    }
    // Once an environment is named the request passed validate-inputs: a request that does not parse
    // then is an error again, not silently skipped.
    const named = await task('rollback', {
      ...env,
      RAILCLONE_STATE: JSON.stringify({
        execution_id: 'exec-refused',
        started_at: new Date().toISOString(),
        project_id: emulator.projectId,
        environment_name: 'staging-named',
      }),
    });
    expect(named.code).toBe(1);
  }, 120_000);

  it('validate-inputs refuses an override value encrypted with another key, naming the field, before anything starts', async () => {
    const secret = `other-key-${randomUUID()}`;
    const r = await task('validate-inputs', {
      RAILCLONE_REQUEST: JSON.stringify({
        client_name: 'x',
        railway_project_id: emulator.projectId,
        variable_overrides: { Primary: { API_TOKEN: encryptValue(secret, 'another-output-key-98765') } },
      }),
      RAILCLONE_EXECUTION_ID: 'exec-badkey',
      RAILCLONE_OUTPUT_KEY: 'task-test-output-key-0123',
    });
    expect(r.code).toBe(1);
    expect(r.outputs.error).toMatchObject({ details: { field: 'variable_overrides.Primary.API_TOKEN' } });
    expect(String((r.outputs.error as { message: string }).message)).toMatch(/could not be decrypted/);
    expect(r.stdout).not.toContain(secret);
  }, 60_000);
});
