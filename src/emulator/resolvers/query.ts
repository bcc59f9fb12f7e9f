// Root Query fields. Every read goes through Access, so token scope is enforced in one place.
import { missing } from '../auth.js';
import { customDomainAvailable } from '../domains.js';
import { stagedChanges } from '../environments.js';
import { EmuError, notAuthorized } from '../errors.js';
import { rawVariables, renderedVariables } from '../render.js';
import { usageOf } from '../usage.js';
import type { DeploymentStatus } from '../../railway/types.js';
import { connection } from './connection.js';
import type { Ctx, PageArgs } from './context.js';

type A = Record<string, never>;

function instanceIn(ctx: Ctx, environmentId: string, serviceId: string) {
  ctx.access.environment(environmentId);
  const inst = ctx.world.state.instance(environmentId, serviceId);
  if (!inst) throw missing(serviceId);
  return inst;
}

export const Query = {
  // Billing figures are for account and workspace tokens; a project token is refused (emulator's reading,
  // docs/railway-behaviours.md §10). Without projectId: every project of the workspace(s) the token reaches.
  usage: (
    _p: unknown,
    a: {
      projectId?: string | null;
      workspaceId?: string | null;
      measurements: string[];
      groupBy?: string[] | null;
      startDate?: string | null;
      endDate?: string | null;
    },
    { world, access }: Ctx,
  ) => {
    if (access.principal.kind === 'project') throw notAuthorized();
    const allowed = new Set(access.workspaceIds());
    if (a.workspaceId && !allowed.has(a.workspaceId)) throw notAuthorized();
    const projectIds = a.projectId
      ? [access.project(a.projectId).id]
      : [...world.state.projects.values()]
          .filter((p) => allowed.has(p.workspaceId) && (!a.workspaceId || p.workspaceId === a.workspaceId))
          .map((p) => p.id);
    const end = a.endDate ? new Date(a.endDate) : new Date();
    // Without startDate Railway reports the current billing period: here, the month so far.
    const start = a.startDate ? new Date(a.startDate) : new Date(end.getFullYear(), end.getMonth(), 1);
    if (start > end) throw new EmuError('startDate must be before endDate');
    return usageOf(world, { projectIds, measurements: a.measurements, groupBy: a.groupBy ?? [], start, end });
  },

  me: (_p: unknown, _a: A, { access }: Ctx) => access.user(),

  apiToken: (_p: unknown, _a: A, { world, access }: Ctx) => ({
    workspaces: access.workspaceIds().map((id) => {
      const w = world.state.workspaces.get(id)!;
      return { id: w.id, name: w.name };
    }),
  }),

  projectToken: (_p: unknown, _a: A, { access }: Ctx) => {
    if (access.principal.kind !== 'project') throw new EmuError('Project Token not found');
    return access.principal;
  },

  project: (_p: unknown, a: { id: string }, { access }: Ctx) => access.project(a.id),

  projects: (
    _p: unknown,
    a: PageArgs & { workspaceId?: string | null; includeDeleted?: boolean | null; orderBy?: string | null },
    { world, access }: Ctx,
  ) => {
    const allowed = new Set(access.workspaceIds());
    if (a.workspaceId && !allowed.has(a.workspaceId)) throw notAuthorized();
    // Without workspaceId an account token lists its personal projects only: since workspaces,
    // every project lives in one, so that list is empty (issue 12). A workspace token lists its own.
    if (!a.workspaceId && access.principal.kind === 'account') return connection([], a);
    let list = [...world.state.projects.values()].filter(
      (p) => allowed.has(p.workspaceId) && (!a.workspaceId || p.workspaceId === a.workspaceId),
    );
    if (!a.includeDeleted) list = list.filter((p) => !p.deletedAt);
    if (a.orderBy === 'NAME_ASC') list.sort((x, y) => x.name.localeCompare(y.name));
    else if (a.orderBy === 'UPDATED_AT_DESC') list.sort((x, y) => y.updatedAt.localeCompare(x.updatedAt));
    else list.sort((x, y) => y.createdAt.localeCompare(x.createdAt));
    return connection(list, a);
  },

  workspace: (_p: unknown, a: { workspaceId: string }, { world, access }: Ctx) => {
    if (!access.workspaceIds().includes(a.workspaceId)) throw notAuthorized();
    return world.state.workspaces.get(a.workspaceId);
  },

  environment: (_p: unknown, a: { id: string; projectId?: string | null }, { access }: Ctx) =>
    access.environment(a.id, a.projectId),

  environments: (
    _p: unknown,
    a: PageArgs & { projectId: string; isEphemeral?: boolean | null },
    { world, access }: Ctx,
  ) => {
    access.project(a.projectId);
    let envs = world.state.environmentsOf(a.projectId).filter((e) => access.canSeeEnvironment(e));
    if (typeof a.isEphemeral === 'boolean') envs = envs.filter((e) => e.isEphemeral === a.isEphemeral);
    return connection(envs, a);
  },

  environmentStagedChanges: (_p: unknown, a: { environmentId: string }, ctx: Ctx) => {
    ctx.access.environment(a.environmentId);
    return stagedChanges(ctx.world, a.environmentId);
  },

  environmentPatch: (_p: unknown, a: { id: string }, { world, access }: Ctx) => {
    const p = world.state.patches.get(a.id);
    if (!p) throw missing(a.id);
    access.environment(p.environmentId);
    return p;
  },

  environmentPatches: (_p: unknown, a: PageArgs & { environmentId: string }, { world, access }: Ctx) => {
    access.environment(a.environmentId);
    return connection(world.state.patchesOf(a.environmentId).reverse(), a);
  },

  variables: (
    _p: unknown,
    a: { environmentId: string; projectId: string; serviceId?: string | null; unrendered?: boolean | null },
    ctx: Ctx,
  ) => {
    ctx.access.environment(a.environmentId, a.projectId);
    if (a.serviceId) instanceIn(ctx, a.environmentId, a.serviceId);
    const scope = a.serviceId ?? null;
    return a.unrendered
      ? rawVariables(ctx.world.state, a.environmentId, scope)
      : renderedVariables(ctx.world.state, a.environmentId, scope);
  },

  variablesForServiceDeployment: (
    _p: unknown,
    a: { environmentId: string; projectId: string; serviceId: string },
    ctx: Ctx,
  ) => {
    ctx.access.environment(a.environmentId, a.projectId);
    instanceIn(ctx, a.environmentId, a.serviceId);
    const s = ctx.world.state;
    // What a deployment sees: shared variables, then the service's own (which win).
    return {
      ...renderedVariables(s, a.environmentId, null),
      ...renderedVariables(s, a.environmentId, a.serviceId),
    };
  },

  service: (_p: unknown, a: { id: string }, { world, access }: Ctx) => {
    const s = world.state.services.get(a.id);
    if (!s) throw missing(a.id);
    access.project(s.projectId);
    return s;
  },

  serviceInstance: (_p: unknown, a: { environmentId: string; serviceId: string }, ctx: Ctx) =>
    instanceIn(ctx, a.environmentId, a.serviceId),

  domains: (_p: unknown, a: { environmentId: string; projectId: string; serviceId: string }, ctx: Ctx) => {
    ctx.access.environment(a.environmentId, a.projectId);
    instanceIn(ctx, a.environmentId, a.serviceId);
    return {
      serviceDomains: ctx.world.state.serviceDomainsOf(a.environmentId, a.serviceId),
      customDomains: ctx.world.state.customDomainsOf(a.environmentId, a.serviceId),
    };
  },

  customDomainAvailable: (_p: unknown, a: { domain: string }, { world, access }: Ctx) => {
    access.requireAny();
    return customDomainAvailable(world, a.domain);
  },

  tcpProxies: (_p: unknown, a: { environmentId: string; serviceId: string }, ctx: Ctx) => {
    instanceIn(ctx, a.environmentId, a.serviceId);
    return ctx.world.state.tcpProxiesOf(a.environmentId, a.serviceId);
  },

  deployments: (
    _p: unknown,
    a: PageArgs & {
      input: {
        projectId?: string | null;
        environmentId?: string | null;
        serviceId?: string | null;
        status?: { in?: DeploymentStatus[] | null; notIn?: DeploymentStatus[] | null } | null;
      };
    },
    { world, access }: Ctx,
  ) => {
    const i = a.input;
    if (i.environmentId) access.environment(i.environmentId, i.projectId);
    else if (i.projectId) access.project(i.projectId);
    else throw new EmuError('Problem processing request');
    let list = world.state
      .deploymentsOf({
        environmentId: i.environmentId ?? undefined,
        serviceId: i.serviceId ?? undefined,
        projectId: i.projectId ?? undefined,
      })
      .filter((d) => {
        const e = world.state.environments.get(d.environmentId);
        return !!e && access.canSeeEnvironment(e);
      });
    if (i.status?.in) list = list.filter((d) => i.status!.in!.includes(d.status));
    if (i.status?.notIn) list = list.filter((d) => !i.status!.notIn!.includes(d.status));
    return connection(list, a);
  },

  deployment: (_p: unknown, a: { id: string }, { world, access }: Ctx) => {
    const d = world.state.deployments.get(a.id);
    if (!d) throw missing(a.id);
    access.environment(d.environmentId);
    return d;
  },

  volumeInstance: (_p: unknown, a: { id: string }, { world, access }: Ctx) => {
    const v = world.state.volumeInstances.get(a.id);
    if (!v) throw missing(a.id);
    access.environment(v.environmentId);
    return v;
  },
};
