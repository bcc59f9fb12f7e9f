// RailwayClient against the Railway emulator (src/emulator: Railway's schema, envelopes and token
// scopes), on its 'empty' scenario (no databases), with pages capped at 2 so every connection is
// paged. Faults come from the emulator (429, 5xx before or after the work, connection resets, late
// answers); nock injects only what the emulator never answers: an HTML page, a 400, a 429 without
// Retry-After.
import { randomUUID } from 'node:crypto';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startEmulator, type RequestRecord, type RunningEmulator } from '../../src/emulator/index.js';
import { RailwayClient, railwayClientFromEnv, type RailwayClientOptions } from '../../src/railway/client.js';
import {
  RailwayAuthError,
  RailwayConflictError,
  RailwayNotFoundError,
  RailwayRateLimitError,
  RailwayUnavailableError,
  RailwayValidationError,
} from '../../src/railway/errors.js';
import { backoffDelay, parseRetryAfter } from '../../src/railway/retry.js';
import { ValidationError } from '../../src/util/errors.js';
import { clearSecrets, redact } from '../../src/util/secrets.js';

// nock 15's interceptors call Promise.withResolvers, which Node 20 lacks.
const P = Promise as unknown as { withResolvers?: () => unknown };
if (!P.withResolvers) {
  P.withResolvers = () => {
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise((a, b) => ((resolve = a), (reject = b)));
    return { promise, resolve, reject };
  };
}

const DATABASE_URL = 'postgres://app:s3cr3t-pa55@db:5432/app';
const API_KEY = 'sk-live-abcdef123456';

let em: RunningEmulator;
let origin: string;
let projectId: string;
let prodId: string;
/** Services made in beforeAll, in creation order. */
let web: string, worker: string, cache: string;
let delays: number[];
let logMark: number;

function client(opts: Partial<RailwayClientOptions> = {}): RailwayClient {
  return new RailwayClient({
    endpoint: em.url,
    apiToken: em.tokens.account,
    retry: { retries: 3, baseDelayMs: 10, maxDelayMs: 5_000 },
    timeoutMs: 5_000,
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...opts,
  });
}

/** Requests the emulator received during this test. */
const received = (): RequestRecord[] => em.requestLog().slice(logMark);
const calls = (): string[] => received().map((r) => r.operationName ?? '?');
const callsOf = (op: string): number => calls().filter((o) => o === op).length;
const envsNamed = (name: string) => em.state.environmentsOf(projectId).filter((e) => e.name === name);

/** nock: answer the next `times` requests for `operation` with a fault; the rest reach the emulator. */
function injectReply(
  operation: string,
  status: number,
  body: string,
  headers: Record<string, string> = {},
  times = 1,
) {
  return nock(origin, { allowUnmocked: true })
    .post('/graphql/v2', (b: { operationName?: string }) => b.operationName === operation)
    .times(times)
    .reply(status, body, headers);
}

async function caught(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

function assertNoSecrets(err: Error): void {
  const text = `${err.message} ${JSON.stringify((err as { details?: unknown }).details ?? {})}`;
  for (const s of [...Object.values(em.tokens), 's3cr3t-pa55', API_KEY]) expect(text).not.toContain(s);
}

/** Runs `fn` with the clock `agoMs` in the past (Date only; timers stay real), for "older" resources. */
async function inThePast<T>(agoMs: number, fn: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() - agoMs);
  try {
    return await fn();
  } finally {
    vi.useRealTimers();
  }
}

const TEN_MINUTES = 10 * 60_000;
/** A client timeout and an answer held well past it: wide enough for a loaded machine. */
const TIMEOUT = 1000;
const LATE = 2500;

beforeAll(async () => {
  em = await startEmulator({
    scenario: 'empty',
    dbPrefix: `rwunit_${Math.random().toString(36).slice(2, 8)}`,
    deploymentStepMs: 5,
    tcpProxyActivationMs: 0,
    maxPageSize: 2,
  });
  origin = new URL(em.url).origin;
  projectId = em.projectId;
  prodId = em.productionEnvironmentId;
  delays = [];
  const c = client();
  web = (await c.createService({ projectId, name: 'web', source: { repo: 'acme/app' } })).id;
  worker = (await c.createService({ projectId, name: 'worker', source: { repo: 'acme/app' } })).id;
  // An image with no database engine: the emulator starts no real database for it.
  cache = (await c.createService({ projectId, name: 'cache', source: { image: 'redis:7' } })).id;
  await c.createVolume({ projectId, environmentId: prodId, serviceId: cache, mountPath: '/data' });
  await c.upsertVariables({
    projectId,
    environmentId: prodId,
    serviceId: web,
    variables: { DATABASE_URL, API_KEY },
    skipDeploys: true,
  });
});

afterAll(async () => {
  await em?.stop();
});

beforeEach(() => {
  delays = [];
  logMark = em.requestLog().length;
  clearSecrets();
});

afterEach(() => {
  em.faults.clear();
  nock.cleanAll();
});

describe('RailwayClient: reads', () => {
  it('reads a project with every environment and service, paging through the connections', async () => {
    const c = client();
    for (let i = 0; i < 4; i++)
      await c.createEnvironment({ projectId, name: `staging-${i}`, skipInitialDeploys: true });
    const p = await c.getProject(projectId);
    expect(p.name).toBe('empty-project');
    const truth = em.state.environmentsOf(projectId).map((e) => e.name);
    expect(truth.length).toBeGreaterThanOrEqual(5);
    expect(p.environments.map((e) => e.name).sort()).toEqual([...truth].sort());
    expect(p.services.map((s) => s.id)).toEqual([web, worker, cache]);
    expect(calls()).toContain('ProjectServicesPage');
    const before = callsOf('Environments');
    expect((await c.listEnvironments(projectId)).length).toBe(truth.length);
    expect(callsOf('Environments') - before).toBe(Math.ceil(truth.length / 2));
  });

  it('reads an environment with service and volume instances', async () => {
    const e = await client().getEnvironment(prodId, projectId);
    expect(e.name).toBe('production');
    expect(e.serviceInstances.map((s) => s.serviceId)).toEqual([web, worker, cache]);
    expect(calls()).toContain('EnvironmentServiceInstancesPage');
    expect(e.serviceInstances[2]!.source).toEqual({ image: 'redis:7', repo: null });
    const [volume] = em.state.volumeInstancesOf(prodId);
    expect(e.volumeInstances).toHaveLength(1);
    expect(e.volumeInstances[0]).toMatchObject({
      volumeName: em.state.volumes.get(volume!.volumeId)!.name,
      mountPath: '/data',
      sizeMB: volume!.sizeMB,
    });
    expect(e.unmergedChangesCount).toBe(0);
  });

  it('registers every variable value it reads as a secret', async () => {
    const c = client();
    const vars = await c.getVariables({ projectId, environmentId: prodId, serviceId: web, unrendered: true });
    expect(vars.API_KEY).toBe(API_KEY);
    expect(redact(`key=${vars.API_KEY}`)).toBe('key=***');
    clearSecrets();
    expect(redact(API_KEY)).toBe(API_KEY);
    const config = await c.getEnvironmentConfig(prodId, { decryptVariables: true });
    expect(config.services?.[web]).toBeTruthy();
    expect(redact(API_KEY)).toBe('***');
  });

  it('whoami: account token → me; workspace token → apiToken workspaces; project token → projectToken', async () => {
    const [user] = [...em.state.users.values()];
    const workspace = em.state.workspaces.get(em.workspaceId)!;
    expect(await client().whoami()).toEqual({
      kind: 'account',
      user: { id: user!.id, name: user!.name, email: user!.email },
    });
    expect(await client({ apiToken: em.tokens.workspace }).whoami()).toEqual({
      kind: 'workspace',
      workspaces: [{ id: workspace.id, name: workspace.name }],
    });
    expect(await client({ apiToken: undefined, projectToken: em.tokens.project }).whoami()).toMatchObject({
      kind: 'project',
      projectId,
      environmentId: prodId,
      environmentName: 'production',
    });
  });
});

describe('RailwayClient: auth headers', () => {
  it('sends Bearer for the API token, Project-Access-Token for a project token, never both', async () => {
    // The emulator authenticates each: the right token reached the right header, or whoami fails.
    expect((await client().whoami()).kind).toBe('account');
    const afterBearer = received().length;
    expect((await client({ apiToken: undefined, projectToken: em.tokens.project }).whoami()).kind).toBe(
      'project',
    );
    const afterProject = received().length;
    expect(
      (await client({ apiToken: em.tokens.account, projectToken: em.tokens.project }).whoami()).kind,
    ).toBe('account');
    const log = received();
    const auth = (from: number, to: number) => log.slice(from, to).map((r) => r.auth);
    expect(auth(0, afterBearer)).toEqual([{ bearer: true, projectAccessToken: false }]);
    expect(auth(afterBearer, afterProject)).toEqual([{ bearer: false, projectAccessToken: true }]);
    expect(auth(afterProject, log.length)).toEqual([{ bearer: true, projectAccessToken: false }]);
  });

  it('railwayClientFromEnv validates each variable and names it, never echoing a token', () => {
    const expectInvalid = (env: NodeJS.ProcessEnv, field: string, text: RegExp) => {
      let err: unknown;
      try {
        railwayClientFromEnv(env);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe(field);
      expect((err as Error).message).toMatch(text);
      expect((err as Error).message).not.toContain('abc def');
    };
    const token = em.tokens.account;
    expectInvalid({}, 'RAILWAY_API_TOKEN', /RAILWAY_API_TOKEN is not set/);
    expectInvalid({ RAILWAY_API_TOKEN: 'abc def-ghijkl' }, 'RAILWAY_API_TOKEN', /without spaces/);
    expectInvalid(
      { RAILWAY_API_TOKEN: token, RAILWAY_API_URL: 'ftp://x/graphql' },
      'RAILWAY_API_URL',
      /http\(s\) URL/,
    );
    expectInvalid(
      { RAILWAY_API_TOKEN: token, RAILWAY_API_URL: 'not a url' },
      'RAILWAY_API_URL',
      /http\(s\) URL/,
    );
    expectInvalid(
      { RAILWAY_API_TOKEN: token, RAILWAY_HTTP_TIMEOUT: '1.5' },
      'RAILWAY_HTTP_TIMEOUT',
      /whole number of seconds/,
    );
    expectInvalid(
      { RAILWAY_API_TOKEN: token, RAILWAY_HTTP_TIMEOUT: '0' },
      'RAILWAY_HTTP_TIMEOUT',
      /between 1 and 3600/,
    );
    const c = railwayClientFromEnv({
      RAILWAY_TOKEN: em.tokens.project,
      RAILWAY_API_URL: em.url,
      RAILWAY_HTTP_TIMEOUT: '30',
    });
    expect(c.authMode).toBe('project');
    expect(
      railwayClientFromEnv({ RAILWAY_TOKEN: em.tokens.project, RAILWAY_API_TOKEN: token }).authMode,
    ).toBe('api');
    expect(redact(`t=${em.tokens.project}`)).toBe('t=***');
  });
});

describe('RailwayClient: retries', () => {
  it('429 with Retry-After: waits at least that long, then succeeds', async () => {
    em.faults.rateLimit(1, 3);
    const p = await client().getProject(projectId);
    expect(p.id).toBe(projectId);
    expect(callsOf('Project')).toBe(2);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(3000);
  });

  it('429 with only X-RateLimit-Reset (epoch seconds) is honoured too', async () => {
    // The emulator always sends Retry-After with a 429, so this header shape comes from nock.
    const reset = String(Math.floor(Date.now() / 1000) + 4);
    injectReply('Project', 429, '{"data":null}', {
      'X-RateLimit-Reset': reset,
      'content-type': 'application/json',
    });
    expect((await client().getProject(projectId)).id).toBe(projectId);
    expect(delays[0]).toBeGreaterThanOrEqual(2000);
    expect(delays[0]).toBeLessThanOrEqual(4000);
  });

  it('429 that keeps coming gives up with RailwayRateLimitError carrying the wait', async () => {
    const ran = em.requests().byField.project ?? 0;
    em.faults.rateLimit(10, 2);
    const err = await caught(client().getProject(projectId));
    expect(err).toBeInstanceOf(RailwayRateLimitError);
    expect((err as RailwayRateLimitError).retryAfterMs).toBe(2000);
    expect(delays).toEqual([2000, 2000, 2000]);
    expect(callsOf('Project')).toBe(4);
    // Rate-limited requests are refused before they run.
    expect(em.requests().byField.project ?? 0).toBe(ran);
  });

  it('a Retry-After longer than the cap is not waited out', async () => {
    em.faults.rateLimit(1, 3600);
    const err = await caught(client().getProject(projectId));
    expect(err).toBeInstanceOf(RailwayRateLimitError);
    expect(err.message).toMatch(/wait 3600 s/);
    expect(delays).toEqual([]);
  });

  it('5xx then success', async () => {
    em.faults.failNth('project', 1, { status: 502, message: 'Bad Gateway' });
    em.faults.failNth('project', 2, { status: 503, message: 'Service Unavailable' });
    expect((await client().getProject(projectId)).id).toBe(projectId);
    expect(callsOf('Project')).toBe(3);
    expect(delays).toHaveLength(2);
    // Exponential backoff with full jitter: each wait stays under its ceiling.
    expect(delays[0]).toBeLessThanOrEqual(10);
    expect(delays[1]).toBeLessThanOrEqual(20);
  });

  it('a connection reset then success', async () => {
    em.faults.resetConnection('project', 1);
    expect((await client().getProject(projectId)).id).toBe(projectId);
    expect(callsOf('Project')).toBe(2);
    expect(delays).toHaveLength(1);
  });

  it('retries are bounded: gives up with RailwayUnavailableError after retries+1 attempts', async () => {
    for (let n = 1; n <= 4; n++) em.faults.failNth('project', n, { status: 503, message: 'upstream' });
    const err = await caught(client().getProject(projectId));
    expect(err).toBeInstanceOf(RailwayUnavailableError);
    expect(err.message).toMatch(/failed 4 times, last with HTTP 503/);
    expect(callsOf('Project')).toBe(4);
    expect(delays).toHaveLength(3);
    assertNoSecrets(err);
  });

  it('an HTML (Cloudflare) 403 page is survived, and named when it persists', async () => {
    const html =
      '<!DOCTYPE html><html><title>Access denied | backboard.railway.com used Cloudflare to restrict access</title></html>';
    injectReply('Project', 403, html, { 'content-type': 'text/html' });
    expect((await client().getProject(projectId)).id).toBe(projectId);
    injectReply('Project', 403, html, { 'content-type': 'text/html' }, 4);
    const err = await caught(client().getProject(projectId));
    expect(err).toBeInstanceOf(RailwayUnavailableError);
    expect(err.message).toMatch(/HTTP 403 with a non-JSON body \(a Cloudflare page\)/);
  });

  it('a timeout on a query is retried', async () => {
    em.faults.lateAnswer('project', 1, LATE);
    expect((await client({ timeoutMs: TIMEOUT }).getProject(projectId)).id).toBe(projectId);
    expect(callsOf('Project')).toBe(2);
  });
});

describe('RailwayClient: errors are typed and never retried when final', () => {
  it('"Not Authorized" → RailwayAuthError naming RAILWAY_API_TOKEN and the project, not retried', async () => {
    const err = await caught(client({ apiToken: 'revoked-token-0123456789' }).getProject(projectId));
    expect(err).toBeInstanceOf(RailwayAuthError);
    expect(err.message).toContain(`RAILWAY_API_TOKEN cannot access project ${projectId}`);
    expect(err.message).not.toContain('revoked-token-0123456789');
    expect(calls()).toEqual(['Project']);
    expect(delays).toEqual([]);
    assertNoSecrets(err);
  });

  it('with a project token the auth error names RAILWAY_TOKEN; an unknown project token says it is invalid', async () => {
    const err = await caught(
      client({ apiToken: undefined, projectToken: em.tokens.project }).createEnvironment({
        projectId,
        name: 'x',
      }),
    );
    expect(err).toBeInstanceOf(RailwayAuthError);
    expect(err.message).toMatch(
      new RegExp(`^RAILWAY_TOKEN cannot access environment "x" in project ${projectId}`),
    );
    expect(envsNamed('x')).toEqual([]);
    const bad = await caught(
      client({ apiToken: undefined, projectToken: 'unknown-project-token-123' }).whoami(),
    );
    expect(bad).toBeInstanceOf(RailwayAuthError);
    expect(bad.message).toMatch(/Invalid RAILWAY_TOKEN/);
    expect(bad.message).not.toContain('unknown-project-token-123');
  });

  it('"Project not found" → RailwayNotFoundError; duplicate name → RailwayConflictError', async () => {
    expect(await caught(client().getProject(randomUUID()))).toBeInstanceOf(RailwayNotFoundError);
    const err = await caught(client().createEnvironment({ projectId, name: 'production' }));
    expect(err).toBeInstanceOf(RailwayConflictError);
    expect(err.message).toMatch(/environment with that name already exists/);
    expect(callsOf('EnvironmentCreate')).toBe(1);
  });

  it('HTTP 400 GRAPHQL_VALIDATION_FAILED → RailwayValidationError that says it is our bug, not retried', async () => {
    // The emulator validates every document; only a broken one would get this, so nock answers it.
    const scope = injectReply(
      'Project',
      400,
      JSON.stringify({
        errors: [
          {
            message: 'Cannot query field "nope" on type "Query".',
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          },
        ],
      }),
      { 'content-type': 'application/json' },
      2,
    );
    const err = await caught(client().getProject(projectId));
    expect(err).toBeInstanceOf(RailwayValidationError);
    expect(err.message).toMatch(/bug in railclone/);
    expect(err.message).toMatch(/Cannot query field "nope"/);
    expect(scope.pendingMocks()).toHaveLength(1); // the second interceptor was never used
    expect(delays).toEqual([]);
  });

  it('variable values sent in a failing request never appear in the error', async () => {
    injectReply(
      'VariableCollectionUpsert',
      400,
      JSON.stringify({
        errors: [
          {
            message: 'Variable "$input" got invalid value "hunter2-password-xyz"',
            extensions: { code: 'BAD_USER_INPUT' },
          },
        ],
      }),
      { 'content-type': 'application/json' },
    );
    const err = await caught(
      client().upsertVariables({
        projectId,
        environmentId: prodId,
        serviceId: web,
        variables: { PASSWORD: 'hunter2-password-xyz' },
      }),
    );
    expect(err).toBeInstanceOf(RailwayValidationError);
    expect(err.message).not.toContain('hunter2-password-xyz');
    expect(JSON.stringify((err as RailwayValidationError).toBody())).not.toContain('hunter2-password-xyz');
  });
});

describe('RailwayClient: non-idempotent mutations are not blindly retried', () => {
  it('environmentCreate that timed out but DID happen returns the existing environment, created once', async () => {
    em.faults.lateAnswer('environmentCreate', 1, LATE);
    const created = await client({ timeoutMs: TIMEOUT }).createEnvironment({
      projectId,
      name: 'staging-a',
      sourceEnvironmentId: prodId,
      skipInitialDeploys: true,
    });
    expect(created.name).toBe('staging-a');
    expect(created.sourceEnvironment).toEqual({ id: prodId, name: 'production' });
    expect(callsOf('EnvironmentCreate')).toBe(1);
    expect(calls()).toContain('Environments');
    expect(envsNamed('staging-a').map((e) => e.id)).toEqual([created.id]);
  });

  it('environmentCreate whose connection dropped before it ran is looked up, then retried', async () => {
    em.faults.resetConnection('environmentCreate', 1);
    const created = await client().createEnvironment({ projectId, name: 'staging-b', ephemeral: true });
    expect(created).toMatchObject({ name: 'staging-b', isEphemeral: true });
    expect(callsOf('EnvironmentCreate')).toBe(2);
    expect(envsNamed('staging-b').map((e) => e.id)).toEqual([created.id]);
    expect(calls().indexOf('Environments')).toBeLessThan(calls().lastIndexOf('EnvironmentCreate'));
  });

  it('environmentCreate on a 5xx (gateway gave up, create ran) is recovered, not duplicated', async () => {
    em.faults.failNth('environmentCreate', 1, { status: 502, message: 'Bad Gateway', afterWork: true });
    const created = await client().createEnvironment({ projectId, name: 'staging-c' });
    expect(envsNamed('staging-c').map((e) => e.id)).toEqual([created.id]);
    expect(callsOf('EnvironmentCreate')).toBe(1);
    expect(delays).toEqual([]);
  });

  it('a lost create next to an OLDER environment of that name is not claimed as ours', async () => {
    await inThePast(TEN_MINUTES, () => client().createEnvironment({ projectId, name: 'staging-old' }));
    em.faults.failNth('environmentCreate', 1, { status: 504, message: 'Gateway Timeout' });
    const err = await caught(client().createEnvironment({ projectId, name: 'staging-old' }));
    expect(err).toBeInstanceOf(RailwayConflictError);
    expect(err.message).toMatch(/already existed .* it is not railclone's new environment/);
    expect(envsNamed('staging-old')).toHaveLength(1);
  });

  it('serviceDomainCreate that timed out but happened returns that domain without a second create', async () => {
    const c = client();
    const old = await c.createServiceDomain({ environmentId: prodId, serviceId: worker });
    em.faults.lateAnswer('serviceDomainCreate', 1, LATE);
    const d = await client({ timeoutMs: TIMEOUT }).createServiceDomain({
      environmentId: prodId,
      serviceId: worker,
      targetPort: 8080,
    });
    expect(d.id).not.toBe(old.id);
    expect(d.targetPort).toBe(8080);
    expect(callsOf('ServiceDomainCreate')).toBe(2); // the first domain's create, then ours once
    expect(
      em.state
        .serviceDomainsOf(prodId, worker)
        .map((x) => x.id)
        .sort(),
    ).toEqual([old.id, d.id].sort());
  });

  it('deleteEnvironment whose answer was lost counts "already gone" as done', async () => {
    const c = client({ timeoutMs: TIMEOUT });
    const e = await c.createEnvironment({ projectId, name: 'doomed', skipInitialDeploys: true });
    em.faults.lateAnswer('environmentDelete', 1, LATE);
    expect(await c.deleteEnvironment(e.id)).toBe(true);
    expect(callsOf('EnvironmentDelete')).toBe(2);
    expect(envsNamed('doomed')).toEqual([]);
  });
});

describe('RailwayClient: projects', () => {
  it('projectCreate that timed out but happened is found by name and creation time, not the older namesake', async () => {
    const c = client({ timeoutMs: TIMEOUT });
    const older = await inThePast(TEN_MINUTES, () =>
      client().createProject({ name: 'demo', workspaceId: em.workspaceId }),
    );
    em.faults.lateAnswer('projectCreate', 1, LATE);
    const p = await c.createProject({ name: 'demo', workspaceId: em.workspaceId });
    expect(p.id).not.toBe(older.id);
    expect(p.name).toBe('demo');
    expect(callsOf('ProjectCreate')).toBe(2); // the older one's, then ours once
    const demos = async () =>
      (await c.listProjects({ workspaceId: em.workspaceId }))
        .filter((x) => x.name === 'demo')
        .map((x) => x.id);
    expect((await demos()).sort()).toEqual([older.id, p.id].sort());
    await c.deleteProject(p.id);
    expect(await demos()).toEqual([older.id]);
    await c.deleteProject(older.id);
  });

  it('projectCreate that never ran is retried once the lookup finds nothing new', async () => {
    const c = client();
    const older = await inThePast(TEN_MINUTES, () =>
      c.createProject({ name: 'demo-2', workspaceId: em.workspaceId }),
    );
    em.faults.resetConnection('projectCreate', 1);
    const p = await c.createProject({ name: 'demo-2' });
    expect(p.id).not.toBe(older.id);
    expect(callsOf('ProjectCreate')).toBe(3); // the older one's, the reset one, the retry
    expect(calls()).toContain('Projects');
    const demos = (await c.listProjects({ workspaceId: em.workspaceId })).filter((x) => x.name === 'demo-2');
    expect(demos.map((x) => x.id).sort()).toEqual([older.id, p.id].sort());
    await c.deleteProject(p.id);
    await c.deleteProject(older.id);
  });

  it('an invalid API token fails whoami with RailwayAuthError naming RAILWAY_API_TOKEN, without the value', async () => {
    const err = await caught(client({ apiToken: 'bogus-token-000111222' }).whoami());
    expect(err).toBeInstanceOf(RailwayAuthError);
    expect(err.message).toMatch(/^RAILWAY_API_TOKEN cannot access/);
    expect(err.message).not.toContain('bogus-token-000111222');
    expect(calls()).toEqual(['Me', 'ApiTokenWorkspaces']);
  });
});

describe('RailwayClient: TCP proxy', () => {
  it('commits a networking patch and reads the proxy back; a second call reuses it', async () => {
    const c = client();
    const p = await c.enableTcpProxy({ environmentId: prodId, serviceId: cache, applicationPort: 6379 });
    const rec = em.state.tcpProxies.get(p.id)!;
    expect(p).toMatchObject({ applicationPort: 6379, domain: rec.domain, proxyPort: rec.proxyPort });
    expect(calls()).toContain('EnvironmentPatchCommit');
    expect(callsOf('TcpProxies')).toBe(2);
    const before = calls().length;
    expect(
      (await c.enableTcpProxy({ environmentId: prodId, serviceId: cache, applicationPort: 6379 })).id,
    ).toBe(p.id);
    expect(calls().slice(before)).toEqual(['TcpProxies']);
  });

  it('with staged changes pending it stages the proxy alongside and polls until they are committed', async () => {
    const c = client();
    const env = await c.createEnvironment({
      projectId,
      name: 'proxy-staged',
      sourceEnvironmentId: prodId,
      skipInitialDeploys: true,
    });
    await c.stageChanges(env.id, { services: { [web]: { variables: { MARK: { value: 'x' } } } } }, true);
    // Never committed: the wait ends with an error that says why.
    const err = await caught(
      client({ tcpProxyPoll: { intervalMs: 50, timeoutMs: 200 } }).enableTcpProxy({
        environmentId: env.id,
        serviceId: worker,
        applicationPort: 5000,
      }),
    );
    expect(err.message).toMatch(
      /did not appear within .*STAGED because the environment has unmerged changes/,
    );
    expect(calls()).toContain('EnvironmentStageChanges');
    expect(em.state.tcpProxiesOf(env.id, worker)).toEqual([]);
    // Someone commits the staged work while the client polls: the proxy appears and is returned.
    let polls = 0;
    const polling = client({
      tcpProxyPoll: { intervalMs: 50, timeoutMs: 10_000 },
      sleep: async () => {
        if (++polls === 2) await c.commitStaged(env.id, { skipDeploys: true });
      },
    });
    const before = callsOf('TcpProxies');
    const p = await polling.enableTcpProxy({
      environmentId: env.id,
      serviceId: worker,
      applicationPort: 5000,
    });
    expect(p.applicationPort).toBe(5000);
    expect(em.state.tcpProxiesOf(env.id, worker).map((x) => x.id)).toEqual([p.id]);
    expect(callsOf('TcpProxies') - before).toBeGreaterThanOrEqual(3);
  });
});

describe('retry helpers', () => {
  it('parses Retry-After as seconds or an HTTP date, and X-RateLimit-Reset in its forms', () => {
    const now = Date.parse('2026-09-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': '7' }), now)).toBe(7000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Tue, 01 Sep 2026 00:00:12 GMT' }), now)).toBe(
      12_000,
    );
    expect(parseRetryAfter(new Headers({ 'x-ratelimit-reset': String(now / 1000 + 30) }), now)).toBe(30_000);
    expect(parseRetryAfter(new Headers({ 'x-ratelimit-reset': String(now + 5000) }), now)).toBe(5000);
    expect(parseRetryAfter(new Headers({ 'x-ratelimit-reset': '9' }), now)).toBe(9000);
    expect(parseRetryAfter(new Headers({}), now)).toBeNull();
  });

  it('full jitter stays within [0, min(max, base·2^n)]', () => {
    const policy = { retries: 5, baseDelayMs: 500, maxDelayMs: 30_000 };
    expect(backoffDelay(0, policy, () => 0.999)).toBeLessThan(500);
    expect(backoffDelay(3, policy, () => 0.999)).toBeLessThan(4000);
    expect(backoffDelay(3, policy, () => 0.999)).toBeGreaterThan(3900);
    expect(backoffDelay(20, policy, () => 0.999)).toBeLessThan(30_000);
    expect(backoffDelay(4, policy, () => 0)).toBe(0);
  });
});
