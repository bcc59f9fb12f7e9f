// Root Mutation fields. Environment lifecycle needs an account or workspace token; work inside one
// environment (variables, deploys, domains, patches) is open to that environment's project token too.
import type { CreateEnvironmentInput, EnvironmentConfig } from '../../railway/types.js';
import { missing } from '../auth.js';
import { deploy } from '../deployments.js';
import {
  addCustomDomain,
  addServiceDomain,
  addTcpProxy,
  liveTcpProxies,
  removeTcpProxy,
} from '../domains.js';
import {
  commitPatch,
  commitStaged,
  createEnvironment,
  createProject,
  deleteEnvironment,
  deleteProject,
  stageChanges,
} from '../environments.js';
import { EmuError, notAuthorized, problem } from '../errors.js';
import { now } from '../ids.js';
import {
  createService,
  createVolume,
  deleteService,
  deleteVariable,
  updateInstance,
  upsertVariables,
} from '../services.js';
import type { InstanceSettings } from '../state.js';
import type { Ctx } from './context.js';

const isConfig = (v: unknown): v is EnvironmentConfig =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function instanceIn(ctx: Ctx, environmentId: string, serviceId: string) {
  ctx.access.environment(environmentId);
  const inst = ctx.world.state.instance(environmentId, serviceId);
  if (!inst) throw missing(serviceId);
  return inst;
}

function variableScope(
  ctx: Ctx,
  i: { projectId: string; environmentId: string; serviceId?: string | null },
): string | null {
  ctx.access.environment(i.environmentId, i.projectId);
  if (i.serviceId) instanceIn(ctx, i.environmentId, i.serviceId);
  return i.serviceId ?? null;
}

export const Mutation = {
  projectCreate: (
    _p: unknown,
    a: {
      input: {
        name?: string | null;
        description?: string | null;
        workspaceId?: string | null;
        defaultEnvironmentName?: string | null;
      };
    },
    { world, access }: Ctx,
  ) => {
    const allowed = access.workspaceIds();
    const workspaceId =
      a.input.workspaceId ??
      (access.principal.kind === 'workspace' ? access.principal.workspaceId : allowed[0]);
    if (!workspaceId || !allowed.includes(workspaceId)) throw notAuthorized();
    return createProject(world, {
      name: a.input.name?.trim() || `project-${Math.random().toString(36).slice(2, 8)}`,
      workspaceId,
      description: a.input.description ?? null,
      defaultEnvironmentName: a.input.defaultEnvironmentName ?? 'production',
    });
  },

  projectDelete: async (_p: unknown, a: { id: string }, ctx: Ctx) => {
    ctx.access.manageProject(a.id);
    await deleteProject(ctx.world, a.id);
    return true;
  },

  environmentCreate: async (_p: unknown, a: { input: CreateEnvironmentInput }, ctx: Ctx) => {
    ctx.access.manageProject(a.input.projectId);
    if (a.input.sourceEnvironmentId) ctx.access.environment(a.input.sourceEnvironmentId, a.input.projectId);
    return createEnvironment(ctx.world, a.input);
  },

  environmentDelete: async (_p: unknown, a: { id: string }, ctx: Ctx) => {
    ctx.access.manageEnvironment(a.id);
    await deleteEnvironment(ctx.world, a.id);
    return true;
  },

  environmentRename: (_p: unknown, a: { id: string; input: { name: string } }, { world, access }: Ctx) => {
    const env = access.manageEnvironment(a.id);
    const name = a.input.name.trim();
    if (!name) throw problem();
    if (
      world.state
        .environmentsOf(env.projectId)
        .some((e) => e.id !== env.id && e.name.toLowerCase() === name.toLowerCase())
    ) {
      throw new EmuError('environment with that name already exists');
    }
    env.name = name;
    env.updatedAt = now();
    return env;
  },

  environmentStageChanges: (
    _p: unknown,
    a: { environmentId: string; input: unknown; merge?: boolean | null },
    { world, access }: Ctx,
  ) => {
    access.environment(a.environmentId);
    if (!isConfig(a.input)) throw problem();
    return stageChanges(world, a.environmentId, a.input, a.merge === true);
  },

  environmentPatchCommit: (
    _p: unknown,
    a: { environmentId: string; patch?: unknown; commitMessage?: string | null },
    { world, access }: Ctx,
  ) => {
    access.environment(a.environmentId);
    if (a.patch != null && !isConfig(a.patch)) throw problem();
    return commitPatch(world, a.environmentId, (a.patch ?? {}) as EnvironmentConfig, a.commitMessage ?? null);
  },

  environmentPatchCommitStaged: (
    _p: unknown,
    a: { environmentId: string; skipDeploys?: boolean | null; commitMessage?: string | null },
    { world, access }: Ctx,
  ) => {
    access.environment(a.environmentId);
    return commitStaged(world, a.environmentId, {
      skipDeploys: a.skipDeploys === true,
      message: a.commitMessage,
    });
  },

  variableCollectionUpsert: async (
    _p: unknown,
    a: {
      input: {
        projectId: string;
        environmentId: string;
        serviceId?: string | null;
        variables: unknown;
        replace?: boolean | null;
        skipDeploys?: boolean | null;
      };
    },
    ctx: Ctx,
  ) => {
    const i = a.input;
    const serviceId = variableScope(ctx, i);
    if (!isConfig(i.variables) || Object.values(i.variables).some((v) => typeof v !== 'string'))
      throw problem();
    await upsertVariables(ctx.world, {
      environmentId: i.environmentId,
      serviceId,
      variables: i.variables as Record<string, string>,
      replace: i.replace === true,
      skipDeploys: i.skipDeploys === true,
    });
    return true;
  },

  variableUpsert: async (
    _p: unknown,
    a: {
      input: {
        projectId: string;
        environmentId: string;
        serviceId?: string | null;
        name: string;
        value: string;
        skipDeploys?: boolean | null;
      };
    },
    ctx: Ctx,
  ) => {
    const i = a.input;
    const serviceId = variableScope(ctx, i);
    await upsertVariables(ctx.world, {
      environmentId: i.environmentId,
      serviceId,
      variables: { [i.name]: i.value },
      skipDeploys: i.skipDeploys === true,
    });
    return true;
  },

  variableDelete: async (
    _p: unknown,
    a: { input: { projectId: string; environmentId: string; serviceId?: string | null; name: string } },
    ctx: Ctx,
  ) => {
    const i = a.input;
    const serviceId = variableScope(ctx, i);
    await deleteVariable(ctx.world, { environmentId: i.environmentId, serviceId, name: i.name });
    return true;
  },

  serviceCreate: (
    _p: unknown,
    a: {
      input: {
        projectId: string;
        name?: string | null;
        source?: { image?: string | null; repo?: string | null } | null;
        environmentId?: string | null;
        variables?: unknown;
        icon?: string | null;
      };
    },
    ctx: Ctx,
  ) => {
    ctx.access.manageProject(a.input.projectId);
    if (a.input.environmentId) ctx.access.environment(a.input.environmentId, a.input.projectId);
    if (
      a.input.variables != null &&
      (!isConfig(a.input.variables) || Object.values(a.input.variables).some((v) => typeof v !== 'string'))
    )
      throw problem();
    return createService(ctx.world, {
      ...a.input,
      variables: (a.input.variables ?? null) as Record<string, string> | null,
    });
  },

  serviceDelete: async (_p: unknown, a: { id: string; environmentId?: string | null }, ctx: Ctx) => {
    const svc = ctx.world.state.services.get(a.id);
    if (!svc) throw missing(a.id);
    ctx.access.manageProject(svc.projectId);
    if (a.environmentId) ctx.access.environment(a.environmentId, svc.projectId);
    await deleteService(ctx.world, a.id);
    return true;
  },

  serviceInstanceUpdate: async (
    _p: unknown,
    a: {
      environmentId?: string | null;
      serviceId: string;
      input: Partial<InstanceSettings> & { source?: { image?: string | null; repo?: string | null } | null };
    },
    ctx: Ctx,
  ) => {
    const envId =
      a.environmentId ??
      (ctx.access.principal.kind === 'project' ? ctx.access.principal.environmentId : null);
    if (!envId) throw problem();
    instanceIn(ctx, envId, a.serviceId);
    await updateInstance(ctx.world, envId, a.serviceId, a.input);
    return true;
  },

  serviceInstanceRedeploy: (_p: unknown, a: { environmentId: string; serviceId: string }, ctx: Ctx) => {
    instanceIn(ctx, a.environmentId, a.serviceId);
    // "Redeploy" re-runs the latest deployment: a service that was never deployed (an environment
    // made with skipInitialDeploys) has none. The wording is ours; Railway's is not documented.
    if (
      ctx.world.state.deploymentsOf({ environmentId: a.environmentId, serviceId: a.serviceId }).length === 0
    )
      throw new EmuError('No deployment found to redeploy for this service instance');
    deploy(ctx.world, a.environmentId, a.serviceId, 'redeploy');
    return true;
  },

  serviceInstanceDeployV2: (
    _p: unknown,
    a: { environmentId: string; serviceId: string; commitSha?: string | null },
    ctx: Ctx,
  ) => {
    instanceIn(ctx, a.environmentId, a.serviceId);
    if (a.commitSha && !/^[0-9a-f]{7,40}$/i.test(a.commitSha)) throw new EmuError('Commit not found');
    return deploy(ctx.world, a.environmentId, a.serviceId, 'deploy').id;
  },

  deploymentRedeploy: (_p: unknown, a: { id: string }, ctx: Ctx) => {
    const d = ctx.world.state.deployments.get(a.id);
    if (!d) throw missing(a.id);
    instanceIn(ctx, d.environmentId, d.serviceId);
    return deploy(ctx.world, d.environmentId, d.serviceId, 'redeploy');
  },

  serviceDomainCreate: (
    _p: unknown,
    a: { input: { environmentId: string; serviceId: string; targetPort?: number | null } },
    ctx: Ctx,
  ) => {
    instanceIn(ctx, a.input.environmentId, a.input.serviceId);
    return addServiceDomain(ctx.world, a.input.environmentId, a.input.serviceId, a.input.targetPort ?? null);
  },

  serviceDomainDelete: (_p: unknown, a: { id: string }, ctx: Ctx) => {
    const d = ctx.world.state.serviceDomains.get(a.id);
    if (!d) throw missing(a.id);
    ctx.access.environment(d.environmentId);
    ctx.world.state.serviceDomains.delete(a.id);
    return true;
  },

  customDomainCreate: (
    _p: unknown,
    a: {
      input: {
        domain: string;
        environmentId: string;
        projectId: string;
        serviceId: string;
        targetPort?: number | null;
      };
    },
    ctx: Ctx,
  ) => {
    ctx.access.environment(a.input.environmentId, a.input.projectId);
    instanceIn(ctx, a.input.environmentId, a.input.serviceId);
    return addCustomDomain(
      ctx.world,
      a.input.environmentId,
      a.input.serviceId,
      a.input.domain,
      a.input.targetPort ?? null,
    );
  },

  customDomainDelete: (_p: unknown, a: { id: string }, ctx: Ctx) => {
    const d = ctx.world.state.customDomains.get(a.id);
    if (!d) throw missing(a.id);
    ctx.access.environment(d.environmentId);
    ctx.world.state.customDomains.delete(a.id);
    return true;
  },

  tcpProxyCreate: async (
    _p: unknown,
    a: { input: { applicationPort: number; environmentId: string; serviceId: string } },
    ctx: Ctx,
  ) => {
    instanceIn(ctx, a.input.environmentId, a.input.serviceId);
    if (liveTcpProxies(ctx.world, a.input.environmentId, a.input.serviceId).length > 0) {
      throw new EmuError('Only a single TCP proxy is allowed per service instance');
    }
    return addTcpProxy(ctx.world, a.input.environmentId, a.input.serviceId, a.input.applicationPort);
  },

  volumeCreate: (
    _p: unknown,
    a: {
      input: {
        projectId: string;
        mountPath: string;
        serviceId?: string | null;
        region?: string | null;
        environmentId?: string | null;
      };
    },
    ctx: Ctx,
  ) => {
    const i = a.input;
    ctx.access.manageProject(i.projectId);
    if (i.environmentId) ctx.access.environment(i.environmentId, i.projectId);
    if (i.serviceId && ctx.world.state.services.get(i.serviceId)?.projectId !== i.projectId)
      throw missing(i.serviceId);
    // Omitted environmentId: instances in every environment; explicit null: none.
    const envs =
      'environmentId' in i
        ? i.environmentId
          ? [i.environmentId]
          : []
        : ctx.world.state.environmentsOf(i.projectId).map((e) => e.id);
    return createVolume(ctx.world, {
      projectId: i.projectId,
      mountPath: i.mountPath,
      serviceId: i.serviceId ?? null,
      region: i.region ?? null,
      environmentIds: envs,
    });
  },

  tcpProxyDelete: (_p: unknown, a: { id: string }, ctx: Ctx) => {
    const p = ctx.world.state.tcpProxies.get(a.id);
    if (!p) throw missing(a.id);
    ctx.access.environment(p.environmentId);
    if (p.syncStatus === 'DELETING')
      throw new EmuError('Cannot delete TCP proxy: an operation is already in progress');
    removeTcpProxy(ctx.world, a.id);
    return true;
  },
};
