// create-environment: Railway copies services, config, volumes (new and empty) and unrendered variables
// (so references point inside the clone). On top: ownership metadata first, excluded services removed,
// database passwords rotated, overrides applied, a Railway domain for each web service, TCP proxies on
// the clone's databases so the data can be copied in. Idempotent: a retry finds its own environment.
// A clone into another project takes its own path (../other-project.ts) to the same end state.
import { DEAD_PROXY } from '../../railway/client.js';
import { quietVariables } from '../masking.js';
import type { EnvironmentSummary } from '../../railway/types.js';
import { clonesIntoOtherProject } from '../../inputs/index.js';
import { StepError } from '../../util/errors.js';
import { registerPublic } from '../../util/secrets.js';
import type { Step, StepContext, StepResult } from '../context.js';
import { initialMeta, readMeta, writeMeta } from '../metadata.js';
import { mapHosts } from '../host-map.js';
import { createInOtherProject } from '../other-project.js';
import { applyResources } from '../resources.js';
import { DEFAULT_PORT, rotatedPasswords } from '../services.js';
import type { CloneState } from '../state.js';

/** The environment with its services, variables and volumes in place; `state` carries where it is. */
export interface CreatedEnvironment {
  environment: EnvironmentSummary;
  state: CloneState;
}

export const createEnvironment: Step = async (ctx) => {
  const created = clonesIntoOtherProject(ctx.request)
    ? await createInOtherProject(ctx)
    : await createInSourceProject(ctx);
  registerPublic(created.environment.name);
  return prepareForData(ctx, created);
};

async function createInSourceProject(ctx: StepContext): Promise<CreatedEnvironment> {
  const { railway, request, state, log } = ctx;
  const projectId = state.project_id!;
  const environment = await findOwnOrCreate(ctx);
  const envId = environment.id;

  const source = await railway.getEnvironment(state.source_environment_id!, projectId);
  const keep = new Set((state.services ?? []).map((s) => s.id));
  const drop = source.serviceInstances.filter((s) => !keep.has(s.serviceId));
  if (drop.length > 0) {
    await railway.commitPatch(
      envId,
      { services: Object.fromEntries(drop.map((s) => [s.serviceId, { isDeleted: true }])) },
      'railclone: services left out of the clone',
    );
    log.info(`left out: ${drop.map((s) => s.serviceName).join(', ')}`);
  }

  for (const service of state.services ?? []) {
    const sourceVars = await railway.getVariables({
      projectId,
      environmentId: state.source_environment_id!,
      serviceId: service.id,
      unrendered: true,
    });
    const updates: Record<string, string> = {};
    if (service.engine) {
      Object.assign(updates, rotatedPasswords(service.engine, sourceVars));
      if (Object.keys(updates).length)
        log.info(
          `${service.name}: rotated ${Object.keys(updates).join(', ')} (staging never shares production's password)`,
        );
    }
    Object.assign(updates, quietVariables(request, service, sourceVars));
    Object.assign(updates, request.variable_overrides[service.name] ?? {});
    if (Object.keys(updates).length) {
      await railway.upsertVariables({
        projectId,
        environmentId: envId,
        serviceId: service.id,
        variables: updates,
        skipDeploys: true,
      });
    }
  }
  const sharedOverrides = request.variable_overrides.shared;
  if (sharedOverrides && Object.keys(sharedOverrides).length) {
    await railway.upsertVariables({
      projectId,
      environmentId: envId,
      variables: sharedOverrides,
      skipDeploys: true,
    });
  }
  return { environment, state };
}

/** Domains for the web services, TCP proxies on the databases, and the URL rewrites the copy will apply. */
async function prepareForData(ctx: StepContext, created: CreatedEnvironment): Promise<StepResult> {
  const { railway, request, log } = ctx;
  const { environment, state } = created;
  const projectId = state.target_project_id ?? state.project_id!;
  const envId = environment.id;
  await applyResources(ctx, envId, state.services ?? []);
  let stagingHost: string | undefined;
  const cloneDomainOf = new Map<string, string>();
  for (const service of (state.services ?? []).filter((s) => !s.engine && s.sourceHosts.length > 0)) {
    const domains = await railway.listDomains({ projectId, environmentId: envId, serviceId: service.id });
    const domain =
      domains.serviceDomains[0] ??
      (await railway.createServiceDomain({ environmentId: envId, serviceId: service.id }));
    registerPublic(domain.domain);
    cloneDomainOf.set(service.id, domain.domain);
    stagingHost ??= request.custom_domain ?? domain.domain;
  }

  const openedTarget = [...(state.opened_target_proxies ?? [])];
  for (const db of (state.services ?? []).filter((s) => s.engine)) {
    const proxies = await railway.listTcpProxies({ environmentId: envId, serviceId: db.id });
    if (!proxies.some((p) => !DEAD_PROXY.has(p.syncStatus))) {
      const proxy = await railway.enableTcpProxy({
        environmentId: envId,
        serviceId: db.id,
        applicationPort: DEFAULT_PORT[db.engine!],
      });
      openedTarget.push({ serviceId: db.id, proxyId: proxy.id });
      log.info(`${db.name}: opened a TCP proxy on the clone to copy the data in`);
    }
    // Deployed once, in wait-for-databases (a second deploy can cut a MySQL first start short).
  }

  // Each web service's hosts become that service's clone host (see ../host-map.ts).
  const { mappings, rewrites } = mapHosts(
    state.services ?? [],
    cloneDomainOf,
    request.custom_domain,
    request.host_rewrites,
  );
  for (const m of mappings) log.info(`hosts of ${m.service}: ${m.from.join(', ') || '(none)'} → ${m.to}`);
  log.info(
    `environment "${environment.name}" (${envId}) ready for data${stagingHost ? `; staging host ${stagingHost}` : ''}`,
  );
  return {
    state: {
      ...state,
      environment_id: envId,
      staging_host: stagingHost,
      rewrites,
      host_map: mappings,
      opened_target_proxies: openedTarget,
    },
    outputs: {
      environment_id: envId,
      environment_name: environment.name,
      staging_host: stagingHost ?? null,
      ...(state.target_project_id ? { project_id: state.target_project_id } : {}),
    },
  };
}

/** Our environment from an earlier attempt of this execution, or a new one with metadata written first. */
async function findOwnOrCreate(ctx: StepContext): Promise<EnvironmentSummary> {
  const { railway, state, request } = ctx;
  const projectId = state.project_id!;
  const existing = await railway.findEnvironmentByName(projectId, state.environment_name!);
  if (existing) {
    const meta = await readMeta(railway, projectId, existing.id);
    if (meta?.execution_id === state.execution_id) return existing;
    throw new StepError(
      'create-environment',
      `environment "${state.environment_name}" already exists and was not created by this execution`,
    );
  }
  const created = await railway.createEnvironment({
    projectId,
    name: state.environment_name!,
    sourceEnvironmentId: state.source_environment_id!,
    ephemeral: request.environment_type === 'ephemeral',
    skipInitialDeploys: true,
  });
  try {
    await writeMeta(railway, projectId, created.id, initialMeta(ctx));
  } catch (err) {
    // Without metadata nobody could prove this environment is ours: remove it now, while we know.
    await railway.deleteEnvironment(created.id).catch(() => undefined);
    throw new StepError(
      'create-environment',
      'could not record clone metadata on the new environment; it was deleted again',
      {},
      { cause: err },
    );
  }
  return created;
}
