// The access middleware: every route under …/:namespace/:flowId/… (and the environment routes, whose flow
// the route names) runs authenticate → path check → flow check → scope check once, here, notes each step
// in the audit, and sets what it learned on the context (`c.get('access')`), as hono's basic-auth does.
import { createMiddleware } from 'hono/factory';
import { authenticate, requireScope } from './auth.js';
import { NAMESPACE_PATTERN } from './config.js';
import type { Env, GatewayDeps } from './context.js';
import { EXECUTION_ID_PATTERN, FLOW_ID_PATTERN, flowSpec } from './flows.js';
import { notFound } from './http-errors.js';

/** Path segments are checked before they reach the engine or the store (no traversal, no odd bytes). */
export function checkPath(namespace: string, flowId?: string, executionId?: string): void {
  if (!NAMESPACE_PATTERN.test(namespace)) throw notFound(`no namespace "${namespace.slice(0, 100)}"`);
  if (flowId !== undefined && !FLOW_ID_PATTERN.test(flowId))
    throw notFound(`no flow "${flowId.slice(0, 100)}"`);
  if (executionId !== undefined && !EXECUTION_ID_PATTERN.test(executionId))
    throw notFound(`no execution "${executionId.slice(0, 100)}"`);
}

/**
 * `flowId`: the flow the route stands for (environment routes); absent, the `:flowId` path segment.
 * `action`: the audit action; absent, the flow's own (clone, delete, list, get).
 */
export function access(deps: GatewayDeps, opts: { action?: string; flowId?: string } = {}) {
  return createMiddleware<Env>(async (c, next) => {
    const params = c.req.param() as Record<string, string | undefined>;
    const namespace = params.namespace ?? '';
    const flowId = opts.flowId ?? params.flowId ?? '';
    const spec = flowSpec(flowId);
    const action = opts.action ?? spec?.action ?? 'start';
    const note = c.get('audit');
    Object.assign(note, {
      action,
      namespace,
      flow_id: flowId,
      always: action === 'clone' || action === 'delete',
      ...(params.environment === undefined ? {} : { inputs: { environment: params.environment } }),
    });
    // The webhook's `{key}` segment keeps Kestra's URL shape; the credential is the API key header.
    if ((params.key?.length ?? 0) > 256) throw notFound('webhook key too long (at most 256 characters)');
    const key = await authenticate(c, deps.store);
    note.key_id = key.id;
    checkPath(namespace, flowId, params.executionId);
    if (namespace !== deps.settings.namespace || !spec)
      throw notFound(`no flow ${namespace}/${flowId}`, { namespace, flow_id: flowId });
    requireScope(key, namespace, flowId);
    c.set('access', { key, namespace, flowId, flow: spec });
    await next();
  });
}
