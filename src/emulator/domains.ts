// Railway-provided service domains, custom domains and TCP proxies of a service instance.
import { EmuError } from './errors.js';
import { hex, newId, now, slug } from './ids.js';
import type { DomainRec, TcpProxyRec } from './state.js';
import type { World } from './world.js';

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

/** One TCP proxy per service instance, as Railway enforces. `endpoint` pins domain and port (database services). */
export function addTcpProxy(
  world: World,
  environmentId: string,
  serviceId: string,
  applicationPort: number,
  endpoint?: { domain: string; port: number },
): TcpProxyRec {
  const existing = world.state.tcpProxiesOf(environmentId, serviceId)[0];
  if (existing) {
    if (existing.applicationPort === applicationPort && !endpoint) return existing;
    if (!endpoint) throw new EmuError('Only a single TCP proxy is allowed per service instance');
    world.state.tcpProxies.delete(existing.id);
  }
  const t = now();
  const p: TcpProxyRec = {
    id: newId(),
    environmentId,
    serviceId,
    applicationPort,
    domain:
      endpoint?.domain ??
      `${['shuttle', 'switchback', 'ballast', 'caboose', 'turntable'][Math.floor(Math.random() * 5)]}.proxy.rlwy.net`,
    proxyPort: endpoint?.port ?? 10000 + Math.floor(Math.random() * 50000),
    createdAt: t,
    updatedAt: t,
  };
  world.state.tcpProxies.set(p.id, p);
  return p;
}
