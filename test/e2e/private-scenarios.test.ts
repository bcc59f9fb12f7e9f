// The private scenarios (databases without a TCP proxy or public variables) end to end, as a user
// and as Kestra run them: `railclone clone --scenario <name>` (the built-in emulator), and the flow's
// steps one by one with `railclone task <step>`, state passed between them.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLONE_STEPS } from '../../src/clone/steps/index.js';
import { startEmulator } from '../../src/emulator/index.js';

const run = promisify(execFile);

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, RAILCLONE_EMULATOR: '1' };
  for (const k of ['RAILWAY_API_TOKEN', 'RAILWAY_TOKEN', 'RAILWAY_API_URL', 'RAILCLONE_PROJECT_ID'])
    delete env[k];
  return env;
}

async function railclone(args: string[], env: NodeJS.ProcessEnv) {
  return run(process.execPath, ['dist/railclone.mjs', ...args], { env, timeout: 240_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  );
}

const SCENARIOS = ['wordpress-private', 'postgres-app-private'] as const;

describe.each(SCENARIOS)('%s', (scenario) => {
  it('railclone clone --scenario clones it with its data', async () => {
    const r = await railclone(['clone', '--client', 'private cli', '--scenario', scenario, '--json'], {
      ...cleanEnv(),
      RAILCLONE_OUTPUT_KEY: 'private-test-output-key-0123',
    });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.ok).toBe(true);
    expect(result.outputs['sync-database'].rows).toBeGreaterThan(100);
    expect(result.outputs.finalize.staging_url).toMatch(/^https:\/\//);
    expect(r.stderr).toContain(`scenario ${scenario}`);
  }, 240_000);

  it('runs through the flow’s steps one by one', async () => {
    const emulator = await startEmulator({
      scenario,
      dbPrefix: `rcpt${randomUUID().slice(0, 6)}`,
      deploymentStepMs: 20,
    });
    try {
      const common = {
        PATH: process.env.PATH ?? '',
        RAILWAY_API_TOKEN: emulator.tokens.account,
        RAILWAY_API_URL: emulator.url,
        RAILCLONE_REQUEST: JSON.stringify({
          client_name: 'kestra',
          environment_name: 'private-steps',
          railway_project_id: emulator.projectId,
        }),
        RAILCLONE_EXECUTION_ID: `exec${randomUUID().slice(0, 8)}`,
        RAILCLONE_OUTPUT_KEY: 'private-steps-output-key-0123',
      };
      let state = '';
      const outputs: Record<string, Record<string, unknown>> = {};
      for (const step of [...CLONE_STEPS.map(([s]) => s), 'close-database-access']) {
        const r = await railclone(['task', step], { ...common, RAILCLONE_STATE: state });
        expect(r.code, `${step}: ${r.stdout.slice(-1500)}`).toBe(0);
        const out: Record<string, unknown> = {};
        for (const line of r.stdout.split('\n')) {
          const m = /^::(\{.*\})::$/.exec(line);
          if (m) Object.assign(out, JSON.parse(m[1]!).outputs ?? {});
        }
        outputs[step] = out;
        state = String(out.state);
      }
      expect(Number(outputs['sync-database']!.rows)).toBeGreaterThan(100);
      expect(outputs.finalize!.staging_url).toMatch(/^https:\/\//);
      // Every temporary proxy is closed: none left live on any database service.
      const live = [...emulator.state.tcpProxies.values()].filter((p) => p.syncStatus !== 'DELETING');
      expect(live).toEqual([]);
    } finally {
      await emulator.stop();
    }
  }, 240_000);
});
