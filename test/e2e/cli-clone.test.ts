// The main job as a user runs it: the bundled CLI, no Railway token, the built-in emulator (asked for).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';

const run = promisify(execFile);
const cleanEnv = () => {
  const env = { ...process.env };
  for (const k of ['RAILWAY_API_TOKEN', 'RAILWAY_TOKEN', 'RAILWAY_API_URL', 'RAILCLONE_PROJECT_ID'])
    delete env[k];
  return { ...env, RAILCLONE_EMULATOR: '1' };
};
/** No token and no emulator asked for: what a production host with a missing secret looks like. */
const noRailwayEnv = () => {
  const { RAILCLONE_EMULATOR: _e, ...env } = cleanEnv();
  return env;
};

async function railclone(args: string[], env: NodeJS.ProcessEnv = cleanEnv()) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['dist/railclone.mjs', ...args], {
      env,
      timeout: 180_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('railclone clone (bundle, emulator)', () => {
  it('clones the WordPress scenario end to end and reports the staging URL', async () => {
    const r = await railclone(['clone', '--client', 'cli test', '--json'], {
      ...cleanEnv(),
      RAILCLONE_OUTPUT_KEY: 'cli-test-output-key-0123',
    });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.ok).toBe(true);
    expect(result.outputs.finalize.staging_url).toMatch(/^https:\/\/[a-z0-9.-]+$/);
    expect(result.outputs.finalize.environment_name).toMatch(/^staging-cli-test-\d{8}-\d{4}$/);
    expect(result.outputs['sync-database'].rows).toBeGreaterThan(1000);
    expect(result.outputs['configure-basic-auth'].basic_auth_password_encrypted).toMatch(/^rc1\./);
    expect(r.stderr).toContain('built-in Railway emulator');
  }, 200_000);

  it('shows progress per step and per table on a plain terminal', async () => {
    const r = await railclone([
      'clone',
      '--client',
      'progress',
      '--scenario',
      'postgres-app',
      '--no-basic-auth',
    ]);
    expect(r.code, r.stderr).toBe(0);
    for (const step of ['validate-inputs', 'create-environment', 'sync-database', 'finalize'])
      expect(r.stderr).toContain(`✓ ${step}`);
    expect(r.stderr).toMatch(/✓ (public\.)?orders: \d+ rows/);
    expect(r.stdout).toContain('is ready');
    expect(r.stdout).toContain('basic auth:   off');
  }, 200_000);

  it('names the flag or variable that is wrong', async () => {
    const cases: [string[], NodeJS.ProcessEnv | undefined, RegExp][] = [
      [
        ['clone', '--client', 'x', '--type', 'qa'],
        undefined,
        /--type.*Allowed choices are dev, staging, prod, ephemeral/,
      ],
      [['clone', '--client', 'x', '--var', 'NOPE'], undefined, /--var must look like SERVICE\.NAME=VALUE/],
      [['clone', '--client', 'x', '--ttl', 'forever'], undefined, /ttl: ttl must be/],
      [['clone', '--client', 'x', '--jobs', 'many'], undefined, /--jobs must be a whole number/],
      [['clone'], undefined, /client_name/],
      [['clone', '--client', 'x'], { ...cleanEnv(), RAILCLONE_OUTPUT_KEY: 'short' }, /RAILCLONE_OUTPUT_KEY/],
      [['task', 'sync-database'], cleanEnv(), /RAILCLONE_REQUEST/],
    ];
    for (const [args, env, message] of cases) {
      const r = await railclone(args, env);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr + r.stdout, args.join(' ')).toMatch(message);
    }
  }, 60_000);

  it('ends a newcomer error with one line saying what to do: port taken, wrong token', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    const taken = await railclone(['gateway', '--port', String(port)]);
    blocker.close();
    expect(taken.code).not.toBe(0);
    expect(taken.stderr).toContain(
      `railclone: port ${port} on 127.0.0.1 is already in use: set RAILCLONE_GATEWAY_PORT (or --port) to a free port, or 0 for any`,
    );

    const emulator = await startEmulator({
      port: 0,
      scenario: 'empty',
      dbPrefix: `rccli${randomUUID().slice(0, 6)}`,
    });
    try {
      const wrong = await railclone(['clone', '--client', 'x', '--project', emulator.projectId], {
        ...noRailwayEnv(),
        RAILWAY_API_TOKEN: 'not-a-real-token-1234',
        RAILWAY_API_URL: emulator.url,
      });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(
        /railclone: clone failed at validate-inputs: .*RAILWAY_API_TOKEN cannot access/,
      );
      expect(wrong.stderr + wrong.stdout).not.toContain('not-a-real-token-1234');
    } finally {
      await emulator.stop();
    }
  }, 60_000);

  it('uses the emulator only when asked: without a token, one line naming RAILWAY_API_TOKEN', async () => {
    const line =
      'railclone: RAILWAY_API_TOKEN is not set: set it to an account or workspace token, or pass --emulator (or RAILCLONE_EMULATOR=1) to use the built-in Railway emulator\n';
    for (const args of [
      ['clone', '--client', 'x'],
      ['gateway', '--port', '0'],
      ['env', 'list'],
    ]) {
      const r = await railclone(args, noRailwayEnv());
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toBe(line);
      expect(r.stdout, args.join(' ')).toBe('');
    }
    const task = await railclone(['task', 'list-environments'], {
      ...noRailwayEnv(),
      RAILCLONE_REQUEST: '{}',
    });
    expect(task.code).not.toBe(0);
    expect(task.stdout).toContain('RAILWAY_API_TOKEN is not set');
    // --emulator (or RAILCLONE_EMULATOR=1) asks for it; a token and the emulator together are refused.
    const listed = await railclone(['env', 'list', '--emulator'], noRailwayEnv());
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
    const both = await railclone(['env', 'list'], { ...cleanEnv(), RAILWAY_API_TOKEN: 'x'.repeat(20) });
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/choose one/);
  }, 120_000);

  it('names the --project flag when no project is known', async () => {
    const emulator = await startEmulator({
      port: 0,
      scenario: 'empty',
      dbPrefix: `rccli${randomUUID().slice(0, 6)}`,
    });
    try {
      const r = await railclone(['clone', '--client', 'x'], {
        ...noRailwayEnv(),
        RAILWAY_API_TOKEN: emulator.tokens.account,
        RAILWAY_API_URL: emulator.url,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('railclone: --project (or RAILCLONE_PROJECT_ID) is required\n');
    } finally {
      await emulator.stop();
    }
  }, 60_000);
});
