// `railclone env cleanup` and the scheduled flow: every leftover a clone can leave, found on Railway and
// removed with its databases and proxies — expired clones; clones stuck in `creating` whose run is no
// longer alive, older than the grace period; environments without metadata that an intent proves ours
// (a run killed inside environmentCreate); projects a dead run created for its clone (new_project_name,
// named by its intent in the source project); intents whose run is gone. Dry run lists them with the reason.
import type { EnvironmentSummary, RailwayApi } from '../railway/types.js';
import { INTENTS_ENVIRONMENT, isProtectedEnvironment } from '../inputs/index.js';
import { readMeta, type CloneMeta } from './metadata.js';
import {
  deadRun,
  intentFor,
  STALE_AFTER_MS,
  projectsOfIntent,
  readIntents,
  removeIntent,
  type Intent,
} from './ownership.js';
import { removeClone, removeCreatedProject } from './removal.js';
import { sweepReaders } from './source-readers.js';
import { removeIfEmpty } from './coordination.js';
import { unlessDeletedMeanwhile } from './deleted-meanwhile.js';

export interface CleanupItem {
  name: string;
  id: string | null;
  kind: 'expired' | 'stale' | 'orphan' | 'intent';
  reason: string;
}

export interface CleanupReport {
  dry_run: boolean;
  stale_after_ms: number;
  removed: CleanupItem[];
  /** Names of the environments deleted (empty on a dry run). */
  deleted: string[];
  expired: { name: string; expires_at: string | null }[];
}

const deletedMeanwhile = (env: EnvironmentSummary) =>
  `"${env.name}" (${env.id}) was deleted by someone else meanwhile: nothing left to remove`;

function verdict(
  env: EnvironmentSummary,
  meta: CloneMeta | null,
  intents: Intent[],
  now: Date,
  staleAfterMs: number,
): CleanupItem | null {
  const item = (kind: CleanupItem['kind'], reason: string): CleanupItem => ({
    name: env.name,
    id: env.id,
    kind,
    reason,
  });
  if (meta) {
    if (meta.expires_at && new Date(meta.expires_at) <= now)
      return item('expired', `expired at ${meta.expires_at}`);
    if (meta.status !== 'ready') {
      const dead = deadRun(meta.created_at, meta.runner, now, staleAfterMs, meta.execution_id);
      if (dead) return item('stale', `stuck in "${meta.status}" since ${meta.created_at}: ${dead}`);
    }
    return null;
  }
  const intent = intentFor(intents, env);
  if (!intent) return null;
  const dead = deadRun(intent.created_at, intent.runner, now, staleAfterMs, intent.execution_id);
  return dead
    ? item(
        'orphan',
        `no metadata, but intent of execution ${intent.execution_id} (${intent.created_at}) names it: ${dead}`,
      )
    : null;
}

export async function cleanupEnvironments(
  railway: RailwayApi,
  projectId: string,
  opts: { now?: Date; staleAfterMs?: number; dryRun?: boolean; info?: (line: string) => void } = {},
): Promise<CleanupReport> {
  const now = opts.now ?? new Date();
  const staleAfterMs = opts.staleAfterMs ?? STALE_AFTER_MS;
  const dryRun = opts.dryRun === true;
  const info = opts.info ?? (() => undefined);
  const [envs, intents] = await Promise.all([
    railway.listEnvironments(projectId),
    readIntents(railway, projectId),
  ]);
  const removed: CleanupItem[] = [];
  const deleted: string[] = [];
  const expired: CleanupReport['expired'] = [];
  const handled = new Set<string>();
  for (const env of envs) {
    if (isProtectedEnvironment(env.name)) continue;
    const done = await unlessDeletedMeanwhile(railway, env, async () => {
      const meta = await readMeta(railway, projectId, env.id);
      const item = verdict(env, meta, intents, now, staleAfterMs);
      if (!item) return true;
      const executionId = meta?.execution_id ?? intentFor(intents, env)?.execution_id;
      if (executionId) handled.add(executionId);
      info(`${dryRun ? 'would remove' : 'removing'} "${env.name}": ${item.reason}`);
      if (!dryRun) await removeClone(railway, env, meta, { executionId, info });
      removed.push(item);
      if (item.kind === 'expired') expired.push({ name: env.name, expires_at: meta?.expires_at ?? null });
      if (!dryRun) deleted.push(env.name);
      return true;
    });
    if (!done) info(deletedMeanwhile(env));
  }
  // Intents left behind by runs that died before (or right after) their environment: nothing else to remove.
  for (const intent of intents) {
    if (handled.has(intent.execution_id)) continue;
    const dead = deadRun(intent.created_at, intent.runner, now, staleAfterMs, intent.execution_id);
    if (!dead) continue;
    if (intent.new_project) {
      const projects = await createdProjectLeftovers(railway, intent, dead, dryRun, info);
      removed.push(...projects);
      if (!dryRun) deleted.push(...projects.map((p) => p.name));
    }
    removed.push({
      name: intent.environment_name,
      id: null,
      kind: 'intent',
      reason: `intent without its environment's need (the environment is gone or has its metadata): ${dead}`,
    });
    if (!dryRun) await removeIntent(railway, projectId, intent.execution_id);
  }
  // Source proxies left open for clones reading through them, once those runs are all dead.
  for (const line of await sweepReaders(railway, projectId, { now, staleAfterMs, dryRun })) info(line);
  if (!dryRun && (await removeIfEmpty(railway, projectId)))
    info(`deleted the empty ${INTENTS_ENVIRONMENT} environment (no run has a record there)`);
  return { dry_run: dryRun, stale_after_ms: staleAfterMs, removed, deleted, expired };
}

/** The project a dead new-project clone created, unless it got as far as ready (then only its intent was left). */
async function createdProjectLeftovers(
  railway: RailwayApi,
  intent: Intent,
  dead: string,
  dryRun: boolean,
  info: (line: string) => void,
): Promise<CleanupItem[]> {
  const items: CleanupItem[] = [];
  const name = intent.new_project!.name;
  for (const own of await projectsOfIntent(railway, intent)) {
    if (own.meta?.status === 'ready') continue;
    const item: CleanupItem = {
      name,
      id: own.projectId,
      kind: own.meta ? 'stale' : 'orphan',
      reason: `project created for clone "${intent.environment_name}" by execution ${intent.execution_id}, ${own.meta ? `stuck in "${own.meta.status}"` : 'no metadata, its intent names it'}: ${dead}`,
    };
    items.push(item);
    info(`${dryRun ? 'would remove' : 'removing'} project "${name}" (${own.projectId}): ${item.reason}`);
    if (!dryRun) await removeCreatedProject(railway, own, name, info);
  }
  return items;
}

/** Removes what one execution left in a project (its environments, by metadata or intent; its intent). */
export async function removeExecutionLeftovers(
  railway: RailwayApi,
  projectId: string,
  executionId: string,
  info: (line: string) => void = () => undefined,
): Promise<string[]> {
  const [envs, intents] = await Promise.all([
    railway.listEnvironments(projectId),
    readIntents(railway, projectId),
  ]);
  const deleted: string[] = [];
  for (const env of envs) {
    if (isProtectedEnvironment(env.name)) continue;
    const done = await unlessDeletedMeanwhile(railway, env, async () => {
      const meta = await readMeta(railway, projectId, env.id);
      const ours = meta ? meta.execution_id === executionId : Boolean(intentFor(intents, env, executionId));
      if (ours) deleted.push(...(await removeClone(railway, env, meta, { executionId, info })));
      return true;
    });
    if (!done) info(deletedMeanwhile(env));
  }
  // A project it created for the clone is named by its intent here, in the source project.
  for (const intent of intents.filter((i) => i.execution_id === executionId && i.new_project))
    for (const own of await projectsOfIntent(railway, intent))
      deleted.push(...(await removeCreatedProject(railway, own, intent.new_project!.name, info)));
  await removeIntent(railway, projectId, executionId);
  return deleted;
}
