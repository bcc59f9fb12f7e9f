// Environments: list, read with their service and volume instances, config, create, delete.
// Each GraphQL document sits beside the function that sends it; ../operations.ts lists them all.
import { RailwayConflictError } from '../errors.js';
import {
  nodes,
  registerConfigSecrets,
  toEnvironmentSummary,
  toServiceInstance,
  toVolumeInstance,
  type Connection,
  type RawEnvironment,
  type RawServiceInstance,
  type RawVolumeInstance,
} from '../map.js';
import { registerPublic } from '../../util/secrets.js';
import type {
  CreateEnvironmentInput,
  EnvironmentConfig,
  EnvironmentDetails,
  EnvironmentSummary,
} from '../types.js';
import { CLOCK_SKEW_MS, definedOnly, log, type ApiContext } from './context.js';
import { DEPLOYMENT, DOMAIN, ENVIRONMENT_SUMMARY, PAGE_SIZE, mutation, query } from './operation.js';

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

export const EnvironmentConfigQuery = query(
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

export async function listEnvironments(
  ctx: ApiContext,

  projectId: string,
  opts: { isEphemeral?: boolean } = {},
): Promise<EnvironmentSummary[]> {
  const out: EnvironmentSummary[] = [];
  let after: string | null | undefined;
  for (;;) {
    const r = await ctx.transport.call<{ environments: Connection<RawEnvironment> }>(
      Environments,
      { projectId, isEphemeral: opts.isEphemeral, first: PAGE_SIZE, after },
      { resource: `project ${projectId}` },
    );
    out.push(...nodes(r.environments).map(toEnvironmentSummary));
    if (!r.environments.pageInfo?.hasNextPage) break;
    after = r.environments.pageInfo.endCursor;
  }
  for (const e of out) registerPublic(e.name);
  return out;
}

export async function findEnvironmentByName(
  ctx: ApiContext,
  projectId: string,
  name: string,
): Promise<EnvironmentSummary | null> {
  return (await listEnvironments(ctx, projectId)).find((e) => e.name === name) ?? null;
}

export async function getEnvironment(
  ctx: ApiContext,
  environmentId: string,
  projectId?: string,
): Promise<EnvironmentDetails> {
  type E = RawEnvironment & {
    serviceInstances: Connection<RawServiceInstance>;
    volumeInstances: Connection<RawVolumeInstance>;
  };
  const resource = `environment ${environmentId}`;
  const base = { id: environmentId, projectId, first: PAGE_SIZE };
  const { environment: env } = await ctx.transport.call<{ environment: E }>(Environment, base, {
    resource,
  });
  const services = nodes(env.serviceInstances);
  let page = env.serviceInstances.pageInfo;
  while (page?.hasNextPage) {
    const r = await ctx.transport.call<{
      environment: { serviceInstances: Connection<RawServiceInstance> };
    }>(EnvironmentServiceInstancesPage, { ...base, after: page.endCursor }, { resource });
    services.push(...nodes(r.environment.serviceInstances));
    page = r.environment.serviceInstances.pageInfo;
  }
  const volumes = nodes(env.volumeInstances);
  page = env.volumeInstances.pageInfo;
  while (page?.hasNextPage) {
    const r = await ctx.transport.call<{
      environment: { volumeInstances: Connection<RawVolumeInstance> };
    }>(EnvironmentVolumeInstancesPage, { ...base, after: page.endCursor }, { resource });
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

export async function getEnvironmentConfig(
  ctx: ApiContext,

  environmentId: string,
  opts: { decryptVariables?: boolean } = {},
): Promise<EnvironmentConfig> {
  const r = await ctx.transport.call<{ environment: { config: EnvironmentConfig } }>(
    EnvironmentConfigQuery,
    { id: environmentId, decryptVariables: opts.decryptVariables },
    { resource: `environment ${environmentId}` },
  );
  registerConfigSecrets(r.environment.config);
  return r.environment.config ?? {};
}

export async function createEnvironment(
  ctx: ApiContext,
  input: CreateEnvironmentInput,
): Promise<EnvironmentSummary> {
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
  const r = await ctx.transport.call<{ environmentCreate: RawEnvironment }>(EnvironmentCreate, vars, {
    resource: `environment "${input.name}" in project ${input.projectId}`,
    // Names are unique per project, so an environment of this name created since we started is
    // the one we created. An OLDER one is not ours: claiming it would let the caller treat (and
    // later overwrite or delete) someone else's environment as its own.
    recover: async () => {
      const found = await findEnvironmentByName(ctx, input.projectId, input.name);
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

export async function deleteEnvironment(ctx: ApiContext, environmentId: string): Promise<boolean> {
  const r = await ctx.transport.call<{ environmentDelete: boolean }>(
    EnvironmentDelete,
    { id: environmentId },
    {
      resource: `environment ${environmentId}`,
      goneMeansDone: { environmentDelete: true },
    },
  );
  return r.environmentDelete;
}
