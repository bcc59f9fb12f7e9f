// TCP proxies railclone opens on the SOURCE's databases to read them: recorded on the clone before the
// open (the service, the time) and after it (the proxy's id), so whatever kills the run in between,
// close-database-access, rollback and cleanup can still close it. Railway allows one proxy per service
// instance and railclone opens one only where none is live, so a live proxy on that service created
// right after the record (within the clock skew allowed) is the one it opened; a later one is not.
import { DEAD_PROXY } from '../railway/client.js';
import type { RailwayApi } from '../railway/types.js';
import { type CloneMeta, readMeta, updateMeta } from './metadata.js';
import type { SourceProxy } from './source-readers.js';

/** Clock skew allowed between the record and Railway's createdAt, as for intents. */
const SKEW_MS = 60_000;

type Where = { railway: RailwayApi; projectId: string; environmentId: string };

/** Before the open: the service, and the time. */
export async function recordOpening(w: Where, serviceId: string, since: Date): Promise<void> {
  const meta = await readMeta(w.railway, w.projectId, w.environmentId);
  const pending = (meta?.opening_source_proxies ?? []).filter((p) => p.serviceId !== serviceId);
  await updateMeta(w.railway, w.projectId, w.environmentId, {
    opening_source_proxies: [...pending, { serviceId, since: since.toISOString() }],
  });
}

/** After the open: the proxy's id takes the place of the pending record. */
export async function recordOpened(
  w: Where,
  opened: { serviceId: string; proxyId: string }[],
): Promise<void> {
  const meta = await readMeta(w.railway, w.projectId, w.environmentId);
  const ids = new Set(opened.map((p) => p.serviceId));
  await updateMeta(w.railway, w.projectId, w.environmentId, {
    source_proxies: opened,
    opening_source_proxies: (meta?.opening_source_proxies ?? []).filter((p) => !ids.has(p.serviceId)),
  });
}

/** The source proxies a clone opened: recorded ones, and those a pending record proves. */
export async function sourceProxiesOf(railway: RailwayApi, meta: CloneMeta): Promise<SourceProxy[]> {
  const found = new Map((meta.source_proxies ?? []).map((p) => [p.proxyId, p]));
  for (const pending of meta.opening_source_proxies ?? []) {
    const at = Date.parse(pending.since);
    const proxies = await railway
      .listTcpProxies({ environmentId: meta.cloned_from.environment_id, serviceId: pending.serviceId })
      .catch(() => []);
    for (const p of proxies)
      if (!DEAD_PROXY.has(p.syncStatus) && p.createdAt && Math.abs(Date.parse(p.createdAt) - at) <= SKEW_MS)
        found.set(p.id, { serviceId: pending.serviceId, proxyId: p.id });
  }
  return [...found.values()];
}
