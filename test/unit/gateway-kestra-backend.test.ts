// The Kestra backend's request mapping, captured with nock (no Kestra server can run here): webhook with
// the server-held key and no basic auth, reads with basic auth, search filters, and Kestra faults → 502.
import nock from 'nock';
import { contractLog, kestraNock } from '../kestra-contract.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KestraClient } from '../../src/kestra/client.js';
import { KestraBackend, fromKestra } from '../../src/gateway/backends/kestra.js';
import { statusOf } from '../../src/gateway/http-errors.js';
import { decryptValue } from '../../src/clone/override-values.js';
import type { ValidationError } from '../../src/util/errors.js';
import { executionView } from '../../src/gateway/views.js';
import type { GatewayStore } from '../../src/gateway/store/types.js';
import { tempFileStore } from '../integration/gateway-helpers.js';
import { kestraExecution, kestraLog, kestraState, kestraTaskRun } from '../fixtures/kestra-answers.js';

// nock 15 intercepts fetch through @mswjs/interceptors, which calls Promise.withResolvers (Node 22+).
// Node 20 lacks it; this test-only shim adds the standard behaviour.
const P = Promise as unknown as { withResolvers?: () => unknown };
P.withResolvers ??= () => {
  let resolve!: (v: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

const KESTRA = 'http://kestra.test:8080';
const AUTH = `Basic ${Buffer.from('admin@example.com:Secret123').toString('base64')}`;
let store: GatewayStore;
let backend: KestraBackend;

beforeAll(async () => {
  nock.disableNetConnect();
  ({ store } = await tempFileStore());
  const client = new KestraClient({
    url: KESTRA,
    user: 'admin@example.com',
    password: 'Secret123',
    tenant: 'main',
  });
  backend = new KestraBackend({ client, webhookKey: 'server-side-webhook-key', store });
});

afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await store.close();
});

const execution = kestraExecution({
  id: 'abcDEF123',
  flowId: 'clone-staging-api',
  state: kestraState('RUNNING', [
    ['CREATED', '2026-01-01T00:00:00Z'],
    ['RUNNING', '2026-01-01T00:00:01Z'],
  ]),
  taskRunList: [
    kestraTaskRun(
      't1',
      'sync-database',
      kestraState('RETRYING', [
        ['CREATED', '2026-01-01T00:00:02Z'],
        ['RUNNING', '2026-01-01T00:00:02Z'],
        ['RETRYING', '2026-01-01T00:00:09Z'],
      ]),
      [
        kestraState('FAILED', [
          ['RUNNING', '2026-01-01T00:00:02Z'],
          ['FAILED', '2026-01-01T00:00:09Z'],
        ]),
        kestraState('RUNNING', [['RUNNING', '2026-01-01T00:00:14Z']]),
      ],
    ),
  ],
});

describe('KestraBackend', () => {
  it('starts a clone through the webhook with the server-held key, without basic auth, and records the origin', async () => {
    let seen: { body?: unknown } = {};
    // badheaders: the interceptor does not match at all if an Authorization header is sent.
    kestraNock(KESTRA, { badheaders: ['authorization'] })
      .post('/api/v1/main/executions/webhook/railclone/clone-staging-api/server-side-webhook-key', (body) => {
        seen = { body };
        return true;
      })
      .reply(200, {
        tenantId: 'main',
        id: 'abcDEF123',
        namespace: 'railclone',
        flowId: 'clone-staging-api',
        flowRevision: 1,
        state: kestraState('CREATED', [['CREATED', '2026-01-01T00:00:00Z']]),
        labels: [],
        outputs: {},
      });
    const r = await backend.start({
      namespace: 'railclone',
      flowId: 'clone-staging-api',
      inputs: { client_name: 'acme' },
      redactedInputs: { client_name: 'acme' },
      startedBy: 'key123',
    });
    expect(r.executionId).toBe('abcDEF123');
    expect(seen.body).toEqual({ client_name: 'acme' });
    expect((await store.getExecution('abcDEF123'))?.startedBy).toBe('key123');
  });

  describe('variable_overrides values never reach Kestra in clear', () => {
    const KEY = 'gateway-test-output-key-0123';
    const SECRET = 'plain-override-value-4711';
    const webhook = (seen: { body?: unknown }) =>
      kestraNock(KESTRA, { badheaders: ['authorization'] })
        .post(
          '/api/v1/main/executions/webhook/railclone/clone-staging-api/server-side-webhook-key',
          (body) => {
            seen.body = body;
            return true;
          },
        )
        .reply(200, {
          tenantId: 'main',
          id: 'encOVR123',
          namespace: 'railclone',
          flowId: 'clone-staging-api',
          flowRevision: 1,
          state: kestraState('CREATED', [['CREATED', '2026-01-01T00:00:00Z']]),
          labels: [],
          outputs: {},
        });
    const client = () =>
      new KestraClient({ url: KESTRA, user: 'admin@example.com', password: 'Secret123', tenant: 'main' });
    const inputs = { client_name: 'acme', variable_overrides: { web: { API_TOKEN: SECRET }, shared: {} } };

    it('POSTs each value encrypted with RAILCLONE_OUTPUT_KEY, which the flow can open', async () => {
      const seen: { body?: unknown } = {};
      webhook(seen);
      const keyed = new KestraBackend({
        client: client(),
        webhookKey: 'server-side-webhook-key',
        store,
        outputKey: KEY,
      });
      await keyed.start({
        namespace: 'railclone',
        flowId: 'clone-staging-api',
        inputs,
        redactedInputs: {
          client_name: 'acme',
          variable_overrides: { web: { API_TOKEN: '***' }, shared: {} },
        },
        startedBy: 'key123',
      });
      expect(JSON.stringify(seen.body)).not.toContain(SECRET);
      const sent = (seen.body as typeof inputs).variable_overrides.web.API_TOKEN;
      expect(sent).toMatch(/^enc:v1:/);
      expect(decryptValue(sent, KEY, 'variable_overrides.web.API_TOKEN')).toBe(SECRET);
      expect(JSON.stringify(await store.getExecution('encOVR123'))).not.toContain(SECRET);
      expect(inputs.variable_overrides.web.API_TOKEN).toBe(SECRET); // the caller's copy is not changed
    });

    it('without RAILCLONE_OUTPUT_KEY refuses a request with overrides (400 naming the field) and POSTs nothing', async () => {
      const seen: { body?: unknown } = {};
      const scope = webhook(seen);
      const keyless = new KestraBackend({ client: client(), webhookKey: 'server-side-webhook-key', store });
      const err = await keyless
        .start({
          namespace: 'railclone',
          flowId: 'clone-staging-api',
          inputs,
          redactedInputs: {},
          startedBy: 'k',
        })
        .catch((e: unknown) => e);
      expect(statusOf(err)).toBe(400);
      expect((err as ValidationError).field).toBe('variable_overrides');
      expect((err as Error).message).toMatch(/set RAILCLONE_OUTPUT_KEY/);
      expect(JSON.stringify(err)).not.toContain(SECRET);
      expect(seen.body).toBeUndefined();
      expect(scope.isDone()).toBe(false);
    });
  });

  it('starts other flows through POST /executions with inputs and the key as a label', async () => {
    let query = '';
    kestraNock(KESTRA)
      .post('/api/v1/main/executions/railclone/delete-environment')
      .query((q) => {
        query = JSON.stringify(q);
        return true;
      })
      .matchHeader('authorization', AUTH)
      .reply(200, {
        ...kestraExecution({
          id: 'del1',
          flowId: 'delete-environment',
          state: kestraState('CREATED', [['CREATED', '2026-01-01T00:00:00Z']]),
          labels: [{ key: 'railclone-key', value: 'key9' }],
        }),
        deleted: false,
      });
    const r = await backend.start({
      namespace: 'railclone',
      flowId: 'delete-environment',
      inputs: { environment: 'staging-x', force: false },
      redactedInputs: {},
      startedBy: 'key9',
    });
    expect(r.executionId).toBe('del1');
    expect(query).toContain('railclone-key:key9');
  });

  it('reads an execution with basic auth and maps tasks, attempts and histories', async () => {
    kestraNock(KESTRA)
      .get('/api/v1/main/executions/abcDEF123')
      .matchHeader('authorization', AUTH)
      .reply(200, execution);
    kestraNock(KESTRA).get('/api/v1/main/logs/abcDEF123').matchHeader('authorization', AUTH).reply(200, []);
    const e = await backend.get('abcDEF123');
    expect(e).toMatchObject({
      id: 'abcDEF123',
      state: 'RUNNING',
      startedBy: 'key123',
      inputs: { client_name: 'acme' },
    });
    expect(e!.taskRuns[0]).toMatchObject({ taskId: 'sync-database', state: 'RETRYING', attempts: 2 });
    expect(e!.histories).toHaveLength(2);
  });

  it('gives rows and bytes per table while data copies, from sync-database’s log lines', async () => {
    const log = (message: string, taskId: string, timestamp: string) =>
      kestraLog({ executionId: 'abcDEF123', timestamp, level: 'INFO', message, taskId });
    // What `railclone task sync-database` prints (formatTableLine), with a retried attempt starting wp_posts again.
    const lines = [
      log(
        'table wp_users: copying, 10 rows, 0.01 MB so far of ~40 rows',
        'sync-database',
        '2026-01-01T00:00:03Z',
      ),
      log(
        'table wp_posts: copying, 300 rows, 1.50 MB so far of ~1000 rows, chunks 1 of 4, about 9 s left',
        'sync-database',
        '2026-01-01T00:00:04Z',
      ),
      log('table wp_users: 40 rows, 0.04 MB', 'sync-database', '2026-01-01T00:00:05Z'),
      log(
        'table wp_posts: copying, 120 rows, 0.60 MB so far of ~1000 rows, chunks 0 of 4',
        'sync-database',
        '2026-01-01T00:00:15Z',
      ),
      // a line of another task that looks alike is not the copy's
      log('table ignored: 1 rows, 0.00 MB', 'preflight', '2026-01-01T00:00:01Z'),
    ];
    kestraNock(KESTRA).get('/api/v1/main/executions/abcDEF123').reply(200, execution);
    kestraNock(KESTRA).get('/api/v1/main/logs/abcDEF123').reply(200, lines);
    const e = await backend.get('abcDEF123');
    expect(e!.progress).toEqual({
      tables: [
        {
          table: 'wp_users',
          status: 'done',
          rows: 40,
          bytes: 40_000,
          totalRows: null,
          chunks: null,
          etaSeconds: null,
        },
        {
          table: 'wp_posts',
          status: 'copying',
          rows: 120,
          bytes: 600_000,
          totalRows: 1000,
          chunks: { done: 0, total: 4 },
          etaSeconds: null,
        },
      ],
    });
    expect(executionView(e!, null).progress!.tables[1]).toMatchObject({
      table: 'wp_posts',
      rows: 120,
      bytes: 600_000,
    });

    // Before the copy step runs, no log read is spent on it.
    const early = kestraExecution({ id: 'early1', flowId: 'clone-staging-api', state: execution.state });
    kestraNock(KESTRA).get('/api/v1/main/executions/early1').reply(200, early);
    expect((await backend.get('early1'))!.progress).toBeUndefined();
  });

  it('answers null for an unknown execution and maps Kestra faults to 502', async () => {
    kestraNock(KESTRA).get('/api/v1/main/executions/nope').reply(404, { message: 'not found' });
    expect(await backend.get('nope')).toBeNull();
    kestraNock(KESTRA).get('/api/v1/main/executions/boom').reply(500, 'internal');
    const err = await backend.get('boom').catch((e: unknown) => e);
    expect(statusOf(err)).toBe(502);
    kestraNock(KESTRA)
      .post(/webhook/)
      .replyWithError('connection refused');
    const err2 = await backend
      .start({
        namespace: 'railclone',
        flowId: 'clone-staging-api',
        inputs: {},
        redactedInputs: {},
        startedBy: 'k',
      })
      .catch((e: unknown) => e);
    expect(statusOf(err2)).toBe(502);
    expect(String((err2 as Error).message)).not.toContain('server-side-webhook-key');
  });

  it('searches with Kestra filters for flow, states and date range; logs map task names', async () => {
    let q: Record<string, string> = {};
    kestraNock(KESTRA)
      .get('/api/v1/main/executions/search')
      .query((query) => {
        q = query as Record<string, string>;
        return true;
      })
      .reply(200, { results: [execution], total: 1 });
    const page = await backend.search({
      namespace: 'railclone',
      flowId: 'clone-staging-api',
      states: ['SUCCESS', 'FAILED'],
      from: '2026-01-01T00:00:00.000Z',
      page: 2,
      size: 5,
    });
    expect(page.total).toBe(1);
    expect(q).toMatchObject({
      page: '2',
      size: '5',
      'filters[namespace][EQUALS]': 'railclone',
      'filters[flowId][EQUALS]': 'clone-staging-api',
      'filters[state][IN]': 'SUCCESS,FAILED',
      'filters[startDate][GREATER_THAN_OR_EQUAL_TO]': '2026-01-01T00:00:00.000Z',
    });
    kestraNock(KESTRA)
      .get('/api/v1/main/logs/abcDEF123')
      .reply(200, [
        kestraLog({
          executionId: 'abcDEF123',
          timestamp: '2026-01-01T00:00:03Z',
          level: 'INFO',
          message: 'hi',
          taskId: 'preflight',
        }),
      ]);
    expect(await backend.logs('abcDEF123')).toEqual([
      {
        executionId: 'abcDEF123',
        timestamp: '2026-01-01T00:00:03Z',
        level: 'INFO',
        taskId: 'preflight',
        message: 'hi',
      },
    ]);
  });

  it('maps a finished execution’s outputs', () => {
    const done = fromKestra(
      {
        ...execution,
        state: { current: 'SUCCESS', startDate: 'a', endDate: 'b' },
        outputs: { staging_url: 'https://x' },
      } as never,
      null,
    );
    expect(done).toMatchObject({
      state: 'SUCCESS',
      endDate: 'b',
      outputs: { staging_url: 'https://x' },
      startedBy: null,
    });
  });

  describe('the outputs of a finished clone, from Kestra 1.3 and 2.0 alike', () => {
    const finished = {
      ...execution,
      id: 'done1',
      state: kestraState('SUCCESS', [
        ['CREATED', '2026-01-01T00:00:00Z'],
        ['RUNNING', '2026-01-01T00:00:01Z'],
        ['SUCCESS', '2026-01-01T00:05:00Z'],
      ]),
    };
    const flowOutputs = {
      staging_url: 'https://primary-staging.up.railway.app',
      environment_name: 'staging-acme',
      environment_id: 'env-1',
      database_size: 1064960,
      duration: 12.5,
      expires_at: null,
      basic_auth_user: 'staging-abc123',
      basic_auth_password_encrypted: 'v1:sealed',
    };

    it('1.3: from the execution JSON', async () => {
      kestraNock(KESTRA)
        .get('/api/v1/main/executions/done1')
        .reply(200, { ...finished, outputs: flowOutputs })
        .get('/api/v1/main/logs/done1')
        .reply(200, [
          kestraLog({
            executionId: 'done1',
            timestamp: '2026-01-01T00:02:00Z',
            level: 'INFO',
            message: 'table wp_posts: 138 rows, 0.18 MB',
            taskId: 'sync-database',
          }),
        ]);
      const done = await backend.get('done1');
      expect(done!.outputs).toEqual(flowOutputs);
      // a finished copy keeps its tables, as the local engine's record does
      expect(done!.progress!.tables).toEqual([
        expect.objectContaining({ table: 'wp_posts', status: 'done', rows: 138, bytes: 180_000 }),
      ]);
    });

    it('2.0: the execution has none, so the task outputs named by the flow table are read from /outputs', async () => {
      const { finalize, auth } = { finalize: 'tr-fin', auth: 'tr-auth' };
      kestraNock(KESTRA)
        .get('/api/v1/main/executions/done1')
        .reply(200, finished)
        .get('/api/v1/main/logs/done1')
        .reply(200, [])
        .get('/api/v1/main/outputs/done1')
        .matchHeader('authorization', AUTH)
        .reply(200, [
          { taskId: 'validate-inputs', taskRunId: 'tr-v', iteration: 0, inline: true },
          { taskId: 'configure-basic-auth', taskRunId: auth, iteration: 0, inline: true },
          { taskId: 'finalize', taskRunId: finalize, iteration: 0, inline: true },
        ])
        .get(`/api/v1/main/outputs/done1/${finalize}`)
        .reply(200, {
          vars: {
            staging_url: flowOutputs.staging_url,
            environment_name: 'staging-acme',
            environment_id: 'env-1',
            database_size: 1064960,
            duration: 12.5,
            expires_at: null,
            basic_auth_user: 'staging-abc123',
            project_id: 'p1',
            state: '{}',
          },
          exitCode: 0,
        })
        .get(`/api/v1/main/outputs/done1/${auth}`)
        .reply(200, { vars: { enabled: true, basic_auth_password_encrypted: 'v1:sealed' }, exitCode: 0 });
      expect((await backend.get('done1'))!.outputs).toEqual(flowOutputs);
      expect(nock.isDone()).toBe(true);
    });

    it('asks /outputs nothing while the clone runs', async () => {
      kestraNock(KESTRA)
        .get('/api/v1/main/executions/abcDEF123')
        .reply(200, execution)
        .get('/api/v1/main/logs/abcDEF123')
        .reply(200, []);
      expect((await backend.get('abcDEF123'))!.outputs).toBeNull();
    });
  });
});

// Every request these tests sent and every answer they mocked is one Kestra's OpenAPI spec describes.
afterAll(() => {
  expect(contractLog.checked).toBeGreaterThan(0);
  expect(contractLog.problems).toEqual([]);
});
