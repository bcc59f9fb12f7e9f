// The README's main job, non-interactively: `railclone demo` through the clone API, checked by its output.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const env = () => {
  const e = { ...process.env };
  for (const k of [
    'RAILWAY_API_TOKEN',
    'RAILWAY_TOKEN',
    'RAILWAY_API_URL',
    'RAILCLONE_PROJECT_ID',
    'KESTRA_URL',
  ])
    delete e[k];
  return e;
};

function start(args: string[]) {
  const child = spawn(process.execPath, ['dist/railclone.mjs', 'demo', ...args], { env: env() });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

describe('railclone demo', () => {
  it('clones through the clone API and ends with the staging URL, auth user, execution and lineage', async () => {
    const demo = start([]);
    expect(await demo.exited, demo.output()).toBe(0);
    const out = demo.output();
    expect(out).toMatch(/POST …\/clone-staging-api → 202, execution \S+/);
    for (const step of [
      'validate-inputs',
      'create-environment',
      'wait-for-databases',
      'sync-database',
      'finalize',
    ])
      expect(out).toMatch(new RegExp(`✓ ${step}\\s+SUCCESS`));
    expect(out).toMatch(/sync-database: table wp_posts: \d+ rows/);
    expect(out).toMatch(/service MariaDB: SUCCESS/);
    expect(out).toMatch(/Staging environment "staging-demo-client-\d{8}-\d{4}" is ready\./);
    expect(out).toMatch(/URL:\s+https:\/\/primary-staging-demo-client-[\w-]+\.up\.railway\.app/);
    expect(out).toMatch(/basic auth:\s+user staging-[0-9a-f]{6}/);
    expect(out).toMatch(/lineage:\s+staging-demo-client-\S+ ← production/);
  }, 180_000);

  it('stops everything it started on Ctrl-C', async () => {
    const demo = start(['--keep', '--scenario', 'postgres-app']);
    const deadline = Date.now() + 150_000;
    while (!/keeps running at (http:\/\/\S+);/.test(demo.output()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    const url = /keeps running at (http:\/\/\S+);/.exec(demo.output())?.[1];
    expect(url, demo.output()).toBeTruthy();
    expect((await fetch(`${url}/health`)).status).toBe(200);
    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(130);
    expect(demo.output()).toContain('Stopping: the clone API, the emulator and its databases.');
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  }, 180_000);
});
