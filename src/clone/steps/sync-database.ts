// sync-database: each source database streams into its clone under one snapshot, hosts rewritten in flight
// (whole hosts only, each web service's to its own clone host), then the clone is searched for what is
// left of the source hosts. The source is only read. A retry or a second run re-runs the copy into the
// clone's database, replacing what an earlier attempt put there.
import { copyDatabase } from '../../data/copy.js';
import { countLeftovers, formatLeftovers, type LeftoverReport } from '../../data/rewrite/index.js';
import { inspectWordPress } from '../../data/wordpress/inspect.js';
import { StepError } from '../../util/errors.js';
import { kestra } from '../../util/kestra-protocol.js';
import type { Step, StepContext } from '../context.js';
import { databaseEndpoint } from '../db-access.js';
import { maskOptionsFor } from '../masking.js';
import { cloneMaskKey } from '../mask-key.js';
import { recordOpened, recordOpening } from '../source-proxies.js';
import { startReading } from '../source-readers.js';
import { cloneProjectId, sourceServiceId, type DatabaseSync, type ServicePlan } from '../state.js';

export const syncDatabase: Step = async (ctx) => {
  const { state, request, log } = ctx;
  const databases = (state.services ?? []).filter((s) => s.engine);
  if (!request.database.copy_data) {
    log.info('database.copy_data is false: the clone keeps empty databases');
    return { state, outputs: { copied: false } };
  }
  let opened = [...(state.opened_source_proxies ?? [])];
  const results: DatabaseSync[] = [];
  // One key for every database of this clone: an e-mail masks alike in all of them.
  const mask = maskOptionsFor(request, cloneMaskKey(request));
  // Registered before looking for the source's proxies: a clone that opened one leaves it open while we read.
  const sources = databases.map(sourceServiceId);
  if (sources.length)
    await startReading(ctx.railway, state.project_id!, state.execution_id, sources, ctx.now(), ctx.runner);
  for (const db of databases) {
    const { source, target, openedProxyId } = await endpoints(ctx, db);
    if (openedProxyId) {
      opened = [...opened, { serviceId: sourceServiceId(db), proxyId: openedProxyId }];
      // Its id on the clone too, so close-database-access, rollback and cleanup close it whatever happens.
      await recordOpened(onClone(ctx), opened);
    }
    const rewrite = request.wordpress_url_replace ? (state.rewrites ?? []) : [];
    if (rewrite.length > 0) await refuseSubdomainMultisite(db.name, source);
    log.info(
      `${db.name}: copying ${db.engine} data${rewrite.length ? ` and rewriting hosts ${rewrite.map((r) => `${r.from} → ${r.to}`).join(', ')}` : ''}`,
    );
    const report = await copyDatabase({
      source,
      target,
      rewriteHosts: rewrite,
      jobs: request.database.jobs,
      exclude: request.database.exclude_tables,
      skipColumns: request.database.skip_columns,
      checksums: request.database.checksums,
      // The clone's own database, in an environment create-environment proved this execution's, and no
      // app has started on it (finalize deploys them): a re-run (Kestra resubmits a task whose worker
      // died after the copy finished) replaces it instead of refusing.
      replaceTarget: true,
      ...(mask ? { mask } : {}),
      onProgress: ctx.progress,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    const sync: DatabaseSync = {
      service: db.name,
      engine: db.engine!,
      rows: report.totalRows,
      bytes: report.totalBytes,
      tables: report.tables.length,
      rewritten: report.rewrittenValues,
      durationMs: report.durationMs,
      databaseSizeBytes: report.databaseSizeBytes,
      ...(mask
        ? {
            masked: report.maskedValues,
            masked_tables: Object.fromEntries(
              report.tables.filter((t) => (t.masked ?? 0) > 0).map((t) => [t.table, t.masked as number]),
            ),
          }
        : {}),
    };
    if (rewrite.length > 0) {
      // The proof: whole-host matches of every source host left in the clone's text columns.
      const left: LeftoverReport = await countLeftovers(
        target,
        rewrite.map((r) => r.from),
      );
      sync.hosts_left = { total: left.total, leftovers: left.leftovers };
      kestra.counter('hosts_left', left.total, { service: db.name });
      const line = `${db.name}: source hosts ${formatLeftovers(left)}`;
      if (left.total === 0) log.info(line);
      else log.warn(line);
    }
    results.push(sync);
    kestra.counter('rows', sync.rows, { service: db.name });
    kestra.counter('bytes', sync.bytes, { service: db.name });
    kestra.counter('rewritten_values', sync.rewritten, { service: db.name });
    if (sync.masked !== undefined) kestra.counter('masked_values', sync.masked, { service: db.name });
    kestra.timer('copy_duration', sync.durationMs / 1000, { service: db.name });
    log.info(
      `${db.name}: ${sync.tables} tables, ${sync.rows} rows, ${(sync.bytes / 1e6).toFixed(1)} MB in ${(sync.durationMs / 1000).toFixed(1)} s (${report.mbPerSec.toFixed(1)} MB/s), ${sync.rewritten} values rewritten${sync.masked !== undefined ? `, ${sync.masked} masked` : ''}`,
    );
  }
  const size = results.reduce((n, r) => n + r.databaseSizeBytes, 0);
  return {
    state: { ...state, databases: results, opened_source_proxies: opened },
    outputs: {
      copied: true,
      database_size: size,
      rows: results.reduce((n, r) => n + r.rows, 0),
      bytes: results.reduce((n, r) => n + r.bytes, 0),
      duration_ms: results.reduce((n, r) => n + r.durationMs, 0),
      databases: results,
      hosts_left: results.reduce((n, r) => n + (r.hosts_left?.total ?? 0), 0),
      masked: results.reduce((n, r) => n + (r.masked ?? 0), 0),
    },
  };
};

function onClone(ctx: StepContext) {
  return {
    railway: ctx.railway,
    projectId: cloneProjectId(ctx.state),
    environmentId: ctx.state.environment_id!,
  };
}

async function endpoints(ctx: StepContext, db: ServicePlan) {
  const { railway, state } = ctx;
  const scope = { engine: db.engine!, serviceName: db.name };
  const sourceId = sourceServiceId(db);
  const already = state.opened_source_proxies?.some((p) => p.serviceId === sourceId);
  const source = await databaseEndpoint(
    railway,
    {
      ...scope,
      projectId: state.project_id!,
      serviceId: sourceId,
      environmentId: state.source_environment_id!,
    },
    // Recorded on the clone before the open: a kill before its id is recorded still leaves it closable.
    { openProxy: !already, beforeOpen: () => recordOpening(onClone(ctx), sourceId, ctx.now()) },
  );
  const target = await databaseEndpoint(
    railway,
    { ...scope, projectId: cloneProjectId(state), serviceId: db.id, environmentId: state.environment_id! },
    { openProxy: false },
  );
  return { source: source.url, target: target.url, openedProxyId: source.openedProxyId };
}

/** A network whose sites have their own hosts cannot be served by one clone host: say so before copying. */
async function refuseSubdomainMultisite(service: string, source: string): Promise<void> {
  const wp = await inspectWordPress(source);
  const ms = wp?.multisite;
  if (ms?.kind !== 'subdomain') return;
  throw new StepError(
    'sync-database',
    `${service}: WordPress multisite network ${ms.network} has sites on their own hosts (${ms.otherHosts.slice(0, 5).join(', ')}${ms.otherHosts.length > 5 ? ', …' : ''}); a clone of it needs a wildcard custom domain (one host per site), which railclone cannot set up — clone a subdirectory network, or convert it first. Nothing was copied.`,
    { service, multisite: ms.kind, sites: ms.sites },
  );
}
