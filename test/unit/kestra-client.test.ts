// The Kestra client's requests (paths, auth, bodies) and error mapping. No Kestra server can run here
// (docs/kestra.md), so nock only captures requests and injects Kestra's failures; end-to-end against a
// real Kestra is the e2e suite's job on a machine where Kestra's artefacts are reachable.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { contractLog, kestraNock } from '../kestra-contract.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KestraClient, filterParams } from '../../src/kestra/client.js';
import { kestraConfig } from '../../src/kestra/config.js';
import { KestraError } from '../../src/kestra/errors.js';
import { ValidationError } from '../../src/util/errors.js';
import { redact } from '../../src/util/secrets.js';
import { kestraFlow } from '../fixtures/kestra-answers.js';

// nock 15 intercepts fetch through @mswjs/interceptors, which calls Promise.withResolvers (Node 22+).
// Node 20 lacks it; this is the standard three-line definition.
const P = Promise as unknown as { withResolvers?: () => unknown };
P.withResolvers ??= () => {
  let resolve: unknown, reject: unknown;
  const promise = new Promise((a, b) => ((resolve = a), (reject = b)));
  return { promise, resolve, reject };
};

const URL_ = 'http://kestra.test:8080';
const USER = 'admin@railclone.test';
const PASSWORD = 'Kestra-Pass-42';
const client = () =>
  new KestraClient(kestraConfig({ KESTRA_URL: URL_, KESTRA_USER: USER, KESTRA_PASSWORD: PASSWORD }));
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

async function caught(p: Promise<unknown>): Promise<KestraError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(KestraError);
    return err as KestraError;
  }
  throw new Error('expected a KestraError');
}

describe('kestraConfig', () => {
  it('names the variable that is wrong', () => {
    expect(() => kestraConfig({ KESTRA_USER: 'admin', KESTRA_PASSWORD: 'x' })).toThrow(
      /KESTRA_USER must be .*e-mail/,
    );
    expect(() => kestraConfig({ KESTRA_USER: USER })).toThrow(/KESTRA_PASSWORD must be set/);
    expect(() =>
      kestraConfig({ KESTRA_URL: 'kestra:8080', KESTRA_USER: USER, KESTRA_PASSWORD: 'x' }),
    ).toThrow(/KESTRA_URL must use http or https/);
    expect(() => kestraConfig({ KESTRA_URL: 'not a url', KESTRA_USER: USER, KESTRA_PASSWORD: 'x' })).toThrow(
      ValidationError,
    );
  });

  it('registers the password and the auth header as secrets, trims the trailing slash', () => {
    const cfg = kestraConfig({ KESTRA_URL: `${URL_}/`, KESTRA_USER: USER, KESTRA_PASSWORD: PASSWORD });
    expect(cfg).toMatchObject({ url: URL_, tenant: 'main' });
    new KestraClient(cfg);
    expect(redact(`pw ${PASSWORD} hdr ${BASIC}`)).toBe('pw *** hdr ***');
  });
});

describe('KestraClient requests', () => {
  it("validates flows as YAML with basic auth on the tenant path, and reports a 5xx with Kestra's message", async () => {
    const yaml = 'id: a\nnamespace: railclone\ntasks: []\n';
    let seen: unknown;
    kestraNock(URL_, { reqheaders: { authorization: BASIC, 'content-type': 'application/x-yaml' } })
      .post('/api/v1/main/flows/validate', (body) => ((seen = body), true))
      .reply(503, { message: 'Service Unavailable', _embedded: { errors: [{ message: 'queue is down' }] } });
    const err = await caught(client().validateFlows(yaml));
    expect(seen).toBe(yaml);
    expect(err.status).toBe(503);
    expect(err.message).toBe(
      'Kestra failed (503) on POST /api/v1/main/flows/validate: Service Unavailable; queue is down',
    );
  });

  it('turns a 401 into an error naming KESTRA_USER and KESTRA_PASSWORD, without the password', async () => {
    kestraNock(URL_)
      .get('/api/v1/main/flows/search')
      .query({ page: '1', size: '1' })
      .reply(401, 'Unauthorized', { 'WWW-Authenticate': 'Basic realm="Kestra"' });
    const err = await caught(client().checkAuth());
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/check KESTRA_USER and KESTRA_PASSWORD/);
    expect(err.message).not.toContain(PASSWORD);
    expect(err.toBody()).toMatchObject({
      error: 'KestraError',
      details: { status: 401, method: 'GET', path: '/api/v1/main/flows/search' },
    });
  });

  it('creates a flow when GET says 404, updates it with PUT otherwise', async () => {
    const yaml = 'id: list-environments\nnamespace: railclone\n';
    const calls: string[] = [];
    kestraNock(URL_, { reqheaders: { authorization: BASIC } })
      .get('/api/v1/main/flows/railclone/list-environments')
      .reply(404, { message: 'Not Found' });
    kestraNock(URL_, { reqheaders: { 'content-type': 'application/x-yaml' } })
      .post('/api/v1/main/flows', (body) => body === yaml && calls.push('POST') > 0)
      .reply(200, kestraFlow('list-environments', 1));
    await expect(client().saveFlow('railclone', 'list-environments', yaml)).resolves.toMatchObject({
      created: true,
      flow: { revision: 1 },
    });
    kestraNock(URL_)
      .get('/api/v1/main/flows/railclone/list-environments')
      .reply(200, kestraFlow('list-environments', 1));
    kestraNock(URL_, { reqheaders: { 'content-type': 'application/x-yaml' } })
      .put('/api/v1/main/flows/railclone/list-environments', (body) => body === yaml && calls.push('PUT') > 0)
      .reply(200, kestraFlow('list-environments', 2));
    await expect(client().saveFlow('railclone', 'list-environments', yaml)).resolves.toMatchObject({
      created: false,
      flow: { revision: 2 },
    });
    expect(calls).toEqual(['POST', 'PUT']);
  });

  it('uploads a namespace file as multipart part `fileContent`, path in the query', async () => {
    let body = '';
    kestraNock(URL_, { reqheaders: { 'content-type': /^multipart\/form-data; boundary=/ } })
      .post(
        '/api/v1/main/namespaces/railclone/files',
        (b) => ((body = typeof b === 'string' ? b : JSON.stringify(b)), true),
      )
      .query({ path: '/railclone.mjs' })
      .reply(413, { message: 'Request Entity Too Large' });
    const err = await caught(
      client().uploadNamespaceFile('railclone', 'railclone.mjs', 'console.log("hi")\n'),
    );
    expect(body).toMatch(/Content-Disposition: form-data; name="fileContent"; filename="railclone.mjs"/);
    expect(body).toContain('console.log("hi")');
    expect(err.message).toBe(
      'Kestra rejected POST /api/v1/main/namespaces/railclone/files (413): Request Entity Too Large',
    );
  });

  it('posts webhooks without credentials and keeps the key out of errors', async () => {
    const key = 'wh-key-abcdef-123456';
    // badheaders: the interceptor only matches a request that carries no Authorization header.
    kestraNock(URL_, { badheaders: ['authorization'] })
      .post(`/api/v1/main/executions/webhook/railclone/clone-staging-api/${key}`, { client_name: 'Acme' })
      .reply(404, { message: `Flow not found for key ${key}` });
    const err = await caught(
      client().triggerWebhook('railclone', 'clone-staging-api', key, { client_name: 'Acme' }),
    );
    expect(err.status).toBe(404);
    expect(err.message).not.toContain(key);
    expect(JSON.stringify(err.toBody())).not.toContain(key);
  });

  it("searches executions with Kestra's filters[field][OP] syntax", async () => {
    kestraNock(URL_)
      .get('/api/v1/main/executions/search')
      .query({
        page: '1',
        size: '25',
        sort: 'state.startDate:desc',
        'filters[namespace][EQUALS]': 'railclone',
        'filters[flowId][EQUALS]': 'clone-staging-api',
        'filters[state][IN]': 'RUNNING,FAILED',
        'filters[labels][EQUALS][client]': 'Acme',
      })
      .reply(500, 'boom');
    const err = await caught(
      client().searchExecutions({
        namespace: 'railclone',
        flowId: 'clone-staging-api',
        states: ['RUNNING', 'FAILED'],
        labels: { client: 'Acme' },
      }),
    );
    expect(err.message).toBe('Kestra failed (500) on GET /api/v1/main/executions/search: boom');
  });

  it('says which URL it could not reach, and why (a real refused connection)', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    nock.enableNetConnect(`127.0.0.1:${port}`);
    const closed = new KestraClient(
      kestraConfig({ KESTRA_URL: `http://127.0.0.1:${port}`, KESTRA_USER: USER, KESTRA_PASSWORD: PASSWORD }),
    );
    const err = await caught(closed.getExecution('e2'));
    nock.disableNetConnect();
    expect(err.status).toBeNull();
    expect(err.message).toMatch(
      new RegExp(
        `^cannot reach Kestra at http://127\\.0\\.0\\.1:${port} \\(GET\\): .*ECONNREFUSED.*KESTRA_URL`,
      ),
    );
  });

  it('builds log-search filters for the archive: namespace and an inclusive end date', () => {
    expect(
      filterParams([
        { field: 'namespace', op: 'EQUALS', value: 'railclone' },
        { field: 'endDate', op: 'LESS_THAN_OR_EQUAL_TO', value: '2026-01-01T00:00:00Z' },
      ]),
    ).toEqual({
      'filters[namespace][EQUALS]': 'railclone',
      'filters[endDate][LESS_THAN_OR_EQUAL_TO]': '2026-01-01T00:00:00Z',
    });
  });
});

// Every request these tests sent and every answer they mocked is one Kestra's OpenAPI spec describes.
afterAll(() => {
  expect(contractLog.checked).toBeGreaterThan(0);
  expect(contractLog.problems).toEqual([]);
});
