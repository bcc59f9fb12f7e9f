// What is checked against Railway before an execution starts (and before it costs rate-limit quota): a
// clone's name is free (409), a delete is allowed for this key (403) and its environment exists (404).
// The flows check again when they run; these checks make the answer immediate instead of a 202 that fails.
import {
  type CloneRequest,
  type EnvironmentRef,
  ENVIRONMENT_NAME_PATTERN,
  isProtectedEnvironment,
} from '../inputs/index.js';
import { RailwayAuthError, RailwayNotFoundError } from '../railway/errors.js';
import { ValidationError } from '../util/errors.js';
import type { GatewayDeps } from './context.js';
import { HttpError, forbidden } from './http-errors.js';
import type { ApiKeyRecord } from './keys.js';

const ADMIN_HINT = 'an admin key (`railclone keys create --admin`)';

/** Reads a project the request names; a project this token cannot read is the request's fault (400). */
async function inProject<T>(field: string, projectId: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof RailwayAuthError || err instanceof RailwayNotFoundError)
      throw new ValidationError(field, `${field} ${projectId}: no such project for this Railway token`, {
        provided: projectId,
        allowed: 'a project the configured RAILWAY_API_TOKEN can read',
      });
    throw err;
  }
}

async function admitClone(deps: GatewayDeps, req: CloneRequest): Promise<void> {
  const projectId = deps.environments.projectOf(req);
  if (!req.environment_name || req.new_project_name) return; // a generated name is made unique; a new project is empty
  const target = req.target_project_id ?? projectId;
  const field = req.target_project_id ? 'target_project_id' : 'railway_project_id';
  if (await inProject(field, target, () => deps.environments.exists(target, req.environment_name!))) {
    throw new HttpError(
      409,
      'Conflict',
      `environment "${req.environment_name}" already exists in project ${target}; choose another environment_name`,
      {
        field: 'environment_name',
        provided: req.environment_name,
        pattern: ENVIRONMENT_NAME_PATTERN.source,
      },
    );
  }
}

async function admitDelete(deps: GatewayDeps, key: ApiKeyRecord, ref: EnvironmentRef): Promise<void> {
  const refuse = (message: string, field = 'environment', provided: unknown = ref.environment) =>
    forbidden(message, { field, provided, key_id: key.id, admin: key.admin === true });
  if (isProtectedEnvironment(ref.environment))
    throw refuse(`"${ref.environment}" is protected and is never deleted through the API`);
  if (ref.force && !key.admin)
    throw refuse(`force is an admin right: only ${ADMIN_HINT} may use it`, 'force', true);
  const projectId = deps.environments.projectOf(ref);
  const env = await inProject('railway_project_id', projectId, () => deps.environments.resolve(ref));
  if (isProtectedEnvironment(env.name))
    throw refuse(`"${env.name}" is protected and is never deleted through the API`);
  if (!env.meta) {
    if (!ref.force)
      throw refuse(
        `environment "${env.name}" was not created by railclone; only ${ADMIN_HINT} with force=true may delete it`,
      );
    return;
  }
  if (!key.admin) {
    // A clone started through this API belongs to the key that started it.
    const origin = await deps.store.getExecution(env.meta.execution_id);
    if (origin?.startedBy && origin.startedBy !== key.id)
      throw refuse(
        `clone "${env.name}" was started by another API key; only that key or ${ADMIN_HINT} may delete it`,
      );
  }
  if (!ref.force) {
    const clones = await deps.environments.clonesMadeFrom(env);
    if (clones.length > 0)
      throw refuse(
        `environment "${env.name}" is the source of ${clones.join(', ')}; delete those first, or use ${ADMIN_HINT} with force=true`,
      );
  }
}

/** Throws the refusal for a request that would only fail later; returns when the flow may start. */
export async function admit(
  deps: GatewayDeps,
  key: ApiKeyRecord,
  flowId: string,
  inputs: Record<string, unknown>,
): Promise<void> {
  if (flowId === 'clone-staging-api') return admitClone(deps, inputs as CloneRequest);
  if (flowId === 'delete-environment') return admitDelete(deps, key, inputs as EnvironmentRef);
  if (flowId === 'get-environment') {
    const ref = inputs as EnvironmentRef;
    const projectId = deps.environments.projectOf(ref);
    await inProject('railway_project_id', projectId, () => deps.environments.resolve(ref));
    return;
  }
  if (flowId === 'list-environments') {
    deps.environments.projectOf(inputs);
  }
}
