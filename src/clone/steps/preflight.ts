// preflight: fail fast, before anything is created — the token reaches the project, the source exists,
// the target name is free (or is ours from an earlier attempt), and the tools the copy needs are here.
import { clonesIntoOtherProject } from '../../inputs/index.js';
import { RailcloneError, StepError } from '../../util/errors.js';
import { registerPublic } from '../../util/secrets.js';
import { unknownResourceServices } from '../resources.js';
import { isWordPressImage } from '../masking.js';
import type { Step } from '../context.js';
import { readMeta } from '../metadata.js';
import { planOtherProject } from '../other-project.js';
import { engineForImage } from '../services.js';
import type { ServicePlan } from '../state.js';

export const preflight: Step = async (ctx) => {
  const { railway, request, state } = ctx;
  const projectId = state.project_id!;
  const identity = await railway.whoami();
  if (identity.kind === 'project') {
    throw new StepError(
      'preflight',
      'a project token (RAILWAY_TOKEN) cannot create environments; set RAILWAY_API_TOKEN to an account or workspace token',
    );
  }
  const project = await railway.getProject(projectId);
  registerPublic(project.name);
  const source = project.environments.find(
    (e) => e.name === request.source_environment || e.id === request.source_environment,
  );
  if (!source) {
    throw new StepError(
      'preflight',
      `source environment "${request.source_environment}" not found in project ${project.name}`,
      {
        available: project.environments.map((e) => e.name),
      },
    );
  }
  const otherProject = clonesIntoOtherProject(request);
  if (!otherProject && source.name === state.environment_name) {
    throw new StepError('preflight', 'the target environment cannot be the source environment');
  }
  // In another project the name is checked there (planOtherProject).
  const clash = otherProject
    ? undefined
    : project.environments.find((e) => e.name === state.environment_name);
  if (clash) {
    const meta = await readMeta(railway, projectId, clash.id);
    if (meta?.execution_id !== state.execution_id) {
      throw new StepError(
        'preflight',
        `environment "${state.environment_name}" already exists in project ${project.name}; choose another environment_name`,
      );
    }
    ctx.log.info(
      `environment "${clash.name}" exists from an earlier attempt of this execution; it will be reused`,
    );
  }

  const details = await railway.getEnvironment(source.id, projectId);
  const wanted = (name: string) =>
    request.include_services
      ? request.include_services.includes(name)
      : !request.exclude_services.includes(name);
  for (const name of [...(request.include_services ?? []), ...request.exclude_services]) {
    if (!details.serviceInstances.some((s) => s.serviceName === name)) {
      throw new StepError(
        'preflight',
        `service "${name}" named in the request does not exist in ${source.name}`,
        {
          available: details.serviceInstances.map((s) => s.serviceName),
        },
      );
    }
  }
  const unknown = unknownResourceServices(
    request.resources ?? {},
    details.serviceInstances.map((s) => s.serviceName).filter(wanted),
  );
  if (unknown.length)
    throw new StepError(
      'preflight',
      `resources name ${unknown.map((n) => `"${n}"`).join(', ')}, which ${unknown.length > 1 ? 'are' : 'is'} not cloned from ${source.name}`,
      { available: details.serviceInstances.map((s) => s.serviceName).filter(wanted) },
    );
  let services: ServicePlan[] = details.serviceInstances
    .filter((s) => wanted(s.serviceName))
    .map((s) => ({
      id: s.serviceId,
      name: s.serviceName,
      engine: engineForImage(s.source?.image),
      ...(isWordPressImage(s.source?.image) ? { wordpress: true } : {}),
      sourceHosts: [...s.domains.serviceDomains, ...s.domains.customDomains].map((d) => d.domain),
    }));
  if (otherProject) services = await planOtherProject(ctx, services);
  for (const s of services) {
    registerPublic(s.name);
    s.sourceHosts.forEach(registerPublic);
  }
  if (services.some((s) => s.engine === 'postgres') && request.database.copy_data) await requirePgDump();

  ctx.log.info(
    `source ${source.name}: ${services.length} service(s) — ${services.map((s) => `${s.name}${s.engine ? ` (${s.engine})` : ''}${s.targetName && s.targetName !== s.name ? ` → ${s.targetName}` : ''}`).join(', ')}`,
  );
  return {
    state: {
      ...state,
      project_name: project.name,
      source_environment_id: source.id,
      source_environment_name: source.name,
      services,
    },
    outputs: {
      source_environment: source.name,
      services: services.map((s) => s.name),
      token: identity.kind,
      ...(otherProject ? { target_service_names: services.map((s) => s.targetName ?? s.name) } : {}),
    },
  };
};

async function requirePgDump(): Promise<void> {
  const { execFile } = await import('node:child_process');
  await new Promise<void>((resolve, reject) =>
    execFile('pg_dump', ['--version'], (err) =>
      err
        ? reject(
            new RailcloneError(
              'MissingTool',
              'pg_dump is not installed; install the Debian package postgresql-client (same major version as the source server or newer)',
            ),
          )
        : resolve(),
    ),
  );
}
