// validate-inputs: the request is well-formed, the project is known, the target name is settled.
import { CloneRequestSchema, defaultEnvironmentName, parseInput, sanitizeEnvironmentName } from '../../inputs/index.js';
import { ValidationError } from '../../util/errors.js';
import type { Step } from '../context.js';

export const validateInputs: Step = async (ctx) => {
  // The request was parsed when the context was built; parse again so this step is the gate in Kestra too.
  const request = parseInput(CloneRequestSchema, ctx.request);
  const projectId = request.railway_project_id ?? ctx.defaultProjectId;
  if (!projectId) {
    throw new ValidationError('railway_project_id', 'railway_project_id is required when RAILCLONE_PROJECT_ID is not set', {
      provided: null,
    });
  }
  let name: string;
  if (request.environment_name) {
    name = sanitizeEnvironmentName(request.environment_name);
    if (name !== request.environment_name) ctx.log.info(`environment_name "${request.environment_name}" sanitised to "${name}"`);
  } else {
    const existing = await ctx.railway.listEnvironments(projectId);
    name = defaultEnvironmentName(request.client_name, ctx.now(), existing.map((e) => e.name));
    ctx.log.info(`no environment_name given; using "${name}"`);
  }
  const state = { ...ctx.state, project_id: projectId, environment_name: name };
  return {
    state,
    outputs: { environment_name: name, project_id: projectId, client_name: request.client_name },
  };
};
