// Services, their per-environment settings, and volumes (clones into another project).
// Each GraphQL document sits beside the function that sends it; ../operations.ts lists them all.
import { RailwayConflictError } from '../errors.js';
import { nodes, type Connection } from '../map.js';
import { registerPublic, registerSecrets } from '../../util/secrets.js';
import type { CreateServiceInput, ServiceInstanceSettings, ServiceSummary } from '../types.js';
import { CLOCK_SKEW_MS, definedOnly, log, type ApiContext } from './context.js';
import { PAGE_SIZE, mutation, query } from './operation.js';
import { getEnvironment } from './environments.js';

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

export async function createService(
  ctx: ApiContext,
  input: CreateServiceInput,
): Promise<ServiceSummary & { projectId: string }> {
  const startedAt = Date.now();
  registerPublic(input.name);
  registerSecrets(Object.values(input.variables ?? {}));
  const vars = {
    input: definedOnly({
      projectId: input.projectId,
      name: input.name,
      source: input.source ? definedOnly({ image: input.source.image, repo: input.source.repo }) : undefined,
      branch: input.branch,
      environmentId: input.environmentId,
      variables: input.variables,
    }),
  };
  type S = { id: string; name: string; projectId: string; createdAt: string };
  const r = await ctx.transport.call<{ serviceCreate: S }>(ServiceCreate, vars, {
    resource: `service "${input.name}" in project ${input.projectId}`,
    // Service names are unique per project: one of this name created since we started is ours;
    // an older one is someone else's and must never be claimed.
    recover: async () => {
      const found = (await projectServicesCreated(ctx, input.projectId)).find((x) => x.name === input.name);
      if (!found) return undefined;
      if (Date.parse(found.createdAt) < startedAt - CLOCK_SKEW_MS) {
        throw new RailwayConflictError(
          `service "${input.name}" already existed in project ${input.projectId} (created ${found.createdAt}) before this create, whose answer was lost.`,
          { serviceId: found.id, projectId: input.projectId },
        );
      }
      log.info(`serviceCreate of "${input.name}" did happen before the connection failed; using ${found.id}`);
      return { serviceCreate: { ...found, projectId: input.projectId } };
    },
  });
  return { id: r.serviceCreate.id, name: r.serviceCreate.name, projectId: r.serviceCreate.projectId };
}

export async function projectServicesCreated(
  ctx: ApiContext,

  projectId: string,
): Promise<{ id: string; name: string; createdAt: string }[]> {
  type R = { project: { services: Connection<{ id: string; name: string; createdAt: string }> } };
  const out: { id: string; name: string; createdAt: string }[] = [];
  let after: string | null | undefined;
  for (;;) {
    const r = await ctx.transport.call<R>(
      ProjectServicesCreated,
      { id: projectId, first: PAGE_SIZE, after },
      { resource: `project ${projectId}` },
    );
    out.push(...nodes(r.project.services));
    if (!r.project.services.pageInfo?.hasNextPage) return out;
    after = r.project.services.pageInfo.endCursor;
  }
}

export async function updateServiceInstance(
  ctx: ApiContext,
  input: {
    environmentId: string;
    serviceId: string;
    settings: ServiceInstanceSettings;
  },
): Promise<void> {
  const settings = definedOnly({
    ...input.settings,
    source: input.settings.source ? definedOnly({ ...input.settings.source }) : undefined,
  });
  await ctx.transport.call(
    ServiceInstanceUpdate,
    { serviceId: input.serviceId, environmentId: input.environmentId, input: settings },
    {
      resource: `service ${input.serviceId} in environment ${input.environmentId}`,
    },
  );
}

export async function createVolume(
  ctx: ApiContext,
  input: {
    projectId: string;
    environmentId: string;
    serviceId: string;
    mountPath: string;
    region?: string;
  },
): Promise<{ id: string; name: string }> {
  // Volumes have no name we choose: remember the service's instances before, so a new one at this
  // mount path after a lost answer is ours.
  const instances = async () =>
    (await getEnvironment(ctx, input.environmentId, input.projectId)).volumeInstances.filter(
      (v) => v.serviceId === input.serviceId && v.mountPath === input.mountPath,
    );
  const before = new Set((await instances()).map((v) => v.volumeId));
  const r = await ctx.transport.call<{ volumeCreate: { id: string; name: string } }>(
    VolumeCreate,
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

export async function deleteService(
  ctx: ApiContext,
  input: { serviceId: string; environmentId?: string },
): Promise<void> {
  await ctx.transport.call(
    ServiceDelete,
    { id: input.serviceId, environmentId: input.environmentId },
    {
      resource: `service ${input.serviceId}`,
      goneMeansDone: { serviceDelete: true },
    },
  );
}
