// Resource allocation asked for in the request (replicas, region, sleeping, vCPU/memory limits), applied
// to the clone's service instances through Railway's serviceInstanceUpdate and serviceInstanceLimitsUpdate.
import { clonedServiceName, type ServiceResources } from '../inputs/index.js';
import { StepError } from '../util/errors.js';
import type { StepContext } from './context.js';
import type { ServicePlan } from './state.js';

export function describeResources(r: ServiceResources): string {
  return [
    r.replicas !== undefined ? `${r.replicas} replica(s)` : '',
    r.region ? `region ${r.region}` : '',
    r.sleep !== undefined ? `sleeping ${r.sleep ? 'on' : 'off'}` : '',
    r.vcpus !== undefined ? `${r.vcpus} vCPU` : '',
    r.memory_gb !== undefined ? `${r.memory_gb} GB` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** Names in `resources` that are not among the services being cloned (checked before anything starts). */
export function unknownResourceServices(resources: Record<string, unknown>, cloned: string[]): string[] {
  return Object.keys(resources).filter((name) => !cloned.includes(name));
}

export async function applyResources(ctx: StepContext, environmentId: string, services: ServicePlan[]) {
  const { railway, request, log } = ctx;
  for (const [name, r] of Object.entries(request.resources ?? {})) {
    const service = services.find((s) => s.name === name || s.name === clonedServiceName(request, name));
    if (!service)
      throw new StepError('create-environment', `resources names "${name}", which is not in the clone`);
    const settings = {
      ...(r.replicas !== undefined ? { numReplicas: r.replicas } : {}),
      ...(r.region !== undefined ? { region: r.region } : {}),
      ...(r.sleep !== undefined ? { sleepApplication: r.sleep } : {}),
    };
    if (Object.keys(settings).length) {
      await railway.updateServiceInstance({ environmentId, serviceId: service.id, settings });
    }
    if (r.vcpus !== undefined || r.memory_gb !== undefined) {
      await railway.updateServiceInstanceLimits({
        environmentId,
        serviceId: service.id,
        vCPUs: r.vcpus,
        memoryGB: r.memory_gb,
      });
    }
    log.info(`${service.name}: resources set — ${describeResources(r)}`);
  }
}
