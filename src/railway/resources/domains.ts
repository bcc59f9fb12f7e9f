// Railway-provided service domains and custom domains.
// Each GraphQL document sits beside the function that sends it; ../operations.ts lists them all.
import { toDomain, toDomains, type RawDomain } from '../map.js';
import { registerPublic } from '../../util/secrets.js';
import type { DomainInfo, ServiceDomains, VariablesScope } from '../types.js';
import { definedOnly, type ApiContext } from './context.js';
import { DOMAIN, mutation, query } from './operation.js';

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

export async function listDomains(ctx: ApiContext, scope: Required<VariablesScope>): Promise<ServiceDomains> {
  const r = await ctx.transport.call<{
    domains: { serviceDomains: RawDomain[]; customDomains: RawDomain[] };
  }>(
    Domains,
    { projectId: scope.projectId, environmentId: scope.environmentId, serviceId: scope.serviceId },
    { resource: `service ${scope.serviceId} in environment ${scope.environmentId}` },
  );
  return toDomains(r.domains);
}

export async function serviceInstanceDomains(
  ctx: ApiContext,
  environmentId: string,
  serviceId: string,
): Promise<ServiceDomains> {
  const r = await ctx.transport.call<{
    serviceInstance: { domains: { serviceDomains: RawDomain[]; customDomains: RawDomain[] } };
  }>(
    ServiceInstanceDomains,
    { environmentId, serviceId },
    { resource: `service ${serviceId} in environment ${environmentId}` },
  );
  return toDomains(r.serviceInstance.domains);
}

export async function createServiceDomain(
  ctx: ApiContext,
  input: {
    environmentId: string;
    serviceId: string;
    targetPort?: number;
  },
): Promise<DomainInfo> {
  // serviceDomainCreate's result cannot be found by name (Railway picks it), so remember what
  // existed before: a new domain after an ambiguous failure is ours.
  const before = new Set(
    (await serviceInstanceDomains(ctx, input.environmentId, input.serviceId)).serviceDomains.map((d) => d.id),
  );
  const r = await ctx.transport.call<{ serviceDomainCreate: RawDomain }>(
    ServiceDomainCreate,
    {
      input: definedOnly({
        environmentId: input.environmentId,
        serviceId: input.serviceId,
        targetPort: input.targetPort,
      }),
    },
    {
      resource: `service ${input.serviceId} in environment ${input.environmentId}`,
      recover: async () => {
        const now = await serviceInstanceDomains(ctx, input.environmentId, input.serviceId);
        const created = now.serviceDomains.find((d) => !before.has(d.id));
        return created ? { serviceDomainCreate: created } : undefined;
      },
    },
  );
  registerPublic(r.serviceDomainCreate.domain);
  return toDomain(r.serviceDomainCreate);
}

export async function deleteServiceDomain(ctx: ApiContext, id: string): Promise<void> {
  await ctx.transport.call(
    ServiceDomainDelete,
    { id },
    { resource: `service domain ${id}`, goneMeansDone: { serviceDomainDelete: true } },
  );
}

export async function customDomainAvailable(
  ctx: ApiContext,
  domain: string,
): Promise<{ available: boolean; message: string }> {
  const r = await ctx.transport.call<{ customDomainAvailable: { available: boolean; message: string } }>(
    CustomDomainAvailable,
    { domain },
    { resource: `domain ${domain}` },
  );
  return { available: r.customDomainAvailable.available, message: r.customDomainAvailable.message };
}

export async function createCustomDomain(
  ctx: ApiContext,
  input: {
    projectId: string;
    environmentId: string;
    serviceId: string;
    domain: string;
    targetPort?: number;
  },
): Promise<DomainInfo> {
  registerPublic(input.domain);
  const r = await ctx.transport.call<{ customDomainCreate: RawDomain }>(
    CustomDomainCreate,
    { input: definedOnly({ ...input }) },
    {
      resource: `custom domain ${input.domain}`,
      recover: async () => {
        const now = await listDomains(ctx, input);
        const found = now.customDomains.find((d) => d.domain.toLowerCase() === input.domain.toLowerCase());
        return found ? { customDomainCreate: found } : undefined;
      },
    },
  );
  return toDomain(r.customDomainCreate);
}

export async function deleteCustomDomain(ctx: ApiContext, id: string): Promise<void> {
  await ctx.transport.call(
    CustomDomainDelete,
    { id },
    { resource: `custom domain ${id}`, goneMeansDone: { customDomainDelete: true } },
  );
}
