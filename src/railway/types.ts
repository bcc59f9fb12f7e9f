// The contract between the clone steps and Railway. The client (./client.ts) implements it
// against Railway's GraphQL API v2; the steps only ever see these types.

export type DeploymentStatus =
  | 'BUILDING'
  | 'CRASHED'
  | 'DEPLOYING'
  | 'FAILED'
  | 'INITIALIZING'
  | 'NEEDS_APPROVAL'
  | 'QUEUED'
  | 'REMOVED'
  | 'REMOVING'
  | 'SKIPPED'
  | 'SLEEPING'
  | 'SUCCESS'
  | 'WAITING';

/** Name → value. Values are secrets: register them (util/secrets) before anything can print them. */
export type VariableMap = Record<string, string>;

/** Railway's environment config blob (JSON scalar `EnvironmentConfig`); unknown fields are kept. */
export type EnvironmentConfig = {
  services?: Record<string, Record<string, unknown> | null>;
  sharedVariables?: Record<string, unknown>;
  volumes?: Record<string, Record<string, unknown> | null>;
  [key: string]: unknown;
};

export type TokenIdentity =
  | { kind: 'account'; user: { id: string; name: string | null; email: string } }
  | { kind: 'workspace'; workspaces: { id: string; name: string }[] }
  | {
      kind: 'project';
      projectId: string;
      environmentId: string;
      projectName: string;
      environmentName: string;
    };

/** The usage measurements a cost estimate reads (Railway's MetricMeasurement names). */
export type UsageMeasurement = 'CPU_USAGE' | 'MEMORY_USAGE_GB' | 'NETWORK_TX_GB' | 'DISK_USAGE_GB';

/** One measurement of one service in one environment over a window, in Railway's units. */
export interface ServiceUsage {
  measurement: UsageMeasurement;
  value: number;
  serviceId: string | null;
  environmentId: string | null;
}

export interface ServiceSummary {
  id: string;
  name: string;
}

export interface EnvironmentSummary {
  id: string;
  name: string;
  projectId: string;
  isEphemeral: boolean;
  createdAt: string;
  updatedAt: string;
  sourceEnvironment: { id: string; name: string } | null;
}

export interface ProjectSummary {
  id: string;
  name: string;
  workspaceId: string | null;
  environments: EnvironmentSummary[];
  services: ServiceSummary[];
}

export interface DomainInfo {
  id: string;
  domain: string;
  targetPort: number | null;
}

export interface ServiceDomains {
  serviceDomains: DomainInfo[];
  customDomains: DomainInfo[];
}

export interface DeploymentInfo {
  id: string;
  status: DeploymentStatus;
  serviceId: string | null;
  environmentId: string;
  createdAt: string;
}

export interface ServiceInstanceInfo {
  id: string;
  serviceId: string;
  serviceName: string;
  environmentId: string;
  source: { image: string | null; repo: string | null } | null;
  startCommand: string | null;
  buildCommand: string | null;
  rootDirectory: string | null;
  healthcheckPath: string | null;
  numReplicas: number | null;
  region: string | null;
  restartPolicyType: string;
  domains: ServiceDomains;
  latestDeployment: DeploymentInfo | null;
}

export interface VolumeInstanceInfo {
  id: string;
  volumeId: string;
  volumeName: string;
  serviceId: string | null;
  mountPath: string;
  sizeMB: number;
  currentSizeMB: number;
  state: string | null;
}

export interface EnvironmentDetails extends EnvironmentSummary {
  serviceInstances: ServiceInstanceInfo[];
  volumeInstances: VolumeInstanceInfo[];
  unmergedChangesCount: number;
}

export interface TcpProxyInfo {
  id: string;
  domain: string;
  proxyPort: number;
  applicationPort: number;
  serviceId: string;
  environmentId: string;
  /** Railway's TCPProxySyncStatus: ACTIVE, CREATING, DELETED, DELETING, UNSPECIFIED, UPDATING. */
  syncStatus: string;
  /** Nullable in Railway's schema. */
  createdAt?: string | null;
}

export interface EnvironmentPatchInfo {
  id: string;
  status: 'APPLYING' | 'COMMITTED' | 'STAGED';
  patch: EnvironmentConfig;
}

export interface CreateEnvironmentInput {
  projectId: string;
  name: string;
  sourceEnvironmentId?: string;
  ephemeral?: boolean;
  skipInitialDeploys?: boolean;
  stageInitialChanges?: boolean;
  applyChangesInBackground?: boolean;
}

export interface VariablesScope {
  projectId: string;
  environmentId: string;
  /** Absent = shared (environment-level) variables. */
  serviceId?: string;
}

/** Build and deploy settings of a service in one environment (`ServiceInstanceUpdateInput`). */
export interface ServiceInstanceSettings {
  source?: { image?: string; repo?: string };
  startCommand?: string;
  buildCommand?: string;
  rootDirectory?: string;
  healthcheckPath?: string;
  healthcheckTimeout?: number;
  numReplicas?: number;
  region?: string;
  restartPolicyType?: 'ALWAYS' | 'NEVER' | 'ON_FAILURE';
  restartPolicyMaxRetries?: number;
  cronSchedule?: string;
  dockerfilePath?: string;
  preDeployCommand?: string[];
  sleepApplication?: boolean;
  watchPatterns?: string[];
}

export interface CreateServiceInput {
  projectId: string;
  name: string;
  source?: { image?: string; repo?: string };
  branch?: string;
  /** Only in this environment; absent = in every (non-fork) environment of the project. */
  environmentId?: string;
  /** Set before the first deploy, so a database starts with the password given here. */
  variables?: VariableMap;
}

/** Every Railway call a clone, list, get or delete needs. */
export interface RailwayApi {
  whoami(): Promise<TokenIdentity>;
  listWorkspaces(): Promise<{ id: string; name: string }[]>;
  getProject(projectId: string): Promise<ProjectSummary>;
  listEnvironments(projectId: string, opts?: { isEphemeral?: boolean }): Promise<EnvironmentSummary[]>;
  getEnvironment(environmentId: string, projectId?: string): Promise<EnvironmentDetails>;
  getEnvironmentConfig(
    environmentId: string,
    opts?: { decryptVariables?: boolean },
  ): Promise<EnvironmentConfig>;
  findEnvironmentByName(projectId: string, name: string): Promise<EnvironmentSummary | null>;
  /** Non-idempotent: after a timeout the client looks the environment up by name before retrying. */
  createEnvironment(input: CreateEnvironmentInput): Promise<EnvironmentSummary>;
  deleteEnvironment(environmentId: string): Promise<boolean>;
  stagedChanges(environmentId: string): Promise<EnvironmentPatchInfo>;
  stageChanges(
    environmentId: string,
    patch: EnvironmentConfig,
    merge?: boolean,
  ): Promise<EnvironmentPatchInfo>;
  commitPatch(environmentId: string, patch: EnvironmentConfig, message?: string): Promise<string>;
  commitStaged(environmentId: string, opts?: { skipDeploys?: boolean; message?: string }): Promise<string>;
  getVariables(scope: VariablesScope & { unrendered?: boolean }): Promise<VariableMap>;
  upsertVariables(
    scope: VariablesScope & { variables: VariableMap; replace?: boolean; skipDeploys?: boolean },
  ): Promise<void>;
  deleteVariable(scope: VariablesScope & { name: string }): Promise<void>;
  listDomains(scope: Required<VariablesScope>): Promise<ServiceDomains>;
  createServiceDomain(input: {
    environmentId: string;
    serviceId: string;
    targetPort?: number;
  }): Promise<DomainInfo>;
  deleteServiceDomain(id: string): Promise<void>;
  customDomainAvailable(domain: string): Promise<{ available: boolean; message: string }>;
  createCustomDomain(input: {
    projectId: string;
    environmentId: string;
    serviceId: string;
    domain: string;
    targetPort?: number;
  }): Promise<DomainInfo>;
  deleteCustomDomain(id: string): Promise<void>;
  listTcpProxies(input: { environmentId: string; serviceId: string }): Promise<TcpProxyInfo[]>;
  /** Creates the proxy through a committed environment patch (the current way), then reads it back. */
  enableTcpProxy(input: {
    environmentId: string;
    serviceId: string;
    applicationPort: number;
  }): Promise<TcpProxyInfo>;
  deleteTcpProxy(id: string): Promise<void>;
  /** Newest first; at most `limit` (default 100). */
  listDeployments(input: {
    projectId?: string;
    environmentId: string;
    serviceId?: string;
    limit?: number;
  }): Promise<DeploymentInfo[]>;
  /**
   * Starts a deployment of the service's current source and settings (serviceInstanceDeployV2) and
   * returns its id. Works on a service that was never deployed, unlike a redeploy.
   */
  deployService(input: { environmentId: string; serviceId: string }): Promise<string>;
  getDeployment(id: string): Promise<DeploymentInfo>;
  createProject(input: { name: string; workspaceId?: string; defaultEnvironmentName?: string }): Promise<{
    id: string;
    name: string;
  }>;
  deleteProject(projectId: string): Promise<void>;
  // ---- clones into another project ----
  /** Newest first. Account tokens see nothing without workspaceId: always name the workspace. */
  listProjects(opts: { workspaceId: string }): Promise<{ id: string; name: string; createdAt: string }[]>;
  /** Railway's usage of each service in each environment of the project over the window. */
  projectUsage(projectId: string, window: { start: Date; end: Date }): Promise<ServiceUsage[]>;
  /** Non-idempotent: after a lost answer the client looks the name up (names are unique per project). */
  createService(input: CreateServiceInput): Promise<ServiceSummary & { projectId: string }>;
  updateServiceInstance(input: {
    environmentId: string;
    serviceId: string;
    settings: ServiceInstanceSettings;
  }): Promise<void>;
  /** vCPUs and memory (GB) per replica of a service in one environment (serviceInstanceLimitsUpdate). */
  updateServiceInstanceLimits(input: {
    environmentId: string;
    serviceId: string;
    vCPUs?: number;
    memoryGB?: number;
  }): Promise<void>;
  /** A new, empty volume for one service in one environment. */
  createVolume(input: {
    projectId: string;
    environmentId: string;
    serviceId: string;
    mountPath: string;
    region?: string;
  }): Promise<{
    id: string;
    name: string;
  }>;
  /** Without environmentId: the service in every environment, i.e. the service itself. */
  deleteService(input: { serviceId: string; environmentId?: string }): Promise<void>;
}
