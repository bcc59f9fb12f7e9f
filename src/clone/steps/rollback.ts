// rollback: deletes everything this execution created — the environment (its services, volumes,
// domains, TCP proxies and databases go with it), the project or services it created in another
// project, the proxies opened on the source, its intent — and logs exactly what. A project it created is
// found by its metadata, or by its intent when killed before the metadata. Only touches an
// environment proven this execution's (its metadata, or its intent when killed before the metadata).
// Idempotent.
import { clonesIntoOtherProject } from '../../inputs/index.js';
import type { Step } from '../context.js';
import { findOwnProject } from '../other-project.js';
import { ownerOf, removeIntent } from '../ownership.js';
import { removeClone, removeCreatedProject } from '../removal.js';

export const rollback: Step = async (ctx) => {
  const { railway, state, request, log } = ctx;
  const deleted: string[] = [];
  const info = (line: string) => log.info(`rollback: ${line}`);
  if (!state.project_id || !state.environment_name) {
    log.info('rollback: the clone never got as far as naming its environment; nothing to delete');
    return { state, outputs: { deleted } };
  }
  if (request.new_project_name) {
    const own = await findOwnProject(ctx, railway);
    if (!own) {
      log.info(
        `rollback: no project "${request.new_project_name}" created by execution ${state.execution_id}; nothing to delete`,
      );
    } else {
      deleted.push(...(await removeCreatedProject(railway, own, request.new_project_name, info)));
    }
    // The intent naming the project lives in the source project.
    await removeIntent(railway, state.project_id, state.execution_id);
    return { state, outputs: { deleted } };
  }
  const projectId = clonesIntoOtherProject(request) ? request.target_project_id! : state.project_id;
  const env = await railway.findEnvironmentByName(projectId, state.environment_name);
  if (!env) {
    log.info(`rollback: environment "${state.environment_name}" does not exist; nothing to delete`);
    await removeIntent(railway, projectId, state.execution_id);
    return { state, outputs: { deleted } };
  }
  const owner = await ownerOf(railway, env);
  if (owner.executionId !== state.execution_id) {
    log.warn(
      `rollback: environment "${env.name}" was not created by execution ${state.execution_id}; left untouched`,
    );
    await removeIntent(railway, projectId, state.execution_id);
    return { state, outputs: { deleted } };
  }
  if (!owner.meta) log.info(`rollback: "${env.name}" has no metadata yet; its intent proves it ours`);
  deleted.push(...(await removeClone(railway, env, owner.meta, { executionId: state.execution_id, info })));
  return { state, outputs: { deleted } };
};
