// Kestra's execution paths: webhook start (202), one execution, its logs (JSON and SSE), a flow's history.
import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { parseInput } from '../../inputs/index.js';
import { ValidationError } from '../../util/errors.js';
import { authenticate, requireScope } from '../auth.js';
import type { Env, GatewayDeps } from '../context.js';
import type { CompletionEstimator } from '../estimate.js';
import { EXECUTION_ID_PATTERN, FLOW_ID_PATTERN, flowSpec } from '../flows.js';
import { HttpError, notFound } from '../http-errors.js';
import { takeStart } from '../rate-limit.js';
import type { ApiKeyRecord } from '../keys.js';
import { redactInputs } from '../redact-inputs.js';
import { NAMESPACE_PATTERN } from '../config.js';
import { executionView, historyView, logView } from '../views.js';
import { type ExecutionRecord, isTerminal } from '../execution.js';

const STATES = [
  'CREATED',
  'QUEUED',
  'RUNNING',
  'RETRYING',
  'SUCCESS',
  'WARNING',
  'FAILED',
  'KILLED',
  'CANCELLED',
] as const;

// Query parameters of the history (transport, not request fields: those live in src/inputs).
const HistoryQuerySchema = z
  .object({
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    size: z.coerce.number().int().min(1).max(100).default(25),
    state: z
      .string()
      .transform((v) => v.split(',').map((s) => s.trim().toUpperCase()))
      .pipe(z.array(z.enum(STATES)))
      .optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const historyQuerySchema = HistoryQuerySchema;

/** Path segments are checked before they reach the engine or the store (no traversal, no odd bytes). */
export function checkPath(namespace: string, flowId?: string, executionId?: string): void {
  if (!NAMESPACE_PATTERN.test(namespace)) throw notFound(`no namespace "${namespace.slice(0, 100)}"`);
  if (flowId !== undefined && !FLOW_ID_PATTERN.test(flowId))
    throw notFound(`no flow "${flowId.slice(0, 100)}"`);
  if (executionId !== undefined && !EXECUTION_ID_PATTERN.test(executionId))
    throw notFound(`no execution "${executionId.slice(0, 100)}"`);
}

export function requireFlow(deps: GatewayDeps, namespace: string, flowId: string) {
  const spec = flowSpec(flowId);
  if (namespace !== deps.settings.namespace || !spec)
    throw notFound(`no flow ${namespace}/${flowId}`, { namespace, flow_id: flowId });
  return spec;
}

export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('body', 'the body must be a JSON object', { provided: text.slice(0, 64) });
  }
}

/** Validates, counts against the rate limit (clones), starts, and answers 202 with where to poll. */
export async function startExecution(
  c: Context<Env>,
  deps: GatewayDeps,
  est: CompletionEstimator,
  base: string,
  target: { namespace: string; flowId: string; key: ApiKeyRecord },
  body: unknown,
) {
  const { namespace, flowId, key } = target;
  const note = c.get('audit');
  const spec = requireFlow(deps, namespace, flowId);
  Object.assign(note, {
    action: spec.action,
    always: spec.action === 'clone' || spec.action === 'delete',
    key_id: key.id,
    namespace,
    flow_id: flowId,
  });
  requireScope(key, namespace, flowId);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError('body', 'the body must be a JSON object', {
      provided: Array.isArray(body) ? 'array' : typeof body,
    });
  }
  const inputs = parseInput(spec.schema, body, flowId) as Record<string, unknown>;
  const redacted = redactInputs(inputs) as Record<string, unknown>;
  note.inputs = redacted;
  const ticket = spec.rateLimited ? await takeStart(deps.store, key, deps.settings.rate) : null;
  let executionId: string;
  try {
    ({ executionId } = await deps.backend.start({
      namespace,
      flowId,
      inputs,
      redactedInputs: redacted,
      startedBy: key.id,
    }));
  } catch (err) {
    if (ticket) await deps.store.refundRate(key.id, ticket.window);
    throw err;
  }
  note.execution_id = executionId;
  const now = new Date().toISOString();
  const pollingUrl = `${deps.settings.publicUrl ?? ''}${base}/executions/${namespace}/${flowId}/${executionId}`;
  for (const [k, v] of Object.entries(ticket?.headers ?? {})) c.header(k, v);
  c.header('Location', pollingUrl);
  return c.json(
    {
      status: 'CREATED',
      execution_id: executionId,
      polling_url: pollingUrl,
      namespace,
      flow_id: flowId,
      estimated_completion: await est.estimate(namespace, flowId, now).catch(() => null),
    },
    202,
  );
}

async function loadScoped(
  c: Context<Env>,
  deps: GatewayDeps,
  namespace: string,
  flowId: string,
  id: string,
): Promise<ExecutionRecord> {
  const note = c.get('audit');
  note.action = 'read';
  note.namespace = namespace;
  note.flow_id = flowId;
  const key = await authenticate(c, deps.store);
  note.key_id = key.id;
  checkPath(namespace, flowId, id);
  requireFlow(deps, namespace, flowId);
  requireScope(key, namespace, flowId);
  const exec = await deps.backend.get(id);
  if (!exec || exec.namespace !== namespace || exec.flowId !== flowId)
    throw notFound(`no execution ${id} of ${namespace}/${flowId}`);
  return exec;
}

export function executionRoutes(
  app: Hono<Env>,
  base: string,
  deps: GatewayDeps,
  est: CompletionEstimator,
): void {
  app.post(`${base}/executions/webhook/:namespace/:flowId/:key`, async (c) => {
    const { namespace, flowId, key } = c.req.param();
    const note = c.get('audit');
    Object.assign(note, { action: 'start', namespace, flow_id: flowId });
    // The `{key}` segment keeps Kestra's URL shape; the credential is the API key header, never the URL.
    if (key.length > 256) throw notFound('webhook key too long (at most 256 characters)');
    const apiKey = await authenticate(c, deps.store);
    note.key_id = apiKey.id;
    checkPath(namespace, flowId);
    const spec = requireFlow(deps, namespace, flowId);
    note.action = spec.action;
    note.always = spec.action === 'clone' || spec.action === 'delete';
    requireScope(apiKey, namespace, flowId);
    const body = await readJsonBody(c);
    note.inputs = redactInputs(body);
    return startExecution(c, deps, est, base, { namespace, flowId, key: apiKey }, body);
  });

  app.get(`${base}/executions/:namespace/:flowId/:executionId`, async (c) => {
    const { namespace, flowId, executionId } = c.req.param();
    const exec = await loadScoped(c, deps, namespace, flowId, executionId);
    // A finished execution shows no estimate, so it costs none.
    const estimated = isTerminal(exec.state)
      ? null
      : await est.estimate(namespace, flowId, exec.startDate).catch(() => null);
    return c.json(executionView(exec, estimated));
  });

  app.get(`${base}/executions/:namespace/:flowId/:executionId/logs`, async (c) => {
    const { namespace, flowId, executionId } = c.req.param();
    await loadScoped(c, deps, namespace, flowId, executionId);
    return c.json((await deps.backend.logs(executionId)).map(logView));
  });

  app.get(`${base}/executions/:namespace/:flowId/:executionId/logs/follow`, async (c) => {
    const { namespace, flowId, executionId } = c.req.param();
    await loadScoped(c, deps, namespace, flowId, executionId);
    return streamSSE(c, async (stream) => {
      const abort = new AbortController();
      stream.onAbort(() => abort.abort());
      let n = 0;
      for await (const line of deps.backend.followLogs(executionId, abort.signal)) {
        await stream.writeSSE({ event: 'log', id: String(n++), data: JSON.stringify(logView(line)) });
      }
      const final = await deps.backend.get(executionId);
      await stream.writeSSE({ event: 'end', data: JSON.stringify({ state: final?.state ?? null }) });
    });
  });

  app.get(`${base}/executions/:namespace/:flowId`, async (c) => {
    const { namespace, flowId } = c.req.param();
    const note = c.get('audit');
    Object.assign(note, { action: 'history', namespace, flow_id: flowId });
    const key = await authenticate(c, deps.store);
    note.key_id = key.id;
    checkPath(namespace, flowId);
    requireFlow(deps, namespace, flowId);
    requireScope(key, namespace, flowId);
    const q = parseInput(historyQuerySchema, c.req.query(), 'query');
    if (q.from && q.to && q.from > q.to)
      throw new ValidationError('from', 'from must not be after to', { provided: q.from });
    const page = await deps.backend.search({
      namespace,
      flowId,
      states: q.state,
      from: q.from && new Date(q.from).toISOString(),
      to: q.to && new Date(q.to).toISOString(),
      page: q.page,
      size: q.size,
    });
    return c.json({ results: page.results.map(historyView), total: page.total, page: q.page, size: q.size });
  });
}

export { HttpError };
