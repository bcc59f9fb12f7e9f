// What each of Railway's 13 deployment states means to someone waiting for a deploy: still going,
// done, failed, or stuck until a person acts. A Record over the enum, so a 14th state fails to compile.
import type { DeploymentStatus } from './types.js';

export type DeploymentOutcome = 'in-progress' | 'done' | 'failed' | 'needs-user';

export const DEPLOYMENT_STATES: Record<DeploymentStatus, { outcome: DeploymentOutcome; meaning: string }> = {
  QUEUED: { outcome: 'in-progress', meaning: 'queued' },
  WAITING: {
    outcome: 'in-progress',
    meaning: 'waiting for something to finish first (a build slot, CI checks, a service it depends on)',
  },
  INITIALIZING: { outcome: 'in-progress', meaning: 'initialising' },
  BUILDING: { outcome: 'in-progress', meaning: 'building' },
  DEPLOYING: { outcome: 'in-progress', meaning: 'starting' },
  SUCCESS: { outcome: 'done', meaning: 'running' },
  // Serverless: the deployment is up and asleep; the next connection wakes it.
  SLEEPING: { outcome: 'done', meaning: 'running (asleep until the first connection)' },
  NEEDS_APPROVAL: {
    outcome: 'needs-user',
    meaning:
      'waiting for approval: someone with access to the project must approve the deployment in the Railway dashboard',
  },
  SKIPPED: {
    outcome: 'failed',
    meaning:
      'skipped by Railway (nothing to deploy, or the environment skips this service); deploy it by hand',
  },
  FAILED: { outcome: 'failed', meaning: 'failed to build; see its build logs in Railway' },
  CRASHED: { outcome: 'failed', meaning: 'crashed after starting; see its deploy logs in Railway' },
  REMOVING: { outcome: 'failed', meaning: 'being removed before it finished' },
  REMOVED: {
    outcome: 'failed',
    meaning: 'removed before it finished (replaced by another deploy, or stopped)',
  },
};

export function deploymentOutcome(status: string): DeploymentOutcome {
  return DEPLOYMENT_STATES[status as DeploymentStatus]?.outcome ?? 'in-progress';
}

export function deploymentMeaning(status: string): string {
  return DEPLOYMENT_STATES[status as DeploymentStatus]?.meaning ?? `in state ${status}`;
}
