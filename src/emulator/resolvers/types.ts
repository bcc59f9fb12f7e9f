// Field resolvers of the object types: records in state → the shapes of Railway's schema.
import { createHash } from 'node:crypto';
import { buildConfig, configEtag, countChanges } from '../config.js';
import { activeDeployments } from '../deployments.js';
import type {
  DeploymentRec,
  DomainRec,
  EnvironmentRec,
  PatchRec,
  ProjectRec,
  ServiceInstanceRec,
  ServiceRec,
  TokenRec,
  VolumeInstanceRec,
  VolumeRec,
  WorkspaceRec,
} from '../state.js';
import { connection } from './connection.js';
import type { Ctx, PageArgs } from './context.js';

type R<P> = Record<string, (parent: P, args: never, ctx: Ctx) => unknown>;

const maskValues = (config: unknown): unknown =>
  JSON.parse(JSON.stringify(config, (k, v) => (k === 'value' ? undefined : v)));

const Project: R<ProjectRec> = {
  workspace: (p, _a, { world }) => world.state.workspaces.get(p.workspaceId) ?? null,
  environments: (
    p,
    a: PageArgs & { isEphemeral?: boolean | null; sort?: 'asc' | 'desc' | null },
    { world, access },
  ) => {
    let envs = world.state.environmentsOf(p.id).filter((e) => access.canSeeEnvironment(e));
    if (typeof a.isEphemeral === 'boolean') envs = envs.filter((e) => e.isEphemeral === a.isEphemeral);
    if (a.sort === 'desc') envs = envs.reverse();
    return connection(envs, a);
  },
  services: (p, a: PageArgs, { world }) => connection(world.state.servicesOf(p.id), a),
  volumes: (p, a: PageArgs, { world }) =>
    connection(
      [...world.state.volumes.values()].filter((v) => v.projectId === p.id),
      a,
    ),
  buckets: (_p, a: PageArgs) => connection([], a),
  isTempProject: () => false,
  expiredAt: () => null,
  baseEnvironmentId: () => null,
  baseEnvironment: () => null,
  primaryEnvironmentId: (p, _a, { world }) =>
    world.state.environmentsOf(p.id).find((e) => !e.isEphemeral)?.id ?? null,
  botPrEnvironments: () => false,
  focusedPrEnvironments: () => false,
};

const Workspace: R<WorkspaceRec> = {
  updatedAt: (w) => w.createdAt,
  projects: (w, a: PageArgs, { world }) =>
    connection(
      [...world.state.projects.values()].filter((p) => p.workspaceId === w.id),
      a,
    ),
};

const Environment: R<EnvironmentRec> = {
  deletedAt: () => null,
  canAccess: () => true,
  meta: () => null,
  sourceEnvironment: (e, _a, { world }) =>
    e.sourceEnvironmentId ? (world.state.environments.get(e.sourceEnvironmentId) ?? null) : null,
  unmergedChangesCount: (e, _a, { world }) => {
    const staged = world.state.stagedPatch(e.id);
    return staged ? countChanges(staged.patch) : 0;
  },
  config: (e, a: { decryptVariables?: boolean | null }, { world }) => {
    const config = buildConfig(world.state, e.id, a.decryptVariables === true);
    return config;
  },
  configEtag: (e, _a, { world }) => configEtag(world.state, e.id),
  serviceInstances: (e, a: PageArgs, { world }) => connection(world.state.instancesOf(e.id), a),
  deployments: (e, a: PageArgs, { world }) =>
    connection(world.state.deploymentsOf({ environmentId: e.id }), a),
  volumeInstances: (e, a: PageArgs, { world }) => connection(world.state.volumeInstancesOf(e.id), a),
  variables: (e, a: PageArgs, { world }) => {
    const nodes = [];
    for (const scope of [null, ...world.state.instancesOf(e.id).map((i) => i.serviceId)]) {
      for (const [name, v] of world.state.vars(e.id, scope)) {
        nodes.push({
          id: createHash('sha1')
            .update(`${e.id}|${scope ?? ''}|${name}`)
            .digest('hex'),
          name,
          isSealed: v.sealed,
          environmentId: e.id,
          serviceId: scope,
          references: v.sealed ? [] : [...v.value.matchAll(/\$\{\{\s*([^}]+?)\s*\}\}/g)].map((m) => m[1]!),
          createdAt: v.createdAt,
          updatedAt: v.updatedAt,
        });
      }
    }
    return connection(nodes, a);
  },
};

const Service: R<ServiceRec> = {
  project: (s, _a, { world }) => world.state.projects.get(s.projectId),
  deletedAt: () => null,
  templateId: () => null,
  templateServiceId: () => null,
  isRestricted: () => false,
  groupId: () => null,
};

const ServiceInstance: R<ServiceInstanceRec> = {
  serviceName: (i, _a, { world }) => world.state.services.get(i.serviceId)?.name ?? '',
  service: (i, _a, { world }) => world.state.services.get(i.serviceId),
  source: (i) => (i.source ? { image: i.source.image, repo: i.source.repo } : null),
  domains: (i, _a, { world }) => ({
    serviceDomains: world.state.serviceDomainsOf(i.environmentId, i.serviceId),
    customDomains: world.state.customDomainsOf(i.environmentId, i.serviceId),
  }),
  latestDeployment: (i, _a, { world }) =>
    world.state.deploymentsOf({ environmentId: i.environmentId, serviceId: i.serviceId })[0] ?? null,
  activeDeployments: (i, _a, { world }) => activeDeployments(world, i.environmentId, i.serviceId),
  nextCronRunAt: () => null,
  isUpdatable: () => false,
  upstreamUrl: () => null,
  ipv6EgressEnabled: () => false,
  nixpacksPlan: () => null,
  deletedAt: () => null,
};

const Deployment: R<DeploymentRec> = {
  service: (d, _a, { world }) => world.state.services.get(d.serviceId),
  environment: (d, _a, { world }) => world.state.environments.get(d.environmentId),
  staticUrl: (d, _a, { world }) =>
    world.state.serviceDomainsOf(d.environmentId, d.serviceId)[0]?.domain ?? null,
  url: (d, _a, { world }) => {
    const domain = world.state.serviceDomainsOf(d.environmentId, d.serviceId)[0]?.domain;
    return domain ? `https://${domain}` : null;
  },
  canRedeploy: () => true,
  canRollback: (d) => d.status === 'REMOVED',
  deploymentStopped: (d) => d.status === 'REMOVED',
  instances: (d) => [
    {
      id: `${d.id.slice(0, 8)}-0`,
      status: d.status === 'SUCCESS' ? 'RUNNING' : d.status === 'REMOVED' ? 'REMOVED' : 'INITIALIZING',
    },
  ],
  snapshotId: () => null,
  suggestAddServiceDomain: () => false,
};

const ServiceDomain: R<DomainRec> = {
  suffix: () => 'up.railway.app',
  syncStatus: () => 'ACTIVE',
  deletedAt: () => null,
};

const CustomDomain: R<DomainRec> = {
  isRailwayDomain: () => false,
  syncStatus: () => 'ACTIVE',
  deletedAt: () => null,
  status: () => ({
    dnsRecords: [],
    verificationToken: null,
    verificationDnsHost: null,
    verified: true,
    certificateStatus: 'CERTIFICATE_STATUS_TYPE_VALID',
  }),
};

const TCPProxy = { deletedAt: () => null };

const VolumeInstance: R<VolumeInstanceRec> = {
  volume: (v, _a, { world }) => world.state.volumes.get(v.volumeId),
  environment: (v, _a, { world }) => world.state.environments.get(v.environmentId),
  service: (v, _a, { world }) => (v.serviceId ? world.state.services.get(v.serviceId) : null),
  externalId: () => null,
  isPendingDeletion: () => false,
  deletedAt: () => null,
};

const Volume: R<VolumeRec> = { project: (v, _a, { world }) => world.state.projects.get(v.projectId) };

const EnvironmentPatch: R<PatchRec> = {
  environment: (p, _a, { world }) => world.state.environments.get(p.environmentId),
  patch: (p, a: { decryptVariables?: boolean | null }) =>
    a.decryptVariables ? p.patch : maskValues(p.patch),
};

const ProjectToken: R<TokenRec & { kind: 'project' }> = {
  displayToken: (t) => `${t.token.slice(0, 4)}…${t.token.slice(-4)}`,
  project: (t, _a, { world }) => world.state.projects.get(t.projectId),
  environment: (t, _a, { world }) => world.state.environments.get(t.environmentId),
};

const User = {
  workspaces: (_u: unknown, _a: unknown, { world }: Ctx) => [...world.state.workspaces.values()],
};

export const typeResolvers = {
  Project,
  Workspace,
  Environment,
  Service,
  ServiceInstance,
  Deployment,
  ServiceDomain,
  CustomDomain,
  TCPProxy,
  VolumeInstance,
  Volume,
  EnvironmentPatch,
  ProjectToken,
  User,
};
