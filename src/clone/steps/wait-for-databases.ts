// wait-for-databases: the clone's databases are deployed and accept connections.
import { readRailcloneEnv } from '../../config/env.js';
import { StepError } from '../../util/errors.js';
import type { Step } from '../context.js';
import { cloneProjectId } from '../state.js';
import { databaseEndpoint, waitForConnection } from '../db-access.js';

const FAILED = new Set(['FAILED', 'CRASHED', 'REMOVED']);

export const waitForDatabases: Step = async (ctx) => {
  const { railway, state, log } = ctx;
  const envId = state.environment_id!;
  const deployTimeoutMs = readRailcloneEnv().RAILCLONE_DEPLOY_TIMEOUT_MS ?? 15 * 60_000;
  for (const db of (state.services ?? []).filter((s) => s.engine)) {
    const deadline = Date.now() + deployTimeoutMs;
    for (let delay = 200; ; delay = Math.min(delay * 2, 5_000)) {
      const deployments = await railway.listDeployments({
        projectId: cloneProjectId(state),
        environmentId: envId,
        serviceId: db.id,
      });
      const status = deployments[0]?.status ?? 'NONE';
      ctx.progress({ kind: 'service', service: db.name, status });
      if (status === 'SUCCESS') break;
      if (FAILED.has(status))
        throw new StepError('wait-for-databases', `${db.name} deployment ended ${status}`);
      if (Date.now() > deadline)
        throw new StepError(
          'wait-for-databases',
          `${db.name} was not deployed within ${deployTimeoutMs / 1000} s (last status ${status})`,
        );
      await new Promise((r) => setTimeout(r, delay));
    }
    const target = await databaseEndpoint(
      railway,
      {
        projectId: cloneProjectId(state),
        environmentId: envId,
        serviceId: db.id,
        engine: db.engine!,
        serviceName: db.name,
      },
      { openProxy: true },
    );
    await waitForConnection(target.url, db.engine!, Math.max(5_000, deadline - Date.now()));
    log.info(`${db.name}: deployed and accepting connections`);
  }
  return { state, outputs: { databases: (state.services ?? []).filter((s) => s.engine).map((s) => s.name) } };
};
