// rollback: deletes everything this execution created — the environment (its services, volumes,
// domains, TCP proxies and databases go with it) and the proxies opened on the source — and logs
// exactly what. Only touches an environment whose metadata names this execution. Idempotent.
import { clonesIntoOtherProject } from '../../inputs/index.js';
import type { Step } from '../context.js';
import { type CloneMeta, readMeta } from '../metadata.js';
import { rollbackOtherProject } from '../other-project.js';
import { closeProxies } from './close-database-access.js';

export const rollback: Step = async (ctx) => {
  const { railway, state, log } = ctx;
  const deleted: string[] = [];
  if (!state.project_id || !state.environment_name) {
    log.info('rollback: the clone never got as far as naming its environment; nothing to delete');
    return { state, outputs: { deleted } };
  }
  const closeSourceProxies = async (meta: CloneMeta) => {
    const closed = await closeProxies(
      railway,
      (meta.source_proxies ?? []).map((p) => p.proxyId),
    );
    for (const id of closed) log.info(`rollback: closed TCP proxy ${id} on the source`);
    return closed.map((id) => `source TCP proxy ${id}`);
  };
  if (clonesIntoOtherProject(ctx.request)) {
    // Another project: the whole project when this execution created it, else its services and environment there.
    deleted.push(...(await rollbackOtherProject(ctx, closeSourceProxies)));
    return { state, outputs: { deleted } };
  }
  const env = await railway.findEnvironmentByName(state.project_id, state.environment_name);
  if (!env) {
    log.info(`rollback: environment "${state.environment_name}" does not exist; nothing to delete`);
  } else {
    const meta = await readMeta(railway, state.project_id, env.id);
    if (meta?.execution_id !== state.execution_id) {
      log.warn(
        `rollback: environment "${env.name}" was not created by execution ${state.execution_id}; left untouched`,
      );
    } else {
      deleted.push(...(await closeSourceProxies(meta)));
      await railway.deleteEnvironment(env.id);
      deleted.push(`environment ${env.name} (${env.id})`);
      log.info(
        `rollback: deleted environment "${env.name}" (${env.id}) with its services, volumes, domains, TCP proxies and databases`,
      );
    }
  }
  return { state, outputs: { deleted } };
};
