// RailwayClient against a small GraphQL server started here (executing the REAL Railway schema, so
// every document and variable the client sends is validated), with faults injected by nock (429,
// 5xx, HTML, 400) or by the server itself (connection resets and slow answers, which nock cannot
// fake on Node 20's fetch).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, execute, parse, validate, type GraphQLSchema } from 'graphql';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
import { sharedReference } from '../shared-reference.js';

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

const ACCOUNT_TOKEN = 'acct-token-5f0c1d2e3a4b';
const WORKSPACE_TOKEN = 'wksp-token-77aa88bb99cc';
const PROJECT_TOKEN = 'proj-token-0011223344ff';
const PROJECT_ID = 'proj-1111';
const FORBIDDEN_PROJECT = 'proj-forbidden-9999';
const PROD_ID = 'env-prod';
const SERVICE_ID = 'svc-web';

// ---------------------------------------------------------------- the test server

interface Env {
  id: string;
  name: string;
  projectId: string;
  isEphemeral: boolean;
  createdAt: string;
  updatedAt: string;
  unmergedChangesCount: number;
  sourceEnvironment: { id: string; name: string } | null;
}

interface ServerFault {
  op: string;
  /** reset: drop the connection (RST) before running anything; slow: run it, then answer late. */
  kind: 'reset' | 'slow';
  ms?: number;
}

const world = {
  envs: new Map<string, Env>(),
  vars: new Map<string, Record<string, string>>(),
  proxies: [] as {
    id: string;
    domain: string;
    proxyPort: number;
    applicationPort: number;
    serviceId: string;
    environmentId: string;
    syncStatus: string;
  }[],
  pendingProxy: null as null | { port: number; serviceId: string; environmentId: string; pollsLeft: number },
  serviceDomains: [] as {
    id: string;
    domain: string;
    targetPort: number | null;
    environmentId: string;
    serviceId: string;
  }[],
  projects: [] as { id: string; name: string; createdAt: string }[],
  calls: [] as string[],
  executed: [] as string[],
  headers: [] as http.IncomingHttpHeaders[],
  faults: [] as ServerFault[],
  nextId: 1,
};

function resetWorld(): void {
  world.envs.clear();
  world.vars.clear();
  world.proxies = [];
  world.pendingProxy = null;
  world.serviceDomains = [];
  world.projects = [{ id: 'proj-old', name: 'demo', createdAt: '2020-01-01T00:00:00.000Z' }];
  world.calls = [];
  world.executed = [];
  world.headers = [];
  world.faults = [];
  world.envs.set(PROD_ID, env(PROD_ID, 'production', null));
  world.vars.set(`${PROD_ID}/${SERVICE_ID}`, {
    DATABASE_URL: 'postgres://app:s3cr3t-pa55@db:5432/app',
    API_KEY: 'sk-live-abcdef123456',
  });
}

function env(id: string, name: string, source: Env | null): Env {
  const t = new Date().toISOString();
  return {
    id,
    name,
    projectId: PROJECT_ID,
    isEphemeral: false,
    createdAt: t,
    updatedAt: t,
    unmergedChangesCount: 0,
    sourceEnvironment: source ? { id: source.id, name: source.name } : null,
  };
}

type Auth = 'account' | 'workspace' | 'project' | null;

/** Relay connection; the server caps pages at 2 so the client's paging is exercised. */
function conn<T>(items: T[], args: { first?: number; after?: string }) {
  const start = args.after ? Number(args.after) : 0;
  const size = Math.min(args.first ?? items.length, 2);
  const page = items.slice(start, start + size);
  const end = start + page.length;
  return {
    edges: page.map((node, i) => ({ node, cursor: String(start + i + 1) })),
    pageInfo: {
      hasNextPage: end < items.length,
      endCursor: String(end),
      hasPreviousPage: start > 0,
      startCursor: String(start),
    },
  };
}

function needApi(auth: Auth): void {
  if (auth !== 'account' && auth !== 'workspace') throw new Error('Not Authorized');
}

function envObject(e: Env) {
  return {
    ...e,
    serviceInstances: (a: { first?: number; after?: string }) =>
      conn(
        [SERVICE_ID, 'svc-worker', 'svc-db'].map((sid) => ({
          id: `si-${sid}-${e.id}`,
          serviceId: sid,
          serviceName: sid.slice(4),
          environmentId: e.id,
          source: {
            image: sid === 'svc-db' ? 'postgres:16' : null,
            repo: sid === 'svc-db' ? null : 'acme/app',
          },
          startCommand: null,
          buildCommand: null,
          rootDirectory: null,
          healthcheckPath: '/health',
          numReplicas: 1,
          region: 'us-west2',
          restartPolicyType: 'ON_FAILURE',
          domains: {
            serviceDomains: world.serviceDomains.filter(
              (d) => d.environmentId === e.id && d.serviceId === sid,
            ),
            customDomains: [],
          },
          latestDeployment: null,
        })),
        a,
      ),
    volumeInstances: (a: { first?: number; after?: string }) =>
      conn(
        [
          {
            id: `vi-${e.id}`,
            volumeId: 'vol-1',
            serviceId: 'svc-db',
            mountPath: '/var/lib/postgresql/data',
            sizeMB: 5000,
            currentSizeMB: 120.5,
            state: 'READY',
            volume: { id: 'vol-1', name: 'pgdata' },
          },
        ],
        a,
      ),
    config: ({ decryptVariables }: { decryptVariables?: boolean }) => ({
      services: {
        [SERVICE_ID]: {
          variables: Object.fromEntries(
            Object.entries(world.vars.get(`${e.id}/${SERVICE_ID}`) ?? {}).map(([k, v]) => [
              k,
              decryptVariables ? { value: v } : {},
            ]),
          ),
        },
      },
    }),
  };
}

function rootValue(auth: Auth) {
  const findEnv = (id: string) => {
    const e = world.envs.get(id);
    if (!e) throw new Error('Environment not found');
    return e;
  };
  return {
    me: () => {
      if (auth !== 'account') throw new Error('Not Authorized');
      return { id: 'user-1', name: 'Ada', email: 'ada@example.com' };
    },
    apiToken: () => {
      needApi(auth);
      return { workspaces: [{ id: 'ws-1', name: 'Acme' }] };
    },
    projectToken: () => {
      if (auth !== 'project') throw new Error('Project Token not found');
      return {
        projectId: PROJECT_ID,
        environmentId: PROD_ID,
        project: { id: PROJECT_ID, name: 'acme' },
        environment: { id: PROD_ID, name: 'production' },
      };
    },
    project: ({ id }: { id: string }) => {
      if (auth === null || id === FORBIDDEN_PROJECT) throw new Error('Not Authorized');
      if (id !== PROJECT_ID) throw new Error('Project not found');
      return {
        id,
        name: 'acme',
        workspaceId: 'ws-1',
        environments: (a: { first?: number; after?: string }) => conn([...world.envs.values()], a),
        services: (a: { first?: number; after?: string }) =>
          conn(
            [SERVICE_ID, 'svc-worker', 'svc-db'].map((s) => ({ id: s, name: s.slice(4) })),
            a,
          ),
      };
    },
    environments: (a: { projectId: string; first?: number; after?: string; isEphemeral?: boolean }) => {
      needApi(auth);
      const list = [...world.envs.values()].filter(
        (e) => a.isEphemeral === undefined || e.isEphemeral === a.isEphemeral,
      );
      return conn(list, a);
    },
    environment: ({ id }: { id: string }) => envObject(findEnv(id)),
    environmentCreate: ({
      input,
    }: {
      input: { name: string; projectId: string; sourceEnvironmentId?: string; ephemeral?: boolean };
    }) => {
      needApi(auth);
      if ([...world.envs.values()].some((e) => e.name === input.name))
        throw new Error('environment with that name already exists');
      const id = `env-${world.nextId++}`;
      const created = {
        ...env(id, input.name, input.sourceEnvironmentId ? findEnv(input.sourceEnvironmentId) : null),
        isEphemeral: !!input.ephemeral,
      };
      world.envs.set(id, created);
      return created;
    },
    environmentDelete: ({ id }: { id: string }) => {
      needApi(auth);
      findEnv(id);
      world.envs.delete(id);
      return true;
    },
    variables: (a: { environmentId: string; serviceId?: string }) =>
      world.vars.get(`${a.environmentId}/${a.serviceId ?? 'shared'}`) ?? {},
    variableCollectionUpsert: ({
      input,
    }: {
      input: {
        environmentId: string;
        serviceId?: string;
        variables: Record<string, string>;
        replace?: boolean;
      };
    }) => {
      const key = `${input.environmentId}/${input.serviceId ?? 'shared'}`;
      world.vars.set(key, { ...(input.replace ? {} : world.vars.get(key)), ...input.variables });
      return true;
    },
    tcpProxies: (a: { environmentId: string; serviceId: string }) => {
      const p = world.pendingProxy;
      if (p && p.pollsLeft-- <= 0) {
        world.proxies.push({
          id: `tcp-${world.nextId++}`,
          domain: 'shuttle.proxy.rlwy.net',
          proxyPort: 15140,
          applicationPort: p.port,
          serviceId: p.serviceId,
          environmentId: p.environmentId,
          syncStatus: 'ACTIVE',
        });
        world.pendingProxy = null;
      }
      return world.proxies.filter((x) => x.environmentId === a.environmentId && x.serviceId === a.serviceId);
    },
    environmentPatchCommit: ({
      environmentId,
      patch,
    }: {
      environmentId: string;
      patch: { services: Record<string, { networking?: { tcpProxies?: Record<string, unknown> } }> };
    }) => {
      for (const [serviceId, svc] of Object.entries(patch.services ?? {})) {
        for (const port of Object.keys(svc.networking?.tcpProxies ?? {})) {
          world.pendingProxy = { port: Number(port), serviceId, environmentId, pollsLeft: 2 };
        }
      }
      return `patch-${world.nextId++}`;
    },
    serviceInstance: ({ environmentId, serviceId }: { environmentId: string; serviceId: string }) =>
      envObject(findEnv(environmentId))
        .serviceInstances({})
        .edges.map((e) => e.node)
        .find((s) => s.serviceId === serviceId),
    projectCreate: ({ input }: { input: { name: string } }) => {
      needApi(auth);
      const p = { id: `proj-${world.nextId++}`, name: input.name, createdAt: new Date().toISOString() };
      world.projects.unshift(p);
      return p;
    },
    projects: (a: { first?: number; after?: string }) => {
      needApi(auth);
      return conn(world.projects, a);
    },
    projectDelete: ({ id }: { id: string }) => {
      needApi(auth);
      if (!world.projects.some((p) => p.id === id)) throw new Error('Project not found');
      world.projects = world.projects.filter((p) => p.id !== id);
      return true;
    },
    serviceDomainCreate: ({
      input,
    }: {
      input: { environmentId: string; serviceId: string; targetPort?: number };
    }) => {
      const d = {
        id: `sd-${world.nextId++}`,
        domain: `web-${world.nextId}.up.railway.app`,
        targetPort: input.targetPort ?? null,
        environmentId: input.environmentId,
        serviceId: input.serviceId,
      };
      world.serviceDomains.push(d);
      return d;
    },
  };
}

let schema: GraphQLSchema;
let server: http.Server;
let endpoint: string;
let origin: string;

function authOf(h: http.IncomingHttpHeaders): Auth {
  if (h.authorization === `Bearer ${ACCOUNT_TOKEN}`) return 'account';
  if (h.authorization === `Bearer ${WORKSPACE_TOKEN}`) return 'workspace';
  if (h['project-access-token'] === PROJECT_TOKEN) return 'project';
  return null;
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  const body = JSON.parse(raw) as {
    query: string;
    variables?: Record<string, unknown>;
    operationName?: string;
  };
  const op = body.operationName ?? '?';
  world.calls.push(op);
  world.headers.push(req.headers);
  const faultAt = world.faults.findIndex((f) => f.op === op);
  const fault = faultAt >= 0 ? world.faults.splice(faultAt, 1)[0] : undefined;
  if (fault?.kind === 'reset') {
    req.socket.resetAndDestroy();
    return;
  }
  const document = parse(body.query);
  const errors = validate(schema, document);
  res.setHeader('content-type', 'application/json');
  if (errors.length > 0) {
    res.statusCode = 400;
    res.end(
      JSON.stringify({
        errors: errors.map((e) => ({
          message: e.message,
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        })),
      }),
    );
    return;
  }
  world.executed.push(op);
  const result = await execute({
    schema,
    document,
    rootValue: rootValue(authOf(req.headers)),
    variableValues: body.variables,
    operationName: op,
  });
  if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.ms ?? 1000));
  res.end(
    JSON.stringify({
      data: result.data ?? null,
      ...(result.errors
        ? {
            errors: result.errors.map((e) => ({
              message: e.message,
              path: e.path,
              extensions: { code: 'INTERNAL_SERVER_ERROR' },
            })),
          }
        : {}),
    }),
  );
}

beforeAll(async () => {
  schema = buildSchema(readFileSync(sharedReference('railway', 'schema.graphql'), 'utf8'));
  server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  endpoint = `${origin}/graphql/v2`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

// ---------------------------------------------------------------- helpers

let delays: number[];

function client(opts: Partial<RailwayClientOptions> = {}): RailwayClient {
  return new RailwayClient({
    endpoint,
    apiToken: ACCOUNT_TOKEN,
    retry: { retries: 3, baseDelayMs: 10, maxDelayMs: 5_000 },
    timeoutMs: 5_000,
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...opts,
  });
}

/** nock: answer the next `times` requests for `operation` with a fault; the rest reach the server. */
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
  for (const s of [ACCOUNT_TOKEN, WORKSPACE_TOKEN, PROJECT_TOKEN, 's3cr3t-pa55', 'sk-live-abcdef123456'])
    expect(text).not.toContain(s);
}

beforeEach(() => {
  resetWorld();
  delays = [];
  clearSecrets();
});

afterEach(() => {
  nock.cleanAll();
});

// ---------------------------------------------------------------- tests

describe('RailwayClient: reads', () => {
  it('reads a project with every environment and service, paging through the connections', async () => {
    const c = client();
    for (let i = 0; i < 4; i++) await c.createEnvironment({ projectId: PROJECT_ID, name: `staging-${i}` });
    const p = await c.getProject(PROJECT_ID);
    expect(p.name).toBe('acme');
    expect(p.environments.map((e) => e.name).sort()).toEqual([
      'production',
      'staging-0',
      'staging-1',
      'staging-2',
      'staging-3',
    ]);
    expect(p.services.map((s) => s.id)).toEqual([SERVICE_ID, 'svc-worker', 'svc-db']);
    expect(world.calls).toContain('ProjectServicesPage');
    expect((await c.listEnvironments(PROJECT_ID)).length).toBe(5);
    expect(world.calls.filter((o) => o === 'Environments').length).toBeGreaterThanOrEqual(3);
  });

  it('reads an environment with service and volume instances', async () => {
    const e = await client().getEnvironment(PROD_ID, PROJECT_ID);
    expect(e.name).toBe('production');
    expect(e.serviceInstances.map((s) => s.serviceId)).toEqual([SERVICE_ID, 'svc-worker', 'svc-db']);
    expect(e.serviceInstances[2]!.source).toEqual({ image: 'postgres:16', repo: null });
    expect(e.volumeInstances[0]).toMatchObject({
      volumeName: 'pgdata',
      mountPath: '/var/lib/postgresql/data',
      sizeMB: 5000,
    });
    expect(e.unmergedChangesCount).toBe(0);
  });

  it('registers every variable value it reads as a secret', async () => {
    const c = client();
    const vars = await c.getVariables({
      projectId: PROJECT_ID,
      environmentId: PROD_ID,
      serviceId: SERVICE_ID,
      unrendered: true,
    });
    expect(vars.API_KEY).toBe('sk-live-abcdef123456');
    expect(redact(`key=${vars.API_KEY}`)).toBe('key=***');
    clearSecrets();
    const config = await c.getEnvironmentConfig(PROD_ID, { decryptVariables: true });
    expect(config.services?.[SERVICE_ID]).toBeTruthy();
    expect(redact('sk-live-abcdef123456')).toBe('***');
  });

  it('whoami: account token → me; workspace token → apiToken workspaces; project token → projectToken', async () => {
    expect(await client().whoami()).toEqual({
      kind: 'account',
      user: { id: 'user-1', name: 'Ada', email: 'ada@example.com' },
    });
    expect(await client({ apiToken: WORKSPACE_TOKEN }).whoami()).toEqual({
      kind: 'workspace',
      workspaces: [{ id: 'ws-1', name: 'Acme' }],
    });
    expect(await client({ apiToken: undefined, projectToken: PROJECT_TOKEN }).whoami()).toMatchObject({
      kind: 'project',
      projectId: PROJECT_ID,
      environmentId: PROD_ID,
      environmentName: 'production',
    });
  });
});

describe('RailwayClient: auth headers', () => {
  it('sends Bearer for the API token, Project-Access-Token for a project token, never both', async () => {
    await client().whoami();
    await client({ apiToken: undefined, projectToken: PROJECT_TOKEN }).whoami();
    await client({ apiToken: ACCOUNT_TOKEN, projectToken: PROJECT_TOKEN }).whoami();
    const [bearer, project, both] = world.headers;
    expect(bearer!.authorization).toBe(`Bearer ${ACCOUNT_TOKEN}`);
    expect(bearer!['project-access-token']).toBeUndefined();
    expect(project!['project-access-token']).toBe(PROJECT_TOKEN);
    expect(project!.authorization).toBeUndefined();
    expect(both!.authorization).toBe(`Bearer ${ACCOUNT_TOKEN}`);
    expect(both!['project-access-token']).toBeUndefined();
    for (const h of world.headers) expect(!!h.authorization && !!h['project-access-token']).toBe(false);
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
    expectInvalid({}, 'RAILWAY_API_TOKEN', /RAILWAY_API_TOKEN is not set/);
    expectInvalid({ RAILWAY_API_TOKEN: 'abc def-ghijkl' }, 'RAILWAY_API_TOKEN', /without spaces/);
    expectInvalid(
      { RAILWAY_API_TOKEN: ACCOUNT_TOKEN, RAILWAY_API_URL: 'ftp://x/graphql' },
      'RAILWAY_API_URL',
      /http\(s\) URL/,
    );
    expectInvalid(
      { RAILWAY_API_TOKEN: ACCOUNT_TOKEN, RAILWAY_API_URL: 'not a url' },
      'RAILWAY_API_URL',
      /http\(s\) URL/,
    );
    expectInvalid(
      { RAILWAY_API_TOKEN: ACCOUNT_TOKEN, RAILWAY_HTTP_TIMEOUT: '1.5' },
      'RAILWAY_HTTP_TIMEOUT',
      /whole number of seconds/,
    );
    expectInvalid(
      { RAILWAY_API_TOKEN: ACCOUNT_TOKEN, RAILWAY_HTTP_TIMEOUT: '0' },
      'RAILWAY_HTTP_TIMEOUT',
      /between 1 and 3600/,
    );
    const c = railwayClientFromEnv({
      RAILWAY_TOKEN: PROJECT_TOKEN,
      RAILWAY_API_URL: endpoint,
      RAILWAY_HTTP_TIMEOUT: '30',
    });
    expect(c.authMode).toBe('project');
    expect(
      railwayClientFromEnv({ RAILWAY_TOKEN: PROJECT_TOKEN, RAILWAY_API_TOKEN: ACCOUNT_TOKEN }).authMode,
    ).toBe('api');
    expect(redact(`t=${PROJECT_TOKEN}`)).toBe('t=***');
  });
});

describe('RailwayClient: retries', () => {
  it('429 with Retry-After: waits at least that long, then succeeds', async () => {
    const scope = injectReply('Project', 429, '{"data":null}', {
      'Retry-After': '3',
      'content-type': 'application/json',
    });
    const p = await client().getProject(PROJECT_ID);
    expect(p.id).toBe(PROJECT_ID);
    expect(scope.isDone()).toBe(true);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(3000);
  });

  it('429 with only X-RateLimit-Reset (epoch seconds) is honoured too', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 4);
    injectReply('Project', 429, '{"data":null}', {
      'X-RateLimit-Reset': reset,
      'content-type': 'application/json',
    });
    await client().getProject(PROJECT_ID);
    expect(delays[0]).toBeGreaterThanOrEqual(2000);
    expect(delays[0]).toBeLessThanOrEqual(4000);
  });

  it('429 that keeps coming gives up with RailwayRateLimitError carrying the wait', async () => {
    injectReply(
      'Project',
      429,
      '{"data":null}',
      { 'Retry-After': '2', 'content-type': 'application/json' },
      10,
    );
    const err = await caught(client().getProject(PROJECT_ID));
    expect(err).toBeInstanceOf(RailwayRateLimitError);
    expect((err as RailwayRateLimitError).retryAfterMs).toBe(2000);
    expect(delays).toEqual([2000, 2000, 2000]);
    expect(world.executed).not.toContain('Project');
  });

  it('a Retry-After longer than the cap is not waited out', async () => {
    injectReply('Project', 429, '{"data":null}', {
      'Retry-After': '3600',
      'content-type': 'application/json',
    });
    const err = await caught(client().getProject(PROJECT_ID));
    expect(err).toBeInstanceOf(RailwayRateLimitError);
    expect(err.message).toMatch(/wait 3600 s/);
    expect(delays).toEqual([]);
  });

  it('5xx then success', async () => {
    injectReply('Project', 502, '{"errors":[{"message":"Bad Gateway"}]}', {
      'content-type': 'application/json',
    });
    injectReply('Project', 503, 'Service Unavailable', { 'content-type': 'text/plain' });
    expect((await client().getProject(PROJECT_ID)).id).toBe(PROJECT_ID);
    expect(delays).toHaveLength(2);
    // Exponential backoff with full jitter: each wait stays under its ceiling.
    expect(delays[0]).toBeLessThanOrEqual(10);
    expect(delays[1]).toBeLessThanOrEqual(20);
  });

  it('a connection reset then success', async () => {
    world.faults.push({ op: 'Project', kind: 'reset' });
    expect((await client().getProject(PROJECT_ID)).id).toBe(PROJECT_ID);
    expect(world.calls.filter((o) => o === 'Project')).toHaveLength(2);
    expect(delays).toHaveLength(1);
  });

  it('retries are bounded: gives up with RailwayUnavailableError after retries+1 attempts', async () => {
    const scope = injectReply(
      'Project',
      503,
      '{"errors":[{"message":"upstream"}]}',
      { 'content-type': 'application/json' },
      4,
    );
    const err = await caught(client().getProject(PROJECT_ID));
    expect(err).toBeInstanceOf(RailwayUnavailableError);
    expect(err.message).toMatch(/failed 4 times, last with HTTP 503/);
    expect(scope.isDone()).toBe(true);
    expect(delays).toHaveLength(3);
    expect(world.executed).not.toContain('Project');
    assertNoSecrets(err);
  });

  it('an HTML (Cloudflare) 403 page is survived, and named when it persists', async () => {
    const html =
      '<!DOCTYPE html><html><title>Access denied | backboard.railway.com used Cloudflare to restrict access</title></html>';
    injectReply('Project', 403, html, { 'content-type': 'text/html' });
    expect((await client().getProject(PROJECT_ID)).id).toBe(PROJECT_ID);
    injectReply('Project', 403, html, { 'content-type': 'text/html' }, 4);
    const err = await caught(client().getProject(PROJECT_ID));
    expect(err).toBeInstanceOf(RailwayUnavailableError);
    expect(err.message).toMatch(/HTTP 403 with a non-JSON body \(a Cloudflare page\)/);
  });

  it('a timeout on a query is retried', async () => {
    world.faults.push({ op: 'Project', kind: 'slow', ms: 600 });
    expect((await client({ timeoutMs: 200 }).getProject(PROJECT_ID)).id).toBe(PROJECT_ID);
    expect(world.calls.filter((o) => o === 'Project')).toHaveLength(2);
  });
});

describe('RailwayClient: errors are typed and never retried when final', () => {
  it('"Not Authorized" → RailwayAuthError naming RAILWAY_API_TOKEN and the project, not retried', async () => {
    const err = await caught(client().getProject(FORBIDDEN_PROJECT));
    expect(err).toBeInstanceOf(RailwayAuthError);
    expect(err.message).toContain(`RAILWAY_API_TOKEN cannot access project ${FORBIDDEN_PROJECT}`);
    expect(world.calls).toEqual(['Project']);
    expect(delays).toEqual([]);
    assertNoSecrets(err);
  });

  it('with a project token the auth error names RAILWAY_TOKEN; an unknown project token says it is invalid', async () => {
    const err = await caught(
      client({ apiToken: undefined, projectToken: PROJECT_TOKEN }).createEnvironment({
        projectId: PROJECT_ID,
        name: 'x',
      }),
    );
    expect(err).toBeInstanceOf(RailwayAuthError);
    expect(err.message).toMatch(/^RAILWAY_TOKEN cannot access environment "x" in project proj-1111/);
    const bad = await caught(
      client({ apiToken: undefined, projectToken: 'unknown-project-token-123' }).whoami(),
    );
    expect(bad).toBeInstanceOf(RailwayAuthError);
    expect(bad.message).toMatch(/Invalid RAILWAY_TOKEN/);
    expect(bad.message).not.toContain('unknown-project-token-123');
  });

  it('"Project not found" → RailwayNotFoundError; duplicate name → RailwayConflictError', async () => {
    expect(await caught(client().getProject('proj-nope'))).toBeInstanceOf(RailwayNotFoundError);
    const err = await caught(client().createEnvironment({ projectId: PROJECT_ID, name: 'production' }));
    expect(err).toBeInstanceOf(RailwayConflictError);
    expect(err.message).toMatch(/environment with that name already exists/);
    expect(world.calls.filter((o) => o === 'EnvironmentCreate')).toHaveLength(1);
  });

  it('HTTP 400 GRAPHQL_VALIDATION_FAILED → RailwayValidationError that says it is our bug, not retried', async () => {
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
    const err = await caught(client().getProject(PROJECT_ID));
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
        projectId: PROJECT_ID,
        environmentId: PROD_ID,
        serviceId: SERVICE_ID,
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
    world.faults.push({ op: 'EnvironmentCreate', kind: 'slow', ms: 800 });
    const created = await client({ timeoutMs: 300 }).createEnvironment({
      projectId: PROJECT_ID,
      name: 'staging-a',
      sourceEnvironmentId: PROD_ID,
    });
    expect(created.name).toBe('staging-a');
    expect(created.sourceEnvironment).toEqual({ id: PROD_ID, name: 'production' });
    expect(world.calls.filter((o) => o === 'EnvironmentCreate')).toHaveLength(1);
    expect(world.calls).toContain('Environments');
    expect([...world.envs.values()].filter((e) => e.name === 'staging-a')).toHaveLength(1);
  });

  it('environmentCreate whose connection dropped before it ran is looked up, then retried', async () => {
    world.faults.push({ op: 'EnvironmentCreate', kind: 'reset' });
    const created = await client().createEnvironment({
      projectId: PROJECT_ID,
      name: 'staging-b',
      ephemeral: true,
    });
    expect(created).toMatchObject({ name: 'staging-b', isEphemeral: true });
    expect(world.calls.filter((o) => o === 'EnvironmentCreate')).toHaveLength(2);
    expect(world.executed.filter((o) => o === 'EnvironmentCreate')).toHaveLength(1);
    expect(world.calls.indexOf('Environments')).toBeLessThan(world.calls.lastIndexOf('EnvironmentCreate'));
  });

  it('environmentCreate on a 5xx (gateway gave up, create ran) is recovered, not duplicated', async () => {
    // nock answers the create with 502 without reaching the server; do the create "behind" it.
    nock(origin, { allowUnmocked: true })
      .post('/graphql/v2', (b: { operationName?: string }) => b.operationName === 'EnvironmentCreate')
      .reply(() => {
        world.envs.set('env-behind', env('env-behind', 'staging-c', null));
        return [502, '<html>Bad Gateway</html>', { 'content-type': 'text/html' }];
      });
    const created = await client().createEnvironment({ projectId: PROJECT_ID, name: 'staging-c' });
    expect(created.id).toBe('env-behind');
    expect(world.calls).not.toContain('EnvironmentCreate');
  });

  it('a lost create next to an OLDER environment of that name is not claimed as ours', async () => {
    world.envs.set('env-old', {
      ...env('env-old', 'staging-old', null),
      createdAt: '2020-01-01T00:00:00.000Z',
    });
    nock(origin, { allowUnmocked: true })
      .post('/graphql/v2', (b: { operationName?: string }) => b.operationName === 'EnvironmentCreate')
      .reply(504, '<html>Gateway Timeout</html>', { 'content-type': 'text/html' });
    const err = await caught(client().createEnvironment({ projectId: PROJECT_ID, name: 'staging-old' }));
    expect(err).toBeInstanceOf(RailwayConflictError);
    expect(err.message).toMatch(/already existed .* it is not railclone's new environment/);
  });

  it('serviceDomainCreate that timed out but happened returns that domain without a second create', async () => {
    world.serviceDomains.push({
      id: 'sd-old',
      domain: 'old.up.railway.app',
      targetPort: null,
      environmentId: PROD_ID,
      serviceId: SERVICE_ID,
    });
    world.faults.push({ op: 'ServiceDomainCreate', kind: 'slow', ms: 800 });
    const d = await client({ timeoutMs: 300 }).createServiceDomain({
      environmentId: PROD_ID,
      serviceId: SERVICE_ID,
      targetPort: 8080,
    });
    expect(d.id).not.toBe('sd-old');
    expect(d.targetPort).toBe(8080);
    expect(world.serviceDomains).toHaveLength(2);
  });

  it('deleteEnvironment whose answer was lost counts "already gone" as done', async () => {
    const c = client({ timeoutMs: 300 });
    const e = await c.createEnvironment({ projectId: PROJECT_ID, name: 'doomed' });
    world.faults.push({ op: 'EnvironmentDelete', kind: 'slow', ms: 800 });
    expect(await c.deleteEnvironment(e.id)).toBe(true);
    expect(world.executed.filter((o) => o === 'EnvironmentDelete')).toHaveLength(2);
    expect(world.envs.has(e.id)).toBe(false);
  });
});

describe('RailwayClient: projects', () => {
  it('projectCreate that timed out but happened is found by name and creation time, not the older namesake', async () => {
    world.faults.push({ op: 'ProjectCreate', kind: 'slow', ms: 800 });
    const c = client({ timeoutMs: 300 });
    const p = await c.createProject({ name: 'demo', workspaceId: 'ws-1' });
    expect(p.id).not.toBe('proj-old');
    expect(p.name).toBe('demo');
    expect(world.calls.filter((o) => o === 'ProjectCreate')).toHaveLength(1);
    expect(world.projects.filter((x) => x.name === 'demo')).toHaveLength(2);
    await c.deleteProject(p.id);
    expect(world.projects.map((x) => x.id)).toEqual(['proj-old']);
  });

  it('projectCreate that never ran is retried once the lookup finds nothing new', async () => {
    world.faults.push({ op: 'ProjectCreate', kind: 'reset' });
    const p = await client().createProject({ name: 'demo' });
    expect(p.id).not.toBe('proj-old');
    expect(world.calls.filter((o) => o === 'ProjectCreate')).toHaveLength(2);
    expect(world.calls).toContain('Projects');
  });

  it('an invalid API token fails whoami with RailwayAuthError naming RAILWAY_API_TOKEN, without the value', async () => {
    const err = await caught(client({ apiToken: 'bogus-token-000111222' }).whoami());
    expect(err).toBeInstanceOf(RailwayAuthError);
    expect(err.message).toMatch(/^RAILWAY_API_TOKEN cannot access/);
    expect(err.message).not.toContain('bogus-token-000111222');
    expect(world.calls).toEqual(['Me', 'ApiTokenWorkspaces']);
  });
});

describe('RailwayClient: TCP proxy', () => {
  it('commits a networking patch and polls until the proxy appears; a second call reuses it', async () => {
    const c = client();
    const p = await c.enableTcpProxy({ environmentId: PROD_ID, serviceId: 'svc-db', applicationPort: 5432 });
    expect(p).toMatchObject({ applicationPort: 5432, domain: 'shuttle.proxy.rlwy.net', proxyPort: 15140 });
    expect(world.calls).toContain('EnvironmentPatchCommit');
    expect(world.calls.filter((o) => o === 'TcpProxies').length).toBeGreaterThanOrEqual(3);
    const before = world.calls.length;
    expect(
      (await c.enableTcpProxy({ environmentId: PROD_ID, serviceId: 'svc-db', applicationPort: 5432 })).id,
    ).toBe(p.id);
    expect(world.calls.slice(before)).toEqual(['TcpProxies']);
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
