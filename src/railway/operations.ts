// Every GraphQL document railclone sends to Railway, as named operations. A unit test validates
// each one against Railway's published schema (reference/railway/schema.graphql), so a typo or a
// field Railway removed fails in CI, not as an HTTP 400 in a customer's clone.
import type { RailwayApi } from './types.js';

export interface Operation {
  /** The operation name inside the document; also sent as `operationName`. */
  name: string;
  kind: 'query' | 'mutation';
  document: string;
  /**
   * Safe to send twice. Queries are; so are deletes, upserts and the commit of the same patch.
   * A non-idempotent mutation (a create) is never blindly re-sent after a timeout: the client
   * first looks up whether it already happened.
   */
  idempotent: boolean;
}

function query(name: string, document: string): Operation {
  return { name, kind: 'query', document: document.trim(), idempotent: true };
}

function mutation(name: string, document: string, opts: { idempotent: boolean }): Operation {
  return { name, kind: 'mutation', document: document.trim(), idempotent: opts.idempotent };
}

/** Railway's page size for connections (the official CLI uses 500 too). */
export const PAGE_SIZE = 500;

// ---- fragments kept as plain strings so every document stays self-contained and readable ----

const ENVIRONMENT_SUMMARY = `
        id
        name
        projectId
        isEphemeral
        createdAt
        updatedAt
        unmergedChangesCount
        sourceEnvironment { id name }`;

const DEPLOYMENT = `
          id
          status
          serviceId
          environmentId
          createdAt`;

const DOMAIN = `id domain targetPort`;

// ---- token check ----

export const Me = query(
  'Me',
  `
query Me {
  me { id name email }
}`,
);

export const ApiTokenWorkspaces = query(
  'ApiTokenWorkspaces',
  `
query ApiTokenWorkspaces {
  apiToken { workspaces { id name } }
}`,
);

export const ProjectTokenInfo = query(
  'ProjectTokenInfo',
  `
query ProjectTokenInfo {
  projectToken {
    projectId
    environmentId
    project { id name }
    environment { id name }
  }
}`,
);

// ---- projects ----

export const Project = query(
  'Project',
  `
query Project($id: String!, $first: Int) {
  project(id: $id) {
    id
    name
    workspaceId
    environments(first: $first) {
      edges { node {${ENVIRONMENT_SUMMARY}
      } }
      pageInfo { hasNextPage endCursor }
    }
    services(first: $first) {
      edges { node { id name } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`,
);

export const ProjectServicesPage = query(
  'ProjectServicesPage',
  `
query ProjectServicesPage($id: String!, $first: Int, $after: String) {
  project(id: $id) {
    services(first: $first, after: $after) {
      edges { node { id name } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`,
);

/** Used to find out whether a projectCreate that timed out did happen. */
export const Projects = query(
  'Projects',
  `
query Projects($workspaceId: String, $first: Int, $after: String) {
  projects(workspaceId: $workspaceId, first: $first, after: $after, orderBy: CREATED_AT_DESC) {
    edges { node { id name createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`,
);

export const ProjectCreate = mutation(
  'ProjectCreate',
  `
mutation ProjectCreate($input: ProjectCreateInput!) {
  projectCreate(input: $input) { id name createdAt }
}`,
  { idempotent: false },
);

export const ProjectDelete = mutation(
  'ProjectDelete',
  `
mutation ProjectDelete($id: String!) {
  projectDelete(id: $id)
}`,
  { idempotent: true },
);

// ---- services and volumes (clones into another project) ----

/** A project's services with their creation time: finds out whether a lost serviceCreate happened. */
export const ProjectServicesCreated = query(
  'ProjectServicesCreated',
  `
query ProjectServicesCreated($id: String!, $first: Int, $after: String) {
  project(id: $id) {
    services(first: $first, after: $after) {
      edges { node { id name createdAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`,
);

export const ServiceCreate = mutation(
  'ServiceCreate',
  `
mutation ServiceCreate($input: ServiceCreateInput!) {
  serviceCreate(input: $input) { id name projectId createdAt }
}`,
  { idempotent: false },
);

export const ServiceInstanceLimitsUpdate = mutation(
  'ServiceInstanceLimitsUpdate',
  `
mutation ServiceInstanceLimitsUpdate($input: ServiceInstanceLimitsUpdateInput!) {
  serviceInstanceLimitsUpdate(input: $input)
}`,
  // Setting the same limits twice leaves the same limits.
  { idempotent: true },
);

export const ServiceInstanceUpdate = mutation(
  'ServiceInstanceUpdate',
  `
mutation ServiceInstanceUpdate($serviceId: String!, $environmentId: String, $input: ServiceInstanceUpdateInput!) {
  serviceInstanceUpdate(serviceId: $serviceId, environmentId: $environmentId, input: $input)
}`,
  // Setting the same values twice leaves the same settings.
  { idempotent: true },
);

export const ServiceDelete = mutation(
  'ServiceDelete',
  `
mutation ServiceDelete($id: String!, $environmentId: String) {
  serviceDelete(id: $id, environmentId: $environmentId)
}`,
  { idempotent: true },
);

export const VolumeCreate = mutation(
  'VolumeCreate',
  `
mutation VolumeCreate($input: VolumeCreateInput!) {
  volumeCreate(input: $input) { id name }
}`,
  { idempotent: false },
);

// ---- environments ----

export const Environments = query(
  'Environments',
  `
query Environments($projectId: String!, $isEphemeral: Boolean, $first: Int, $after: String) {
  environments(projectId: $projectId, isEphemeral: $isEphemeral, first: $first, after: $after) {
    edges { node {${ENVIRONMENT_SUMMARY}
    } }
    pageInfo { hasNextPage endCursor }
  }
}`,
);

const SERVICE_INSTANCE = `
          id
          serviceId
          serviceName
          environmentId
          source { image repo }
          startCommand
          buildCommand
          rootDirectory
          healthcheckPath
          numReplicas
          region
          restartPolicyType
          domains {
            serviceDomains { ${DOMAIN} }
            customDomains { ${DOMAIN} }
          }
          latestDeployment {${DEPLOYMENT}
          }`;

const VOLUME_INSTANCE = `
          id
          volumeId
          serviceId
          mountPath
          sizeMB
          currentSizeMB
          state
          volume { id name }`;

export const Environment = query(
  'Environment',
  `
query Environment($id: String!, $projectId: String, $first: Int) {
  environment(id: $id, projectId: $projectId) {${ENVIRONMENT_SUMMARY}
    serviceInstances(first: $first) {
      edges { node {${SERVICE_INSTANCE}
      } }
      pageInfo { hasNextPage endCursor }
    }
    volumeInstances(first: $first) {
      edges { node {${VOLUME_INSTANCE}
      } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`,
);

export const EnvironmentServiceInstancesPage = query(
  'EnvironmentServiceInstancesPage',
  `
query EnvironmentServiceInstancesPage($id: String!, $projectId: String, $first: Int, $after: String) {
  environment(id: $id, projectId: $projectId) {
    serviceInstances(first: $first, after: $after) {
      edges { node {${SERVICE_INSTANCE}
      } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`,
);

export const EnvironmentVolumeInstancesPage = query(
  'EnvironmentVolumeInstancesPage',
  `
query EnvironmentVolumeInstancesPage($id: String!, $projectId: String, $first: Int, $after: String) {
  environment(id: $id, projectId: $projectId) {
    volumeInstances(first: $first, after: $after) {
      edges { node {${VOLUME_INSTANCE}
      } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`,
);

export const EnvironmentConfig = query(
  'EnvironmentConfig',
  `
query EnvironmentConfig($id: String!, $decryptVariables: Boolean) {
  environment(id: $id) {
    id
    config(decryptVariables: $decryptVariables)
  }
}`,
);

export const EnvironmentCreate = mutation(
  'EnvironmentCreate',
  `
mutation EnvironmentCreate($input: EnvironmentCreateInput!) {
  environmentCreate(input: $input) {${ENVIRONMENT_SUMMARY}
  }
}`,
  { idempotent: false },
);

export const EnvironmentDelete = mutation(
  'EnvironmentDelete',
  `
mutation EnvironmentDelete($id: String!) {
  environmentDelete(id: $id)
}`,
  { idempotent: true },
);

// ---- staged changes and patches ----

export const EnvironmentStagedChanges = query(
  'EnvironmentStagedChanges',
  `
query EnvironmentStagedChanges($environmentId: String!) {
  environmentStagedChanges(environmentId: $environmentId) { id status patch }
}`,
);

export const EnvironmentStageChanges = mutation(
  'EnvironmentStageChanges',
  `
mutation EnvironmentStageChanges($environmentId: String!, $input: EnvironmentConfig!, $merge: Boolean) {
  environmentStageChanges(environmentId: $environmentId, input: $input, merge: $merge) { id status patch }
}`,
  // Staging the same patch again (merge) leaves the same staged state.
  { idempotent: true },
);

export const EnvironmentPatchCommit = mutation(
  'EnvironmentPatchCommit',
  `
mutation EnvironmentPatchCommit($environmentId: String!, $patch: EnvironmentConfig, $commitMessage: String) {
  environmentPatchCommit(environmentId: $environmentId, patch: $patch, commitMessage: $commitMessage)
}`,
  // Applying the same patch twice converges on the same config.
  { idempotent: true },
);

export const EnvironmentPatchCommitStaged = mutation(
  'EnvironmentPatchCommitStaged',
  `
mutation EnvironmentPatchCommitStaged($environmentId: String!, $commitMessage: String, $skipDeploys: Boolean) {
  environmentPatchCommitStaged(environmentId: $environmentId, commitMessage: $commitMessage, skipDeploys: $skipDeploys)
}`,
  // A second commit finds nothing staged.
  { idempotent: true },
);

// ---- variables ----

export const Variables = query(
  'Variables',
  `
query Variables($projectId: String!, $environmentId: String!, $serviceId: String, $unrendered: Boolean) {
  variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId, unrendered: $unrendered)
}`,
);

export const VariableCollectionUpsert = mutation(
  'VariableCollectionUpsert',
  `
mutation VariableCollectionUpsert($input: VariableCollectionUpsertInput!) {
  variableCollectionUpsert(input: $input)
}`,
  { idempotent: true },
);

export const VariableDelete = mutation(
  'VariableDelete',
  `
mutation VariableDelete($input: VariableDeleteInput!) {
  variableDelete(input: $input)
}`,
  { idempotent: true },
);

// ---- domains ----

export const Domains = query(
  'Domains',
  `
query Domains($projectId: String!, $environmentId: String!, $serviceId: String!) {
  domains(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) {
    serviceDomains { ${DOMAIN} }
    customDomains { ${DOMAIN} }
  }
}`,
);

/** Service domains without a project id (serviceDomainCreate's input has none). */
export const ServiceInstanceDomains = query(
  'ServiceInstanceDomains',
  `
query ServiceInstanceDomains($environmentId: String!, $serviceId: String!) {
  serviceInstance(environmentId: $environmentId, serviceId: $serviceId) {
    domains {
      serviceDomains { ${DOMAIN} }
      customDomains { ${DOMAIN} }
    }
  }
}`,
);

export const ServiceDomainCreate = mutation(
  'ServiceDomainCreate',
  `
mutation ServiceDomainCreate($input: ServiceDomainCreateInput!) {
  serviceDomainCreate(input: $input) { ${DOMAIN} }
}`,
  { idempotent: false },
);

export const ServiceDomainDelete = mutation(
  'ServiceDomainDelete',
  `
mutation ServiceDomainDelete($id: String!) {
  serviceDomainDelete(id: $id)
}`,
  { idempotent: true },
);

export const CustomDomainAvailable = query(
  'CustomDomainAvailable',
  `
query CustomDomainAvailable($domain: String!) {
  customDomainAvailable(domain: $domain) { available message }
}`,
);

export const CustomDomainCreate = mutation(
  'CustomDomainCreate',
  `
mutation CustomDomainCreate($input: CustomDomainCreateInput!) {
  customDomainCreate(input: $input) { ${DOMAIN} }
}`,
  { idempotent: false },
);

export const CustomDomainDelete = mutation(
  'CustomDomainDelete',
  `
mutation CustomDomainDelete($id: String!) {
  customDomainDelete(id: $id)
}`,
  { idempotent: true },
);

// ---- TCP proxies ----

export const TcpProxies = query(
  'TcpProxies',
  `
query TcpProxies($environmentId: String!, $serviceId: String!) {
  tcpProxies(environmentId: $environmentId, serviceId: $serviceId) {
    id
    domain
    proxyPort
    applicationPort
    serviceId
    environmentId
    syncStatus
  }
}`,
);

/** Before creating a proxy: commit directly, or stage if the environment already has staged work. */
export const EnvironmentUnmergedChanges = query(
  'EnvironmentUnmergedChanges',
  `
query EnvironmentUnmergedChanges($id: String!) {
  environment(id: $id) { id unmergedChangesCount }
}`,
);

export const TcpProxyDelete = mutation(
  'TcpProxyDelete',
  `
mutation TcpProxyDelete($id: String!) {
  tcpProxyDelete(id: $id)
}`,
  { idempotent: true },
);

// ---- deployments ----

export const Deployments = query(
  'Deployments',
  `
query Deployments($input: DeploymentListInput!, $first: Int, $after: String) {
  deployments(input: $input, first: $first, after: $after) {
    edges { node {${DEPLOYMENT}
    } }
    pageInfo { hasNextPage endCursor }
  }
}`,
);

export const ServiceInstanceRedeploy = mutation(
  'ServiceInstanceRedeploy',
  `
mutation ServiceInstanceRedeploy($environmentId: String!, $serviceId: String!) {
  serviceInstanceRedeploy(environmentId: $environmentId, serviceId: $serviceId)
}`,
  // A second redeploy of the same commit is wasteful but harmless.
  { idempotent: true },
);

export const ALL_OPERATIONS: readonly Operation[] = [
  Me,
  ApiTokenWorkspaces,
  ProjectTokenInfo,
  Project,
  ProjectServicesPage,
  Projects,
  ProjectCreate,
  ProjectDelete,
  Environments,
  Environment,
  EnvironmentServiceInstancesPage,
  EnvironmentVolumeInstancesPage,
  EnvironmentConfig,
  EnvironmentCreate,
  EnvironmentDelete,
  EnvironmentStagedChanges,
  EnvironmentStageChanges,
  EnvironmentPatchCommit,
  EnvironmentPatchCommitStaged,
  Variables,
  VariableCollectionUpsert,
  VariableDelete,
  Domains,
  ServiceInstanceDomains,
  ServiceDomainCreate,
  ServiceDomainDelete,
  CustomDomainAvailable,
  CustomDomainCreate,
  CustomDomainDelete,
  TcpProxies,
  EnvironmentUnmergedChanges,
  TcpProxyDelete,
  Deployments,
  ServiceInstanceRedeploy,
  ProjectServicesCreated,
  ServiceCreate,
  ServiceInstanceUpdate,
  ServiceInstanceLimitsUpdate,
  ServiceDelete,
  VolumeCreate,
];

/** Which operations each RailwayApi method may send (tests check every method is covered). */
export const METHOD_OPERATIONS: Record<keyof RailwayApi, readonly Operation[]> = {
  whoami: [Me, ApiTokenWorkspaces, ProjectTokenInfo],
  getProject: [Project, ProjectServicesPage, Environments],
  listEnvironments: [Environments],
  getEnvironment: [Environment, EnvironmentServiceInstancesPage, EnvironmentVolumeInstancesPage],
  getEnvironmentConfig: [EnvironmentConfig],
  findEnvironmentByName: [Environments],
  createEnvironment: [EnvironmentCreate, Environments],
  deleteEnvironment: [EnvironmentDelete],
  stagedChanges: [EnvironmentStagedChanges],
  stageChanges: [EnvironmentStageChanges],
  commitPatch: [EnvironmentPatchCommit],
  commitStaged: [EnvironmentPatchCommitStaged],
  getVariables: [Variables],
  upsertVariables: [VariableCollectionUpsert],
  deleteVariable: [VariableDelete],
  listDomains: [Domains],
  createServiceDomain: [ServiceInstanceDomains, ServiceDomainCreate],
  deleteServiceDomain: [ServiceDomainDelete],
  customDomainAvailable: [CustomDomainAvailable],
  createCustomDomain: [CustomDomainCreate, Domains],
  deleteCustomDomain: [CustomDomainDelete],
  listTcpProxies: [TcpProxies],
  enableTcpProxy: [TcpProxies, EnvironmentUnmergedChanges, EnvironmentPatchCommit, EnvironmentStageChanges],
  deleteTcpProxy: [TcpProxyDelete],
  listDeployments: [Deployments],
  redeployService: [ServiceInstanceRedeploy],
  createProject: [ProjectCreate, Projects],
  deleteProject: [ProjectDelete],
  listProjects: [Projects],
  createService: [ServiceCreate, ProjectServicesCreated],
  updateServiceInstance: [ServiceInstanceUpdate],
  updateServiceInstanceLimits: [ServiceInstanceLimitsUpdate],
  createVolume: [Environment, EnvironmentVolumeInstancesPage, VolumeCreate],
  deleteService: [ServiceDelete],
};
