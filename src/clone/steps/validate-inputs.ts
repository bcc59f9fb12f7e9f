// validate-inputs: the request is well-formed, the project is known, the target name is settled.
import {
  CloneRequestSchema,
  checkTargetProject,
  defaultEnvironmentName,
  parseInput,
  sanitizeEnvironmentName,
} from '../../inputs/index.js';
import { ValidationError } from '../../util/errors.js';
import type { Step } from '../context.js';
import { namedMaskKey } from '../mask-key.js';
import { decryptOverrides } from '../override-values.js';

export const validateInputs: Step = async (ctx) => {
  // The request was parsed when the context was built; parse again so this step is the gate in Kestra too.
  const request = parseInput(CloneRequestSchema, ctx.request);
  const projectId = request.railway_project_id ?? ctx.defaultProjectId;
  if (!projectId) {
    throw new ValidationError(
      'railway_project_id',
      'railway_project_id is required when RAILCLONE_PROJECT_ID is not set',
      {
        provided: null,
      },
    );
  }
  checkTargetProject(request, projectId);
  // Encrypted override values must open with this flow's key now, not halfway through the clone.
  decryptOverrides(request.variable_overrides, ctx.outputKey);
  // A named mask key must be set here, before anything is created (sync-database reads it again).
  if (request.mask_key_name) namedMaskKey(request.mask_key_name);
  // The clone's own project: an existing other one, or (new_project_name) none yet — nothing to clash with.
  const targetProjectId = request.target_project_id;
  let name: string;
  if (request.environment_name) {
    name = sanitizeEnvironmentName(request.environment_name);
    if (name !== request.environment_name)
      ctx.log.info(`environment_name "${request.environment_name}" sanitised to "${name}"`);
  } else {
    const existing = request.new_project_name
      ? []
      : await ctx.railway.listEnvironments(targetProjectId ?? projectId);
    name = defaultEnvironmentName(
      request.client_name,
      ctx.now(),
      existing.map((e) => e.name),
    );
    ctx.log.info(`no environment_name given; using "${name}"`);
  }
  const state = {
    ...ctx.state,
    project_id: projectId,
    environment_name: name,
    ...(targetProjectId ? { target_project_id: targetProjectId } : {}),
  };
  return {
    state,
    outputs: {
      environment_name: name,
      project_id: projectId,
      client_name: request.client_name,
      target_project:
        targetProjectId ?? (request.new_project_name ? `new: ${request.new_project_name}` : 'same'),
    },
  };
};
