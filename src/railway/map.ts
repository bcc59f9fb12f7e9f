// Raw GraphQL shapes (as selected in ./operations.ts) → the domain types of ./types.ts.
import { registerSecrets } from '../util/secrets.js';
import type {
  DeploymentInfo,
  DeploymentStatus,
  DomainInfo,
  EnvironmentConfig,
  EnvironmentSummary,
  ServiceDomains,
  ServiceInstanceInfo,
  TcpProxyInfo,
  VolumeInstanceInfo,
} from './types.js';

export interface Connection<T> {
  edges: { node: T }[];
  pageInfo?: { hasNextPage: boolean; endCursor: string | null };
}

export function nodes<T>(conn: Connection<T> | null | undefined): T[] {
  return (conn?.edges ?? []).map((e) => e.node);
}

export interface RawEnvironment {
  id: string;
  name: string;
  projectId: string;
  isEphemeral: boolean;
  createdAt: string;
  updatedAt: string;
  unmergedChangesCount?: number | null;
  sourceEnvironment: { id: string; name: string } | null;
}

export function toEnvironmentSummary(e: RawEnvironment): EnvironmentSummary {
  return {
    id: e.id,
    name: e.name,
    projectId: e.projectId,
    isEphemeral: e.isEphemeral,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    sourceEnvironment: e.sourceEnvironment
      ? { id: e.sourceEnvironment.id, name: e.sourceEnvironment.name }
      : null,
  };
}

export interface RawDomain {
  id: string;
  domain: string;
  targetPort?: number | null;
}

export function toDomain(d: RawDomain): DomainInfo {
  return { id: d.id, domain: d.domain, targetPort: d.targetPort ?? null };
}

export function toDomains(
  d: { serviceDomains: RawDomain[]; customDomains: RawDomain[] } | null,
): ServiceDomains {
  return {
    serviceDomains: (d?.serviceDomains ?? []).map(toDomain),
    customDomains: (d?.customDomains ?? []).map(toDomain),
  };
}

export interface RawDeployment {
  id: string;
  status: DeploymentStatus;
  serviceId: string | null;
  environmentId: string;
  createdAt: string;
}

export function toDeployment(d: RawDeployment): DeploymentInfo {
  return {
    id: d.id,
    status: d.status,
    serviceId: d.serviceId ?? null,
    environmentId: d.environmentId,
    createdAt: d.createdAt,
  };
}

// The same fields as ServiceInstanceInfo, except the nested shapes, which come raw.
export interface RawServiceInstance extends Omit<ServiceInstanceInfo, 'domains' | 'latestDeployment'> {
  domains: { serviceDomains: RawDomain[]; customDomains: RawDomain[] } | null;
  latestDeployment: RawDeployment | null;
}

export function toServiceInstance(s: RawServiceInstance): ServiceInstanceInfo {
  return {
    id: s.id,
    serviceId: s.serviceId,
    serviceName: s.serviceName,
    environmentId: s.environmentId,
    source: s.source ? { image: s.source.image ?? null, repo: s.source.repo ?? null } : null,
    startCommand: s.startCommand ?? null,
    buildCommand: s.buildCommand ?? null,
    rootDirectory: s.rootDirectory ?? null,
    healthcheckPath: s.healthcheckPath ?? null,
    numReplicas: s.numReplicas ?? null,
    region: s.region ?? null,
    restartPolicyType: s.restartPolicyType,
    domains: toDomains(s.domains),
    latestDeployment: s.latestDeployment ? toDeployment(s.latestDeployment) : null,
  };
}

export interface RawVolumeInstance {
  id: string;
  volumeId: string;
  serviceId: string | null;
  mountPath: string;
  sizeMB: number;
  currentSizeMB: number;
  state: string | null;
  volume: { id: string; name: string } | null;
}

export function toVolumeInstance(v: RawVolumeInstance): VolumeInstanceInfo {
  return {
    id: v.id,
    volumeId: v.volumeId,
    volumeName: v.volume?.name ?? '',
    serviceId: v.serviceId ?? null,
    mountPath: v.mountPath,
    sizeMB: v.sizeMB,
    currentSizeMB: v.currentSizeMB,
    state: v.state ?? null,
  };
}

export function toTcpProxy(p: TcpProxyInfo): TcpProxyInfo {
  return {
    id: p.id,
    domain: p.domain,
    proxyPort: p.proxyPort,
    applicationPort: p.applicationPort,
    serviceId: p.serviceId,
    environmentId: p.environmentId,
    syncStatus: p.syncStatus,
    createdAt: p.createdAt ?? null,
  };
}

function variableValues(vars: unknown): string[] {
  if (!vars || typeof vars !== 'object') return [];
  const out: string[] = [];
  for (const v of Object.values(vars as Record<string, unknown>)) {
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object') {
      const { value, defaultValue } = v as { value?: unknown; defaultValue?: unknown };
      if (typeof value === 'string') out.push(value);
      if (typeof defaultValue === 'string') out.push(defaultValue);
    }
  }
  return out;
}

/** Registers every variable value in an environment config (or patch) as a secret. */
export function registerConfigSecrets(config: EnvironmentConfig | null | undefined): void {
  if (!config || typeof config !== 'object') return;
  registerSecrets(variableValues(config.sharedVariables));
  for (const svc of Object.values(config.services ?? {})) {
    if (svc && typeof svc === 'object')
      registerSecrets(variableValues((svc as { variables?: unknown }).variables));
  }
}
