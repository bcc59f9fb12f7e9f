// TCP proxies: how a database is reached from outside Railway.
// Each GraphQL document sits beside the function that sends it; ../operations.ts lists them all.
import { RailwayApiError } from '../errors.js';
import { toTcpProxy } from '../map.js';
import type { EnvironmentConfig, TcpProxyInfo } from '../types.js';
import { type ApiContext } from './context.js';
import { mutation, query } from './operation.js';
import { commitPatch, stageChanges } from './patches.js';

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
    createdAt
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

export async function listTcpProxies(
  ctx: ApiContext,
  input: { environmentId: string; serviceId: string },
): Promise<TcpProxyInfo[]> {
  const r = await ctx.transport.call<{ tcpProxies: TcpProxyInfo[] }>(TcpProxies, input, {
    resource: `service ${input.serviceId} in environment ${input.environmentId}`,
  });
  return r.tcpProxies.map(toTcpProxy);
}

export async function enableTcpProxy(
  ctx: ApiContext,
  input: {
    environmentId: string;
    serviceId: string;
    applicationPort: number;
  },
): Promise<TcpProxyInfo> {
  const scope = { environmentId: input.environmentId, serviceId: input.serviceId };
  // A proxy being deleted is no proxy (the CLI skips DELETED/DELETING ones too).
  const matching = (list: TcpProxyInfo[]) =>
    list.find((p) => p.applicationPort === input.applicationPort && !DEAD_PROXY.has(p.syncStatus));
  const existing = matching(await listTcpProxies(ctx, scope));
  if (existing) return existing;

  // The current way (as the CLI does it): a networking patch. Committing it directly would also
  // commit someone's staged work, so with staged changes pending we stage ours alongside.
  const patch: EnvironmentConfig = {
    services: {
      [input.serviceId]: { networking: { tcpProxies: { [String(input.applicationPort)]: {} } } },
    },
  };
  const r = await ctx.transport.call<{ environment: { unmergedChangesCount: number | null } }>(
    EnvironmentUnmergedChanges,
    { id: input.environmentId },
    { resource: `environment ${input.environmentId}` },
  );
  const staged = (r.environment.unmergedChangesCount ?? 0) > 0;
  if (staged) await stageChanges(ctx, input.environmentId, patch, true);
  else
    await commitPatch(
      ctx,
      input.environmentId,
      patch,
      `railclone: TCP proxy for port ${input.applicationPort}`,
    );

  // Usually there at once; polled with a growing interval so a slow one costs few requests.
  const deadline = Date.now() + ctx.tcpPoll.timeoutMs;
  for (let wait = ctx.tcpPoll.intervalMs, waited = 0; ; wait = Math.min(wait * 2, 15_000)) {
    const found = matching(await listTcpProxies(ctx, scope));
    if (found) return found;
    if (waited >= ctx.tcpPoll.timeoutMs || Date.now() >= deadline) break;
    await ctx.sleep(wait);
    waited += wait;
  }
  throw new RailwayApiError(
    `The TCP proxy for port ${input.applicationPort} of service ${input.serviceId} did not appear within ` +
      `${Math.round(ctx.tcpPoll.timeoutMs / 1000)} s` +
      (staged
        ? ': it was STAGED because the environment has unmerged changes; commit them to create it.'
        : '.'),
    { environmentId: input.environmentId, serviceId: input.serviceId, staged },
  );
}

export async function deleteTcpProxy(ctx: ApiContext, id: string): Promise<void> {
  await ctx.transport.call(
    TcpProxyDelete,
    { id },
    { resource: `TCP proxy ${id}`, goneMeansDone: { tcpProxyDelete: true } },
  );
}

/** TCPProxySyncStatus values of a proxy that is going or gone. */
export const DEAD_PROXY = new Set(['DELETED', 'DELETING']);
