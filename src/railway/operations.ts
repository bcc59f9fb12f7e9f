// Every GraphQL document railclone sends to Railway, gathered from ./resources/ (where each sits
// beside the function that sends it). A unit test validates each against Railway's published schema
// (reference/railway/schema.graphql), so a typo or a field Railway removed fails in CI, not as an
// HTTP 400 in a customer's clone.
import type { RailwayApi } from './types.js';
import type { Operation } from './resources/operation.js';
import { Deployment, Deployments, ServiceInstanceDeployV2 } from './resources/deployments.js';
import {
  CustomDomainAvailable,
  CustomDomainCreate,
  CustomDomainDelete,
  Domains,
  ServiceDomainCreate,
  ServiceDomainDelete,
  ServiceInstanceDomains,
} from './resources/domains.js';
import {
  Environment,
  EnvironmentConfigQuery,
  EnvironmentCreate,
  EnvironmentDelete,
  EnvironmentServiceInstancesPage,
  EnvironmentVolumeInstancesPage,
  Environments,
} from './resources/environments.js';
import {
  EnvironmentPatchCommit,
  EnvironmentPatchCommitStaged,
  EnvironmentStageChanges,
  EnvironmentStagedChanges,
} from './resources/patches.js';
import {
  Project,
  ProjectCreate,
  ProjectDelete,
  ProjectServicesPage,
  Projects,
} from './resources/projects.js';
import {
  ProjectServicesCreated,
  ServiceCreate,
  ServiceDelete,
  ServiceInstanceLimitsUpdate,
  ServiceInstanceUpdate,
  VolumeCreate,
} from './resources/services.js';
import { EnvironmentUnmergedChanges, TcpProxies, TcpProxyDelete } from './resources/tcp-proxies.js';
import { ApiTokenWorkspaces, Me, ProjectTokenInfo } from './resources/token.js';
import { ProjectUsage } from './resources/usage.js';
import { VariableCollectionUpsert, VariableDelete, Variables } from './resources/variables.js';

export type { Operation } from './resources/operation.js';
export { PAGE_SIZE } from './resources/operation.js';

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
  EnvironmentConfigQuery,
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
  Deployment,
  ServiceInstanceDeployV2,
  ProjectServicesCreated,
  ServiceCreate,
  ServiceInstanceUpdate,
  ServiceInstanceLimitsUpdate,
  ServiceDelete,
  VolumeCreate,
  ProjectUsage,
];

/** Which operations each RailwayApi method may send (tests check every method is covered). */
export const METHOD_OPERATIONS: Record<keyof RailwayApi, readonly Operation[]> = {
  whoami: [Me, ApiTokenWorkspaces, ProjectTokenInfo],
  listWorkspaces: [ApiTokenWorkspaces],
  getProject: [Project, ProjectServicesPage, Environments],
  listEnvironments: [Environments],
  getEnvironment: [Environment, EnvironmentServiceInstancesPage, EnvironmentVolumeInstancesPage],
  getEnvironmentConfig: [EnvironmentConfigQuery],
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
  deployService: [ServiceInstanceDeployV2, Deployments],
  getDeployment: [Deployment],
  createProject: [ProjectCreate, Projects, ApiTokenWorkspaces],
  deleteProject: [ProjectDelete],
  listProjects: [Projects],
  projectUsage: [ProjectUsage],
  createService: [ServiceCreate, ProjectServicesCreated],
  updateServiceInstance: [ServiceInstanceUpdate],
  updateServiceInstanceLimits: [ServiceInstanceLimitsUpdate],
  createVolume: [Environment, EnvironmentVolumeInstancesPage, VolumeCreate],
  deleteService: [ServiceDelete],
};
