// wordpress-search-replace: when the data was not copied by railclone (database.copy_data = false, the
// clone's database already holds a copy), rewrite the URLs in place. When sync-database copied the data
// it already rewrote them in flight, and this step has nothing to do.
import { searchReplace } from '../../data/rewrite/search-replace.js';
import type { Step } from '../context.js';
import { cloneProjectId } from '../state.js';
import { databaseEndpoint } from '../db-access.js';

export const wordpressSearchReplace: Step = async (ctx) => {
  const { request, state, log } = ctx;
  const rewrites = state.rewrites ?? [];
  if (!request.wordpress_url_replace || rewrites.length === 0) {
    return { state, outputs: { replaced: 0, skipped: 'no URL rewrite requested' } };
  }
  if (request.database.copy_data) {
    return { state, outputs: { replaced: 0, skipped: 'URLs were rewritten during sync-database' } };
  }
  let replaced = 0;
  for (const db of (state.services ?? []).filter((s) => s.engine)) {
    const target = await databaseEndpoint(
      ctx.railway,
      {
        projectId: cloneProjectId(state),
        environmentId: state.environment_id!,
        serviceId: db.id,
        engine: db.engine!,
        serviceName: db.name,
      },
      { openProxy: false },
    );
    const report = await searchReplace({
      url: target.url,
      pairs: [],
      hosts: rewrites,
      skipColumns: request.database.skip_columns,
    });
    replaced += report.totalChanged;
    log.info(`${db.name}: ${report.totalChanged} values rewritten in place`);
  }
  return { state, outputs: { replaced } };
};
