// Deploying the clone's services once, and following exactly those deployments to the end.
// The clone is created with skipInitialDeploys, so its services have no deployment: a "redeploy"
// would have nothing to redeploy. serviceInstanceDeployV2 starts one and returns its id. A deploy
// already under way (a committed patch started it, or an earlier attempt of this step) is followed
// instead of starting another: a second deploy can cut a first MySQL/MariaDB initialisation short.
import { deploymentMeaning, deploymentOutcome } from '../railway/deployment-status.js';
import type { DeploymentInfo, RailwayApi } from '../railway/types.js';
import { StepError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import type { ProgressListener } from '../util/progress.js';

export interface DeployTarget {
  serviceId: string;
  name: string;
}

/** The deployment to follow for a service: the one under way or done, else a new one. */
export async function deployOnce(
  railway: RailwayApi,
  scope: { projectId: string; environmentId: string },
  target: DeployTarget,
): Promise<{ deploymentId: string; started: boolean }> {
  const [latest] = await railway.listDeployments({
    projectId: scope.projectId,
    environmentId: scope.environmentId,
    serviceId: target.serviceId,
    limit: 1,
  });
  if (latest && deploymentOutcome(latest.status) !== 'failed')
    return { deploymentId: latest.id, started: false };
  const deploymentId = await railway.deployService({
    environmentId: scope.environmentId,
    serviceId: target.serviceId,
  });
  return { deploymentId, started: true };
}

export interface FollowOptions {
  step: string;
  timeoutMs: number;
  log: Logger;
  progress: ProgressListener;
  /** First wait between polls; it doubles up to maxPollMs. */
  firstPollMs?: number;
  maxPollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Waits until every followed deployment is running (SUCCESS or SLEEPING). One `deployments` request
 * per round covers all of them, and rounds grow from 1 s to 15 s apart: a minute-long deploy costs
 * about seven requests, however many databases there are. A deployment replaced by a newer one of
 * the same service is followed on to that one.
 */
export async function followDeployments(
  railway: RailwayApi,
  scope: { projectId: string; environmentId: string },
  targets: (DeployTarget & { deploymentId: string })[],
  opts: FollowOptions,
): Promise<void> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pending = new Map(targets.map((t) => [t.serviceId, { ...t, last: '', toldUser: false }]));
  const deadline = Date.now() + opts.timeoutMs;
  for (
    let wait = opts.firstPollMs ?? 1_000;
    pending.size > 0;
    wait = Math.min(wait * 2, opts.maxPollMs ?? 15_000)
  ) {
    const recent = await railway.listDeployments({ ...scope, limit: 100 });
    for (const t of [...pending.values()]) {
      let d: DeploymentInfo | undefined = recent.find((x) => x.id === t.deploymentId);
      d ??= await railway.getDeployment(t.deploymentId);
      if (d.status === 'REMOVED' || d.status === 'REMOVING') {
        const newer = recent.find(
          (x) =>
            x.serviceId === t.serviceId &&
            x.createdAt > d!.createdAt &&
            deploymentOutcome(x.status) !== 'failed',
        );
        if (newer) {
          opts.log.info(
            `${t.name}: deployment ${t.deploymentId} was replaced by ${newer.id}; following that`,
          );
          t.deploymentId = newer.id;
          d = newer;
        }
      }
      if (d.status !== t.last) {
        opts.progress({ kind: 'service', service: t.name, status: d.status });
        t.last = d.status;
      }
      const outcome = deploymentOutcome(d.status);
      if (outcome === 'done') pending.delete(t.serviceId);
      else if (outcome === 'failed')
        throw new StepError(
          opts.step,
          `${t.name}: its deployment ${d.id} ended ${d.status}: ${deploymentMeaning(d.status)}`,
          {
            service: t.name,
            deploymentId: d.id,
            status: d.status,
          },
        );
      else if (outcome === 'needs-user' && !t.toldUser) {
        opts.log.warn(`${t.name}: deployment ${d.id} is ${deploymentMeaning(d.status)}`);
        t.toldUser = true;
      }
    }
    if (pending.size === 0) return;
    if (Date.now() >= deadline) {
      const left = [...pending.values()];
      const needsUser = left.filter((t) => deploymentOutcome(t.last) === 'needs-user');
      throw new StepError(
        opts.step,
        `${left.map((t) => `${t.name} (${t.last || 'no status yet'})`).join(', ')} not deployed within ${Math.round(opts.timeoutMs / 1000)} s` +
          (needsUser.length ? `: ${deploymentMeaning(needsUser[0]!.last)}` : ''),
        { services: left.map((t) => ({ service: t.name, deploymentId: t.deploymentId, status: t.last })) },
      );
    }
    await sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
  }
}
