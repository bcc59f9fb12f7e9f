// Environments: list, get, lineage, clones-of and preview read Railway; delete starts the
// delete-environment flow (202, like a clone) so it is retried, logged and audited the same way.
// Each route names the flow whose scope it needs; the access middleware checks it.
import type { Hono } from 'hono';
import {
  CloneRequestSchema,
  EnvironmentRefSchema,
  ProjectRefSchema,
  parseInput,
} from '../../inputs/index.js';
import { access } from '../access.js';
import { admit } from '../admission.js';
import type { Env, GatewayDeps } from '../context.js';
import type { CompletionEstimator } from '../estimate.js';
import { redactInputs } from '../redact-inputs.js';
import { queryObject, readJsonBody, requireObject } from '../request.js';
import { startExecution } from '../start-execution.js';

export function environmentRoutes(
  app: Hono<Env>,
  base: string,
  deps: GatewayDeps,
  est: CompletionEstimator,
): void {
  const envs = `${base}/environments/:namespace`;
  const ref = (query: Record<string, unknown>) => parseInput(EnvironmentRefSchema, query, 'query');
  const envQuery = (c: Parameters<typeof queryObject>[0]) =>
    queryObject(c, ['force'], { environment: c.req.param('environment') });
  const get = access(deps, { action: 'get', flowId: 'get-environment' });

  app.get(envs, access(deps, { action: 'list', flowId: 'list-environments' }), async (c) =>
    c.json(await deps.environments.list(parseInput(ProjectRefSchema, queryObject(c), 'query'))),
  );

  app.get(
    `${base}/projects/:namespace`,
    access(deps, { action: 'projects', flowId: 'list-environments' }),
    async (c) => c.json(await deps.environments.projects()),
  );

  app.post(`${envs}/preview`, access(deps, { action: 'preview', flowId: 'clone-staging-api' }), async (c) => {
    const body = requireObject(await readJsonBody(c));
    c.get('audit').inputs = redactInputs(body);
    const request = parseInput(CloneRequestSchema, body, 'clone-staging-api');
    await admit(deps, c.get('access').key, 'clone-staging-api', request);
    return c.json(await deps.environments.preview(request));
  });

  app.get(`${envs}/:environment`, get, async (c) => c.json(await deps.environments.get(ref(envQuery(c)))));

  app.get(
    `${envs}/:environment/lineage`,
    access(deps, { action: 'lineage', flowId: 'get-environment' }),
    async (c) => c.json(await deps.environments.lineage(ref(envQuery(c)))),
  );

  app.get(
    `${envs}/:environment/clones`,
    access(deps, { action: 'clones', flowId: 'get-environment' }),
    async (c) => c.json(await deps.environments.clonesOf(ref(envQuery(c)))),
  );

  app.delete(
    `${envs}/:environment`,
    access(deps, { action: 'delete', flowId: 'delete-environment' }),
    async (c) => startExecution(c, deps, est, base, envQuery(c)),
  );
}
