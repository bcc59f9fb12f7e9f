// Railway-provided service domains, custom domains and TCP proxies of a service instance.
import { EmuError } from './errors.js';
import { hex, newId, now, slug } from './ids.js';
import { scopeKey, type DomainRec, type TcpProxyRec } from './state.js';
import { TcpForwarder } from './tcp-forwarder.js';
import type { World } from './world.js';

/** Where emulated proxies listen (Railway's are `*.proxy.rlwy.net`). */
const PROXY_HOST = '127.0.0.1';
const HOSTNAME = /^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/i;

export function serviceDomainName(world: World, environmentId: string, serviceId: string): string {
  const s = world.state;
  const label = `${slug(s.services.get(serviceId)?.name ?? 'service')}-${slug(s.environments.get(environmentId)?.name ?? 'env')}`;
  for (;;) {
    const name = `${label}-${hex(2)}.up.railway.app`;
    if (!domainInUse(world, name)) return name;
  }
}

export function domainInUse(world: World, domain: string): boolean {
  const d = domain.toLowerCase();
  for (const m of [world.state.serviceDomains, world.state.customDomains])
    for (const r of m.values()) if (r.domain === d) return true;
  return false;
}

export function customDomainAvailable(world: World, domain: string): { available: boolean; message: string } {
  if (!HOSTNAME.test(domain)) return { available: false, message: 'Invalid domain' };
  if (/\.(up\.)?railway\.app$/i.test(domain))
    return { available: false, message: 'Railway domains cannot be used as custom domains' };
  if (domainInUse(world, domain)) return { available: false, message: 'Domain is already in use' };
  return { available: true, message: 'Domain is available' };
}

function record(
  world: World,
  environmentId: string,
  serviceId: string,
  domain: string,
  targetPort: number | null,
): DomainRec {
  const env = world.state.environments.get(environmentId)!;
  const t = now();
  return {
    id: newId(),
    domain: domain.toLowerCase(),
    environmentId,
    serviceId,
    projectId: env.projectId,
    targetPort,
    createdAt: t,
    updatedAt: t,
  };
}

export function addServiceDomain(
  world: World,
  environmentId: string,
  serviceId: string,
  targetPort: number | null,
  name?: string,
): DomainRec {
  const domain =
    name && !domainInUse(world, name) ? name : serviceDomainName(world, environmentId, serviceId);
  const d = record(world, environmentId, serviceId, domain, targetPort);
  world.state.serviceDomains.set(d.id, d);
  return d;
}

export function addCustomDomain(
  world: World,
  environmentId: string,
  serviceId: string,
  domain: string,
  targetPort: number | null,
): DomainRec {
  const check = customDomainAvailable(world, domain);
  if (!check.available) throw new EmuError(`${domain}: ${check.message}`);
  const d = record(world, environmentId, serviceId, domain, targetPort);
  world.state.customDomains.set(d.id, d);
  return d;
}

/**
 * One live TCP proxy per service instance, as Railway enforces. Every proxy listens on a real local
 * port that forwards to the physical database behind the service (if any). It is CREATING, and
 * resets connections, until it turns ACTIVE `tcpProxyActivationMs` later (`immediately` for seeds).
 */
export async function addTcpProxy(
  world: World,
  environmentId: string,
  serviceId: string,
  applicationPort: number,
  opts: { immediately?: boolean } = {},
): Promise<TcpProxyRec> {
  const existing = liveTcpProxies(world, environmentId, serviceId)[0];
  if (existing) {
    if (existing.applicationPort === applicationPort) return existing;
    throw new EmuError('Only a single TCP proxy is allowed per service instance');
  }
  const { forwarder, port } = await TcpForwarder.open(PROXY_HOST, () => {
    const db = world.physical.get(scopeKey(environmentId, serviceId));
    return db ? { host: db.host, port: db.port } : null;
  });
  const t = now();
  const p: TcpProxyRec = {
    id: newId(),
    environmentId,
    serviceId,
    applicationPort,
    domain: PROXY_HOST,
    proxyPort: port,
    syncStatus: 'CREATING',
    createdAt: t,
    updatedAt: t,
  };
  world.state.tcpProxies.set(p.id, p);
  world.forwarders.set(p.id, forwarder);
  const activate = () => {
    if (world.state.tcpProxies.get(p.id)?.syncStatus !== 'CREATING') return;
    p.syncStatus = 'ACTIVE';
    p.updatedAt = now();
    forwarder.active = true;
  };
  if (opts.immediately || world.options.tcpProxyActivationMs === 0) activate();
  else world.later(world.options.tcpProxyActivationMs, activate);
  return p;
}

/** Proxies that are (or are becoming) usable: not DELETING or DELETED. */
export function liveTcpProxies(world: World, environmentId: string, serviceId?: string): TcpProxyRec[] {
  return world.state
    .tcpProxiesOf(environmentId, serviceId)
    .filter((p) => p.syncStatus === 'CREATING' || p.syncStatus === 'ACTIVE');
}

/**
 * Deleting a proxy: it stops forwarding at once, stays listed as DELETING for a while (as Railway
 * lists it while the operation runs), then is gone. `now` drops it at once (its instance went away).
 */
export function removeTcpProxy(world: World, id: string, opts: { now?: boolean } = {}): void {
  const p = world.state.tcpProxies.get(id);
  if (!p) return;
  const f = world.forwarders.get(id);
  world.forwarders.delete(id);
  if (f) world.track(f.close());
  if (opts.now || world.options.tcpProxyActivationMs === 0) {
    world.state.tcpProxies.delete(id);
    return;
  }
  p.syncStatus = 'DELETING';
  p.updatedAt = now();
  world.later(world.options.tcpProxyActivationMs, () => world.state.tcpProxies.delete(id));
}
