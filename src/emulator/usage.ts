// Railway's `usage` query, emulated: each service instance uses a steady amount of CPU, memory and egress
// for every minute it has existed (more for a database than an app, times its replicas), and each volume
// its current size, so figures grow with time as Railway's do. Units as Railway's: vCPU-minutes,
// GB-minutes, GB. Groups by the tags asked for; a tag not asked for is null, as in Railway's answer.
import type { World } from './world.js';

type Measurement = 'CPU_USAGE' | 'MEMORY_USAGE_GB' | 'NETWORK_TX_GB' | 'DISK_USAGE_GB';
type Tag = 'SERVICE_ID' | 'ENVIRONMENT_ID' | 'PROJECT_ID';

/** Per replica per minute. */
const RATES: Record<'database' | 'app', Record<Exclude<Measurement, 'DISK_USAGE_GB'>, number>> = {
  database: { CPU_USAGE: 0.05, MEMORY_USAGE_GB: 0.25, NETWORK_TX_GB: 0 },
  app: { CPU_USAGE: 0.02, MEMORY_USAGE_GB: 0.12, NETWORK_TX_GB: 0.0002 },
};

const TAG_FIELD: Record<Tag, 'serviceId' | 'environmentId' | 'projectId'> = {
  SERVICE_ID: 'serviceId',
  ENVIRONMENT_ID: 'environmentId',
  PROJECT_ID: 'projectId',
};

export interface UsageArgs {
  projectIds: string[];
  measurements: string[];
  groupBy: string[];
  start: Date;
  end: Date;
}

const minutesBetween = (from: number, to: number) => Math.max(0, (to - from) / 60_000);

export function usageOf(world: World, a: UsageArgs) {
  const s = world.state;
  const start = a.start.getTime();
  const end = a.end.getTime();
  const rows: {
    tags: Record<'serviceId' | 'environmentId' | 'projectId', string>;
    m: Measurement;
    v: number;
  }[] = [];
  for (const env of s.environments.values()) {
    if (!a.projectIds.includes(env.projectId)) continue;
    const tags = (serviceId: string) => ({ serviceId, environmentId: env.id, projectId: env.projectId });
    for (const inst of s.instancesOf(env.id)) {
      const minutes = minutesBetween(Math.max(start, Date.parse(inst.createdAt)), end);
      const kind = world.db.engineForImage(inst.source?.image) ? 'database' : 'app';
      const replicas = inst.numReplicas ?? 1;
      for (const [m, rate] of Object.entries(RATES[kind]))
        rows.push({ tags: tags(inst.serviceId), m: m as Measurement, v: rate * replicas * minutes });
    }
    for (const vol of s.volumeInstancesOf(env.id)) {
      if (!vol.serviceId) continue;
      const minutes = minutesBetween(Math.max(start, Date.parse(vol.createdAt)), end);
      rows.push({ tags: tags(vol.serviceId), m: 'DISK_USAGE_GB', v: (vol.currentSizeMB / 1000) * minutes });
    }
  }
  const groups = new Map<
    string,
    { measurement: Measurement; tags: Record<string, string | null>; value: number }
  >();
  for (const r of rows) {
    if (!a.measurements.includes(r.m)) continue;
    const tags: Record<string, string | null> = {};
    for (const t of a.groupBy) {
      const field = TAG_FIELD[t as Tag];
      if (field) tags[field] = r.tags[field];
    }
    const key = `${r.m}|${JSON.stringify(tags)}`;
    const g = groups.get(key) ?? { measurement: r.m, tags, value: 0 };
    g.value += r.v;
    groups.set(key, g);
  }
  return [...groups.values()];
}
