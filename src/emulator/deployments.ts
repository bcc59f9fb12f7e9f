// Deployments walk QUEUED → BUILDING → DEPLOYING → SUCCESS on timers, like a real build would.
// A new SUCCESS retires the previous one (REMOVED), so a service has one active deployment.
// Injected outcomes (Faults.deploymentEnds) end a deployment in any other of Railway's states.
// A MySQL/MariaDB container initialises its data directory on its first start; a second deploy
// while that first one is still running cuts it short, and the database never comes up (CRASHED).
import type { DeploymentStatus } from '../railway/types.js';
import { newId, now } from './ids.js';
import { engineOf } from './physical.js';
import type { DeploymentRec } from './state.js';
import type { World } from './world.js';

const STEPS: DeploymentStatus[] = ['QUEUED', 'BUILDING', 'DEPLOYING', 'SUCCESS'];
const IN_PROGRESS = new Set<DeploymentStatus>(['QUEUED', 'WAITING', 'INITIALIZING', 'BUILDING', 'DEPLOYING']);

/** The path a deployment takes to `end`. */
function pathTo(end: DeploymentStatus): DeploymentStatus[] {
  switch (end) {
    case 'SUCCESS':
      return STEPS;
    case 'FAILED':
      return ['QUEUED', 'BUILDING', 'FAILED'];
    case 'SKIPPED':
    case 'NEEDS_APPROVAL':
    case 'WAITING':
      return ['QUEUED', end];
    case 'SLEEPING':
      return [...STEPS, 'SLEEPING'];
    default:
      return ['QUEUED', 'BUILDING', 'DEPLOYING', end];
  }
}

export function deploy(
  world: World,
  environmentId: string,
  serviceId: string,
  reason = 'deploy',
): DeploymentRec {
  const env = world.state.environments.get(environmentId);
  if (!env) throw new Error(`deploy: unknown environment ${environmentId}`);
  const serviceName = world.state.services.get(serviceId)?.name ?? serviceId;
  let end = world.options.faults?.takeDeploymentOutcome(serviceName) ?? 'SUCCESS';
  const earlier = world.state.deploymentsOf({ environmentId, serviceId });
  const engine = engineOf(world, environmentId, serviceId);
  const initialising = earlier.filter((d) => IN_PROGRESS.has(d.status));
  if (
    (engine === 'mysql' || engine === 'mariadb') &&
    initialising.length > 0 &&
    !earlier.some((d) => d.status === 'SUCCESS' || d.status === 'REMOVED' || d.status === 'SLEEPING')
  ) {
    // Replacing the first deployment mid-initialisation leaves a half-made data directory.
    end = 'CRASHED';
  }
  for (const d of initialising) {
    d.status = 'REMOVED';
    d.updatedAt = d.statusUpdatedAt = now();
  }
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
    meta: end === 'CRASHED' && engine ? { reason, crash: 'database initialisation cut short' } : { reason },
  };
  world.state.deployments.set(d.id, d);
  advance(world, d.id, pathTo(end), 1);
  return d;
}

function advance(world: World, deploymentId: string, path: DeploymentStatus[], step: number): void {
  const next = path[step];
  if (!next) return;
  world.later(world.options.deploymentStepMs, () => {
    const d = world.state.deployments.get(deploymentId);
    if (!d || d.status === 'REMOVED') return;
    d.status = next;
    d.updatedAt = d.statusUpdatedAt = now();
    if (next === 'SUCCESS') retireOthers(world, d);
    advance(world, deploymentId, path, step + 1);
  });
}

function retireOthers(world: World, d: DeploymentRec): void {
  for (const other of world.state.deploymentsOf({ environmentId: d.environmentId, serviceId: d.serviceId })) {
    if (
      other.id !== d.id &&
      other.seq < d.seq &&
      (other.status === 'SUCCESS' || other.status === 'SLEEPING')
    ) {
      other.status = 'REMOVED';
      other.updatedAt = other.statusUpdatedAt = now();
    }
  }
}

/** The deployments a service instance is serving from. */
export function activeDeployments(world: World, environmentId: string, serviceId: string): DeploymentRec[] {
  return world.state
    .deploymentsOf({ environmentId, serviceId })
    .filter((d) => d.status === 'SUCCESS' || d.status === 'SLEEPING')
    .slice(0, 1);
}
