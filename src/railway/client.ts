// RailwayApi over Railway's public GraphQL API v2 (graphql-request), with retries, typed errors
// and secret registration. See ./operations.ts for every document it sends.
import { ValidationError } from '../util/errors.js';
import { createLogger } from '../util/log.js';
import { registerPublic, registerSecret, registerSecrets } from '../util/secrets.js';
import { RailwayApiError, RailwayAuthError, RailwayConflictError } from './errors.js';
import {
  nodes,
  registerConfigSecrets,
  toDeployment,
  toDomain,
  toDomains,
  toEnvironmentSummary,
  toServiceInstance,
  toTcpProxy,
  toVolumeInstance,
  type Connection,
  type RawDeployment,
  type RawDomain,
  type RawEnvironment,
  type RawServiceInstance,
  type RawVolumeInstance,
} from './map.js';
import * as ops from './operations.js';
import { DEFAULT_RETRY, realSleep, type RetryPolicy, type Sleep } from './retry.js';
import { Transport } from './transport.js';
import type {
  CreateEnvironmentInput,
  CreateServiceInput,
  ServiceInstanceSettings,
  ServiceSummary,
  DeploymentInfo,
  DeploymentStatus,
  DomainInfo,
  EnvironmentConfig,
  EnvironmentDetails,
  EnvironmentPatchInfo,
  EnvironmentSummary,
  ProjectSummary,
  RailwayApi,
  ServiceDomains,
  TcpProxyInfo,
  TokenIdentity,
  VariableMap,
  VariablesScope,
} from './types.js';

export const DEFAULT_ENDPOINT = 'https://backboard.railway.com/graphql/v2';
export const DEFAULT_TIMEOUT_MS = 90_000;

export interface RailwayClientOptions {
  endpoint?: string;
  /** Account or workspace token, sent as `Authorization: Bearer`. */
  apiToken?: string;
  /** Project token, sent as `Project-Access-Token`. Used only when no apiToken is given. */
  projectToken?: string;
  retry?: Partial<RetryPolicy>;
  /** Per HTTP attempt. Railway's CLI uses 90 s: duplicating a big environment is slow. */
  timeoutMs?: number;
  /** Injected in tests so retries and polls take no real time. */
  sleep?: Sleep;
  /** enableTcpProxy: how often and how long to poll for the new proxy. */
  tcpProxyPoll?: { intervalMs?: number; timeoutMs?: number };
}

const log = createLogger('railway');
let warnedBothTokens = false;
/** Tolerated clock difference between us and Railway when deciding "created by this call". */
const CLOCK_SKEW_MS = 120_000;

/** Options for the deployments list beyond the RailwayApi contract. */
export interface ListDeploymentsInput {
  projectId?: string;
  environmentId: string;
  serviceId?: string;
  /** Only these statuses (`DeploymentStatusInput.in`). */
  statuses?: DeploymentStatus[];
  /** Most recent first; at most this many (default 100). */
  limit?: number;
}

export class RailwayClient implements RailwayApi {
  private readonly transport: Transport;
  private readonly sleep: Sleep;
  private readonly mode: 'api' | 'project';
  private readonly tcpPoll: { intervalMs: number; timeoutMs: number };

  constructor(options: RailwayClientOptions) {
    const apiToken = options.apiToken?.trim() || undefined;
    const projectToken = options.projectToken?.trim() || undefined;
    if (!apiToken && !projectToken) {
      throw new ValidationError(
        'RAILWAY_API_TOKEN',
        'No Railway token: set RAILWAY_API_TOKEN (an account or workspace token) or RAILWAY_TOKEN (a project token).',
      );
    }
    registerSecret(apiToken);
    registerSecret(projectToken);
    // Never send both headers. With both tokens we use the account/workspace token: cloning needs
    // account-level calls (environmentCreate/Delete) that a project token cannot make, and the
    // account token can do everything the project token can. (The Railway CLI prefers
    // RAILWAY_TOKEN instead, which would make every clone fail with "Not Authorized".)
    if (apiToken && projectToken && !warnedBothTokens) {
      warnedBothTokens = true;
      log.warn(
        'Both RAILWAY_API_TOKEN and RAILWAY_TOKEN are set; using RAILWAY_API_TOKEN and ignoring RAILWAY_TOKEN.',
      );
    }
    this.mode = apiToken ? 'api' : 'project';
    const headers: Record<string, string> = { 'user-agent': 'railclone', 'x-source': 'railclone' };
    if (apiToken) headers.authorization = `Bearer ${apiToken}`;
    else headers['project-access-token'] = projectToken as string;

    const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
    for (const [k, v] of Object.entries(retry)) {
      if (!Number.isInteger(v) || v < 0) {
        throw new ValidationError(`retry.${k}`, `retry.${k} must be a whole number ≥ 0`, { provided: v });
      }
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new ValidationError('timeoutMs', 'timeoutMs must be a positive whole number of milliseconds', {
        provided: timeoutMs,
      });
    }
    const endpoint = options.endpoint ?? DEFAULT_ENDPOINT;
    assertHttpUrl(endpoint, 'endpoint');
    this.sleep = options.sleep ?? realSleep;
    this.tcpPoll = {
      intervalMs: options.tcpProxyPoll?.intervalMs ?? 2_000,
      timeoutMs: options.tcpProxyPoll?.timeoutMs ?? 120_000,
    };
    this.transport = new Transport({
      endpoint,
      headers,
      tokenVariable: apiToken ? 'RAILWAY_API_TOKEN' : 'RAILWAY_TOKEN',
      retry,
      timeoutMs,
      sleep: this.sleep,
    });
  }

  /** Which header this client authenticates with. */
  get authMode(): 'api' | 'project' {
    return this.mode;
  }

  // ---- token ----

  async whoami(): Promise<TokenIdentity> {
    if (this.mode === 'project') {
      type R = {
        projectToken: {
          projectId: string;
          environmentId: string;
          project: { name: string };
          environment: { name: string };
        };
      };
      const r = await this.transport.call<R>(
        ops.ProjectTokenInfo,
        {},
        { resource: 'its own project (projectToken)' },
      );
      const t = r.projectToken;
      return {
        kind: 'project',
        projectId: t.projectId,
        environmentId: t.environmentId,
        projectName: t.project.name,
        environmentName: t.environment.name,
      };
    }
    try {
      const r = await this.transport.call<{ me: { id: string; name: string | null; email: string } }>(
        ops.Me,
        {},
        { resource: 'the account (me)' },
      );
      return { kind: 'account', user: { id: r.me.id, name: r.me.name ?? null, email: r.me.email } };
    } catch (err) {
      // `me` refuses workspace tokens; apiToken works for both kinds.
      if (!(err instanceof RailwayAuthError)) throw err;
    }
    const r = await this.transport.call<{ apiToken: { workspaces: { id: string; name: string }[] } }>(
      ops.ApiTokenWorkspaces,
      {},
      { resource: 'any workspace (the token is not valid)' },
    );
    return { kind: 'workspace', workspaces: r.apiToken.workspaces.map((w) => ({ id: w.id, name: w.name })) };
  }

  // ---- projects ----

  async getProject(projectId: string): Promise<ProjectSummary> {
    type P = {
      id: string;
      name: string;
      workspaceId: string | null;
      environments: Connection<RawEnvironment>;
      services: Connection<{ id: string; name: string }>;
    };
    const resource = `project ${projectId}`;
    const { project } = await this.transport.call<{ project: P }>(
      ops.Project,
      { id: projectId, first: ops.PAGE_SIZE },
      { resource },
    );
    const environments = project.environments.pageInfo?.hasNextPage
      ? await this.listEnvironments(projectId)
      : nodes(project.environments).map(toEnvironmentSummary);
    const services = nodes(project.services);
    let page = project.services.pageInfo;
    while (page?.hasNextPage) {
      const r = await this.transport.call<{
        project: { services: Connection<{ id: string; name: string }> };
      }>(
        ops.ProjectServicesPage,
        { id: projectId, first: ops.PAGE_SIZE, after: page.endCursor },
        { resource },
      );
      services.push(...nodes(r.project.services));
      page = r.project.services.pageInfo;
    }
    for (const e of environments) registerPublic(e.name);
    for (const s of services) registerPublic(s.name);
    return {
      id: project.id,
      name: project.name,
      workspaceId: project.workspaceId ?? null,
      environments,
      services: services.map((s) => ({ id: s.id, name: s.name })),
    };
  }

  async createProject(input: {
    name: string;
    workspaceId?: string;
    defaultEnvironmentName?: string;
  }): Promise<{ id: string; name: string }> {
    const startedAt = Date.now();
    const vars = {
      input: definedOnly({
        name: input.name,
        workspaceId: input.workspaceId,
        defaultEnvironmentName: input.defaultEnvironmentName,
      }),
    };
    const r = await this.transport.call<{ projectCreate: { id: string; name: string } }>(
      ops.ProjectCreate,
      vars,
      {
        resource: `new project "${input.name}"`,
        // Project names are not unique: only a project of that name created since we started counts.
        recover: async () => {
          const found = await this.findRecentProject(input.name, input.workspaceId, startedAt);
          return found ? { projectCreate: found } : undefined;
        },
      },
    );
    return { id: r.projectCreate.id, name: r.projectCreate.name };
  }

  private async findRecentProject(name: string, workspaceId: string | undefined, since: number) {
    type R = { projects: Connection<{ id: string; name: string; createdAt: string }> };
    // Newest first; one page is plenty to find something created seconds ago.
    const r = await this.transport.call<R>(
      ops.Projects,
      { workspaceId, first: 50 },
      { resource: 'the project list' },
    );
    return nodes(r.projects).find((p) => p.name === name && Date.parse(p.createdAt) >= since - CLOCK_SKEW_MS);
  }

  async deleteProject(projectId: string): Promise<void> {
    await this.transport.call<{ projectDelete: boolean }>(
      ops.ProjectDelete,
      { id: projectId },
      {
        resource: `project ${projectId}`,
        goneMeansDone: { projectDelete: true },
      },
    );
  }

  async listProjects(
    opts: { workspaceId?: string } = {},
  ): Promise<{ id: string; name: string; createdAt: string }[]> {
    type R = { projects: Connection<{ id: string; name: string; createdAt: string }> };
    const out: { id: string; name: string; createdAt: string }[] = [];
    let after: string | null | undefined;
    for (;;) {
      const r = await this.transport.call<R>(
        ops.Projects,
        { workspaceId: opts.workspaceId, first: ops.PAGE_SIZE, after },
        { resource: 'the project list' },
      );
      out.push(...nodes(r.projects).map((p) => ({ id: p.id, name: p.name, createdAt: p.createdAt })));
      if (!r.projects.pageInfo?.hasNextPage) break;
      after = r.projects.pageInfo.endCursor;
    }
    for (const p of out) registerPublic(p.name);
    return out;
  }

  // ---- services and volumes ----

  async createService(input: CreateServiceInput): Promise<ServiceSummary & { projectId: string }> {
    const startedAt = Date.now();
    registerPublic(input.name);
    registerSecrets(Object.values(input.variables ?? {}));
    const vars = {
      input: definedOnly({
        projectId: input.projectId,
        name: input.name,
        source: input.source
          ? definedOnly({ image: input.source.image, repo: input.source.repo })
          : undefined,
        branch: input.branch,
        environmentId: input.environmentId,
        variables: input.variables,
      }),
    };
    type S = { id: string; name: string; projectId: string; createdAt: string };
    const r = await this.transport.call<{ serviceCreate: S }>(ops.ServiceCreate, vars, {
      resource: `service "${input.name}" in project ${input.projectId}`,
      // Service names are unique per project: one of this name created since we started is ours;
      // an older one is someone else's and must never be claimed.
      recover: async () => {
        const found = (await this.projectServicesCreated(input.projectId)).find((x) => x.name === input.name);
        if (!found) return undefined;
        if (Date.parse(found.createdAt) < startedAt - CLOCK_SKEW_MS) {
          throw new RailwayConflictError(
            `service "${input.name}" already existed in project ${input.projectId} (created ${found.createdAt}) before this create, whose answer was lost.`,
            { serviceId: found.id, projectId: input.projectId },
          );
        }
        log.info(
          `serviceCreate of "${input.name}" did happen before the connection failed; using ${found.id}`,
        );
        return { serviceCreate: { ...found, projectId: input.projectId } };
      },
    });
    return { id: r.serviceCreate.id, name: r.serviceCreate.name, projectId: r.serviceCreate.projectId };
  }

  private async projectServicesCreated(
    projectId: string,
  ): Promise<{ id: string; name: string; createdAt: string }[]> {
    type R = { project: { services: Connection<{ id: string; name: string; createdAt: string }> } };
    const out: { id: string; name: string; createdAt: string }[] = [];
    let after: string | null | undefined;
    for (;;) {
      const r = await this.transport.call<R>(
        ops.ProjectServicesCreated,
        { id: projectId, first: ops.PAGE_SIZE, after },
        { resource: `project ${projectId}` },
      );
      out.push(...nodes(r.project.services));
      if (!r.project.services.pageInfo?.hasNextPage) return out;
      after = r.project.services.pageInfo.endCursor;
    }
  }

  async updateServiceInstance(input: {
    environmentId: string;
    serviceId: string;
    settings: ServiceInstanceSettings;
  }): Promise<void> {
    const settings = definedOnly({
      ...input.settings,
      source: input.settings.source ? definedOnly({ ...input.settings.source }) : undefined,
    });
    await this.transport.call(
      ops.ServiceInstanceUpdate,
      { serviceId: input.serviceId, environmentId: input.environmentId, input: settings },
      {
        resource: `service ${input.serviceId} in environment ${input.environmentId}`,
      },
    );
  }

  async updateServiceInstanceLimits(input: {
    environmentId: string;
    serviceId: string;
    vCPUs?: number;
    memoryGB?: number;
  }): Promise<void> {
    await this.transport.call(
      ops.ServiceInstanceLimitsUpdate,
      { input: definedOnly({ ...input }) },
      {
        resource: `service ${input.serviceId} in environment ${input.environmentId}`,
      },
    );
  }

  async createVolume(input: {
    projectId: string;
    environmentId: string;
    serviceId: string;
    mountPath: string;
    region?: string;
  }): Promise<{ id: string; name: string }> {
    // Volumes have no name we choose: remember the service's instances before, so a new one at this
    // mount path after a lost answer is ours.
    const instances = async () =>
      (await this.getEnvironment(input.environmentId, input.projectId)).volumeInstances.filter(
        (v) => v.serviceId === input.serviceId && v.mountPath === input.mountPath,
      );
    const before = new Set((await instances()).map((v) => v.volumeId));
    const r = await this.transport.call<{ volumeCreate: { id: string; name: string } }>(
      ops.VolumeCreate,
      { input: definedOnly({ ...input }) },
      {
        resource: `volume at ${input.mountPath} for service ${input.serviceId} in environment ${input.environmentId}`,
        recover: async () => {
          const created = (await instances()).find((v) => !before.has(v.volumeId));
          return created ? { volumeCreate: { id: created.volumeId, name: created.volumeName } } : undefined;
        },
      },
    );
    registerPublic(r.volumeCreate.name);
    return { id: r.volumeCreate.id, name: r.volumeCreate.name };
  }

  async deleteService(input: { serviceId: string; environmentId?: string }): Promise<void> {
    await this.transport.call(
      ops.ServiceDelete,
      { id: input.serviceId, environmentId: input.environmentId },
      {
        resource: `service ${input.serviceId}`,
        goneMeansDone: { serviceDelete: true },
      },
    );
  }

  // ---- environments ----

  async listEnvironments(
    projectId: string,
    opts: { isEphemeral?: boolean } = {},
  ): Promise<EnvironmentSummary[]> {
    const out: EnvironmentSummary[] = [];
    let after: string | null | undefined;
    for (;;) {
      const r = await this.transport.call<{ environments: Connection<RawEnvironment> }>(
        ops.Environments,
        { projectId, isEphemeral: opts.isEphemeral, first: ops.PAGE_SIZE, after },
        { resource: `project ${projectId}` },
      );
      out.push(...nodes(r.environments).map(toEnvironmentSummary));
      if (!r.environments.pageInfo?.hasNextPage) break;
      after = r.environments.pageInfo.endCursor;
    }
    for (const e of out) registerPublic(e.name);
    return out;
  }

  async findEnvironmentByName(projectId: string, name: string): Promise<EnvironmentSummary | null> {
    return (await this.listEnvironments(projectId)).find((e) => e.name === name) ?? null;
  }

  async getEnvironment(environmentId: string, projectId?: string): Promise<EnvironmentDetails> {
    type E = RawEnvironment & {
      serviceInstances: Connection<RawServiceInstance>;
      volumeInstances: Connection<RawVolumeInstance>;
    };
    const resource = `environment ${environmentId}`;
    const base = { id: environmentId, projectId, first: ops.PAGE_SIZE };
    const { environment: env } = await this.transport.call<{ environment: E }>(ops.Environment, base, {
      resource,
    });
    const services = nodes(env.serviceInstances);
    let page = env.serviceInstances.pageInfo;
    while (page?.hasNextPage) {
      const r = await this.transport.call<{
        environment: { serviceInstances: Connection<RawServiceInstance> };
      }>(ops.EnvironmentServiceInstancesPage, { ...base, after: page.endCursor }, { resource });
      services.push(...nodes(r.environment.serviceInstances));
      page = r.environment.serviceInstances.pageInfo;
    }
    const volumes = nodes(env.volumeInstances);
    page = env.volumeInstances.pageInfo;
    while (page?.hasNextPage) {
      const r = await this.transport.call<{
        environment: { volumeInstances: Connection<RawVolumeInstance> };
      }>(ops.EnvironmentVolumeInstancesPage, { ...base, after: page.endCursor }, { resource });
      volumes.push(...nodes(r.environment.volumeInstances));
      page = r.environment.volumeInstances.pageInfo;
    }
    registerPublic(env.name);
    return {
      ...toEnvironmentSummary(env),
      unmergedChangesCount: env.unmergedChangesCount ?? 0,
      serviceInstances: services.map(toServiceInstance),
      volumeInstances: volumes.map(toVolumeInstance),
    };
  }

  async getEnvironmentConfig(
    environmentId: string,
    opts: { decryptVariables?: boolean } = {},
  ): Promise<EnvironmentConfig> {
    const r = await this.transport.call<{ environment: { config: EnvironmentConfig } }>(
      ops.EnvironmentConfig,
      { id: environmentId, decryptVariables: opts.decryptVariables },
      { resource: `environment ${environmentId}` },
    );
    registerConfigSecrets(r.environment.config);
    return r.environment.config ?? {};
  }

  async createEnvironment(input: CreateEnvironmentInput): Promise<EnvironmentSummary> {
    const startedAt = Date.now();
    registerPublic(input.name);
    const vars = {
      input: definedOnly({
        projectId: input.projectId,
        name: input.name,
        sourceEnvironmentId: input.sourceEnvironmentId,
        ephemeral: input.ephemeral,
        skipInitialDeploys: input.skipInitialDeploys,
        stageInitialChanges: input.stageInitialChanges,
        applyChangesInBackground: input.applyChangesInBackground,
      }),
    };
    const r = await this.transport.call<{ environmentCreate: RawEnvironment }>(ops.EnvironmentCreate, vars, {
      resource: `environment "${input.name}" in project ${input.projectId}`,
      // Names are unique per project, so an environment of this name created since we started is
      // the one we created. An OLDER one is not ours: claiming it would let the caller treat (and
      // later overwrite or delete) someone else's environment as its own.
      recover: async () => {
        const found = await this.findEnvironmentByName(input.projectId, input.name);
        if (!found) return undefined;
        if (Date.parse(found.createdAt) < startedAt - CLOCK_SKEW_MS) {
          throw new RailwayConflictError(
            `environment "${input.name}" already existed in project ${input.projectId} (created ${found.createdAt}) ` +
              "before this create, whose answer was lost; it is not railclone's new environment.",
            { environmentId: found.id, projectId: input.projectId },
          );
        }
        log.info(
          `environmentCreate of "${input.name}" did happen before the connection failed; using ${found.id}`,
        );
        return { environmentCreate: { ...found, unmergedChangesCount: null } };
      },
    });
    return toEnvironmentSummary(r.environmentCreate);
  }

  async deleteEnvironment(environmentId: string): Promise<boolean> {
    const r = await this.transport.call<{ environmentDelete: boolean }>(
      ops.EnvironmentDelete,
      { id: environmentId },
      {
        resource: `environment ${environmentId}`,
        goneMeansDone: { environmentDelete: true },
      },
    );
    return r.environmentDelete;
  }

  // ---- staged changes and patches ----

  async stagedChanges(environmentId: string): Promise<EnvironmentPatchInfo> {
    const r = await this.transport.call<{ environmentStagedChanges: EnvironmentPatchInfo }>(
      ops.EnvironmentStagedChanges,
      { environmentId },
      { resource: `environment ${environmentId}` },
    );
    return toPatch(r.environmentStagedChanges);
  }

  async stageChanges(
    environmentId: string,
    patch: EnvironmentConfig,
    merge?: boolean,
  ): Promise<EnvironmentPatchInfo> {
    registerConfigSecrets(patch);
    const r = await this.transport.call<{ environmentStageChanges: EnvironmentPatchInfo }>(
      ops.EnvironmentStageChanges,
      { environmentId, input: patch, merge },
      { resource: `environment ${environmentId}` },
    );
    return toPatch(r.environmentStageChanges);
  }

  async commitPatch(environmentId: string, patch: EnvironmentConfig, message?: string): Promise<string> {
    registerConfigSecrets(patch);
    const r = await this.transport.call<{ environmentPatchCommit: string }>(
      ops.EnvironmentPatchCommit,
      { environmentId, patch, commitMessage: message },
      { resource: `environment ${environmentId}` },
    );
    return r.environmentPatchCommit;
  }

  async commitStaged(
    environmentId: string,
    opts: { skipDeploys?: boolean; message?: string } = {},
  ): Promise<string> {
    const r = await this.transport.call<{ environmentPatchCommitStaged: string }>(
      ops.EnvironmentPatchCommitStaged,
      { environmentId, skipDeploys: opts.skipDeploys, commitMessage: opts.message },
      { resource: `environment ${environmentId}` },
    );
    return r.environmentPatchCommitStaged;
  }

  // ---- variables ----

  async getVariables(scope: VariablesScope & { unrendered?: boolean }): Promise<VariableMap> {
    const r = await this.transport.call<{ variables: Record<string, unknown> }>(
      ops.Variables,
      {
        projectId: scope.projectId,
        environmentId: scope.environmentId,
        serviceId: scope.serviceId,
        unrendered: scope.unrendered,
      },
      { resource: variablesResource(scope) },
    );
    const out: VariableMap = {};
    for (const [name, value] of Object.entries(r.variables ?? {}))
      out[name] = value == null ? '' : String(value);
    // RAILWAY_* are Railway-provided ids, names and domains: public, and masking them would blind our logs.
    registerSecrets(
      Object.entries(out)
        .filter(([name]) => !name.startsWith('RAILWAY_'))
        .map(([, v]) => v),
    );
    return out;
  }

  async upsertVariables(
    scope: VariablesScope & { variables: VariableMap; replace?: boolean; skipDeploys?: boolean },
  ): Promise<void> {
    registerSecrets(Object.values(scope.variables));
    const input = definedOnly({
      projectId: scope.projectId,
      environmentId: scope.environmentId,
      serviceId: scope.serviceId,
      variables: scope.variables,
      replace: scope.replace,
      skipDeploys: scope.skipDeploys,
    });
    await this.transport.call(
      ops.VariableCollectionUpsert,
      { input },
      { resource: variablesResource(scope) },
    );
  }

  async deleteVariable(scope: VariablesScope & { name: string }): Promise<void> {
    const input = definedOnly({
      projectId: scope.projectId,
      environmentId: scope.environmentId,
      serviceId: scope.serviceId,
      name: scope.name,
    });
    await this.transport.call(
      ops.VariableDelete,
      { input },
      { resource: `variable ${scope.name} of ${variablesResource(scope)}` },
    );
  }

  // ---- domains ----

  async listDomains(scope: Required<VariablesScope>): Promise<ServiceDomains> {
    const r = await this.transport.call<{
      domains: { serviceDomains: RawDomain[]; customDomains: RawDomain[] };
    }>(
      ops.Domains,
      { projectId: scope.projectId, environmentId: scope.environmentId, serviceId: scope.serviceId },
      { resource: `service ${scope.serviceId} in environment ${scope.environmentId}` },
    );
    return toDomains(r.domains);
  }

  private async serviceInstanceDomains(environmentId: string, serviceId: string): Promise<ServiceDomains> {
    const r = await this.transport.call<{
      serviceInstance: { domains: { serviceDomains: RawDomain[]; customDomains: RawDomain[] } };
    }>(
      ops.ServiceInstanceDomains,
      { environmentId, serviceId },
      { resource: `service ${serviceId} in environment ${environmentId}` },
    );
    return toDomains(r.serviceInstance.domains);
  }

  async createServiceDomain(input: {
    environmentId: string;
    serviceId: string;
    targetPort?: number;
  }): Promise<DomainInfo> {
    // serviceDomainCreate's result cannot be found by name (Railway picks it), so remember what
    // existed before: a new domain after an ambiguous failure is ours.
    const before = new Set(
      (await this.serviceInstanceDomains(input.environmentId, input.serviceId)).serviceDomains.map(
        (d) => d.id,
      ),
    );
    const r = await this.transport.call<{ serviceDomainCreate: RawDomain }>(
      ops.ServiceDomainCreate,
      {
        input: definedOnly({
          environmentId: input.environmentId,
          serviceId: input.serviceId,
          targetPort: input.targetPort,
        }),
      },
      {
        resource: `service ${input.serviceId} in environment ${input.environmentId}`,
        recover: async () => {
          const now = await this.serviceInstanceDomains(input.environmentId, input.serviceId);
          const created = now.serviceDomains.find((d) => !before.has(d.id));
          return created ? { serviceDomainCreate: created } : undefined;
        },
      },
    );
    registerPublic(r.serviceDomainCreate.domain);
    return toDomain(r.serviceDomainCreate);
  }

  async deleteServiceDomain(id: string): Promise<void> {
    await this.transport.call(
      ops.ServiceDomainDelete,
      { id },
      { resource: `service domain ${id}`, goneMeansDone: { serviceDomainDelete: true } },
    );
  }

  async customDomainAvailable(domain: string): Promise<{ available: boolean; message: string }> {
    const r = await this.transport.call<{ customDomainAvailable: { available: boolean; message: string } }>(
      ops.CustomDomainAvailable,
      { domain },
      { resource: `domain ${domain}` },
    );
    return { available: r.customDomainAvailable.available, message: r.customDomainAvailable.message };
  }

  async createCustomDomain(input: {
    projectId: string;
    environmentId: string;
    serviceId: string;
    domain: string;
    targetPort?: number;
  }): Promise<DomainInfo> {
    registerPublic(input.domain);
    const r = await this.transport.call<{ customDomainCreate: RawDomain }>(
      ops.CustomDomainCreate,
      { input: definedOnly({ ...input }) },
      {
        resource: `custom domain ${input.domain}`,
        recover: async () => {
          const now = await this.listDomains(input);
          const found = now.customDomains.find((d) => d.domain.toLowerCase() === input.domain.toLowerCase());
          return found ? { customDomainCreate: found } : undefined;
        },
      },
    );
    return toDomain(r.customDomainCreate);
  }

  async deleteCustomDomain(id: string): Promise<void> {
    await this.transport.call(
      ops.CustomDomainDelete,
      { id },
      { resource: `custom domain ${id}`, goneMeansDone: { customDomainDelete: true } },
    );
  }

  // ---- TCP proxies ----

  async listTcpProxies(input: { environmentId: string; serviceId: string }): Promise<TcpProxyInfo[]> {
    const r = await this.transport.call<{ tcpProxies: TcpProxyInfo[] }>(ops.TcpProxies, input, {
      resource: `service ${input.serviceId} in environment ${input.environmentId}`,
    });
    return r.tcpProxies.map(toTcpProxy);
  }

  async enableTcpProxy(input: {
    environmentId: string;
    serviceId: string;
    applicationPort: number;
  }): Promise<TcpProxyInfo> {
    const scope = { environmentId: input.environmentId, serviceId: input.serviceId };
    const matching = (list: TcpProxyInfo[]) => list.find((p) => p.applicationPort === input.applicationPort);
    const existing = matching(await this.listTcpProxies(scope));
    if (existing) return existing;

    // The current way (as the CLI does it): a networking patch. Committing it directly would also
    // commit someone's staged work, so with staged changes pending we stage ours alongside.
    const patch: EnvironmentConfig = {
      services: {
        [input.serviceId]: { networking: { tcpProxies: { [String(input.applicationPort)]: {} } } },
      },
    };
    const r = await this.transport.call<{ environment: { unmergedChangesCount: number | null } }>(
      ops.EnvironmentUnmergedChanges,
      { id: input.environmentId },
      { resource: `environment ${input.environmentId}` },
    );
    const staged = (r.environment.unmergedChangesCount ?? 0) > 0;
    if (staged) await this.stageChanges(input.environmentId, patch, true);
    else
      await this.commitPatch(
        input.environmentId,
        patch,
        `railclone: TCP proxy for port ${input.applicationPort}`,
      );

    const polls = Math.max(1, Math.ceil(this.tcpPoll.timeoutMs / this.tcpPoll.intervalMs));
    for (let i = 0; i < polls; i++) {
      const found = matching(await this.listTcpProxies(scope));
      if (found) return found;
      await this.sleep(this.tcpPoll.intervalMs);
    }
    throw new RailwayApiError(
      `The TCP proxy for port ${input.applicationPort} of service ${input.serviceId} did not appear within ` +
        `${Math.round(this.tcpPoll.timeoutMs / 1000)} s` +
        (staged
          ? ': it was STAGED because the environment has unmerged changes; commit them to create it.'
          : '.'),
      { environmentId: input.environmentId, serviceId: input.serviceId, staged },
    );
  }

  async deleteTcpProxy(id: string): Promise<void> {
    await this.transport.call(
      ops.TcpProxyDelete,
      { id },
      { resource: `TCP proxy ${id}`, goneMeansDone: { tcpProxyDelete: true } },
    );
  }

  // ---- deployments ----

  async listDeployments(input: ListDeploymentsInput): Promise<DeploymentInfo[]> {
    const limit = input.limit ?? 100;
    const listInput = definedOnly({
      projectId: input.projectId,
      environmentId: input.environmentId,
      serviceId: input.serviceId,
      status: input.statuses ? { in: input.statuses } : undefined,
    });
    const out: DeploymentInfo[] = [];
    let after: string | null | undefined;
    while (out.length < limit) {
      const r = await this.transport.call<{ deployments: Connection<RawDeployment> }>(
        ops.Deployments,
        { input: listInput, first: Math.min(limit - out.length, ops.PAGE_SIZE), after },
        { resource: `deployments of environment ${input.environmentId}` },
      );
      out.push(...nodes(r.deployments).map(toDeployment));
      if (!r.deployments.pageInfo?.hasNextPage) break;
      after = r.deployments.pageInfo.endCursor;
    }
    return out.slice(0, limit);
  }

  async redeployService(input: { environmentId: string; serviceId: string }): Promise<void> {
    await this.transport.call(ops.ServiceInstanceRedeploy, input, {
      resource: `service ${input.serviceId} in environment ${input.environmentId}`,
    });
  }
}

// ---- helpers ----

function toPatch(p: EnvironmentPatchInfo): EnvironmentPatchInfo {
  const patch = (p.patch ?? {}) as EnvironmentConfig;
  registerConfigSecrets(patch);
  return { id: p.id, status: p.status, patch };
}

function variablesResource(scope: VariablesScope): string {
  return scope.serviceId
    ? `variables of service ${scope.serviceId} in environment ${scope.environmentId}`
    : `shared variables of environment ${scope.environmentId}`;
}

/** Leaves out undefined fields so Railway applies its own defaults. */
function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function assertHttpUrl(value: string, field: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(field, `${field} must be an http(s) URL such as ${DEFAULT_ENDPOINT}`, {
      provided: value,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError(field, `${field} must be an http(s) URL such as ${DEFAULT_ENDPOINT}`, {
      provided: value,
      allowed: ['http:', 'https:'],
    });
  }
}

/**
 * Builds a client from the environment, as the Railway CLI names things:
 * - RAILWAY_API_TOKEN: account or workspace token (Authorization: Bearer). Needed to create/delete environments.
 * - RAILWAY_TOKEN: project token (Project-Access-Token). If both are set, RAILWAY_API_TOKEN wins (see constructor).
 * - RAILWAY_API_URL: endpoint override (the emulator), an http(s) URL.
 * - RAILWAY_HTTP_TIMEOUT: seconds per HTTP attempt, a positive integer (default 90).
 */
export function railwayClientFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  extra: Omit<RailwayClientOptions, 'apiToken' | 'projectToken' | 'endpoint' | 'timeoutMs'> = {},
): RailwayClient {
  const apiToken = readToken(env, 'RAILWAY_API_TOKEN');
  const projectToken = readToken(env, 'RAILWAY_TOKEN');
  if (!apiToken && !projectToken) {
    throw new ValidationError(
      'RAILWAY_API_TOKEN',
      'RAILWAY_API_TOKEN is not set. Set it to a Railway account or workspace token (Account Settings → Tokens); ' +
        'RAILWAY_TOKEN (a project token) is accepted for read-only use.',
    );
  }
  let endpoint: string | undefined;
  const rawUrl = env.RAILWAY_API_URL?.trim();
  if (rawUrl) {
    assertHttpUrl(rawUrl, 'RAILWAY_API_URL');
    endpoint = rawUrl;
  }
  let timeoutMs: number | undefined;
  const rawTimeout = env.RAILWAY_HTTP_TIMEOUT?.trim();
  if (rawTimeout) {
    if (!/^\d+$/.test(rawTimeout) || Number(rawTimeout) <= 0 || Number(rawTimeout) > 3600) {
      throw new ValidationError(
        'RAILWAY_HTTP_TIMEOUT',
        'RAILWAY_HTTP_TIMEOUT must be a whole number of seconds between 1 and 3600',
        { provided: rawTimeout },
      );
    }
    timeoutMs = Number(rawTimeout) * 1000;
  }
  return new RailwayClient({ ...extra, apiToken, projectToken, endpoint, timeoutMs });
}

function readToken(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = raw.trim();
  registerSecret(value);
  if (/\s/.test(value)) {
    // Never echo the value: it is a secret even when malformed.
    throw new ValidationError(name, `${name} must be a single token without spaces or line breaks`);
  }
  return value;
}
