// `railclone emulator` as a process: prints what a client needs, answers, and drops its databases on SIGTERM.
import { spawn } from 'node:child_process';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { randomSuffix } from './emulator-helpers.js';

async function databasesWithPrefix(prefix: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
  await c.connect();
  try {
    return (await c.query('select datname from pg_database where datname like $1', [`${prefix}%`])).rows.map(
      (r) => r.datname as string,
    );
  } finally {
    await c.end();
  }
}

describe('railclone emulator', () => {
  it('starts, prints url, ids and labelled tokens, serves, and cleans up on SIGTERM', async () => {
    const prefix = `emucli_${randomSuffix()}`;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli.ts',
        'emulator',
        '--port',
        '0',
        '--scenario',
        'postgres-app',
        '--db-prefix',
        prefix,
        '--fault',
        'fail:projects:1',
      ],
      {
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('Ctrl-C')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited early (${code}): ${err}`)));
    });
    const url = /url:\s+(\S+)/.exec(out)![1]!;
    const projectId = /project id:\s+(\S+)/.exec(out)![1]!;
    const token = /account\s+\(Authorization: Bearer\)\s+(\S+)/.exec(out)![1]!;
    expect(out).toMatch(/production environment id:\s+[0-9a-f-]{36}/);
    expect(out).toMatch(/project\s+\(Project-Access-Token\)\s+rcemu_proj_/);
    expect(out).toContain('not Railway credentials');
    // Every variable a railclone client needs, ready to paste.
    expect(out).toContain(
      `export RAILWAY_API_URL=${url} RAILWAY_API_TOKEN=${token} RAILCLONE_PROJECT_ID=${projectId}`,
    );

    const post = (query: string, variables = {}) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      }).then((r) => r.json());
    expect(
      (await post('query($id: String!) { project(id: $id) { name } }', { id: projectId })).data.project.name,
    ).toBe('shop-api');
    // The --fault flag is live.
    expect((await post('{ projects { edges { node { id } } } }')).errors[0].message).toBe(
      'Problem processing request',
    );
    // An account token lists projects per workspace (without one, the list is empty, as on Railway).
    expect((await post('{ projects { edges { node { id } } } }')).data.projects.edges).toEqual([]);
    const workspace = (await post('{ apiToken { workspaces { id } } }')).data.apiToken.workspaces[0].id;
    expect(
      (
        await post('query($w: String) { projects(workspaceId: $w) { edges { node { id } } } }', {
          w: workspace,
        })
      ).data.projects.edges,
    ).toHaveLength(1);

    expect((await databasesWithPrefix(prefix)).length).toBe(1);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await databasesWithPrefix(prefix)).toEqual([]);
  });

  it('refuses a bad flag, naming it and what is allowed', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'emulator', '--scenario', 'drupal'],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(err).toContain(
      '--scenario must be one of wordpress, postgres-app, wordpress-private, postgres-app-private, empty',
    );
  });
});
