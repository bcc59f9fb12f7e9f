// What a clone will probably cost: the source services' own usage over the last week (Railway's `usage`,
// per service of the source environment), at Railway's prices, per hour, times the clone's TTL — for the
// services the clone will have (excluded ones are not passed in), scaled to what the request's `resources`
// will create: CPU and memory per replica capped at the vcpus / memory_gb limits, times the clone's
// replicas; volume and egress as the source's. An estimate, said as one; not available, with the reason,
// when Railway gives no figures (a project token, a token without billing access, no usage yet).
import { RailwayAuthError, RailwayError } from '../railway/errors.js';
import { PRICING_SOURCE, USD_PER_UNIT } from '../railway/pricing.js';
import type { RailwayApi, UsageMeasurement } from '../railway/types.js';
import type { ServiceResources } from '../inputs/index.js';

export const USAGE_WINDOW_MS = 7 * 24 * 3_600_000;

export type CostEstimate =
  | {
      available: true;
      usd_per_hour: number;
      /** Over the TTL; null when the clone does not expire (then see usd_per_month). */
      usd_total: number | null;
      ttl_hours: number | null;
      usd_per_month: number;
      services: {
        name: string;
        usd_per_hour: number;
        /** Replicas the clone runs (the request's, else the source's). */
        replicas: number;
        /** How the request's resources changed this service's figure (empty: as the source). */
        adjusted: string[];
      }[];
      window: { start: string; end: string };
      basis: string;
    }
  | { available: false; reason: string };

export async function estimateCloneCost(
  railway: Pick<RailwayApi, 'projectUsage'>,
  opts: {
    projectId: string;
    sourceEnvironment: { id: string; createdAt: string };
    /** The source services the clone copies, with the source's replicas and the request's resources. */
    services: {
      id: string;
      name: string;
      sourceReplicas?: number | null;
      resources?: ServiceResources | undefined;
    }[];
    ttlMs: number | null;
    now?: Date;
  },
): Promise<CostEstimate> {
  const end = opts.now ?? new Date();
  const start = new Date(end.getTime() - USAGE_WINDOW_MS);
  let rows;
  try {
    rows = await railway.projectUsage(opts.projectId, { start, end });
  } catch (err) {
    if (err instanceof RailwayAuthError)
      return { available: false, reason: "the Railway token cannot read the project's usage figures" };
    if (err instanceof RailwayError)
      return { available: false, reason: `Railway did not give usage figures (${err.code})` };
    throw err;
  }
  // Usage accrues from when the environment exists: a younger one is averaged over its own life.
  const from = Math.max(start.getTime(), Date.parse(opts.sourceEnvironment.createdAt));
  const minutes = (end.getTime() - from) / 60_000;
  const perService = opts.services.map((s) => {
    const perMinute = (m: UsageMeasurement) =>
      minutes > 0
        ? rows
            .filter(
              (r) =>
                r.serviceId === s.id && r.environmentId === opts.sourceEnvironment.id && r.measurement === m,
            )
            .reduce((sum, r) => sum + r.value, 0) / minutes
        : 0;
    const { units, adjusted, replicas } = asCloned(
      {
        CPU_USAGE: perMinute('CPU_USAGE'),
        MEMORY_USAGE_GB: perMinute('MEMORY_USAGE_GB'),
        DISK_USAGE_GB: perMinute('DISK_USAGE_GB'),
        NETWORK_TX_GB: perMinute('NETWORK_TX_GB'),
      },
      s.sourceReplicas ?? 1,
      s.resources,
    );
    const usdPerMinute = (Object.keys(units) as UsageMeasurement[]).reduce(
      (sum, m) => sum + units[m] * USD_PER_UNIT[m],
      0,
    );
    return { name: s.name, usd_per_hour: usdPerMinute * 60, replicas, adjusted };
  });
  const perHour = perService.reduce((sum, s) => sum + s.usd_per_hour, 0);
  if (minutes <= 0 || perHour === 0)
    return { available: false, reason: 'Railway reports no usage for these services yet' };
  const ttlHours = opts.ttlMs === null ? null : opts.ttlMs / 3_600_000;
  return {
    available: true,
    usd_per_hour: perHour,
    usd_total: ttlHours === null ? null : perHour * ttlHours,
    ttl_hours: ttlHours,
    usd_per_month: perHour * 24 * 30,
    services: perService,
    window: { start: new Date(from).toISOString(), end: end.toISOString() },
    basis: `the source services' Railway usage over the window, scaled to the clone's replicas and vCPU/memory limits, at Railway's prices (${PRICING_SOURCE}); Railway's plan credit not deducted; a sleeping service costs less`,
  };
}

/**
 * A source service's average use per minute (vCPUs, GB of memory and disk, GB sent), as the clone will
 * run it: CPU and memory are per replica, so they are divided by the source's replicas, capped at the
 * request's limits and multiplied by the clone's replicas. A volume is not replicated, and egress follows
 * traffic, not replicas: both stay the source's.
 */
export function asCloned(
  perMinute: Record<UsageMeasurement, number>,
  sourceReplicas: number,
  resources: ServiceResources | undefined,
): { units: Record<UsageMeasurement, number>; adjusted: string[]; replicas: number } {
  const from = Math.max(1, sourceReplicas);
  const replicas = resources?.replicas ?? from;
  const adjusted: string[] = [];
  if (replicas !== from) adjusted.push(`${replicas} replica(s) instead of ${from}`);
  const perReplica = (total: number, limit: number | undefined, what: string) => {
    const each = total / from;
    if (limit !== undefined && each > limit) {
      adjusted.push(`${what} capped at ${limit} per replica`);
      return limit * replicas;
    }
    return each * replicas;
  };
  if (resources?.sleep) adjusted.push('app sleeping on: it costs only while awake, so likely less');
  return {
    units: {
      CPU_USAGE: perReplica(perMinute.CPU_USAGE, resources?.vcpus, 'vCPU'),
      MEMORY_USAGE_GB: perReplica(perMinute.MEMORY_USAGE_GB, resources?.memory_gb, 'memory (GB)'),
      DISK_USAGE_GB: perMinute.DISK_USAGE_GB,
      NETWORK_TX_GB: perMinute.NETWORK_TX_GB,
    },
    adjusted,
    replicas,
  };
}
