// create-environment: Railway copies services, config, volumes (new and empty) and unrendered variables
// (so references point inside the clone). On top: ownership metadata first, excluded services removed,
// database passwords rotated, overrides applied, a Railway domain for each web service, TCP proxies on
// the clone's databases so the data can be copied in. Idempotent: a retry finds its own environment.
import type { EnvironmentSummary, RailwayApi } from '../../railway/types.js';
import { StepError } from '../../util/errors.js';
import { registerPublic } from '../../util/secrets.js';
import type { Step, StepContext } from '../context.js';
import { DEFAULT_TTL, parseDuration } from '../../inputs/index.js';
import { type CloneMeta, readMeta, writeMeta } from '../metadata.js';
import { newPassword } from '../random.js';
import { DEFAULT_PORT, PASSWORD_VARIABLES } from '../services.js';

export const createEnvironment: Step = async (ctx) => {
  const { railway, request, state, log } = ctx;
  const projectId = state.project_id!;
  const environment = await findOwnOrCreate(ctx);
  const envId = environment.id;
  registerPublic(environment.name);

  const source = await railway.getEnvironment(state.source_environment_id!, projectId);
  const keep = new Set((state.services ?? []).map((s) => s.id));
  const drop = source.serviceInstances.filter((s) => !keep.has(s.serviceId));
  if (drop.length > 0) {
    await railway.commitPatch(envId, { services: Object.fromEntries(drop.map((s) => [s.serviceId, { isDeleted: true }])) }, 'railclone: services left out of the clone');
    log.info(`left out: ${drop.map((s) => s.serviceName).join(', ')}`);
  }

  for (const service of state.services ?? []) {
    const sourceVars = await railway.getVariables({ projectId, environmentId: state.source_environment_id!, serviceId: service.id, unrendered: true });
    const updates: Record<string, string> = {};
    if (service.engine) {
      for (const name of PASSWORD_VARIABLES[service.engine]) {
        if (sourceVars[name] !== undefined && !sourceVars[name]!.includes('${{')) updates[name] = newPassword();
      }
      if (Object.keys(updates).length) log.info(`${service.name}: rotated ${Object.keys(updates).join(', ')} (staging never shares production's password)`);
    }
    Object.assign(updates, request.variable_overrides[service.name] ?? {});
    if (Object.keys(updates).length) {
      await railway.upsertVariables({ projectId, environmentId: envId, serviceId: service.id, variables: updates, skipDeploys: true });
    }
  }
  const sharedOverrides = request.variable_overrides.shared;
  if (sharedOverrides && Object.keys(sharedOverrides).length) {
    await railway.upsertVariables({ projectId, environmentId: envId, variables: sharedOverrides, skipDeploys: true });
  }

  let stagingHost: string | undefined;
  for (const service of (state.services ?? []).filter((s) => !s.engine && s.sourceHosts.length > 0)) {
    const domains = await railway.listDomains({ projectId, environmentId: envId, serviceId: service.id });
    const domain = domains.serviceDomains[0] ?? (await railway.createServiceDomain({ environmentId: envId, serviceId: service.id }));
    registerPublic(domain.domain);
    stagingHost ??= request.custom_domain ?? domain.domain;
  }

  const openedTarget = [...(state.opened_target_proxies ?? [])];
  for (const db of (state.services ?? []).filter((s) => s.engine)) {
    const proxies = await railway.listTcpProxies({ environmentId: envId, serviceId: db.id });
    if (proxies.length === 0) {
      const proxy = await railway.enableTcpProxy({ environmentId: envId, serviceId: db.id, applicationPort: DEFAULT_PORT[db.engine!] });
      openedTarget.push({ serviceId: db.id, proxyId: proxy.id });
      log.info(`${db.name}: opened a TCP proxy on the clone to copy the data in`);
    }
    await railway.redeployService({ environmentId: envId, serviceId: db.id });
  }

  const rewrites = stagingHost
    ? [...new Set((state.services ?? []).filter((s) => !s.engine).flatMap((s) => s.sourceHosts))]
        .filter((h) => h !== stagingHost)
        .map((from) => ({ from, to: stagingHost! }))
    : [];
  log.info(`environment "${environment.name}" (${envId}) ready for data${stagingHost ? `; staging host ${stagingHost}` : ''}`);
  return {
    state: { ...state, environment_id: envId, staging_host: stagingHost, rewrites, opened_target_proxies: openedTarget },
    outputs: { environment_id: envId, environment_name: environment.name, staging_host: stagingHost ?? null },
  };
};

/** Our environment from an earlier attempt of this execution, or a new one with metadata written first. */
async function findOwnOrCreate(ctx: StepContext): Promise<EnvironmentSummary> {
  const { railway, state, request } = ctx;
  const projectId = state.project_id!;
  const existing = await railway.findEnvironmentByName(projectId, state.environment_name!);
  if (existing) {
    const meta = await readMeta(railway, projectId, existing.id);
    if (meta?.execution_id === state.execution_id) return existing;
    throw new StepError('create-environment', `environment "${state.environment_name}" already exists and was not created by this execution`);
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
    throw new StepError('create-environment', 'could not record clone metadata on the new environment; it was deleted again', {}, { cause: err });
  }
  return created;
}

function initialMeta(ctx: StepContext): CloneMeta {
  const { request, state } = ctx;
  const ttl = request.ttl === undefined ? DEFAULT_TTL[request.environment_type] : request.ttl;
  const now = ctx.now();
  return {
    version: 1,
    status: 'creating',
    execution_id: state.execution_id,
    cloned_from: { project_id: state.project_id!, environment_id: state.source_environment_id!, environment_name: state.source_environment_name! },
    type: request.environment_type,
    client_name: request.client_name,
    created_by: request.requested_by ?? 'railclone',
    created_at: now.toISOString(),
    expires_at: ttl ? new Date(now.getTime() + parseDuration(ttl)!).toISOString() : null,
  };
}

export async function deleteIfOurs(railway: RailwayApi, projectId: string, environmentId: string, executionId: string): Promise<boolean> {
  const meta = await readMeta(railway, projectId, environmentId);
  if (meta?.execution_id !== executionId) return false;
  return railway.deleteEnvironment(environmentId);
}
