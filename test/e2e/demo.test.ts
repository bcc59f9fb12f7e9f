// The README's main job, non-interactively: `railclone demo` through the clone API, checked by its output.
import { execFileSync, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const env = () => {
  const e = { ...process.env };
  for (const k of [
    'RAILWAY_API_TOKEN',
    'RAILWAY_TOKEN',
    'RAILWAY_API_URL',
    'RAILCLONE_PROJECT_ID',
    'KESTRA_URL',
    'RAILCLONE_EMULATOR',
    'RAILCLONE_GATEWAY_DIR',
  ])
    delete e[k];
  return e; // no RAILCLONE_EMULATOR: the demo asks for the built-in emulator itself
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
    // In order: every step's lines before its ✓, nothing after the last step, no error that is not one.
    const lines = out.split('\n');
    const lastStep = Math.max(...lines.flatMap((l, i) => (/^[✓✗] /.test(l) ? [i] : [])));
    expect(lines.slice(lastStep + 1).filter((l) => /^ {4}\S/.test(l))).toEqual([]);
    const tableLines = lines.flatMap((l, i) => (/sync-database: table /.test(l) ? [i] : []));
    expect(Math.max(...tableLines)).toBeLessThan(lines.findIndex((l) => /^✓ sync-database/.test(l)));
    expect(out).not.toMatch(/Access denied/);
  }, 180_000);

  it('stops everything it started on Ctrl-C', async () => {
    const demo = start(['--keep', '--scenario', 'postgres-app']);
    const deadline = Date.now() + 150_000;
    while (!/keeps running at (http:\/\/\S+);/.test(demo.output()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    const url = /keeps running at (http:\/\/\S+);/.exec(demo.output())?.[1];
    expect(url, demo.output()).toBeTruthy();
    expect((await fetch(`${url}/health`)).status).toBe(200);
    // The printed commands work as pasted: a key for the running API's store, and a curl line.
    const make = /export KEY=\$\((.+)\)\n/.exec(demo.output())?.[1];
    expect(make, demo.output()).toBeTruthy();
    const key = execFileSync('/bin/sh', ['-c', make!], { env: env(), encoding: 'utf8' }).trim();
    expect(key).toMatch(/^rck_/);
    const curl = /\n {2}(curl .+)\n/.exec(demo.output())?.[1];
    expect(curl, demo.output()).toContain(url);
    const listed = JSON.parse(
      execFileSync('/bin/sh', ['-c', curl!], { env: { ...env(), KEY: key }, encoding: 'utf8' }),
    );
    expect(listed.environments.map((e: { name: string }) => e.name)).toEqual([
      expect.stringMatching(/^staging-demo-client-/),
    ]);
    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(130);
    expect(demo.output()).toContain('Stopping: the clone API, the emulator and its databases.');
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  }, 180_000);
});
