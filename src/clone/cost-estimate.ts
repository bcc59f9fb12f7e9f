// What a clone will probably cost: the source services' own usage over the last week (Railway's `usage`,
// per service of the source environment), at Railway's prices, per hour, times the clone's TTL. An
// estimate, said as one; "unknown" with the reason when Railway gives no figures (a project token, a
// token without billing access, or no usage recorded yet).
import { RailwayAuthError, RailwayError } from '../railway/errors.js';
import { PRICING_SOURCE, USD_PER_UNIT } from '../railway/pricing.js';
import type { RailwayApi } from '../railway/types.js';

export const USAGE_WINDOW_MS = 7 * 24 * 3_600_000;

export type CostEstimate =
  | {
      available: true;
      usd_per_hour: number;
      /** Over the TTL; null when the clone does not expire (then see usd_per_month). */
      usd_total: number | null;
      ttl_hours: number | null;
      usd_per_month: number;
      services: { name: string; usd_per_hour: number }[];
      window: { start: string; end: string };
      basis: string;
    }
  | { available: false; reason: string };

export async function estimateCloneCost(
  railway: Pick<RailwayApi, 'projectUsage'>,
  opts: {
    projectId: string;
    sourceEnvironment: { id: string; createdAt: string };
    /** The source services the clone copies. */
    services: { id: string; name: string }[];
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
    const usd = rows
      .filter((r) => r.serviceId === s.id && r.environmentId === opts.sourceEnvironment.id)
      .reduce((sum, r) => sum + r.value * USD_PER_UNIT[r.measurement], 0);
    return { name: s.name, usd_per_hour: minutes > 0 ? (usd / minutes) * 60 : 0 };
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
    basis: `the source services' Railway usage over the window, at Railway's prices (${PRICING_SOURCE}); Railway's plan credit not deducted`,
  };
}
