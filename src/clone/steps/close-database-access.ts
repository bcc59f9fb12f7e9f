// close-database-access: runs whatever happened (Kestra `finally`). Closes the TCP proxies railclone
// opened — on the source to read it (even one a killed attempt opened without recording its id), on the
// clone to write it — so no database stays exposed because of us.
import type { Step } from '../context.js';
import { cloneProjectId } from '../state.js';
import { readMeta, updateMeta } from '../metadata.js';
import { closeProxies } from '../removal.js';
import { sourceProxiesOf } from '../source-proxies.js';

export const closeDatabaseAccess: Step = async (ctx) => {
  const { railway, state, log } = ctx;
  const proxies = new Set<string>();
  let pending = false;
  for (const p of [...(state.opened_source_proxies ?? []), ...(state.opened_target_proxies ?? [])])
    proxies.add(p.proxyId);
  const projectId = state.project_id ? cloneProjectId(state) : undefined;
  const envId =
    state.environment_id ??
    (state.environment_name && projectId
      ? (await railway.findEnvironmentByName(projectId, state.environment_name).catch(() => null))?.id
      : undefined);
  if (envId && projectId) {
    const meta = await readMeta(railway, projectId, envId).catch(() => null);
    if (meta?.execution_id === state.execution_id) {
      for (const id of await sourceProxiesOf(railway, meta)) proxies.add(id);
      pending = (meta.opening_source_proxies?.length ?? 0) > 0;
    }
  }
  const closed = await closeProxies(railway, [...proxies]);
  if (envId && projectId && (closed.length || pending)) {
    await updateMeta(railway, projectId, envId, { source_proxies: [], opening_source_proxies: [] }).catch(
      () => undefined,
    );
  }
  log.info(
    closed.length
      ? `closed ${closed.length} temporary TCP prox${closed.length === 1 ? 'y' : 'ies'}`
      : 'no temporary database access to close',
  );
  return {
    state: { ...state, opened_source_proxies: [], opened_target_proxies: [] },
    outputs: { closed_proxies: closed },
  };
};
