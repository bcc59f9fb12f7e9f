// Environments: list, get, lineage, clones-of and preview read Railway; delete starts the
// delete-environment flow (202, like a clone) so it is retried, logged and audited the same way.
import type { Context, Hono } from 'hono';
import {
  CloneRequestSchema,
  EnvironmentRefSchema,
  ProjectRefSchema,
  parseInput,
} from '../../inputs/index.js';
import { authenticate, requireScope } from '../auth.js';
import type { Env, GatewayDeps } from '../context.js';
import type { CompletionEstimator } from '../estimate.js';
import { notFound } from '../http-errors.js';
import { redactInputs } from '../redact-inputs.js';
import { checkPath, readJsonBody, startExecution } from './executions.js';

/** Query string → the object the shared schema checks; `force` is the only non-string field. */
function refFromQuery(c: Context, environment?: string): Record<string, unknown> {
  const query = c.req.query();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) {
    Object.defineProperty(out, k, {
      value: k === 'force' ? (v === 'true' ? true : v === 'false' ? false : v) : v,
      enumerable: true,
    });
  }
  if (environment !== undefined) out.environment = environment;
  return out;
}

export function environmentRoutes(
  app: Hono<Env>,
  base: string,
  deps: GatewayDeps,
  est: CompletionEstimator,
): void {
  const guard = async (c: Context<Env>, action: string, flowId: string, environment?: string) => {
    const { namespace } = c.req.param() as { namespace: string };
    const note = c.get('audit');
    Object.assign(note, {
      action,
      namespace,
      flow_id: flowId,
      inputs: environment === undefined ? null : { environment },
    });
    const key = await authenticate(c, deps.store);
    note.key_id = key.id;
    checkPath(namespace);
    if (namespace !== deps.settings.namespace) throw notFound(`no namespace "${namespace}"`);
    requireScope(key, namespace, flowId);
    return { key, namespace };
  };

  app.get(`${base}/environments/:namespace`, async (c) => {
    await guard(c, 'list', 'list-environments');
    return c.json(await deps.environments.list(parseInput(ProjectRefSchema, refFromQuery(c), 'query')));
  });

  app.post(`${base}/environments/:namespace/preview`, async (c) => {
    await guard(c, 'preview', 'clone-staging-api');
    const body = await readJsonBody(c);
    c.get('audit').inputs = redactInputs(body);
    return c.json(await deps.environments.preview(parseInput(CloneRequestSchema, body, 'clone-staging-api')));
  });

  app.get(`${base}/environments/:namespace/:environment`, async (c) => {
    const env = c.req.param('environment');
    await guard(c, 'get', 'get-environment', env);
    return c.json(
      await deps.environments.get(parseInput(EnvironmentRefSchema, refFromQuery(c, env), 'query')),
    );
  });

  app.get(`${base}/environments/:namespace/:environment/lineage`, async (c) => {
    const env = c.req.param('environment');
    await guard(c, 'lineage', 'get-environment', env);
    return c.json(
      await deps.environments.lineage(parseInput(EnvironmentRefSchema, refFromQuery(c, env), 'query')),
    );
  });

  app.get(`${base}/environments/:namespace/:environment/clones`, async (c) => {
    const env = c.req.param('environment');
    await guard(c, 'clones', 'get-environment', env);
    return c.json(
      await deps.environments.clonesOf(parseInput(EnvironmentRefSchema, refFromQuery(c, env), 'query')),
    );
  });

  app.delete(`${base}/environments/:namespace/:environment`, async (c) => {
    const env = c.req.param('environment');
    const note = c.get('audit');
    note.always = true;
    const { key, namespace } = await guard(c, 'delete', 'delete-environment', env);
    return startExecution(
      c,
      deps,
      est,
      base,
      { namespace, flowId: 'delete-environment', key },
      refFromQuery(c, env),
    );
  });
}
