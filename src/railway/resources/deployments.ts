// Deployments: list, read one, and start a first deploy.
// Each GraphQL document sits beside the function that sends it; ../operations.ts lists them all.
import { nodes, toDeployment, type Connection, type RawDeployment } from '../map.js';
import type { DeploymentInfo, DeploymentStatus } from '../types.js';
import { CLOCK_SKEW_MS, definedOnly, type ApiContext } from './context.js';
import { DEPLOYMENT, PAGE_SIZE, mutation, query } from './operation.js';

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

export const Deployment = query(
  'Deployment',
  `
query Deployment($id: String!) {
  deployment(id: $id) {${DEPLOYMENT}
  }
}`,
);

/** The first deploy of a service made with skipInitialDeploys: a redeploy would find nothing to redeploy. */
export const ServiceInstanceDeployV2 = mutation(
  'ServiceInstanceDeployV2',
  `
mutation ServiceInstanceDeployV2($environmentId: String!, $serviceId: String!) {
  serviceInstanceDeployV2(environmentId: $environmentId, serviceId: $serviceId)
}`,
  // Not resent blindly: a second deploy can cut a first MySQL/MariaDB initialisation short.
  { idempotent: false },
);

export async function listDeployments(
  ctx: ApiContext,
  input: ListDeploymentsInput,
): Promise<DeploymentInfo[]> {
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
    const r = await ctx.transport.call<{ deployments: Connection<RawDeployment> }>(
      Deployments,
      { input: listInput, first: Math.min(limit - out.length, PAGE_SIZE), after },
      { resource: `deployments of environment ${input.environmentId}` },
    );
    out.push(...nodes(r.deployments).map(toDeployment));
    if (!r.deployments.pageInfo?.hasNextPage) break;
    after = r.deployments.pageInfo.endCursor;
  }
  return out.slice(0, limit);
}

export async function deployService(
  ctx: ApiContext,
  input: { environmentId: string; serviceId: string },
): Promise<string> {
  const startedAt = Date.now();
  const r = await ctx.transport.call<{ serviceInstanceDeployV2: string }>(ServiceInstanceDeployV2, input, {
    resource: `service ${input.serviceId} in environment ${input.environmentId}`,
    // A deploy whose answer was lost shows up as a deployment created since we asked.
    recover: async () => {
      const [latest] = await listDeployments(ctx, { ...input, limit: 1 });
      return latest && Date.parse(latest.createdAt) >= startedAt - CLOCK_SKEW_MS
        ? { serviceInstanceDeployV2: latest.id }
        : undefined;
    },
  });
  return r.serviceInstanceDeployV2;
}

export async function getDeployment(ctx: ApiContext, id: string): Promise<DeploymentInfo> {
  const r = await ctx.transport.call<{ deployment: RawDeployment }>(
    Deployment,
    { id },
    { resource: `deployment ${id}` },
  );
  return toDeployment(r.deployment);
}

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
