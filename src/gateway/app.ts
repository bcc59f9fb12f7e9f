// The clone API as a Hono app: CORS, body limit, timing, audit, errors — then the routes, mounted under
// Kestra's tenant path (/api/v1/main) and the tenant-less one (/api/v1).
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { toErrorBody } from '../util/errors.js';
import type { AuditNote, Env, GatewayDeps } from './context.js';
import { CompletionEstimator } from './estimate.js';
import { HttpError, statusOf } from './http-errors.js';
import { openApiDocument } from './openapi.js';
import { environmentRoutes } from './routes/environments.js';
import { executionRoutes } from './routes/executions.js';
import { createLogger } from '../util/log.js';
import { authenticate } from './auth.js';
import { clientAddress, trustedProxyList } from './client-address.js';

const BASES = ['/api/v1/main', '/api/v1'];
const REFUSED = new Set([400, 401, 403, 404, 409, 413, 415, 422, 429]);
const log = createLogger('gateway');

export function createGatewayApp(deps: GatewayDeps): Hono<Env> {
  const app = new Hono<Env>();
  const est = new CompletionEstimator(deps.backend);
  const trusted = deps.settings.trustedProxies?.length
    ? trustedProxyList(deps.settings.trustedProxies)
    : null;

  app.use(
    '*',
    cors({
      origin: (origin) => (deps.settings.corsOrigins.includes(origin) ? origin : null),
      allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
      allowHeaders: ['Authorization', 'X-API-Key', 'Content-Type'],
      exposeHeaders: [
        'Location',
        'Retry-After',
        'RateLimit-Limit',
        'RateLimit-Remaining',
        'RateLimit-Reset',
        'Server-Timing',
      ],
      maxAge: 600,
    }),
  );

  // Time spent inside the gateway (auth, validation, store, engine call), for the bench and for operators.
  app.use('*', async (c, next) => {
    const t0 = performance.now();
    c.set('started', t0);
    await next();
    if (!c.res.headers.get('content-type')?.includes('text/event-stream')) {
      c.res.headers.set('Server-Timing', `gw;dur=${(performance.now() - t0).toFixed(2)}`);
    }
  });

  app.use('/api/*', async (c, next) => {
    c.set('client', clientAddress(c, trusted));
    const note: AuditNote = {
      action: 'request',
      key_id: null,
      namespace: null,
      flow_id: null,
      inputs: null,
      execution_id: null,
      always: false,
    };
    c.set('audit', note);
    await next();
    const status = c.res.status;
    if (!note.always && !REFUSED.has(status)) return;
    let result = status < 300 ? 'accepted' : 'refused';
    if (status >= 500) result = 'failed';
    try {
      await deps.store.appendAudit({
        time: new Date().toISOString(),
        key_id: note.key_id,
        action: note.action,
        namespace: note.namespace,
        flow_id: note.flow_id,
        inputs: note.inputs,
        result: `${result}:${status}`,
        status,
        execution_id: note.execution_id,
        remote: c.get('client').remote,
      });
    } catch (err) {
      // An action that cannot be audited must not look successful.
      log.error(`audit append failed: ${(err as Error).message}`);
      c.res = c.json(
        { error: 'AuditUnavailable', message: 'the audit trail could not be written', details: {} },
        503,
      );
    }
  });

  app.use(
    '/api/*',
    bodyLimit({
      maxSize: deps.settings.bodyLimit,
      onError: () => {
        throw new HttpError(
          413,
          'PayloadTooLarge',
          `the body is larger than ${deps.settings.bodyLimit} bytes`,
          { limit: deps.settings.bodyLimit },
        );
      },
    }),
  );

  app.onError((err, c) => {
    const status = statusOf(err);
    if (status >= 500)
      log.error(`${c.req.method} ${c.req.path}: ${err instanceof Error ? err.message : String(err)}`);
    const headers = err instanceof HttpError ? err.headers : {};
    for (const [k, v] of Object.entries(headers)) c.header(k, v);
    const body =
      status >= 500 && statusOf(err) === 500
        ? { error: 'InternalError', message: 'internal error', details: {} }
        : toErrorBody(err);
    return c.json(body, status as 400);
  });

  app.notFound(async (c) => {
    // A wrong path with a valid key is recorded under that key (no key, or a bad one: recorded as anonymous).
    const note = c.get('audit') as AuditNote | undefined;
    if (note) note.key_id = (await authenticate(c, deps.store).catch(() => null))?.id ?? null;
    return c.json({ error: 'NotFound', message: `no route ${c.req.method} ${c.req.path}`, details: {} }, 404);
  });

  app.get('/health', async (c) =>
    c.json({ status: 'ok', engine: deps.backend.kind, store: deps.store.kind }),
  );
  app.get('/openapi.json', (c) => c.json(openApiDocument(deps.settings.namespace)));

  for (const base of BASES) {
    executionRoutes(app, base, deps, est);
    environmentRoutes(app, base, deps, est);
  }
  return app;
}
