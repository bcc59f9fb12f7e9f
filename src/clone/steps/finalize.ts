// finalize: the apps deploy now, against data that is already there (WordPress never sees an empty
// database), and the clone's metadata says it is ready: lineage, type, expiry, who, which execution.
import type { Step } from '../context.js';
import { cloneProjectId } from '../state.js';
import { updateMeta } from '../metadata.js';
import { deployOnce } from '../deploys.js';
import { removeIntent } from '../ownership.js';

export const finalize: Step = async (ctx) => {
  const { railway, state, log } = ctx;
  const scope = { projectId: cloneProjectId(state), environmentId: state.environment_id! };
  // Their first deploy (the clone was made with skipInitialDeploys); a retry follows the one it started.
  for (const app of (state.services ?? []).filter((s) => !s.engine)) {
    const { deploymentId } = await deployOnce(railway, scope, { serviceId: app.id, name: app.name });
    ctx.progress({ kind: 'service', service: app.name, status: 'DEPLOYING', message: deploymentId });
  }
  const stagingUrl = state.staging_host ? `https://${state.staging_host}` : undefined;
  const databaseSize = (state.databases ?? []).reduce((n, d) => n + d.databaseSizeBytes, 0);
  const meta = await updateMeta(railway, cloneProjectId(state), state.environment_id!, {
    status: 'ready',
    staging_url: stagingUrl,
    database_size_bytes: databaseSize,
  });
  // A clone in a project of its own kept its intent in the source project until now (../ownership.ts).
  if (ctx.request.new_project_name) await removeIntent(railway, state.project_id!, state.execution_id);
  const durationMs = ctx.now().getTime() - new Date(state.started_at).getTime();
  log.info(
    `clone "${state.environment_name}" ready${stagingUrl ? ` at ${stagingUrl}` : ''}; expires ${meta.expires_at ?? 'never'}`,
  );
  return {
    state,
    outputs: {
      environment_name: state.environment_name,
      environment_id: state.environment_id,
      /** Where the clone lives: the source project, or another one (target_project_id / new_project_name). */
      project_id: cloneProjectId(state),
      staging_url: stagingUrl ?? null,
      database_size: databaseSize,
      duration: durationMs / 1000,
      expires_at: meta.expires_at,
      cloned_from: meta.cloned_from,
      basic_auth_user: state.basic_auth_user ?? null,
    },
  };
};
