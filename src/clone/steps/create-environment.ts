// create-environment: Railway copies services, config, volumes (new and empty) and unrendered variables
// (so references point inside the clone). Created STAGED, after an intent (../ownership.ts); metadata
// first, then one commit that leaves excluded services out and carries rotated database passwords and
// overrides — no database starts and no TCP proxy opens on the clone before its passwords are its own.
// Then a Railway domain for each web service, TCP proxies on the clone's databases so the data can be
// copied in. Idempotent: a retry finds its own environment (by metadata, or by intent).
// A clone into another project takes its own path (../other-project.ts) to the same end state.
import { DEAD_PROXY } from '../../railway/client.js';
import type { VariableMap } from '../../railway/types.js';
import { clonesIntoOtherProject } from '../../inputs/index.js';
import { quietVariables } from '../masking.js';
import { registerPublic } from '../../util/secrets.js';
import type { Step, StepContext, StepResult } from '../context.js';
import { META_VARIABLE, initialMeta, readMeta } from '../metadata.js';
import { createOwnEnvironment, findOwnEnvironment } from '../ownership.js';
import { mapHosts } from '../host-map.js';
import { createInOtherProject } from '../other-project.js';
import { decryptOverrides } from '../override-values.js';
import { applyResources } from '../resources.js';
import { DEFAULT_PORT, rotatedPasswords } from '../services.js';
import type { CreatedEnvironment } from '../state.js';

export const createEnvironment: Step = async (sent) => {
  // The one step that sets override values: the clone API sent them encrypted (./override-values.ts).
  const ctx = {
    ...sent,
    request: {
      ...sent.request,
      variable_overrides: decryptOverrides(sent.request.variable_overrides, sent.outputKey),
    },
  };
  const created = clonesIntoOtherProject(ctx.request)
    ? await createInOtherProject(ctx)
    : await createInSourceProject(ctx);
  registerPublic(created.environment.name);
  return prepareForData(ctx, created);
};

async function createInSourceProject(ctx: StepContext): Promise<CreatedEnvironment> {
  const { railway, request, state, log } = ctx;
  const projectId = state.project_id!;
  const meta = () => initialMeta(ctx);
  const environment =
    (await findOwnEnvironment(ctx, projectId, 'create-environment', meta)) ??
    // Staged: nothing of the clone exists — no database, no TCP proxy — until the commit below, which
    // already carries the rotated passwords. So no proxy is ever open next to production's password.
    (await createOwnEnvironment(
      ctx,
      {
        projectId,
        name: state.environment_name!,
        sourceEnvironmentId: state.source_environment_id!,
        ephemeral: request.environment_type === 'ephemeral',
        skipInitialDeploys: true,
        stageInitialChanges: true,
      },
      meta(),
    ));
  const envId = environment.id;
  const [source, clone] = await Promise.all([
    railway.getEnvironment(state.source_environment_id!, projectId),
    railway.getEnvironment(envId, projectId),
  ]);
  const keep = new Set((state.services ?? []).map((s) => s.id));
  const drop = source.serviceInstances.filter((s) => !keep.has(s.serviceId));
  const sourceVars = new Map<string, VariableMap>();
  for (const service of state.services ?? [])
    sourceVars.set(
      service.id,
      await railway.getVariables({
        projectId,
        environmentId: state.source_environment_id!,
        serviceId: service.id,
        unrendered: true,
      }),
    );
  const committed = clone.serviceInstances.length > 0;
  const updates = new Map<string, VariableMap>();
  for (const service of state.services ?? []) {
    const fromSource = sourceVars.get(service.id)!;
    // Still staged: the clone's values are the source's. Committed (a retry): only a value that still
    // equals the source's is rotated — a database applies its password once, at first start.
    const current = committed
      ? await railway.getVariables({
          projectId,
          environmentId: envId,
          serviceId: service.id,
          unrendered: true,
        })
      : fromSource;
    const stillSource = Object.fromEntries(Object.entries(fromSource).filter(([n, v]) => current[n] === v));
    const rotated = service.engine ? rotatedPasswords(service.engine, stillSource) : {};
    if (Object.keys(rotated).length)
      log.info(
        `${service.name}: rotated ${Object.keys(rotated).join(', ')} (staging never shares production's password)`,
      );
    updates.set(service.id, {
      ...rotated,
      ...quietVariables(request, service, current),
      ...(request.variable_overrides[service.name] ?? {}),
    });
  }
  const sharedOverrides = request.variable_overrides.shared ?? {};

  if (!committed) {
    const asValues = (vars: VariableMap) =>
      Object.fromEntries(Object.entries(vars).map(([n, value]) => [n, { value }]));
    const ownMeta = (await readMeta(railway, projectId, envId)) ?? meta();
    await railway.stageChanges(
      envId,
      {
        services: {
          ...Object.fromEntries(drop.map((s) => [s.serviceId, { isDeleted: true }])),
          ...Object.fromEntries([...updates].map(([id, vars]) => [id, { variables: asValues(vars) }])),
        },
        // The source's own RAILCLONE_META (when it is a clone itself) must not replace ours.
        sharedVariables: asValues({ ...sharedOverrides, [META_VARIABLE]: JSON.stringify(ownMeta) }),
      },
      true,
    );
    await railway.commitStaged(envId, {
      skipDeploys: true,
      message: 'railclone: the clone, with its own database passwords',
    });
    if (drop.length) log.info(`left out: ${drop.map((s) => s.serviceName).join(', ')}`);
    return { environment, state };
  }

  // A retry after the commit: bring what is missing up to date.
  const stillThere = clone.serviceInstances.filter((s) => !keep.has(s.serviceId));
  if (stillThere.length > 0)
    await railway.commitPatch(
      envId,
      { services: Object.fromEntries(stillThere.map((s) => [s.serviceId, { isDeleted: true }])) },
      'railclone: services left out of the clone',
    );
  for (const [serviceId, variables] of updates)
    if (Object.keys(variables).length)
      await railway.upsertVariables({
        projectId,
        environmentId: envId,
        serviceId,
        variables,
        skipDeploys: true,
      });
  if (Object.keys(sharedOverrides).length)
    await railway.upsertVariables({
      projectId,
      environmentId: envId,
      variables: sharedOverrides,
      skipDeploys: true,
    });
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
