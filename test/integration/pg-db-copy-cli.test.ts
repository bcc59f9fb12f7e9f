// `railclone db copy` end to end through the CLI: flags validated with the flag named, JSON report
// on stdout, plain progress lines on a non-TTY stderr, and the URL password never printed.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOptionsFromFlags } from '../../src/commands/db-copy.js';
import { databases, sql } from './pg-helpers.js';

const dbs = databases('pgcopy_cli');
let source = '';
let target = '';
const PASSWORD = 'not-a-real-pw-123';
// Trust auth ignores the password, so it can be given and must still never be printed.
const withPw = (u: string) => u.replace('postgres@', `postgres:${PASSWORD}@`);

beforeAll(async () => {
  source = await dbs.create('src');
  target = await dbs.create('dst');
  await sql(
    source,
    `CREATE TABLE wp_options (id serial PRIMARY KEY, v text, user_pass text);
    INSERT INTO wp_options (v, user_pass) SELECT 'https://old.example/' || i, 'https://old.example' FROM generate_series(1, 500) i`,
  );
});

afterAll(async () => {
  await dbs.dropAll();
});

const base = {
  rewrite: [],
  include: [],
  exclude: [],
  skipColumns: [],
  replaceTarget: false,
  checksums: false,
  json: false,
};

describe('railclone db copy', () => {
  it('validates flags, naming the flag', () => {
    const f = { ...base, source: 'postgres://u@h/a', target: 'postgres://u@h2/b' };
    expect(() => copyOptionsFromFlags({ ...f, jobs: '0' })).toThrow(/--jobs must be an integer from 1 to 64/);
    expect(() => copyOptionsFromFlags({ ...f, jobs: '3.5' })).toThrow(/--jobs/);
    expect(() => copyOptionsFromFlags({ ...f, rewrite: ['x=x'] })).toThrow(/--rewrite.*same/);
    expect(() => copyOptionsFromFlags({ ...f, rewrite: ['=x'] })).toThrow(/--rewrite.*empty/);
    expect(() => copyOptionsFromFlags({ ...f, rewrite: ['nope'] })).toThrow(
      /--rewrite must look like OLD=NEW/,
    );
    expect(() => copyOptionsFromFlags({ ...f, source: 'ftp://h/a' })).toThrow(/--source must start with/);
    expect(() => copyOptionsFromFlags({ ...f, target: 'mysql://h/b' })).toThrow(
      /--target must be the same engine/,
    );
    expect(
      copyOptionsFromFlags({
        ...f,
        jobs: '8',
        rewrite: ['a=b=c'],
        include: ['x,y', 'z'],
        skipColumns: ['guid'],
      }),
    ).toMatchObject({
      jobs: 8,
      rewrite: [{ from: 'a', to: 'b=c' }],
      include: ['x', 'y', 'z'],
      skipColumns: ['guid'],
    });
  });

  it('copies with --json, prints plain progress lines, and never prints the password', () => {
    const r = spawnSync(
      'npx',
      [
        'tsx',
        'src/cli.ts',
        'db',
        'copy',
        '--source',
        withPw(source),
        '--target',
        withPw(target),
        '--rewrite',
        'https://old.example=https://new.example',
        '--jobs',
        '2',
        '--json',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { engine: string; totalRows: number; rewrittenValues: number };
    expect(report).toMatchObject({ engine: 'postgres', totalRows: 500, rewrittenValues: 500 });
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);

    const again = spawnSync(
      'npx',
      ['tsx', 'src/cli.ts', 'db', 'copy', '--source', withPw(source), '--target', withPw(target)],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/target database is not empty/);
    expect(again.stderr).not.toContain(PASSWORD);

    const replaced = spawnSync(
      'npx',
      [
        'tsx',
        'src/cli.ts',
        'db',
        'copy',
        '--source',
        withPw(source),
        '--target',
        withPw(target),
        '--replace-target',
      ],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(replaced.status).toBe(0);
    expect(replaced.stderr).toMatch(/done wp_options: 500 rows/);
    expect(replaced.stdout).toMatch(/wp_options\s+500\s+[\d.]+\s+0\s+[\d.]+\s+yes/);
    expect(replaced.stdout + replaced.stderr).not.toContain(PASSWORD);
  });
});
