// Our schema: a strict subset of Railway's public API v2 (reference/railway/schema.graphql), only the
// types, fields and arguments railclone and the CLI's Project/Environments operations use. Every line must
// match the real schema exactly; test/unit/emulator-schema.test.ts fails on any drift.
export const emulatorSdl = /* GraphQL */ `
  type Query {
    me: User!
    apiToken: ApiTokenContext!
    projectToken: ProjectToken!
    project(id: String!): Project!
    projects(
      after: String
      before: String
      first: Int
      includeDeleted: Boolean
      last: Int
      orderBy: ProjectsOrderBy
      userId: String
      workspaceId: String
    ): QueryProjectsConnection!
    workspace(workspaceId: String!): Workspace!
    environment(id: String!, projectId: String): Environment!
    environments(
      after: String
      before: String
      first: Int
      isEphemeral: Boolean
      last: Int
      projectId: String!
    ): QueryEnvironmentsConnection!
    environmentStagedChanges(environmentId: String!): EnvironmentPatch!
    environmentPatch(id: String!): EnvironmentPatch!
    environmentPatches(
      after: String
      before: String
      environmentId: String!
      first: Int
      last: Int
    ): QueryEnvironmentPatchesConnection!
    variables(
      environmentId: String!
      projectId: String!
      serviceId: String
      unrendered: Boolean
    ): EnvironmentVariables!
    variablesForServiceDeployment(
      environmentId: String!
      projectId: String!
      serviceId: String!
    ): EnvironmentVariables!
    service(id: String!): Service!
    serviceInstance(environmentId: String!, serviceId: String!): ServiceInstance!
    domains(environmentId: String!, projectId: String!, serviceId: String!): AllDomains!
    customDomainAvailable(domain: String!): DomainAvailable!
    tcpProxies(environmentId: String!, serviceId: String!): [TCPProxy!]!
    deployments(
      after: String
      before: String
      first: Int
      input: DeploymentListInput!
      last: Int
    ): QueryDeploymentsConnection!
    deployment(id: String!): Deployment!
    volumeInstance(id: String!): VolumeInstance!
    usage(
      endDate: DateTime
      groupBy: [MetricTag!]
      includeDeleted: Boolean
      measurements: [MetricMeasurement!]!
      projectId: String
      startDate: DateTime
      workspaceId: String
    ): [AggregatedUsage!]!
  }

  type Mutation {
    projectCreate(input: ProjectCreateInput!): Project!
    projectDelete(id: String!): Boolean!
    environmentCreate(input: EnvironmentCreateInput!): Environment!
    environmentDelete(id: String!): Boolean!
    environmentRename(id: String!, input: EnvironmentRenameInput!): Environment!
    environmentStageChanges(
      environmentId: String!
      input: EnvironmentConfig!
      merge: Boolean
    ): EnvironmentPatch!
    environmentPatchCommit(commitMessage: String, environmentId: String!, patch: EnvironmentConfig): String!
    environmentPatchCommitStaged(commitMessage: String, environmentId: String!, skipDeploys: Boolean): String!
    variableCollectionUpsert(input: VariableCollectionUpsertInput!): Boolean!
    variableUpsert(input: VariableUpsertInput!): Boolean!
    variableDelete(input: VariableDeleteInput!): Boolean!
    serviceCreate(input: ServiceCreateInput!): Service!
    serviceDelete(environmentId: String, id: String!): Boolean!
    serviceInstanceUpdate(
      environmentId: String
      input: ServiceInstanceUpdateInput!
      serviceId: String!
    ): Boolean!
    serviceInstanceLimitsUpdate(input: ServiceInstanceLimitsUpdateInput!): Boolean!
    serviceInstanceRedeploy(environmentId: String!, serviceId: String!): Boolean!
    serviceInstanceDeployV2(commitSha: String, environmentId: String!, serviceId: String!): String!
    serviceDomainCreate(input: ServiceDomainCreateInput!): ServiceDomain!
    serviceDomainDelete(id: String!): Boolean!
    customDomainCreate(input: CustomDomainCreateInput!): CustomDomain!
    customDomainDelete(id: String!): Boolean!
    tcpProxyCreate(input: TCPProxyCreateInput!): TCPProxy!
    tcpProxyDelete(id: String!): Boolean!
    deploymentRedeploy(id: String!, usePreviousImageTag: Boolean): Deployment!
    volumeCreate(input: VolumeCreateInput!): Volume!
  }

  type User {
    id: ID!
    name: String
    email: String!
    workspaces: [Workspace!]!
  }

  type Workspace {
    id: ID!
    name: String!
    createdAt: DateTime!
    updatedAt: DateTime!
    projects(after: String, before: String, first: Int, last: Int): WorkspaceProjectsConnection!
  }

  type ApiTokenContext {
    workspaces: [ApiTokenWorkspace!]!
  }

  type ApiTokenWorkspace {
    id: String!
    name: String!
  }

  type ProjectToken {
    createdAt: DateTime!
    displayToken: String!
    environment: Environment!
    environmentId: String!
    id: ID!
    name: String!
    project: Project!
    projectId: String!
  }

  type Project {
    id: ID!
    name: String!
    description: String
    createdAt: DateTime!
    updatedAt: DateTime!
    deletedAt: DateTime
    workspaceId: String
    workspace: Workspace
    isPublic: Boolean!
    isTempProject: Boolean!
    expiredAt: DateTime
    baseEnvironmentId: String
    baseEnvironment: Environment
    primaryEnvironmentId: String
    prDeploys: Boolean!
    botPrEnvironments: Boolean!
    focusedPrEnvironments: Boolean!
    environments(
      after: String
      before: String
      first: Int
      isEphemeral: Boolean
      last: Int
      sort: SortOrder
    ): ProjectEnvironmentsConnection!
    services(after: String, before: String, first: Int, last: Int): ProjectServicesConnection!
    volumes(after: String, before: String, first: Int, last: Int): ProjectVolumesConnection!
    buckets(after: String, before: String, first: Int, last: Int): ProjectBucketsConnection!
  }

  type Environment {
    id: ID!
    name: String!
    projectId: String!
    isEphemeral: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
    deletedAt: DateTime
    canAccess: Boolean!
    sourceEnvironment: Environment
    meta: EnvironmentMeta
    unmergedChangesCount: Int
    config(decryptVariables: Boolean): EnvironmentConfig!
    configEtag: String!
    serviceInstances(
      after: String
      before: String
      first: Int
      last: Int
    ): EnvironmentServiceInstancesConnection!
    deployments(after: String, before: String, first: Int, last: Int): EnvironmentDeploymentsConnection!
    variables(after: String, before: String, first: Int, last: Int): EnvironmentVariablesConnection!
    volumeInstances(
      after: String
      before: String
      first: Int
      last: Int
    ): EnvironmentVolumeInstancesConnection!
  }

  type EnvironmentMeta {
    baseBranch: String
    branch: String
    latestSuccessfulGitHubDeploymentId: Int
    prCommentId: Int
    prNumber: Int
    prRepo: String
    prTitle: String
    skippedResourceIds: SkippedResourceIds
  }

  type Service {
    id: ID!
    name: String!
    icon: String
    projectId: String!
    project: Project!
    createdAt: DateTime!
    updatedAt: DateTime!
    deletedAt: DateTime
    templateId: String
    templateServiceId: String
    isRestricted: Boolean!
    groupId: String
  }

  type ServiceInstance {
    id: ID!
    serviceId: String!
    serviceName: String!
    environmentId: String!
    service: Service!
    source: ServiceSource
    builder: Builder!
    buildCommand: String
    startCommand: String
    rootDirectory: String
    dockerfilePath: String
    railwayConfigFile: String
    healthcheckPath: String
    healthcheckTimeout: Int
    numReplicas: Int
    region: String
    restartPolicyType: RestartPolicyType!
    restartPolicyMaxRetries: Int!
    sleepApplication: Boolean
    cronSchedule: String
    nextCronRunAt: DateTime
    preDeployCommand: JSON
    watchPatterns: [String!]!
    upstreamUrl: String
    isUpdatable: Boolean!
    ipv6EgressEnabled: Boolean
    overlapSeconds: Int
    drainingSeconds: Int
    nixpacksPlan: JSON
    domains: AllDomains!
    latestDeployment: Deployment
    activeDeployments: [Deployment!]!
    createdAt: DateTime!
    updatedAt: DateTime!
    deletedAt: DateTime
  }

  type ServiceSource {
    image: String
    repo: String
  }

  type AllDomains {
    customDomains: [CustomDomain!]!
    serviceDomains: [ServiceDomain!]!
  }

  type ServiceDomain {
    id: ID!
    domain: String!
    suffix: String
    environmentId: String!
    serviceId: String!
    projectId: String
    targetPort: Int
    syncStatus: ServiceDomainSyncStatus!
    createdAt: DateTime
    updatedAt: DateTime
    deletedAt: DateTime
  }

  type CustomDomain {
    id: ID!
    domain: String!
    environmentId: String!
    serviceId: String!
    projectId: String
    targetPort: Int
    isRailwayDomain: Boolean!
    status: CustomDomainStatus!
    syncStatus: CustomDomainSyncStatus!
    createdAt: DateTime
    updatedAt: DateTime
    deletedAt: DateTime
  }

  type CustomDomainStatus {
    dnsRecords: [DNSRecords!]!
    verificationToken: String
    verificationDnsHost: String
    verified: Boolean!
    certificateStatus: CertificateStatus!
  }

  type DNSRecords {
    currentValue: String!
    fqdn: String!
    hostlabel: String!
    purpose: DNSRecordPurpose!
    recordType: DNSRecordType!
    requiredValue: String!
    status: DNSRecordStatus!
    zone: String!
  }

  type DomainAvailable {
    available: Boolean!
    message: String!
  }

  type TCPProxy {
    applicationPort: Int!
    createdAt: DateTime
    deletedAt: DateTime
    domain: String!
    environmentId: String!
    id: ID!
    proxyPort: Int!
    serviceId: String!
    syncStatus: TCPProxySyncStatus!
    updatedAt: DateTime
  }

  type Deployment {
    id: ID!
    status: DeploymentStatus!
    statusUpdatedAt: DateTime
    createdAt: DateTime!
    updatedAt: DateTime!
    projectId: String!
    environmentId: String!
    serviceId: String
    service: Service!
    environment: Environment!
    url: String
    staticUrl: String
    meta: DeploymentMeta
    canRedeploy: Boolean!
    canRollback: Boolean!
    deploymentStopped: Boolean!
    instances: [DeploymentDeploymentInstance!]!
    snapshotId: String
    suggestAddServiceDomain: Boolean!
  }

  type DeploymentDeploymentInstance {
    id: String!
    status: DeploymentInstanceStatus!
  }

  type Volume {
    id: ID!
    name: String!
    projectId: String!
    project: Project!
    createdAt: DateTime!
  }

  type VolumeInstance {
    createdAt: DateTime!
    currentSizeMB: Float!
    deletedAt: DateTime
    environment: Environment!
    environmentId: String!
    externalId: String
    id: ID!
    isPendingDeletion: Boolean!
    mountPath: String!
    region: String
    service: Service!
    serviceId: String
    sizeMB: Int!
    state: VolumeState
    volume: Volume!
    volumeId: String!
  }

  type Bucket {
    id: ID!
    name: String!
    projectId: String!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type EnvironmentPatch {
    id: ID!
    environmentId: String!
    environment: Environment!
    status: EnvironmentPatchStatus!
    patch(decryptVariables: Boolean): EnvironmentConfig!
    message: String
    appliedAt: DateTime
    lastAppliedError: String
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type Variable {
    id: ID!
    name: String!
    isSealed: Boolean!
    environmentId: String
    serviceId: String
    references: [String!]!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type PageInfo {
    endCursor: String
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
  }

  type QueryProjectsConnection {
    edges: [QueryProjectsConnectionEdge!]!
    pageInfo: PageInfo!
  }

  type QueryProjectsConnectionEdge {
    cursor: String!
    node: Project!
  }

  type WorkspaceProjectsConnection {
    edges: [WorkspaceProjectsConnectionEdge!]!
    pageInfo: PageInfo!
  }

  type WorkspaceProjectsConnectionEdge {
    cursor: String!
    node: Project!
  }

  type ProjectEnvironmentsConnection {
    edges: [ProjectEnvironmentsConnectionEdge!]!
    pageInfo: PageInfo!
  }

  type ProjectEnvironmentsConnectionEdge {
    cursor: String!
    node: Environment!
  }

  type QueryEnvironmentsConnection {
    edges: [QueryEnvironmentsConnectionEdge!]!
    pageInfo: PageInfo!
  }

  type QueryEnvironmentsConnectionEdge {
    cursor: String!
    node: Environment!
  }

  type ProjectServicesConnection {
    edges: [ProjectServicesConnectionEdge!]!
    pageInfo: PageInfo!
  }

  type ProjectServicesConnectionEdge {
    cursor: String!
    node: Service!
  }

  type ProjectVolumesConnection {
    edges: [ProjectVolumesConnectionEdge!]!
    pageInfo: PageInfo!
  }

  type ProjectVolumesConnectionEdge {
    cursor: String!
    node: Volume!
  }

  type ProjectBucketsConnection {
    edges: [ProjectBucketsConnectionEdge!]!
    pageInfo: PageInfo!
  }

  type ProjectBucketsConnectionEdge {
    cursor: String!
    node: Bucket!
  }

  type EnvironmentServiceInstancesConnection {
    edges: [EnvironmentServiceInstancesConnectionEdge!]!
    pageInfo: PageInfo!
  }

  type EnvironmentServiceInstancesConnectionEdge {
    cursor: String!
    node: ServiceInstance!
  }

  type EnvironmentDeploymentsConnection {
    edges: [EnvironmentDeploymentsConnectionEdge!]!
    pageInfo: PageInfo!
  }

  type EnvironmentDeploymentsConnectionEdge {
    cursor: String!
    node: Deployment!
  }

  type EnvironmentVariablesConnection {
    edges: [EnvironmentVariablesConnectionEdge!]!
    pageInfo: PageInfo!
  }

  type EnvironmentVariablesConnectionEdge {
    cursor: String!
    node: Variable!
  }

  type EnvironmentVolumeInstancesConnection {
    edges: [EnvironmentVolumeInstancesConnectionEdge!]!
    pageInfo: PageInfo!
  }

  type EnvironmentVolumeInstancesConnectionEdge {
    cursor: String!
    node: VolumeInstance!
  }

  type QueryDeploymentsConnection {
    edges: [QueryDeploymentsConnectionEdge!]!
    pageInfo: PageInfo!
  }

  type QueryDeploymentsConnectionEdge {
    cursor: String!
    node: Deployment!
  }

  type QueryEnvironmentPatchesConnection {
    edges: [QueryEnvironmentPatchesConnectionEdge!]!
    pageInfo: PageInfo!
  }

  type QueryEnvironmentPatchesConnectionEdge {
    cursor: String!
    node: EnvironmentPatch!
  }

  enum ProjectsOrderBy {
    CREATED_AT_DESC
    NAME_ASC
    UPDATED_AT_DESC
  }

  scalar EnvironmentVariables

  input DeploymentListInput {
    environmentId: String
    includeDeleted: Boolean
    projectId: String
    serviceId: String
    status: DeploymentStatusInput
  }

  input ProjectCreateInput {
    defaultEnvironmentName: String
    description: String
    isMonorepo: Boolean
    isPublic: Boolean
    name: String
    prDeploys: Boolean
    repo: ProjectCreateRepo
    runtime: PublicRuntime
    workspaceId: String
  }

  input EnvironmentCreateInput {
    applyChangesInBackground: Boolean
    ephemeral: Boolean
    name: String!
    projectId: String!
    skipInitialDeploys: Boolean
    sourceEnvironmentId: String
    stageInitialChanges: Boolean
  }

  input EnvironmentRenameInput {
    name: String!
  }

  scalar EnvironmentConfig

  input VariableCollectionUpsertInput {
    environmentId: String!
    projectId: String!
    replace: Boolean = false
    serviceId: String
    skipDeploys: Boolean = false
    variables: EnvironmentVariables!
  }

  input VariableUpsertInput {
    environmentId: String!
    name: String!
    projectId: String!
    serviceId: String
    skipDeploys: Boolean = false
    value: String!
  }

  input VariableDeleteInput {
    environmentId: String!
    name: String!
    projectId: String!
    serviceId: String
  }

  input ServiceCreateInput {
    branch: String
    environmentId: String
    icon: String
    name: String
    projectId: String!
    registryCredentials: RegistryCredentialsInput
    source: ServiceSourceInput
    templateId: String
    templateServiceId: String
    variables: EnvironmentVariables
  }

  input ServiceInstanceLimitsUpdateInput {
    environmentId: String!
    memoryGB: Float
    serviceId: String!
    vCPUs: Float
  }

  input ServiceInstanceUpdateInput {
    buildCommand: String
    builder: Builder
    cronSchedule: String
    dockerfilePath: String
    drainingSeconds: Int
    healthcheckPath: String
    healthcheckTimeout: Int
    ipv6EgressEnabled: Boolean
    multiRegionConfig: JSON
    nixpacksPlan: JSON
    numReplicas: Int
    overlapSeconds: Int
    preDeployCommand: [String!]
    railwayConfigFile: String
    region: String
    registryCredentials: RegistryCredentialsInput
    restartPolicyMaxRetries: Int
    restartPolicyType: RestartPolicyType
    rootDirectory: String
    sleepApplication: Boolean
    source: ServiceSourceInput
    startCommand: String
    watchPatterns: [String!]
  }

  input ServiceDomainCreateInput {
    environmentId: String!
    serviceId: String!
    targetPort: Int
  }

  input CustomDomainCreateInput {
    domain: String!
    environmentId: String!
    projectId: String!
    serviceId: String!
    targetPort: Int
  }

  input TCPProxyCreateInput {
    applicationPort: Int!
    environmentId: String!
    serviceId: String!
  }

  input VolumeCreateInput {
    environmentId: String
    mountPath: String!
    projectId: String!
    region: String
    serviceId: String
  }

  scalar DateTime

  enum SortOrder {
    asc
    desc
  }

  scalar SkippedResourceIds

  enum Builder {
    HEROKU
    NIXPACKS
    PAKETO
    RAILPACK
  }

  enum RestartPolicyType {
    ALWAYS
    NEVER
    ON_FAILURE
  }

  scalar JSON

  enum ServiceDomainSyncStatus {
    ACTIVE
    CREATING
    DELETED
    DELETING
    UNSPECIFIED
    UPDATING
  }

  enum CustomDomainSyncStatus {
    ACTIVE
    CREATING
    DELETED
    DELETING
    UNSPECIFIED
    UPDATING
  }

  enum CertificateStatus {
    CERTIFICATE_STATUS_TYPE_ISSUE_FAILED
    CERTIFICATE_STATUS_TYPE_ISSUING
    CERTIFICATE_STATUS_TYPE_UNSPECIFIED
    CERTIFICATE_STATUS_TYPE_VALID
    CERTIFICATE_STATUS_TYPE_VALIDATING_OWNERSHIP
    UNRECOGNIZED
  }

  enum DNSRecordPurpose {
    DNS_RECORD_PURPOSE_ACME_DNS01_CHALLENGE
    DNS_RECORD_PURPOSE_TRAFFIC_ROUTE
    DNS_RECORD_PURPOSE_UNSPECIFIED
    UNRECOGNIZED
  }

  enum DNSRecordType {
    DNS_RECORD_TYPE_A
    DNS_RECORD_TYPE_CNAME
    DNS_RECORD_TYPE_NS
    DNS_RECORD_TYPE_TXT
    DNS_RECORD_TYPE_UNSPECIFIED
    UNRECOGNIZED
  }

  enum DNSRecordStatus {
    DNS_RECORD_STATUS_PROPAGATED
    DNS_RECORD_STATUS_REQUIRES_UPDATE
    DNS_RECORD_STATUS_UNSPECIFIED
    UNRECOGNIZED
  }

  enum TCPProxySyncStatus {
    ACTIVE
    CREATING
    DELETED
    DELETING
    UNSPECIFIED
    UPDATING
  }

  enum DeploymentStatus {
    BUILDING
    CRASHED
    DEPLOYING
    FAILED
    INITIALIZING
    NEEDS_APPROVAL
    QUEUED
    REMOVED
    REMOVING
    SKIPPED
    SLEEPING
    SUCCESS
    WAITING
  }

  scalar DeploymentMeta

  enum DeploymentInstanceStatus {
    CRASHED
    CREATED
    EXITED
    INITIALIZING
    REMOVED
    REMOVING
    RESTARTING
    RUNNING
    SKIPPED
    STOPPED
  }

  enum VolumeState {
    DELETED
    DELETING
    ERROR
    MIGRATING
    MIGRATION_PENDING
    READY
    RESTORING
    UPDATING
  }

  enum EnvironmentPatchStatus {
    APPLYING
    COMMITTED
    STAGED
  }

  input DeploymentStatusInput {
    in: [DeploymentStatus!]
    notIn: [DeploymentStatus!]
  }

  input ProjectCreateRepo {
    branch: String!
    fullRepoName: String!
  }

  enum PublicRuntime {
    LEGACY
    UNSPECIFIED
    V2
  }

  input RegistryCredentialsInput {
    password: String!
    username: String!
  }

  input ServiceSourceInput {
    image: String
    repo: String
  }

  type AggregatedUsage {
    measurement: MetricMeasurement!
    tags: MetricTags!
    value: Float!
  }

  enum MetricMeasurement {
    BACKUP_USAGE_GB
    CPU_LIMIT
    CPU_USAGE
    CPU_USAGE_2
    DISK_USAGE_GB
    EPHEMERAL_DISK_USAGE_GB
    MEASUREMENT_UNSPECIFIED
    MEMORY_LIMIT_GB
    MEMORY_USAGE_GB
    NETWORK_RX_GB
    NETWORK_TX_GB
    UNRECOGNIZED
  }

  enum MetricTag {
    DEPLOYMENT_ID
    DEPLOYMENT_INSTANCE_ID
    ENVIRONMENT_ID
    HOST_TYPE
    KEY_UNSPECIFIED
    PLUGIN_ID
    PROJECT_ID
    REGION
    SERVICE_ID
    UNRECOGNIZED
    VOLUME_ID
    VOLUME_INSTANCE_ID
  }

  type MetricTags {
    deploymentId: String
    deploymentInstanceId: String
    environmentId: String
    projectId: String
    region: String
    serviceId: String
    volumeId: String
    volumeInstanceId: String
  }
`;
