// GET …/environments/{ns}/{env}/diff[?against=<env>]: the console's Diff page and any other frontend's.
// Same key, scope and audit rules as the other environment reads (flow get-environment).
import type { Hono } from 'hono';
import { z } from 'zod';
import { EnvironmentRefSchema, parseInput } from '../../inputs/index.js';
import { authenticate, requireScope } from '../auth.js';
import type { Env, GatewayDeps } from '../context.js';
import { notFound } from '../http-errors.js';
import { checkPath } from './executions.js';

const DiffQuerySchema = z
  .object({
    railway_project_id: EnvironmentRefSchema.shape.railway_project_id,
    against: z.string().min(1).max(64).optional(),
  })
  .strict();

export function environmentDiffRoutes(app: Hono<Env>, base: string, deps: GatewayDeps): void {
  app.get(`${base}/environments/:namespace/:environment/diff`, async (c) => {
    const { namespace, environment } = c.req.param();
    Object.assign(c.get('audit'), {
      action: 'diff',
      namespace,
      flow_id: 'get-environment',
      inputs: { environment },
    });
    const key = await authenticate(c, deps.store);
    c.get('audit').key_id = key.id;
    checkPath(namespace);
    if (namespace !== deps.settings.namespace) throw notFound(`no namespace "${namespace}"`);
    requireScope(key, namespace, 'get-environment');
    const q = parseInput(DiffQuerySchema, c.req.query(), 'query');
    const ref = parseInput(EnvironmentRefSchema, {
      environment,
      ...(q.railway_project_id ? { railway_project_id: q.railway_project_id } : {}),
    });
    return c.json(await deps.environments.diff(ref, q.against));
  });
}
