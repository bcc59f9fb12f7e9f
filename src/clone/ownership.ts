// Proving an environment is ours, across any kill. The clone's own RAILCLONE_META proves it once it is
// written; before that — from just before environmentCreate until the metadata is on the clone — an
// INTENT proves it: (execution, project, environment name, source, time, runner) recorded first, one
// record per execution in the project's coordination environment (./coordination.ts), which every
// worker (a Kestra task on another machine, the CLI, the clone API) and `env cleanup` read alike.
import { hostname } from 'node:os';
import type { CreateEnvironmentInput, EnvironmentSummary, RailwayApi } from '../railway/types.js';
import { StepError } from '../util/errors.js';
import type { Runner, StepContext } from './context.js';
import { type CloneMeta, readMeta, writeMeta } from './metadata.js';
import { hasRecord, putRecord, readRecords, recordName, removeRecord } from './coordination.js';

export interface Intent {
  version: 1;
  execution_id: string;
  project_id: string;
  environment_name: string;
  source_environment_id: string | null;
  created_at: string;
  runner?: Runner;
  /**
   * Set when the clone goes into a project this execution creates (new_project_name): the intent, kept in
   * the SOURCE project's intents from just before projectCreate until finalize or rollback, names that
   * project — whose own metadata no cleanup of the source project would ever read.
   */
  new_project?: { name: string; workspace_id: string | null };
}

const INTENT = 'INTENT';

/** How long a run whose liveness nobody can check counts as running: longer than the longest clone. */
export const STALE_AFTER_MS = 3_600_000;

/** This process, as a runner. */
export function currentRunner(): Runner {
  return { host: hostname(), pid: process.pid };
}

/**
 * Whether the run is still going: true when it ran on this machine and its process lives; false when
 * its process is gone; null when nobody here can tell (another machine, a Kestra worker).
 */
export function runnerAlive(runner: Runner | undefined): boolean | null {
  if (!runner || runner.host !== hostname()) return null;
  if (runner.pid === process.pid) return true;
  try {
    process.kill(runner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Why a run no longer counts as alive, or null while it may still be running: its process is gone, or
 * nobody can tell and it started longer ago than the grace period.
 */
export function deadRun(
  since: string,
  runner: Runner | undefined,
  now: Date,
  staleAfterMs: number,
  executionId: string,
): string | null {
  const alive = runnerAlive(runner);
  if (alive === true) return null;
  const age = now.getTime() - Date.parse(since);
  if (age < staleAfterMs) return null;
  const minutes = Math.round(age / 60_000);
  return alive === false
    ? `execution ${executionId} is no longer running (process ${runner!.pid} on ${runner!.host} is gone), started ${minutes} min ago`
    : `execution ${executionId} started ${minutes} min ago, past the grace period`;
}

export function recordIntent(railway: RailwayApi, intent: Intent): Promise<void> {
  return putRecord(railway, intent.project_id, recordName(INTENT, intent.execution_id), intent);
}

export async function readIntents(railway: RailwayApi, projectId: string): Promise<Intent[]> {
  return (await readRecords(railway, projectId))
    .filter((r) => r.kind === INTENT)
    .map((r) => r.value)
    .filter(
      (i): i is Intent =>
        (i as Intent | null)?.version === 1 && typeof (i as Intent).execution_id === 'string',
    );
}

/** Idempotent: an intent already removed is fine. */
export function removeIntent(railway: RailwayApi, projectId: string, executionId: string): Promise<void> {
  return removeRecord(railway, projectId, recordName(INTENT, executionId));
}

function hasIntent(railway: RailwayApi, projectId: string, executionId: string): Promise<boolean> {
  return hasRecord(railway, projectId, recordName(INTENT, executionId));
}

/** This execution's intent to create its environment (in `projectId`), as of now. */
export function intentOf(
  ctx: StepContext,
  projectId: string,
  sourceEnvironmentId: string | null,
  newProject?: Intent['new_project'],
): Intent {
  return {
    version: 1,
    execution_id: ctx.state.execution_id,
    project_id: projectId,
    environment_name: ctx.state.environment_name!,
    source_environment_id: sourceEnvironmentId,
    created_at: ctx.now().toISOString(),
    ...(ctx.runner ? { runner: ctx.runner } : {}),
    ...(newProject ? { new_project: newProject } : {}),
  };
}

/** The intent of `executionId` that names this environment, if it could have created it. */
export function intentFor(
  intents: Intent[],
  env: EnvironmentSummary,
  executionId?: string,
): Intent | undefined {
  return intents.find(
    (i) =>
      !i.new_project &&
      i.project_id === env.projectId &&
      i.environment_name === env.name &&
      (executionId === undefined || i.execution_id === executionId) &&
      // The environment was created after the intent (a minute of clock skew allowed): never an older one.
      Date.parse(env.createdAt) >= Date.parse(i.created_at) - 60_000,
  );
}

/** Whose environment is this: its metadata's execution, else the execution of an intent naming it. */
export async function ownerOf(
  railway: RailwayApi,
  env: EnvironmentSummary,
): Promise<{ meta: CloneMeta | null; executionId: string | null; intent?: Intent }> {
  const meta = await readMeta(railway, env.projectId, env.id);
  if (meta) return { meta, executionId: meta.execution_id };
  const intent = intentFor(await readIntents(railway, env.projectId), env);
  return { meta: null, executionId: intent?.execution_id ?? null, intent };
}

/**
 * This execution's environment `name` in `projectId`, or null when there is none. An environment of
 * that name that is not provably ours is refused. One killed before its metadata gets it now.
 */
export async function findOwnEnvironment(
  ctx: StepContext,
  projectId: string,
  step: string,
  meta: () => CloneMeta,
): Promise<EnvironmentSummary | null> {
  const { railway, state } = ctx;
  const name = state.environment_name!;
  const existing = await railway.findEnvironmentByName(projectId, name);
  if (!existing) return null;
  const owner = await ownerOf(railway, existing);
  if (owner.executionId !== state.execution_id)
    throw new StepError(
      step,
      `environment "${name}" already exists in project ${projectId} and was not created by this execution`,
    );
  if (!owner.meta) await writeMeta(railway, projectId, existing.id, meta());
  return existing;
}

/**
 * Creates this execution's environment with the intent recorded first and the metadata written right
 * after; the intent goes once the metadata can prove ownership by itself.
 */
export async function createOwnEnvironment(
  ctx: StepContext,
  input: CreateEnvironmentInput,
  meta: CloneMeta,
): Promise<EnvironmentSummary> {
  const { railway, state } = ctx;
  const intent = intentOf(ctx, input.projectId, input.sourceEnvironmentId ?? null);
  await recordIntent(railway, intent);
  const created = await railway.createEnvironment(input);
  // Another clone removing the last intent at the moment ours was written takes the environment
  // holding it along: write it again (same time), so a kill before the metadata still finds it.
  if (!(await hasIntent(railway, input.projectId, state.execution_id))) await recordIntent(railway, intent);
  try {
    await writeMeta(railway, input.projectId, created.id, meta);
  } catch (err) {
    // Without metadata the intent still proves it ours, but remove it now, while we know.
    await railway.deleteEnvironment(created.id).catch(() => undefined);
    throw new StepError(
      'create-environment',
      'could not record clone metadata on the new environment; it was deleted again',
      {},
      { cause: err },
    );
  }
  await removeIntent(railway, input.projectId, state.execution_id);
  return created;
}

export interface OwnProject {
  projectId: string;
  /** The clone's environment in it (null when there is none of that name). */
  environment: EnvironmentSummary | null;
  meta: CloneMeta | null;
}

/**
 * The projects a new-project intent proves its execution's: named as it says, created within a minute
 * of it (projectCreate follows the intent at once), holding the clone's environment with this
 * execution's metadata or none yet (killed between projectCreate and the metadata).
 */
export async function projectsOfIntent(railway: RailwayApi, intent: Intent): Promise<OwnProject[]> {
  const np = intent.new_project;
  if (!np?.workspace_id) return [];
  const at = Date.parse(intent.created_at);
  const out: OwnProject[] = [];
  for (const p of await railway.listProjects({ workspaceId: np.workspace_id })) {
    if (p.name !== np.name || Math.abs(Date.parse(p.createdAt) - at) > 60_000) continue;
    const environment = await railway.findEnvironmentByName(p.id, intent.environment_name).catch(() => null);
    if (!environment) continue;
    const meta = await readMeta(railway, p.id, environment.id);
    if (meta && meta.execution_id !== intent.execution_id) continue;
    out.push({ projectId: p.id, environment, meta });
  }
  return out;
}
