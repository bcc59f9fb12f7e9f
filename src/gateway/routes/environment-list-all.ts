// GET …/environments/{ns}?all=true: every environment of the project, not only railclone's, so a
// frontend can offer `production` (or any source) to clone. Without `all` the request goes on to the
// plain list route, which refuses unknown query fields as before.
import type { Hono } from 'hono';
import { z } from 'zod';
import { ProjectRefSchema, parseInput } from '../../inputs/index.js';
import { authenticate, requireScope } from '../auth.js';
import type { Env, GatewayDeps } from '../context.js';
import { notFound } from '../http-errors.js';
import { checkPath } from './executions.js';

const AllQuerySchema = ProjectRefSchema.extend({ all: z.literal('true') }).strict();

export function environmentListAllRoute(app: Hono<Env>, base: string, deps: GatewayDeps): void {
  app.get(`${base}/environments/:namespace`, async (c, next) => {
    if (c.req.query('all') === undefined) return next();
    const { namespace } = c.req.param();
    Object.assign(c.get('audit'), { action: 'list', namespace, flow_id: 'list-environments' });
    const key = await authenticate(c, deps.store);
    c.get('audit').key_id = key.id;
    checkPath(namespace);
    if (namespace !== deps.settings.namespace) throw notFound(`no namespace "${namespace}"`);
    requireScope(key, namespace, 'list-environments');
    const { all: _all, ...ref } = parseInput(AllQuerySchema, c.req.query(), 'query');
    return c.json(await deps.environments.list(ref, { all: true }));
  });
}
