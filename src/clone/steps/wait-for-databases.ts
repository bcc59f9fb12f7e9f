// wait-for-databases: the clone's databases are deployed — once each — and accept connections
// through their TCP proxies. A retry follows the deployment already under way instead of starting
// another (../deploys.ts).
import { readRailcloneEnv } from '../../config/env.js';
import type { Step } from '../context.js';
import { databaseEndpoint } from '../db-access.js';
import { deployOnce, followDeployments } from '../deploys.js';
import { cloneProjectId } from '../state.js';

export const waitForDatabases: Step = async (ctx) => {
  const { railway, state, log } = ctx;
  const scope = { projectId: cloneProjectId(state), environmentId: state.environment_id! };
  const timeoutMs = readRailcloneEnv().RAILCLONE_DEPLOY_TIMEOUT_MS ?? 15 * 60_000;
  const databases = (state.services ?? []).filter((s) => s.engine);
  const deadline = Date.now() + timeoutMs;

  const followed = [];
  for (const db of databases) {
    const target = { serviceId: db.id, name: db.name };
    const { deploymentId, started } = await deployOnce(railway, scope, target);
    log.info(
      started
        ? `${db.name}: first deploy started (${deploymentId})`
        : `${db.name}: following deployment ${deploymentId}, already under way`,
    );
    followed.push({ ...target, deploymentId });
  }
  await followDeployments(railway, scope, followed, {
    step: 'wait-for-databases',
    timeoutMs,
    log,
    progress: ctx.progress,
  });

  for (const db of databases) {
    await databaseEndpoint(
      railway,
      { ...scope, serviceId: db.id, engine: db.engine!, serviceName: db.name },
      // create-environment opened (and recorded) the proxy; one opened here would never be closed.
      { openProxy: false, timeoutMs: Math.max(5_000, deadline - Date.now()), progress: ctx.progress },
    );
    log.info(`${db.name}: deployed and accepting connections`);
  }
  return { state, outputs: { databases: databases.map((s) => s.name) } };
};
