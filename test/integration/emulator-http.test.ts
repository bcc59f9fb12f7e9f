// The emulator's HTTP contract on the WordPress scenario (real MariaDB): envelopes and status codes,
// token scopes for the three token types, every injected fault seen over real HTTP.
/* eslint-disable @typescript-eslint/no-explicit-any -- tests walk arbitrary GraphQL JSON */
import mysql from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cliOperation, gql, headersFor, ok, randomSuffix, until } from './emulator-helpers.js';

let em: RunningEmulator;
let otherEnvId: string;

const serviceId = (name: string) => [...em.state.services.values()].find((s) => s.name === name)!.id;
const CREATE = `mutation($input: EnvironmentCreateInput!) { environmentCreate(input: $input) { id name } }`;
const VARS = `query($p: String!, $e: String!, $s: String) { variables(projectId: $p, environmentId: $e, serviceId: $s) }`;

beforeAll(async () => {
  em = await startEmulator({
    scenario: 'wordpress',
    dbPrefix: `emuhttp_${randomSuffix()}`,
    deploymentStepMs: 10,
  });
  otherEnvId = (await ok(em, CREATE, { input: { projectId: em.projectId, name: 'other' } })).environmentCreate
    .id;
});

afterAll(async () => {
  await em?.stop();
});

afterEach(() => {
  em.faults.clear();
});

describe('envelopes', () => {
  it('answers validation errors with 400, GRAPHQL_VALIDATION_FAILED and no data key', async () => {
    const r = await gql(em, '{ nope }');
    expect(r.status).toBe(400);
    expect(r.body).not.toHaveProperty('data');
    expect(r.body.errors![0]).toMatchObject({
      message: 'Cannot query field "nope" on type "Query".',
      locations: [{ line: 1, column: 3 }],
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(r.body.errors![0]!.traceId).toMatch(/^\d+$/);
    const noSelection = await gql(em, 'mutation { environmentRename(id: "x", input: { name: "y" }) }');
    expect(noSelection.status).toBe(400);
    const badVar = await gql(em, CREATE, { input: { projectId: em.projectId, name: 'x', stageOnly: true } });
    expect(badVar.status).toBe(400);
    expect(badVar.body.errors![0]!.message).toContain(
      'Field "stageOnly" is not defined by type "EnvironmentCreateInput"',
    );
  });

  it('answers permission errors with 200, Not Authorized, path, INTERNAL_SERVER_ERROR and data null', async () => {
    const r = await gql(em, cliOperation('UserMeta'), {}, 'workspace');
    expect(r.status).toBe(200);
    expect(r.body.data).toBeNull();
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors![0]).toMatchObject({
      message: 'Not Authorized',
      path: ['me'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(r.body.errors![0]!.traceId).toMatch(/^\d+$/);
    expect(r.body.errors![0]!.locations).toEqual([{ line: 2, column: 2 }]);
  });

  it('answers other paths with 404 JSON and puts rate-limit headers on every response', async () => {
    const res = await fetch(em.url.replace('/graphql/v2', '/graphql/nope'), {
      method: 'POST',
      headers: headersFor(em, 'account'),
      body: '{}',
    });
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body.message).toBe('Not Found');
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-ratelimit-limit')).toBeTruthy();
    const a = await gql(em, cliOperation('UserMeta'));
    const b = await gql(em, cliOperation('UserMeta'));
    expect(Number(b.headers.get('x-ratelimit-remaining'))).toBe(
      Number(a.headers.get('x-ratelimit-remaining')) - 1,
    );
    expect(Number(a.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
  });

  it('unknown ids get Railway messages: Project not found, Not Authorized, Problem processing request', async () => {
    const p = await gql(em, 'query { project(id: "3f1c2a9e-0000-4000-8000-000000000000") { id } }');
    expect(p.body.errors![0]!.message).toBe('Project not found');
    const e = await gql(em, 'query { environment(id: "3f1c2a9e-0000-4000-8000-000000000000") { id } }');
    expect(e.body.errors![0]!.message).toBe('Not Authorized');
    const junk = await gql(em, 'mutation { environmentDelete(id: "not-a-uuid") }');
    expect(junk.body.errors![0]!.message).toBe('Problem processing request');
  });
});

describe('token scopes', () => {
  it('account token: me, apiToken, projects, environment lifecycle', async () => {
    expect((await ok(em, cliOperation('UserMeta'))).me.name).toBe('Emulator User');
    expect((await ok(em, '{ apiToken { workspaces { id name } } }')).apiToken.workspaces).toHaveLength(1);
    const d = await ok(em, CREATE, { input: { projectId: em.projectId, name: `acct-${randomSuffix()}` } });
    expect(
      (await ok(em, 'mutation($id: String!) { environmentDelete(id: $id) }', { id: d.environmentCreate.id }))
        .environmentDelete,
    ).toBe(true);
  });

  it('workspace token: everything in its workspace, but not me', async () => {
    const ws = await ok(em, '{ apiToken { workspaces { id } } }', {}, 'workspace');
    expect(ws.apiToken.workspaces).toEqual([{ id: em.workspaceId }]);
    expect((await ok(em, cliOperation('Project'), { id: em.projectId }, 'workspace')).project.id).toBe(
      em.projectId,
    );
    const d = await ok(
      em,
      CREATE,
      {
        input: {
          projectId: em.projectId,
          name: `ws-${randomSuffix()}`,
          sourceEnvironmentId: em.productionEnvironmentId,
          skipInitialDeploys: true,
        },
      },
      'workspace',
    );
    expect(
      (
        await ok(
          em,
          'mutation($id: String!) { environmentDelete(id: $id) }',
          { id: d.environmentCreate.id },
          'workspace',
        )
      ).environmentDelete,
    ).toBe(true);
    expect((await gql(em, cliOperation('UserMeta'), {}, 'workspace')).body.errors![0]!.message).toBe(
      'Not Authorized',
    );
  });

  it('project token: its own environment only', async () => {
    const pt = await ok(em, cliOperation('ProjectToken'), {}, 'project');
    expect(pt.projectToken.environment.id).toBe(em.productionEnvironmentId);
    const v = await ok(
      em,
      VARS,
      { p: em.projectId, e: em.productionEnvironmentId, s: serviceId('Primary') },
      'project',
    );
    expect(v.variables.RAILWAY_ENVIRONMENT_NAME).toBe('production');
    expect(
      (await ok(em, cliOperation('Project'), { id: em.projectId }, 'project')).project.environments.edges.map(
        (e: any) => e.node.id,
      ),
    ).toEqual([em.productionEnvironmentId]);
    await ok(
      em,
      `mutation($e: String!, $s: String!) { serviceInstanceRedeploy(environmentId: $e, serviceId: $s) }`,
      { e: em.productionEnvironmentId, s: serviceId('Primary') },
      'project',
    );

    const denied = [
      await gql(em, VARS, { p: em.projectId, e: otherEnvId, s: null }, 'project'),
      await gql(em, 'query($id: String!) { environment(id: $id) { id } }', { id: otherEnvId }, 'project'),
      await gql(em, CREATE, { input: { projectId: em.projectId, name: 'nope' } }, 'project'),
      await gql(em, 'mutation($id: String!) { environmentDelete(id: $id) }', { id: otherEnvId }, 'project'),
      await gql(em, 'mutation { projectCreate(input: { name: "x" }) { id } }', {}, 'project'),
      await gql(em, cliOperation('UserMeta'), {}, 'project'),
    ];
    for (const r of denied) {
      expect(r.status).toBe(200);
      expect(r.body.errors![0]!.message).toBe('Not Authorized');
    }
    expect(em.state.environments.has(otherEnvId)).toBe(true);
  });

  it('unknown tokens: Not Authorized, and projectToken says Project Token not found', async () => {
    expect(
      (await gql(em, cliOperation('Project'), { id: em.projectId }, { bearer: 'not-a-token' })).body
        .errors![0]!.message,
    ).toBe('Not Authorized');
    expect(
      (await gql(em, cliOperation('Project'), { id: em.projectId }, 'none')).body.errors![0]!.message,
    ).toBe('Not Authorized');
    expect(
      (await gql(em, cliOperation('ProjectToken'), {}, { project: 'not-a-token' })).body.errors![0]!.message,
    ).toBe('Project Token not found');
    expect((await gql(em, cliOperation('ProjectToken'), {}, 'account')).body.errors![0]!.message).toBe(
      'Project Token not found',
    );
  });
});

describe('MariaDB behind the WordPress scenario', () => {
  it('production is seeded; a clone gets its own empty database that MARIADB_URL really reaches', async () => {
    const clone = (
      await ok(em, CREATE, {
        input: {
          projectId: em.projectId,
          name: 'wp-staging',
          sourceEnvironmentId: em.productionEnvironmentId,
        },
      })
    ).environmentCreate.id;
    const prod = (
      await ok(em, VARS, { p: em.projectId, e: em.productionEnvironmentId, s: serviceId('MariaDB') })
    ).variables;
    const copy = (await ok(em, VARS, { p: em.projectId, e: clone, s: serviceId('MariaDB') })).variables;
    const wp = (await ok(em, VARS, { p: em.projectId, e: clone, s: serviceId('Primary') })).variables;
    expect(copy.MARIADB_DATABASE).not.toBe(prod.MARIADB_DATABASE);
    expect(wp.WORDPRESS_DB_NAME).toBe(copy.MARIADB_DATABASE);
    const count = async (url: string) => {
      const c = await mysql.createConnection(url.replace(/^mariadb:/, 'mysql:'));
      try {
        const [rows] = await c.query(
          'select database() as db, count(*) as n from information_schema.tables where table_schema = database()',
        );
        return (rows as any[])[0];
      } finally {
        await c.end();
      }
    };
    expect(Number((await count(prod.MARIADB_URL)).n)).toBeGreaterThan(0);
    // The clone's proxy is new: CREATING, refusing connections, until it turns ACTIVE.
    const PROXIES =
      'query($e: String!, $s: String!) { tcpProxies(environmentId: $e, serviceId: $s) { id syncStatus } }';
    const proxyStatus = async () =>
      (await ok(em, PROXIES, { e: clone, s: serviceId('MariaDB') })).tcpProxies[0]?.syncStatus;
    expect(await proxyStatus()).toBe('CREATING');
    await expect(count(copy.MARIADB_URL)).rejects.toThrow();
    await expect.poll(proxyStatus, { timeout: 5_000 }).toBe('ACTIVE');
    expect(await count(copy.MARIADB_URL)).toMatchObject({ db: copy.MARIADB_DATABASE });
    expect(Number((await count(copy.MARIADB_URL)).n)).toBe(0);
    await ok(em, 'mutation($id: String!) { environmentDelete(id: $id) }', { id: clone });
    await expect(count(copy.MARIADB_URL)).rejects.toThrow();
  });
});

describe('fault injection over HTTP', () => {
  it('failNth: the nth call fails with a GraphQL error, or with an HTTP status', async () => {
    em.faults.failNth('environment', 2, { message: 'Problem processing request' });
    const q = 'query($id: String!) { environment(id: $id) { id } }';
    expect((await gql(em, q, { id: em.productionEnvironmentId })).body.errors).toBeUndefined();
    const second = await gql(em, q, { id: em.productionEnvironmentId });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      errors: [
        {
          message: 'Problem processing request',
          path: ['environment'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ],
      data: null,
    });
    expect((await gql(em, q, { id: em.productionEnvironmentId })).body.errors).toBeUndefined();

    em.faults.failNth('environmentCreate', 1, { status: 503, message: 'upstream unavailable' });
    const name = `fail-${randomSuffix()}`;
    const r = await gql(em, CREATE, { input: { projectId: em.projectId, name } });
    expect(r.status).toBe(503);
    expect(r.body.errors![0]!.message).toBe('upstream unavailable');
    expect(em.state.environmentsOf(em.projectId).some((e) => e.name === name)).toBe(false);
  });

  it('rateLimit: 429 with Retry-After for the next N requests, then normal service', async () => {
    em.faults.rateLimit(2, 7);
    for (let i = 0; i < 2; i++) {
      const r = await gql(em, cliOperation('UserMeta'));
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBe('7');
      expect(r.headers.get('x-ratelimit-limit')).toBeTruthy();
    }
    expect((await gql(em, cliOperation('UserMeta'))).status).toBe(200);
  });

  it('latency: delays the named field only', async () => {
    // Far apart, so a busy machine (CI runs the Kestra engines beside this) cannot blur the two.
    em.faults.latency(2_000, 'environments');
    let t = Date.now();
    await ok(em, cliOperation('Environments'), { projectId: em.projectId });
    expect(Date.now() - t).toBeGreaterThanOrEqual(1_990);
    t = Date.now();
    await ok(em, cliOperation('UserMeta'));
    expect(Date.now() - t).toBeLessThan(1_000);
  });

  it('dropConnection: the server does the work, the client gets no answer', async () => {
    em.faults.dropConnection('environmentCreate', 1);
    const name = `drop-${randomSuffix()}`;
    await expect(gql(em, CREATE, { input: { projectId: em.projectId, name } })).rejects.toThrow();
    const env = em.state.environmentsOf(em.projectId).find((e) => e.name === name);
    expect(env).toBeDefined();
    const again = await gql(em, CREATE, { input: { projectId: em.projectId, name } });
    expect(again.body.errors![0]!.message).toContain('environment with that name already exists');
  });

  it('resetConnection: the connection is reset before anything runs; the next call is served', async () => {
    em.faults.resetConnection('environmentCreate', 1);
    const name = `reset-${randomSuffix()}`;
    const err = await gql(em, CREATE, { input: { projectId: em.projectId, name } }).catch((e: unknown) => e);
    expect((err as { cause?: { code?: string } }).cause?.code).toBe('ECONNRESET');
    expect(em.state.environmentsOf(em.projectId).some((e) => e.name === name)).toBe(false);
    expect((await ok(em, CREATE, { input: { projectId: em.projectId, name } })).environmentCreate.name).toBe(
      name,
    );
  });

  it('lateAnswer: the work is done at once, the answer comes `ms` later', async () => {
    em.faults.lateAnswer('environmentCreate', 1, 1000);
    const name = `late-${randomSuffix()}`;
    const t = Date.now();
    let answered = false;
    const answer = gql(em, CREATE, { input: { projectId: em.projectId, name } }).finally(() => {
      answered = true;
    });
    await until('the late create to run', async () =>
      em.state.environmentsOf(em.projectId).some((e) => e.name === name),
    );
    expect(answered).toBe(false);
    expect((await answer).body.data!.environmentCreate.name).toBe(name);
    expect(Date.now() - t).toBeGreaterThanOrEqual(990);
  });

  it('failNth afterWork: the work runs, then the gateway answers the status', async () => {
    em.faults.failNth('environmentCreate', 1, { status: 502, message: 'Bad Gateway', afterWork: true });
    const name = `gateway-${randomSuffix()}`;
    const r = await gql(em, CREATE, { input: { projectId: em.projectId, name } });
    expect(r.status).toBe(502);
    expect(r.body).not.toHaveProperty('data');
    expect(em.state.environmentsOf(em.projectId).some((e) => e.name === name)).toBe(true);
  });

  it('requestLog: operation, root fields and which auth headers came, never their values', async () => {
    const before = em.requestLog().length;
    await gql(em, 'query Who { me { id } }', {}, 'account');
    await gql(em, 'query Tok { projectToken { projectId } }', {}, 'project');
    await gql(em, '{ me { id } apiToken { workspaces { id } } }', {}, 'none');
    const log = em.requestLog().slice(before);
    expect(log).toEqual([
      { operationName: 'Who', rootFields: ['me'], auth: { bearer: true, projectAccessToken: false } },
      {
        operationName: 'Tok',
        rootFields: ['projectToken'],
        auth: { bearer: false, projectAccessToken: true },
      },
      {
        operationName: null,
        rootFields: ['me', 'apiToken'],
        auth: { bearer: false, projectAccessToken: false },
      },
    ]);
    const text = JSON.stringify(em.requestLog());
    for (const t of Object.values(em.tokens)) expect(text).not.toContain(t);
  });
});

describe('maxPageSize', () => {
  const ENVS = `query($p: String!, $first: Int, $last: Int, $after: String) {
    environments(projectId: $p, first: $first, last: $last, after: $after) {
      edges { node { name } } pageInfo { hasNextPage endCursor }
    }
  }`;

  it('no cap by default: a page holds what `first` asks', async () => {
    const r = await ok(em, ENVS, { p: em.projectId, first: 500 });
    expect(r.environments.edges.length).toBe(em.state.environmentsOf(em.projectId).length);
    expect(r.environments.pageInfo.hasNextPage).toBe(false);
  });

  it('with a cap, pages hold at most that many edges and a client follows the cursors', async () => {
    const small = await startEmulator({
      scenario: 'empty',
      dbPrefix: `emupage_${randomSuffix()}`,
      maxPageSize: 2,
    });
    try {
      for (const name of ['a', 'b', 'c', 'd'])
        await ok(small, CREATE, { input: { projectId: small.projectId, name } });
      const names: string[] = [];
      let after: string | undefined;
      let pages = 0;
      for (;;) {
        const r = (await ok(small, ENVS, { p: small.projectId, first: 500, after })).environments;
        expect(r.edges.length).toBeLessThanOrEqual(2);
        names.push(...r.edges.map((e: any) => e.node.name));
        pages += 1;
        if (!r.pageInfo.hasNextPage) break;
        after = r.pageInfo.endCursor;
      }
      expect(names.sort()).toEqual(['a', 'b', 'c', 'd', 'production']);
      expect(pages).toBe(3);
      expect((await ok(small, ENVS, { p: small.projectId, last: 9 })).environments.edges).toHaveLength(2);
    } finally {
      await small.stop();
    }
    await expect(startEmulator({ scenario: 'empty', maxPageSize: 0 })).rejects.toThrow(/maxPageSize/);
  });
});
