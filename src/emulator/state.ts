// The emulator's in-memory world. Project-level records (services, volumes) are shared by every
// environment; per-environment records (instances, variables, domains, proxies) are keyed by env.
import type { DeploymentStatus, EnvironmentConfig } from '../railway/types.js';

export type Timestamp = string;

export interface WorkspaceRec {
  id: string;
  name: string;
  createdAt: Timestamp;
}

export interface UserRec {
  id: string;
  name: string;
  email: string;
}

export interface ProjectRec {
  id: string;
  name: string;
  description: string | null;
  workspaceId: string;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  deletedAt: Timestamp | null;
  isPublic: boolean;
  prDeploys: boolean;
}

export interface EnvironmentRec {
  id: string;
  projectId: string;
  name: string;
  isEphemeral: boolean;
  sourceEnvironmentId: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  /** Bumped on every committed change; the configEtag is derived from it. */
  revision: number;
}

export interface ServiceRec {
  id: string;
  projectId: string;
  name: string;
  icon: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

/** Build and deploy settings of a service in one environment; mirrors the config blob's `deploy`/`build`. */
export interface InstanceSettings {
  builder: 'HEROKU' | 'NIXPACKS' | 'PAKETO' | 'RAILPACK';
  buildCommand: string | null;
  startCommand: string | null;
  rootDirectory: string | null;
  dockerfilePath: string | null;
  railwayConfigFile: string | null;
  healthcheckPath: string | null;
  healthcheckTimeout: number | null;
  numReplicas: number | null;
  region: string | null;
  restartPolicyType: 'ALWAYS' | 'NEVER' | 'ON_FAILURE';
  restartPolicyMaxRetries: number;
  sleepApplication: boolean | null;
  cronSchedule: string | null;
  preDeployCommand: string[] | null;
  watchPatterns: string[];
  drainingSeconds: number | null;
  overlapSeconds: number | null;
}

export interface ServiceInstanceRec extends InstanceSettings {
  id: string;
  serviceId: string;
  environmentId: string;
  source: { image: string | null; repo: string | null; branch: string | null } | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface VariableRec {
  value: string;
  sealed: boolean;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface VolumeRec {
  id: string;
  projectId: string;
  name: string;
  createdAt: Timestamp;
}

export interface VolumeInstanceRec {
  id: string;
  volumeId: string;
  environmentId: string;
  serviceId: string | null;
  mountPath: string;
  sizeMB: number;
  currentSizeMB: number;
  region: string | null;
  state: 'READY';
  createdAt: Timestamp;
}

export interface DomainRec {
  id: string;
  domain: string;
  environmentId: string;
  serviceId: string;
  projectId: string;
  targetPort: number | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface TcpProxyRec {
  id: string;
  domain: string;
  proxyPort: number;
  applicationPort: number;
  serviceId: string;
  environmentId: string;
  /** CREATING until it forwards; DELETING while a delete runs (Railway's TCPProxySyncStatus). */
  syncStatus: 'CREATING' | 'ACTIVE' | 'DELETING';
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface DeploymentRec {
  /** Creation order; timestamps can tie within a millisecond. */
  seq: number;
  id: string;
  projectId: string;
  environmentId: string;
  serviceId: string;
  status: DeploymentStatus;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  statusUpdatedAt: Timestamp;
  meta: Record<string, unknown>;
}

export interface PatchRec {
  id: string;
  environmentId: string;
  status: 'APPLYING' | 'COMMITTED' | 'STAGED';
  patch: EnvironmentConfig;
  message: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  appliedAt: Timestamp | null;
  lastAppliedError: string | null;
}

export type TokenRec =
  | { kind: 'account'; token: string; userId: string }
  | { kind: 'workspace'; token: string; workspaceId: string }
  | {
      kind: 'project';
      token: string;
      id: string;
      name: string;
      projectId: string;
      environmentId: string;
      createdAt: Timestamp;
    };

/** Key of per-(environment, service) maps; `serviceId` null = shared variables. */
export const scopeKey = (environmentId: string, serviceId: string | null): string =>
  `${environmentId}|${serviceId ?? ''}`;

export class EmulatorState {
  readonly users = new Map<string, UserRec>();
  readonly workspaces = new Map<string, WorkspaceRec>();
  readonly projects = new Map<string, ProjectRec>();
  readonly environments = new Map<string, EnvironmentRec>();
  readonly services = new Map<string, ServiceRec>();
  /** by scopeKey(env, service) */
  readonly instances = new Map<string, ServiceInstanceRec>();
  /** by scopeKey(env, service | null) → name → variable */
  readonly variables = new Map<string, Map<string, VariableRec>>();
  readonly volumes = new Map<string, VolumeRec>();
  readonly volumeInstances = new Map<string, VolumeInstanceRec>();
  readonly serviceDomains = new Map<string, DomainRec>();
  readonly customDomains = new Map<string, DomainRec>();
  readonly tcpProxies = new Map<string, TcpProxyRec>();
  readonly deployments = new Map<string, DeploymentRec>();
  readonly patches = new Map<string, PatchRec>();
  readonly tokens = new Map<string, TokenRec>();

  environmentsOf(projectId: string): EnvironmentRec[] {
    return [...this.environments.values()].filter((e) => e.projectId === projectId).sort(byCreated);
  }

  servicesOf(projectId: string): ServiceRec[] {
    return [...this.services.values()].filter((s) => s.projectId === projectId).sort(byCreated);
  }

  instancesOf(environmentId: string): ServiceInstanceRec[] {
    return [...this.instances.values()].filter((i) => i.environmentId === environmentId).sort(byCreated);
  }

  instance(environmentId: string, serviceId: string): ServiceInstanceRec | undefined {
    return this.instances.get(scopeKey(environmentId, serviceId));
  }

  serviceByName(projectId: string, name: string): ServiceRec | undefined {
    return this.servicesOf(projectId).find((s) => s.name === name);
  }

  vars(environmentId: string, serviceId: string | null): Map<string, VariableRec> {
    const key = scopeKey(environmentId, serviceId);
    let m = this.variables.get(key);
    if (!m) this.variables.set(key, (m = new Map()));
    return m;
  }

  volumeInstancesOf(environmentId: string): VolumeInstanceRec[] {
    return [...this.volumeInstances.values()]
      .filter((v) => v.environmentId === environmentId)
      .sort(byCreated);
  }

  serviceDomainsOf(environmentId: string, serviceId?: string): DomainRec[] {
    return [...this.serviceDomains.values()]
      .filter(
        (d) => d.environmentId === environmentId && (serviceId === undefined || d.serviceId === serviceId),
      )
      .sort(byCreated);
  }

  customDomainsOf(environmentId: string, serviceId?: string): DomainRec[] {
    return [...this.customDomains.values()]
      .filter(
        (d) => d.environmentId === environmentId && (serviceId === undefined || d.serviceId === serviceId),
      )
      .sort(byCreated);
  }

  tcpProxiesOf(environmentId: string, serviceId?: string): TcpProxyRec[] {
    return [...this.tcpProxies.values()]
      .filter(
        (p) => p.environmentId === environmentId && (serviceId === undefined || p.serviceId === serviceId),
      )
      .sort(byCreated);
  }

  deploymentsOf(filter: { environmentId?: string; serviceId?: string; projectId?: string }): DeploymentRec[] {
    return [...this.deployments.values()]
      .filter(
        (d) =>
          (!filter.environmentId || d.environmentId === filter.environmentId) &&
          (!filter.serviceId || d.serviceId === filter.serviceId) &&
          (!filter.projectId || d.projectId === filter.projectId),
      )
      .sort((a, b) => b.seq - a.seq);
  }

  patchesOf(environmentId: string): PatchRec[] {
    return [...this.patches.values()].filter((p) => p.environmentId === environmentId).sort(byCreated);
  }

  stagedPatch(environmentId: string): PatchRec | undefined {
    return this.patchesOf(environmentId).find((p) => p.status === 'STAGED');
  }
}

function byCreated(a: { createdAt: string }, b: { createdAt: string }): number {
  return a.createdAt.localeCompare(b.createdAt);
}
