// Contract with Kestra's HTTP API (shared/reference/kestra-openapi.yml, read in place): every request that
// src/kestra/ and the gateway's Kestra backend send is a path, method and parameters of the spec, and every
// answer given to them here validates against the spec's response schema. The client runs against a
// recording fetch that answers as Kestra does (test/fixtures/kestra-answers.ts).
import { describe, expect, it } from 'vitest';
import { KestraClient } from '../../src/kestra/client.js';
import { KestraBackend } from '../../src/gateway/backends/kestra.js';
import { pagedLogs } from '../../src/kestra/export-logs.js';
import type { GatewayStore } from '../../src/gateway/store/types.js';
import { answerProblems, matchOperation, requestProblems } from '../kestra-contract.js';
import { kestraExecution, kestraFlow, kestraLog, kestraState } from '../fixtures/kestra-answers.js';

const BASE = 'http://kestra.test:8080';
const done = kestraState('SUCCESS', [
  ['CREATED', '2026-01-01T00:00:00Z'],
  ['RUNNING', '2026-01-01T00:00:01Z'],
  ['SUCCESS', '2026-01-01T00:05:00Z'],
]);
const cloneOutputs = {
  staging_url: 'https://primary-staging.up.railway.app',
  environment_name: 'staging-acme',
  environment_id: 'env-1',
  database_size: 1064960,
  duration: 12.5,
  expires_at: null,
  basic_auth_user: 'staging-abc123',
  basic_auth_password_encrypted: 'v1:sealed',
};
const { basic_auth_password_encrypted, ...finalizeVars } = cloneOutputs;

/** Kestra's answer per operation (spec path template + method), with the 1.3 / 2.0 difference in outputs. */
function answer(template: string, method: string, line: 1 | 2): { status: number; body: unknown } {
  const execution = (id: string) =>
    kestraExecution({
      id,
      flowId: 'clone-staging-api',
      state: done,
      // 1.3 keeps a finished execution's flow outputs on it; 2.0 serves them from /outputs.
      ...(line === 1 ? { outputs: cloneOutputs } : {}),
    });
  const key = `${method} ${template.replace('/api/v1/{tenant}', '')}`;
  switch (key) {
    case 'get /flows/search':
      return { status: 200, body: { results: [kestraFlow('list-environments', 1)], total: 1 } };
    case 'post /flows/validate':
      return { status: 200, body: [{ index: 0, flow: 'list-environments', namespace: 'railclone' }] };
    case 'post /flows':
    case 'put /flows/{namespace}/{id}':
    case 'get /flows/{namespace}/{id}':
      return { status: 200, body: kestraFlow('list-environments', 1) };
    case 'post /namespaces/{namespace}/files':
      return { status: 200, body: '' };
    case 'post /executions/webhook/{namespace}/{id}/{key}':
      return {
        status: 200,
        body: {
          tenantId: 'main',
          id: 'exec1',
          namespace: 'railclone',
          flowId: 'clone-staging-api',
          flowRevision: 1,
          state: kestraState('CREATED', [['CREATED', '2026-01-01T00:00:00Z']]),
          labels: [],
        },
      };
    case 'post /executions/{namespace}/{id}':
      return {
        status: 200,
        body: {
          ...kestraExecution({
            id: 'exec2',
            flowId: 'delete-environment',
            state: kestraState('CREATED', [['CREATED', '2026-01-01T00:00:00Z']]),
          }),
          deleted: false,
        },
      };
    case 'get /executions/{executionId}':
      return { status: 200, body: execution('exec1') };
    case 'get /executions/search':
      return { status: 200, body: { results: [execution('exec1')], total: 1 } };
    case 'get /outputs/{executionId}':
      return {
        status: 200,
        body: [
          { taskId: 'configure-basic-auth', taskRunId: 'tr-auth', iteration: 0, inline: true },
          { taskId: 'finalize', taskRunId: 'tr-fin', iteration: 0, inline: true },
        ],
      };
    case 'get /outputs/{executionId}/{taskRunId}':
      return { status: 200, body: {} }; // filled in per task run by recordingFetch
    case 'get /logs/{executionId}/follow':
      return { status: 200, body: null }; // an event stream, answered by recordingFetch
    case 'get /logs/{executionId}':
      return {
        status: 200,
        body: [
          kestraLog({
            executionId: 'exec1',
            timestamp: '2026-01-01T00:00:03Z',
            level: 'INFO',
            message: 'hi',
          }),
        ],
      };
    case 'get /logs/search':
      return {
        status: 200,
        body: {
          type: 'OFFSET',
          total: 1,
          results: [
            kestraLog({
              executionId: 'exec1',
              timestamp: '2026-01-01T00:00:03Z',
              level: 'INFO',
              message: 'old',
            }),
          ],
        },
      };
  }
  throw new Error(`no answer for ${key}`);
}

interface Sent {
  method: string;
  url: string;
  contentType: string | null;
  status: number;
  body: unknown;
}

/** A fetch that answers as Kestra does and records what it was sent and what it answered. */
function recordingFetch(line: 1 | 2) {
  const sent: Sent[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const method = (init?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init?.headers);
    // FormData gets its multipart content type from fetch itself.
    const contentType =
      init?.body instanceof FormData ? 'multipart/form-data' : (headers.get('content-type') ?? null);
    const path = new URL(url).pathname;
    if (path === '/ping') return new Response('pong', { status: 200 });
    const matched = matchOperation(method, url);
    if (typeof matched === 'string') {
      sent.push({ method, url, contentType, status: 404, body: null });
      return new Response(JSON.stringify({ message: 'Not Found' }), { status: 404 });
    }
    const { status, body: answered } = answer(matched.template, matched.method, line);
    let body = answered;
    if (matched.template.endsWith('/outputs/{executionId}/{taskRunId}'))
      body = {
        vars:
          matched.pathParams.taskRunId === 'tr-fin'
            ? { ...finalizeVars, project_id: 'p1', state: '{}' }
            : { enabled: true, basic_auth_password_encrypted },
        exitCode: 0,
      };
    sent.push({ method, url, contentType, status, body });
    if (path.endsWith('/follow'))
      return new Response(
        `data: ${JSON.stringify(kestraLog({ executionId: 'exec1', timestamp: '2026-01-01T00:00:04Z', level: 'INFO', message: 'live' }))}\n\n`,
        { status: 200, headers: { 'content-type': 'text/event-stream' } },
      );
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  return { sent, fetchImpl };
}

const memoryStore = (): GatewayStore => {
  const executions = new Map<string, unknown>();
  return {
    saveExecution: async (e: { id: string }) => void executions.set(e.id, e),
    getExecution: async (id: string) => (executions.get(id) as never) ?? null,
  } as unknown as GatewayStore;
};

async function everyCall(line: 1 | 2): Promise<{ sent: Sent[]; outputs: unknown }> {
  const { sent, fetchImpl } = recordingFetch(line);
  const client = new KestraClient(
    { url: BASE, user: 'admin@example.com', password: 'Secret123', tenant: 'main' },
    { fetch: fetchImpl },
  );
  // src/kestra: what `railclone kestra status|deploy|export-logs` send.
  expect(await client.ping()).toBe(true);
  await client.checkAuth();
  await client.validateFlows('id: a\nnamespace: railclone\n');
  await client.saveFlow('railclone', 'list-environments', 'id: list-environments\nnamespace: railclone\n');
  await client.createFlow('id: b\nnamespace: railclone\n');
  await client.uploadNamespaceFile('railclone', 'railclone.mjs', 'console.log(1)\n');
  await client.searchExecutions({
    namespace: 'railclone',
    flowId: 'clone-staging-api',
    states: ['RUNNING'],
    labels: { client: 'acme' },
    startedAfter: '2026-01-01T00:00:00Z',
    startedBefore: '2026-01-02T00:00:00Z',
  });
  await client.searchLogs({
    namespace: 'railclone',
    executionId: 'exec1',
    after: '2026-01-01T00:00:00Z',
    before: '2026-01-02T00:00:00Z',
    minLevel: 'INFO',
  });
  const archived = [];
  for await (const l of pagedLogs(client, { namespace: 'railclone', before: '2026-01-02T00:00:00Z' }))
    archived.push(l);
  expect(archived.map((l) => l.message)).toEqual(['old']);
  // The gateway's Kestra backend: start (webhook / execution), read, outputs, logs, search.
  const backend = new KestraBackend({ client, webhookKey: 'server-side-key', store: memoryStore() });
  const start = (flowId: string) =>
    backend.start({
      namespace: 'railclone',
      flowId,
      inputs: { client_name: 'acme', environment: 'staging-acme' },
      redactedInputs: {},
      startedBy: 'key1',
    });
  expect((await start('clone-staging-api')).executionId).toBe('exec1');
  expect((await start('delete-environment')).executionId).toBe('exec2');
  const outputs = (await backend.get('exec1'))!.outputs;
  expect((await backend.logs('exec1')).map((l) => l.message)).toEqual(['hi']);
  const abort = new AbortController();
  for await (const l of backend.followLogs('exec1', abort.signal)) expect(l.message).toBe('live');
  expect(
    (
      await backend.search({
        namespace: 'railclone',
        flowId: 'clone-staging-api',
        states: ['SUCCESS'],
        page: 1,
        size: 25,
      })
    ).total,
  ).toBe(1);
  return { sent, outputs };
}

describe("Kestra's OpenAPI spec", () => {
  it.each([1, 2] as const)(
    'describes every request the client and the gateway backend send, and every answer given (Kestra %s.x)',
    async (line) => {
      const { sent } = await everyCall(line);
      const problems = sent.flatMap((s) => [
        ...requestProblems(s.method, s.url, s.contentType),
        ...answerProblems(s.method, s.url, s.status, s.body),
      ]);
      expect(problems).toEqual([]);
      // Every operation src/kestra and the gateway backend use was exercised.
      const used = new Set(
        sent.map((s) => {
          const m = matchOperation(s.method, s.url);
          return typeof m === 'string' ? m : `${s.method} ${m.template.replace('/api/v1/{tenant}', '')}`;
        }),
      );
      const expected = [
        'GET /flows/search',
        'POST /flows/validate',
        'GET /flows/{namespace}/{id}',
        'PUT /flows/{namespace}/{id}',
        'POST /flows',
        'POST /namespaces/{namespace}/files',
        'GET /executions/search',
        'GET /logs/search',
        'POST /executions/webhook/{namespace}/{id}/{key}',
        'POST /executions/{namespace}/{id}',
        'GET /executions/{executionId}',
        'GET /logs/{executionId}',
        'GET /logs/{executionId}/follow',
      ];
      if (line === 2) expected.push('GET /outputs/{executionId}', 'GET /outputs/{executionId}/{taskRunId}');
      expect([...used].sort()).toEqual(expected.sort());
    },
  );

  it("gives a finished clone's outputs from Kestra 1.3 (execution JSON) and 2.0 (outputs API) alike", async () => {
    const v13 = await everyCall(1);
    const v20 = await everyCall(2);
    expect(v13.outputs).toEqual(cloneOutputs);
    expect(v20.outputs).toEqual(cloneOutputs);
    // 1.3 answered from the execution alone; 2.0 needed the outputs API.
    expect(v13.sent.some((s) => s.url.includes('/outputs/'))).toBe(false);
    expect(v20.sent.filter((s) => s.url.includes('/outputs/'))).toHaveLength(3);
  });

  it('refuses what Kestra does not serve: a 1.x-only path, an unknown parameter, an answer missing a field', () => {
    // Kestra 2.0 moved execution actions under /actions/ (the client no longer sends the old paths).
    expect(requestProblems('DELETE', `${BASE}/api/v1/main/executions/e1/kill`)).toEqual([
      expect.stringMatching(/no path of the Kestra spec|not DELETE/),
    ]);
    expect(requestProblems('GET', `${BASE}/api/v1/main/logs/e1?minLevel=INFO`)).toEqual([
      'GET /api/v1/{tenant}/logs/{executionId}: query parameter minLevel is not in the spec',
    ]);
    expect(
      requestProblems('GET', `${BASE}/api/v1/main/executions/search?filters[colour][EQUALS]=red`),
    ).toEqual(['GET /api/v1/{tenant}/executions/search: filter field colour is not a QueryFilter.Field']);
    expect(requestProblems('POST', `${BASE}/api/v1/main/flows`, 'application/json')).toEqual([
      'POST /api/v1/{tenant}/flows: body application/json, the spec takes application/x-yaml',
    ]);
    const { metadata: _, ...noMetadata } = kestraExecution({ id: 'e1', flowId: 'f', state: done });
    expect(answerProblems('GET', `${BASE}/api/v1/main/executions/e1`, 200, noMetadata)).toEqual([
      "GET /api/v1/{tenant}/executions/{executionId} → 200: (body) must have required property 'metadata'",
    ]);
    expect(
      answerProblems('GET', `${BASE}/api/v1/main/logs/e1`, 200, [
        { namespace: 'n', flowId: 'f', level: 'LOUD' },
      ]),
    ).toEqual([expect.stringMatching(/\/0\/level must be equal to one of the allowed values/)]);
  });
});
