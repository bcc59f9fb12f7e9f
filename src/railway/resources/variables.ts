// Service and shared variables; every value read is registered as a secret.
// Each GraphQL document sits beside the function that sends it; ../operations.ts lists them all.
import { registerSecrets } from '../../util/secrets.js';
import type { VariableMap, VariablesScope } from '../types.js';
import { definedOnly, variablesResource, type ApiContext } from './context.js';
import { mutation, query } from './operation.js';

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

export async function getVariables(
  ctx: ApiContext,
  scope: VariablesScope & { unrendered?: boolean },
): Promise<VariableMap> {
  const r = await ctx.transport.call<{ variables: Record<string, unknown> }>(
    Variables,
    {
      projectId: scope.projectId,
      environmentId: scope.environmentId,
      serviceId: scope.serviceId,
      unrendered: scope.unrendered,
    },
    { resource: variablesResource(scope) },
  );
  const out: VariableMap = {};
  for (const [name, value] of Object.entries(r.variables ?? {}))
    out[name] = value == null ? '' : String(value);
  // RAILWAY_* are Railway-provided ids, names and domains: public, and masking them would blind our logs.
  registerSecrets(
    Object.entries(out)
      .filter(([name]) => !name.startsWith('RAILWAY_'))
      .map(([, v]) => v),
  );
  return out;
}

export async function upsertVariables(
  ctx: ApiContext,

  scope: VariablesScope & { variables: VariableMap; replace?: boolean; skipDeploys?: boolean },
): Promise<void> {
  registerSecrets(Object.values(scope.variables));
  const input = definedOnly({
    projectId: scope.projectId,
    environmentId: scope.environmentId,
    serviceId: scope.serviceId,
    variables: scope.variables,
    replace: scope.replace,
    skipDeploys: scope.skipDeploys,
  });
  await ctx.transport.call(VariableCollectionUpsert, { input }, { resource: variablesResource(scope) });
}

export async function deleteVariable(
  ctx: ApiContext,
  scope: VariablesScope & { name: string },
): Promise<void> {
  const input = definedOnly({
    projectId: scope.projectId,
    environmentId: scope.environmentId,
    serviceId: scope.serviceId,
    name: scope.name,
  });
  await ctx.transport.call(
    VariableDelete,
    { input },
    { resource: `variable ${scope.name} of ${variablesResource(scope)}` },
  );
}
