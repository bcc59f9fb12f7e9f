// Railway's own usage figures (`usage`), per service and environment of a project, over a window: what the
// cost estimate of a clone is built from. Railway's units: CPU in vCPU-minutes, memory and disk in
// GB-minutes, network egress in GB.
import type { ServiceUsage, UsageMeasurement } from '../types.js';
import { type ApiContext } from './context.js';
import { query } from './operation.js';

export const USAGE_MEASUREMENTS: readonly UsageMeasurement[] = [
  'CPU_USAGE',
  'MEMORY_USAGE_GB',
  'NETWORK_TX_GB',
  'DISK_USAGE_GB',
];

export const ProjectUsage = query(
  'ProjectUsage',
  `
query ProjectUsage($projectId: String!, $measurements: [MetricMeasurement!]!, $startDate: DateTime!, $endDate: DateTime!) {
  usage(
    projectId: $projectId
    measurements: $measurements
    startDate: $startDate
    endDate: $endDate
    groupBy: [SERVICE_ID, ENVIRONMENT_ID]
  ) {
    measurement
    value
    tags { serviceId environmentId }
  }
}`,
);

export async function projectUsage(
  ctx: ApiContext,
  projectId: string,
  window: { start: Date; end: Date },
): Promise<ServiceUsage[]> {
  type R = {
    usage: {
      measurement: string;
      value: number;
      tags: { serviceId: string | null; environmentId: string | null };
    }[];
  };
  const r = await ctx.transport.call<R>(
    ProjectUsage,
    {
      projectId,
      measurements: USAGE_MEASUREMENTS,
      startDate: window.start.toISOString(),
      endDate: window.end.toISOString(),
    },
    { resource: `the usage of project ${projectId}` },
  );
  return r.usage
    .filter((u): u is typeof u & { measurement: UsageMeasurement } =>
      (USAGE_MEASUREMENTS as readonly string[]).includes(u.measurement),
    )
    .map((u) => ({
      measurement: u.measurement,
      value: u.value,
      serviceId: u.tags.serviceId,
      environmentId: u.tags.environmentId,
    }));
}
