// `railclone keys` and `audit verify` as a newcomer pastes them: the key printed alone, a revoke of an id
// that is not there names the store it looked in, and the trail of that store verifies.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function railclone(args: string[], env: NodeJS.ProcessEnv) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['dist/railclone.mjs', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('railclone keys (bundle, file store)', () => {
  it('prints only the key with --key-only; a missing id names the store; audit verify passes', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'rc-keys-')), 'store');
    const env = { ...process.env, RAILCLONE_GATEWAY_DIR: dir, RAILCLONE_GATEWAY_DATABASE_URL: '' };
    const made = await railclone(['keys', 'create', '--name', 'me', '--key-only', '--admin'], env);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/^rck_[a-z0-9]{12}_[A-Za-z0-9_-]{43}\n$/);
    const listed = JSON.parse((await railclone(['keys', 'list'], env)).stdout);
    expect(listed).toMatchObject([{ name: 'me', admin: true, revoked_at: null }]);
    const missing = await railclone(['keys', 'revoke', 'nosuchkey000'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `railclone: no active key with id "nosuchkey000" in the file store at ${resolve(dir)}\n`,
    );
    const verified = await railclone(['audit', 'verify'], env);
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, entries: 0 });
  }, 60_000);
});
