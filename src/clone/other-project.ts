// A clone into ANOTHER project (an existing one, or one this run creates). environmentCreate copies
// only within a project, so the clone is built service by service: an empty environment, then per
// source service serviceCreate (new name, same image/repo), its build/deploy settings, new empty
// volumes, variables copied unrendered with references pointing at the renamed services, database
// passwords rotated before the first deploy; then the shared variables. Everything railclone creates
// is recorded in RAILCLONE_META before it is created, so rollback and delete can remove exactly it.
import { CLONED_SERVICE_NAME, clonedServiceName } from '../inputs/index.js';
import { quietVariables } from './masking.js';
import type {
  EnvironmentConfig,
  EnvironmentSummary,
  RailwayApi,
  ServiceInstanceInfo,
  ServiceInstanceSettings,
} from '../railway/types.js';
import { StepError } from '../util/errors.js';
import { registerPublic } from '../util/secrets.js';
import type { StepContext } from './context.js';
import { type CloneMeta, META_VARIABLE, initialMeta, readMeta, updateMeta, writeMeta } from './metadata.js';
import {
  createOwnEnvironment,
  findOwnEnvironment,
  intentOf,
  projectsOfIntent,
  readIntents,
  recordIntent,
} from './ownership.js';
import { rewriteReferences } from './service-references.js';
import { PASSWORD_VARIABLES, rotatedPasswords } from './services.js';
import type { CloneState, CreatedEnvironment, ServicePlan } from './state.js';
import { sourceServiceId } from './state.js';

// ---- preflight ----

/** The clone's service names, checked: valid, and free in an existing target project (unless ours from an earlier attempt). */
export async function planOtherProject(ctx: StepContext, services: ServicePlan[]): Promise<ServicePlan[]> {
  const { request, state } = ctx;
  const planned = services.map((s) => ({
    ...s,
    sourceId: s.id,
    targetName: clonedServiceName(request, s.name),
  }));
  for (const s of planned) {
    registerPublic(s.targetName);
    if (!CLONED_SERVICE_NAME.test(s.targetName)) {
      throw new StepError(
        'preflight',
        `service "${s.name}" would be named "${s.targetName}" in the target project, which is not a valid service name (at most 64 letters, digits, spaces, dots, underscores, hyphens); shorten service_name_prefix/service_name_suffix`,
      );
    }
  }
  const targetId = request.target_project_id;
  if (!targetId) return planned;
  const target = await ctx.railway.getProject(targetId).catch((err: Error) => {
    throw new StepError(
      'preflight',
      `target project ${targetId} cannot be read with this token: ${err.message}`,
    );
  });
  registerPublic(target.name);
  let ours: string[] = [];
  const clash = target.environments.find((e) => e.name === state.environment_name);
  if (clash) {
    const meta = await readMeta(ctx.railway, targetId, clash.id);
    if (meta?.execution_id !== state.execution_id) {
      throw new StepError(
        'preflight',
        `environment "${state.environment_name}" already exists in project ${target.name}; choose another environment_name`,
      );
    }
    ours = (meta.created_services ?? []).map((c) => c.name);
  }
  const taken = planned.filter(
    (s) => target.services.some((t) => t.name === s.targetName) && !ours.includes(s.targetName),
  );
  if (taken.length) {
    throw new StepError(
      'preflight',
      `project ${target.name} already has service(s) named ${taken.map((s) => `"${s.targetName}"`).join(', ')}; service names are project-wide, so set service_name_prefix or service_name_suffix`,
      {
        taken: taken.map((s) => s.targetName),
      },
    );
  }
  return planned;
}

// ---- create-environment ----

export async function createInOtherProject(ctx: StepContext): Promise<CreatedEnvironment> {
  const { railway } = ctx;
  const { request, state, log } = ctx;
  const { projectId, environment, createdProjectId } = await projectAndEnvironment(ctx, railway);
  const envId = environment.id;
  const sourceProject = state.project_id!;
  const sourceEnv = state.source_environment_id!;
  const [source, config, targetProject, targetEnv] = await Promise.all([
    railway.getEnvironment(sourceEnv, sourceProject),
    railway.getEnvironmentConfig(sourceEnv, { decryptVariables: false }),
    railway.getProject(projectId),
    railway.getEnvironment(envId, projectId),
  ]);
  const plans = state.services ?? [];
  const renames = new Map(plans.map((s) => [s.name, s.targetName ?? s.name]));
  let meta = (await readMeta(railway, projectId, envId))!;
  const services: ServicePlan[] = [];

  for (const plan of plans) {
    const sourceId = sourceServiceId(plan);
    const name = plan.targetName ?? plan.name;
    const instance = source.serviceInstances.find((i) => i.serviceId === sourceId);
    if (!instance)
      throw new StepError(
        'create-environment',
        `service "${plan.name}" is no longer in the source environment`,
      );
    const copied = rewriteReferences(
      await railway.getVariables({
        projectId: sourceProject,
        environmentId: sourceEnv,
        serviceId: sourceId,
        unrendered: true,
      }),
      renames,
    );
    const overrides = request.variable_overrides[plan.name] ?? {};
    const earlier = targetProject.services.find((s) => s.name === name);
    let id: string;
    if (!earlier) {
      // Passwords rotated BEFORE the first deploy: a database initialises with the password it starts with.
      const rotated = plan.engine ? rotatedPasswords(plan.engine, copied) : {};
      if (Object.keys(rotated).length)
        log.info(
          `${plan.name}: rotated ${Object.keys(rotated).join(', ')} (staging never shares production's password)`,
        );
      meta = await recordService(railway, projectId, envId, meta, { name });
      // serviceCreate puts the service in every (non-fork) environment of the project, whatever
      // environmentId says (its schema description). So it is created bare — no source, so nothing
      // deploys; no variables, so no secret lands elsewhere — and the other instances are removed
      // below. Source and settings follow, then the first deploy (databases in wait-for-databases,
      // apps in finalize, once their data is there).
      const created = await railway.createService({ projectId, name, environmentId: envId });
      id = created.id;
      meta = await recordService(railway, projectId, envId, meta, { name, id });
      await railway.upsertVariables({
        projectId,
        environmentId: envId,
        serviceId: id,
        variables: { ...copied, ...rotated, ...quietVariables(request, plan, copied), ...overrides },
        skipDeploys: true,
      });
      log.info(`${plan.name} → service "${name}" (${id}) created in the target project`);
    } else {
      // Ours from an earlier attempt of this execution (preflight proved the name was free before).
      if (!(meta.created_services ?? []).some((c) => c.name === name)) {
        throw new StepError(
          'create-environment',
          `service "${name}" appeared in project ${projectId} after preflight and is not this clone's; choose service_name_prefix/service_name_suffix`,
        );
      }
      id = earlier.id;
      // What is set stays (a rotated password especially: the database already runs with it); what is missing is added.
      const current = await railway.getVariables({
        projectId,
        environmentId: envId,
        serviceId: id,
        unrendered: true,
      });
      const missing = Object.fromEntries(Object.entries(copied).filter(([n]) => current[n] === undefined));
      const rotated = plan.engine
        ? rotatedPasswords(
            plan.engine,
            Object.fromEntries(
              PASSWORD_VARIABLES[plan.engine].filter((n) => n in missing).map((n) => [n, missing[n]!]),
            ),
          )
        : {};
      const variables = { ...missing, ...rotated, ...quietVariables(request, plan, missing), ...overrides };
      if (Object.keys(variables).length)
        await railway.upsertVariables({
          projectId,
          environmentId: envId,
          serviceId: id,
          variables,
          skipDeploys: true,
        });
      log.info(
        `${plan.name}: service "${name}" exists from an earlier attempt; variables brought up to date`,
      );
    }
    await railway.updateServiceInstance({
      environmentId: envId,
      serviceId: id,
      settings: settingsOf(instance, config, sourceId),
    });
    for (const volume of source.volumeInstances.filter((v) => v.serviceId === sourceId)) {
      if (targetEnv.volumeInstances.some((v) => v.serviceId === id && v.mountPath === volume.mountPath))
        continue;
      await railway.createVolume({
        projectId,
        environmentId: envId,
        serviceId: id,
        mountPath: volume.mountPath,
      });
      log.info(`${name}: new empty volume at ${volume.mountPath}`);
    }
    registerPublic(id);
    services.push({ ...plan, id, sourceId });
  }

  await keepOnlyInClone(ctx, projectId, envId, services);

  const shared = await railway.getVariables({
    projectId: sourceProject,
    environmentId: sourceEnv,
    unrendered: true,
  });
  delete shared[META_VARIABLE]; // the source's own lineage, if it is a clone itself
  const sharedVars = { ...rewriteReferences(shared, renames), ...(request.variable_overrides.shared ?? {}) };
  if (Object.keys(sharedVars).length)
    await railway.upsertVariables({
      projectId,
      environmentId: envId,
      variables: sharedVars,
      skipDeploys: true,
    });

  const next: CloneState = {
    ...state,
    target_project_id: projectId,
    ...(createdProjectId ? { created_project_id: createdProjectId } : {}),
    services,
  };
  return { environment, state: next };
}

/**
 * Removes the clone's services from the target project's other environments (serviceCreate made an
 * instance in each). An environment with staged work gets the removal staged beside it, since a
 * commit there would also commit someone else's changes.
 */
async function keepOnlyInClone(
  ctx: StepContext,
  projectId: string,
  envId: string,
  services: ServicePlan[],
): Promise<void> {
  const { railway, log } = ctx;
  const ids = new Set(services.map((s) => s.id));
  for (const env of (await railway.getProject(projectId)).environments) {
    if (env.id === envId) continue;
    const details = await railway.getEnvironment(env.id, projectId);
    const extra = details.serviceInstances.filter((i) => ids.has(i.serviceId));
    if (extra.length === 0) continue;
    const patch = { services: Object.fromEntries(extra.map((i) => [i.serviceId, { isDeleted: true }])) };
    const names = extra.map((i) => `"${i.serviceName}"`).join(', ');
    if (details.unmergedChangesCount > 0) {
      await railway.stageChanges(env.id, patch, true);
      log.warn(
        `${names}: removal from environment "${env.name}" STAGED beside its unmerged changes; they leave it when those are committed`,
      );
    } else {
      await railway.commitPatch(
        env.id,
        patch,
        `railclone: ${names} belong to the clone "${ctx.state.environment_name}" only`,
      );
      log.info(
        `${names}: removed from environment "${env.name}" (serviceCreate adds a service to every environment)`,
      );
    }
  }
}

/** The image or repo a service runs, as ServiceSourceInput. */
function sourceInput(instance: ServiceInstanceInfo): { image?: string; repo?: string } | undefined {
  if (instance.source?.image) return { image: instance.source.image };
  if (instance.source?.repo) return { repo: instance.source.repo };
  return undefined;
}

/** The source's build/deploy settings, from its service instance and its environment config. */
function settingsOf(
  instance: ServiceInstanceInfo,
  config: EnvironmentConfig,
  sourceId: string,
): ServiceInstanceSettings {
  const svc = (config.services?.[sourceId] ?? {}) as {
    deploy?: Record<string, unknown>;
    build?: Record<string, unknown>;
  };
  const deploy = svc.deploy ?? {};
  const build = svc.build ?? {};
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
  const strings = (v: unknown) =>
    Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  const restart = instance.restartPolicyType;
  return {
    source: sourceInput(instance),
    startCommand: instance.startCommand ?? undefined,
    buildCommand: instance.buildCommand ?? undefined,
    rootDirectory: instance.rootDirectory ?? undefined,
    healthcheckPath: instance.healthcheckPath ?? undefined,
    numReplicas: instance.numReplicas ?? undefined,
    region: instance.region ?? undefined,
    restartPolicyType:
      restart === 'ALWAYS' || restart === 'NEVER' || restart === 'ON_FAILURE' ? restart : undefined,
    healthcheckTimeout: int(deploy.healthcheckTimeout),
    restartPolicyMaxRetries: int(deploy.restartPolicyMaxRetries),
    cronSchedule: str(deploy.cronSchedule),
    preDeployCommand: strings(deploy.preDeployCommand),
    sleepApplication: typeof deploy.sleepApplication === 'boolean' ? deploy.sleepApplication : undefined,
    dockerfilePath: str(build.dockerfilePath),
    watchPatterns: strings(build.watchPatterns),
  };
}

async function recordService(
  railway: RailwayApi,
  projectId: string,
  envId: string,
  meta: CloneMeta,
  entry: { name: string; id?: string },
): Promise<CloneMeta> {
  const list = (meta.created_services ?? []).filter((c) => c.name !== entry.name);
  return updateMeta(railway, projectId, envId, { created_services: [...list, entry] });
}

/** The target project and the clone's (empty) environment in it, with metadata written first. */
async function projectAndEnvironment(
  ctx: StepContext,
  railway: RailwayApi,
): Promise<{ projectId: string; environment: EnvironmentSummary; createdProjectId?: string }> {
  const { request, state, log } = ctx;
  const name = state.environment_name!;
  if (request.target_project_id) {
    const projectId = request.target_project_id;
    const own = await findOwnEnvironment(ctx, projectId, 'create-environment', () => initialMeta(ctx));
    if (own) return { projectId, environment: own };
    const environment = await createOwnEnvironment(
      ctx,
      {
        projectId,
        name,
        ephemeral: request.environment_type === 'ephemeral',
        skipInitialDeploys: true,
      },
      initialMeta(ctx),
    );
    log.info(`environment "${name}" created in project ${projectId}`);
    return { projectId, environment };
  }

  const own = await findOwnProject(ctx, railway);
  if (own) {
    // Killed between projectCreate and the metadata: the intent proved it ours; the metadata now.
    if (!own.meta)
      await writeMeta(railway, own.projectId, own.environment.id, {
        ...initialMeta(ctx),
        created_project_id: own.projectId,
      });
    return { projectId: own.projectId, environment: own.environment, createdProjectId: own.projectId };
  }
  const source = await railway.getProject(state.project_id!);
  // The intent first, in the source project: a kill before the new project's metadata still leaves it
  // provably ours (../ownership.ts). Removed by finalize or rollback.
  await recordIntent(
    railway,
    intentOf(ctx, state.project_id!, state.source_environment_id ?? null, {
      name: request.new_project_name!,
      workspace_id: source.workspaceId ?? null,
    }),
  );
  // The new project's default environment IS the clone: no empty `production` beside it.
  const project = await railway.createProject({
    name: request.new_project_name!,
    workspaceId: source.workspaceId ?? undefined,
    defaultEnvironmentName: name,
  });
  registerPublic(project.name);
  try {
    const environment =
      (await railway.findEnvironmentByName(project.id, name)) ??
      (await railway.createEnvironment({ projectId: project.id, name, skipInitialDeploys: true }));
    await writeMeta(railway, project.id, environment.id, {
      ...initialMeta(ctx),
      created_project_id: project.id,
    });
    log.info(`project "${project.name}" (${project.id}) created with environment "${name}"`);
    return { projectId: project.id, environment, createdProjectId: project.id };
  } catch (err) {
    // Without metadata nobody could prove the project is ours: remove it now, while we know.
    await railway.deleteProject(project.id).catch(() => undefined);
    throw new StepError(
      'create-environment',
      `could not set up the new project "${project.name}"; it was deleted again`,
      {},
      { cause: err },
    );
  }
}

/**
 * A project named new_project_name whose clone environment this execution created (an earlier attempt,
 * or rollback): by its metadata, or — killed before the metadata — by this execution's intent.
 */
export async function findOwnProject(
  ctx: StepContext,
  railway: RailwayApi,
): Promise<{ projectId: string; environment: EnvironmentSummary; meta: CloneMeta | null } | null> {
  const { request, state } = ctx;
  if (!request.new_project_name || !state.environment_name) return null;
  // Projects are listed per workspace (an account token lists none without one): the source's.
  const workspaceId = state.created_project_id
    ? undefined
    : (await railway.getProject(state.project_id!)).workspaceId;
  const candidates = state.created_project_id
    ? [state.created_project_id]
    : workspaceId
      ? (await railway.listProjects({ workspaceId }))
          .filter((p) => p.name === request.new_project_name)
          .map((p) => p.id)
      : [];
  for (const projectId of candidates) {
    const environment = await railway
      .findEnvironmentByName(projectId, state.environment_name)
      .catch(() => null);
    if (!environment) continue;
    const meta = await readMeta(railway, projectId, environment.id);
    if (meta?.execution_id === state.execution_id && meta.created_project_id === projectId)
      return { projectId, environment, meta };
  }
  const intent = (await readIntents(railway, state.project_id!)).find(
    (i) => i.execution_id === state.execution_id && i.new_project?.name === request.new_project_name,
  );
  const [proven] = intent ? await projectsOfIntent(railway, intent) : [];
  return proven?.environment
    ? { projectId: proven.projectId, environment: proven.environment, meta: proven.meta }
    : null;
}
