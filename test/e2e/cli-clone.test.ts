// The main job as a user runs it: the bundled CLI, no Railway token, the built-in emulator.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cleanEnv = () => {
  const env = { ...process.env };
  for (const k of ['RAILWAY_API_TOKEN', 'RAILWAY_TOKEN', 'RAILWAY_API_URL', 'RAILCLONE_PROJECT_ID', 'RAILCLONE_FAIL_STEP']) delete env[k];
  return env;
};

async function railclone(args: string[], env: NodeJS.ProcessEnv = cleanEnv()) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['dist/railclone.mjs', ...args], { env, timeout: 180_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('railclone clone (bundle, emulator)', () => {
  it('clones the WordPress scenario end to end and reports the staging URL', async () => {
    const r = await railclone(['clone', '--client', 'cli test', '--json'], { ...cleanEnv(), RAILCLONE_OUTPUT_KEY: 'cli-test-output-key-0123' });
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
    const r = await railclone(['clone', '--client', 'progress', '--scenario', 'postgres-app', '--no-basic-auth']);
    expect(r.code, r.stderr).toBe(0);
    for (const step of ['validate-inputs', 'create-environment', 'sync-database', 'finalize']) expect(r.stderr).toContain(`✓ ${step}`);
    expect(r.stderr).toMatch(/✓ (public\.)?orders: \d+ rows/);
    expect(r.stdout).toContain('is ready');
    expect(r.stdout).toContain('basic auth:   off');
  }, 200_000);

  it('names the flag or variable that is wrong', async () => {
    const cases: [string[], NodeJS.ProcessEnv | undefined, RegExp][] = [
      [['clone', '--client', 'x', '--type', 'qa'], undefined, /--type.*Allowed choices are dev, staging, prod, ephemeral/],
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
});
