// Resource allocation of one cloned service: what Railway's serviceInstanceUpdate (replicas, region, app
// sleeping) and serviceInstanceLimitsUpdate (vCPUs, memory per replica) set. Bounds are Railway's plan maxima.
import { z } from 'zod';

export const RESOURCE_FIELDS = ['replicas', 'region', 'sleep', 'vcpus', 'memory_gb'] as const;

export const ServiceResourcesSchema = z
  .object({
    replicas: z.number().int().min(1, 'replicas is 1 to 50').max(50, 'replicas is 1 to 50').optional(),
    region: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,39}$/, 'region is a Railway region id like us-west2 or europe-west4-drams3a')
      .optional(),
    sleep: z.boolean().optional(),
    vcpus: z.number().min(0.1, 'vcpus is 0.1 to 32').max(32, 'vcpus is 0.1 to 32').optional(),
    memory_gb: z.number().min(0.25, 'memory_gb is 0.25 to 32').max(32, 'memory_gb is 0.25 to 32').optional(),
  })
  .strict()
  .refine((r) => Object.values(r).some((v) => v !== undefined), {
    message: `give at least one of ${RESOURCE_FIELDS.join(', ')}`,
  });
export type ServiceResources = z.output<typeof ServiceResourcesSchema>;
