// Host mode through the CLI: `railclone rewrite --host`, `db copy --rewrite-host` (with the leftovers
// line), `db search-replace --host`; `--pair` stays literal. Flags validated, the flag named.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, sql } from './pg-helpers.js';

const dbs = databases('hostcli');
let source = '';
let target = '';
let inPlace = '';
const STG = 'stg.up.railway.app';
const SEED = `CREATE TABLE wp_options (id int PRIMARY KEY, v text, user_pass text);
  INSERT INTO wp_options VALUES
   (1, 'https://www.example-shop.com/a https://cdn.example-shop.com/c.png info@example-shop.com', 'x'),
   (2, 'https://EXAMPLE-SHOP.COM/b https://myexample-shop.com/', 'https://example-shop.com');`;

const cli = (args: string[], input?: string) =>
  spawnSync('npx', ['tsx', 'src/cli.ts', ...args], { encoding: 'utf8', timeout: 60_000, input });

beforeAll(async () => {
  source = await dbs.create('src');
  target = await dbs.create('dst');
  inPlace = await dbs.create('inplace');
  await sql(source, SEED);
  await sql(inPlace, SEED);
});

afterAll(async () => {
  await dbs.dropAll();
});

describe('host mode on the command line', { timeout: 180_000 }, () => {
  it('railclone rewrite --host: the issue 17 line, in either order; --pair stays literal', () => {
    const line = `${JSON.stringify('https://www.example-shop.com/a  https://cdn.example-shop.com/c.png  info@example-shop.com  https://myexample-shop.com/')}\n`;
    const want = `https://${STG}/a  https://cdn.example-shop.com/c.png  info@example-shop.com  https://myexample-shop.com/`;
    for (const order of [
      ['example-shop.com', 'www.example-shop.com'],
      ['www.example-shop.com', 'example-shop.com'],
    ]) {
      const r = cli(['rewrite', ...order.flatMap((h) => ['--host', `${h}=${STG}`])], line);
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toBe(want);
    }
    const literal = cli(['rewrite', '--pair', `example-shop.com=${STG}`], line);
    expect(JSON.parse(literal.stdout)).toContain(`info@${STG}`);
    const bad = cli(['rewrite', '--host', `https://example-shop.com=${STG}`], line);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--host\[0\]\.from/);
  });

  it('db copy --rewrite-host rewrites whole hosts and reports what is left, per table and column', () => {
    const r = cli([
      'db',
      'copy',
      '--source',
      source,
      '--target',
      target,
      '--rewrite-host',
      `www.example-shop.com=${STG}`,
      '--rewrite-host',
      `example-shop.com=${STG}`,
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      rewrittenValues: number;
      leftovers: { total: number; leftovers: unknown[] };
    };
    expect(report.rewrittenValues).toBe(2);
    // user_pass is never rewritten: the one host left is there, and the report says so.
    expect(report.leftovers.total).toBe(1);
    expect(report.leftovers.leftovers).toEqual([
      { table: 'wp_options', column: 'user_pass', host: 'example-shop.com', encoding: 'plain', count: 1 },
    ]);
    const bad = cli(['db', 'copy', '--source', source, '--target', target, '--rewrite-host', 'a.com']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--rewrite-host/);
  });

  it('db copy text report ends with the leftovers line', async () => {
    const t2 = await dbs.create('dst2');
    const r = cli([
      'db',
      'copy',
      '--source',
      source,
      '--target',
      t2,
      '--rewrite-host',
      `www.example-shop.com=${STG}`,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/hosts left: 0 left \(checked www\.example-shop\.com/);
  });

  it('db search-replace --host rewrites in place, whole hosts only', async () => {
    const r = cli([
      'db',
      'search-replace',
      'example-shop.com',
      STG,
      '--url',
      inPlace,
      '--host',
      '--report',
      'json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const rows = await sql<{ v: string; user_pass: string }>(
      inPlace,
      'SELECT v, user_pass FROM wp_options ORDER BY id',
    );
    expect(rows).toEqual([
      {
        v: 'https://www.example-shop.com/a https://cdn.example-shop.com/c.png info@example-shop.com',
        user_pass: 'x',
      },
      { v: `https://${STG}/b https://myexample-shop.com/`, user_pass: 'https://example-shop.com' },
    ]);
  });
});
