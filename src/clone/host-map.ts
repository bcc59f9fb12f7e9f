// Which source host becomes which clone host: each web service's hosts (its Railway domain and its
// custom domains) map to THAT service's domain in the clone — the custom domain of the request for
// the primary web service (the one assign-domain gives it to), else the clone's Railway domain —
// and the request's own pairs come last (a pair mapping a host to itself keeps it).
import type { Replacement } from '../data/types.js';
import type { ServicePlan } from './state.js';

export interface HostMapping {
  service: string;
  from: string[];
  to: string;
}

/** The web service that receives the custom domain and gives the staging URL. */
export function primaryWebService(services: readonly ServicePlan[]): ServicePlan | undefined {
  return services.find((s) => !s.engine && s.sourceHosts.length > 0) ?? services.find((s) => !s.engine);
}

/**
 * @param cloneDomainOf the clone's Railway domain of each web service, by service id
 * @param extra the request's pairs (`host_rewrites`), applied over the automatic ones
 */
export function mapHosts(
  services: readonly ServicePlan[],
  cloneDomainOf: ReadonlyMap<string, string>,
  customDomain: string | undefined,
  extra: readonly Replacement[] = [],
): { mappings: HostMapping[]; rewrites: Replacement[] } {
  const primary = primaryWebService(services);
  const mappings: HostMapping[] = [];
  const to = new Map<string, string>();
  for (const s of services) {
    if (s.engine || s.sourceHosts.length === 0) continue;
    const target = s === primary && customDomain ? customDomain : cloneDomainOf.get(s.id);
    if (!target) continue;
    const from = s.sourceHosts.map((h) => h.toLowerCase()).filter((h) => h !== target);
    mappings.push({ service: s.name, from, to: target });
    for (const h of from) to.set(h, target);
  }
  for (const p of extra) to.set(p.from.toLowerCase(), p.to.toLowerCase());
  const rewrites = [...to]
    .filter(([from, target]) => from !== target)
    .map(([from, target]) => ({ from, to: target }));
  return { mappings, rewrites };
}

/** For the plan, before the clone's domains exist: each web service's hosts → "its new domain". */
export function plannedHostMap(
  services: readonly ServicePlan[],
  customDomain: string | undefined,
  extra: readonly Replacement[] = [],
): { service: string; from: string[]; to: string }[] {
  const primary = primaryWebService(services);
  const planned = services
    .filter((s) => !s.engine && s.sourceHosts.length > 0)
    .map((s) => ({
      service: s.name,
      from: s.sourceHosts,
      to:
        s === primary && customDomain
          ? customDomain
          : `the new Railway domain of ${s.targetName ?? s.name} in the clone`,
    }));
  for (const p of extra)
    planned.push({ service: '(request)', from: [p.from], to: p.from === p.to ? `${p.to} (kept)` : p.to });
  return planned;
}
