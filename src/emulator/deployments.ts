// Deployments walk QUEUED → BUILDING → DEPLOYING → SUCCESS on timers, like a real build would.
// A new SUCCESS retires the previous one (REMOVED), so a service has one active deployment.
import type { DeploymentStatus } from '../railway/types.js';
import { newId, now } from './ids.js';
import type { DeploymentRec } from './state.js';
import type { World } from './world.js';

const STEPS: DeploymentStatus[] = ['QUEUED', 'BUILDING', 'DEPLOYING', 'SUCCESS'];

export function deploy(
  world: World,
  environmentId: string,
  serviceId: string,
  reason = 'deploy',
): DeploymentRec {
  const env = world.state.environments.get(environmentId);
  if (!env) throw new Error(`deploy: unknown environment ${environmentId}`);
  const t = now();
  const d: DeploymentRec = {
    seq: world.nextSeq(),
    id: newId(),
    projectId: env.projectId,
    environmentId,
    serviceId,
    status: 'QUEUED',
    createdAt: t,
    updatedAt: t,
    statusUpdatedAt: t,
    meta: { reason },
  };
  world.state.deployments.set(d.id, d);
  advance(world, d.id, 1);
  return d;
}

function advance(world: World, deploymentId: string, step: number): void {
  world.later(world.options.deploymentStepMs, () => {
    const d = world.state.deployments.get(deploymentId);
    const next = STEPS[step];
    if (!d || !next || d.status === 'REMOVED') return;
    d.status = next;
    d.updatedAt = d.statusUpdatedAt = now();
    if (next === 'SUCCESS') retireOthers(world, d);
    else advance(world, deploymentId, step + 1);
  });
}

function retireOthers(world: World, d: DeploymentRec): void {
  for (const other of world.state.deploymentsOf({ environmentId: d.environmentId, serviceId: d.serviceId })) {
    if (other.id !== d.id && other.seq < d.seq && other.status === 'SUCCESS') {
      other.status = 'REMOVED';
      other.updatedAt = other.statusUpdatedAt = now();
    }
  }
}

/** The deployments a service instance is serving from. */
export function activeDeployments(world: World, environmentId: string, serviceId: string): DeploymentRec[] {
  return world.state
    .deploymentsOf({ environmentId, serviceId })
    .filter((d) => d.status === 'SUCCESS')
    .slice(0, 1);
}
