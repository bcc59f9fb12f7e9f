// close-database-access: runs whatever happened (Kestra `finally`). Closes the TCP proxies railclone
// opened — on the source to read it (even one a killed attempt opened without recording its id), on the
// clone to write it — so no database stays exposed because of us.
import type { Step } from '../context.js';
import { cloneProjectId } from '../state.js';
import { readMeta, updateMeta } from '../metadata.js';
import { closeProxies } from '../proxies.js';
import { sourceProxiesOf } from '../source-proxies.js';
import { stopReading, type SourceProxy } from '../source-readers.js';

export const closeDatabaseAccess: Step = async (ctx) => {
  const { railway, state, log } = ctx;
  const source = new Map<string, SourceProxy>((state.opened_source_proxies ?? []).map((p) => [p.proxyId, p]));
  let pending = false;
  const projectId = state.project_id ? cloneProjectId(state) : undefined;
  const envId =
    state.environment_id ??
    (state.environment_name && projectId
      ? (await railway.findEnvironmentByName(projectId, state.environment_name).catch(() => null))?.id
      : undefined);
  if (envId && projectId) {
    const meta = await readMeta(railway, projectId, envId).catch(() => null);
    if (meta?.execution_id === state.execution_id) {
      for (const p of await sourceProxiesOf(railway, meta)) source.set(p.proxyId, p);
      pending = (meta.opening_source_proxies?.length ?? 0) > 0;
    }
  }
  const targets = await closeProxies(
    railway,
    (state.opened_target_proxies ?? []).map((p) => p.proxyId),
  );
  // Proxies on the source that another clone still reads through stay open for it (../source-readers.ts).
  const { closed: sources, handedOver } = state.project_id
    ? await stopReading(railway, state.project_id, state.execution_id, [...source.values()], {
        now: ctx.now(),
      })
    : { closed: [], handedOver: [] };
  const closed = [...sources, ...targets];
  if (envId && projectId && (closed.length || handedOver.length || pending)) {
    await updateMeta(railway, projectId, envId, { source_proxies: [], opening_source_proxies: [] }).catch(
      () => undefined,
    );
  }
  log.info(
    closed.length
      ? `closed ${closed.length} temporary TCP prox${closed.length === 1 ? 'y' : 'ies'}`
      : 'no temporary database access to close',
  );
  if (handedOver.length)
    log.info(
      `left ${handedOver.length} source TCP prox${handedOver.length === 1 ? 'y' : 'ies'} open: another clone is still reading through it; the last one done closes it`,
    );
  return {
    state: { ...state, opened_source_proxies: [], opened_target_proxies: [] },
    outputs: { closed_proxies: closed },
  };
};
