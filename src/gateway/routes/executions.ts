// Kestra's execution paths: webhook start (202), one execution, its logs (JSON and SSE), a flow's history.
// Access (key, path, flow, scope) is checked by the access middleware before each handler.
import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { parseInput } from '../../inputs/index.js';
import { ValidationError } from '../../util/errors.js';
import { access } from '../access.js';
import type { Env, GatewayDeps } from '../context.js';
import type { CompletionEstimator } from '../estimate.js';
import { type ExecutionRecord, isTerminal } from '../execution.js';
import { historyQuerySchema } from '../history-query.js';
import { notFound } from '../http-errors.js';
import { redactInputs } from '../redact-inputs.js';
import { readJsonBody } from '../request.js';
import { startExecution } from '../start-execution.js';
import { executionView, historyView, logView } from '../views.js';

/** The execution of the path, only if it belongs to the path's flow (a key cannot read across flows). */
async function pathExecution(c: Context<Env>, deps: GatewayDeps): Promise<ExecutionRecord> {
  const { namespace, flowId } = c.get('access');
  const id = c.req.param('executionId')!;
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
  const read = access(deps, { action: 'read' });

  app.post(`${base}/executions/webhook/:namespace/:flowId/:key`, access(deps), async (c) => {
    const body = await readJsonBody(c);
    c.get('audit').inputs = redactInputs(body);
    return startExecution(c, deps, est, base, body);
  });

  app.get(`${base}/executions/:namespace/:flowId/:executionId`, read, async (c) => {
    const exec = await pathExecution(c, deps);
    // A finished execution shows no estimate, so it costs none.
    const estimated = isTerminal(exec.state)
      ? null
      : await est.estimate(exec.namespace, exec.flowId, exec.startDate).catch(() => null);
    return c.json(executionView(exec, estimated));
  });

  app.get(`${base}/executions/:namespace/:flowId/:executionId/logs`, read, async (c) => {
    const exec = await pathExecution(c, deps);
    return c.json((await deps.backend.logs(exec.id)).map(logView));
  });

  app.get(`${base}/executions/:namespace/:flowId/:executionId/logs/follow`, read, async (c) => {
    const exec = await pathExecution(c, deps);
    return streamSSE(c, async (stream) => {
      const abort = new AbortController();
      stream.onAbort(() => abort.abort());
      let n = 0;
      for await (const line of deps.backend.followLogs(exec.id, abort.signal)) {
        await stream.writeSSE({ event: 'log', id: String(n++), data: JSON.stringify(logView(line)) });
      }
      const final = await deps.backend.get(exec.id);
      await stream.writeSSE({ event: 'end', data: JSON.stringify({ state: final?.state ?? null }) });
    });
  });

  app.get(`${base}/executions/:namespace/:flowId`, access(deps, { action: 'history' }), async (c) => {
    const { namespace, flowId } = c.get('access');
    const q = parseInput(historyQuerySchema, c.req.query(), 'query');
    if (q.from && q.to && q.from > q.to)
      throw new ValidationError('from', 'from must not be after to', {
        provided: q.from,
        allowed: `an instant not after to (${q.to})`,
      });
    const page = await deps.backend.search({
      namespace,
      flowId,
      states: q.state,
      from: q.from && new Date(q.from).toISOString(),
      to: q.to && new Date(q.to).toISOString(),
      client: q.client,
      startedBy: q.started_by,
      page: q.page,
      size: q.size,
    });
    return c.json({ results: page.results.map(historyView), total: page.total, page: q.page, size: q.size });
  });
}

/** Kept for route files written before access.ts; new routes use the access middleware. */
export { checkPath } from '../access.js';
