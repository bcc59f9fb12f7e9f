// Proving an environment is ours, across any kill. The clone's own RAILCLONE_META proves it once it is
// written; before that — from just before environmentCreate until the metadata is on the clone — an
// INTENT proves it: (execution, project, environment name, source, time, runner) recorded first.
//
// Where the intent lives: a shared variable per execution on a service-less environment of the clone's
// project, `railclone-intents`, there only while some clone is in that window (created by the first,
// deleted by whoever removes the last intent). Not on the source environment: a shared
// variable there is copied into every clone by environmentCreate, and `variableDelete` has no
// `skipDeploys` — the emulator (Railway's stricter reading) redeploys every service of the environment
// on a shared-variable change, which must never happen to production. An environment without services
// has nothing to redeploy under either reading. Every worker (a Kestra task on another machine, the
// CLI, the clone API) and `env cleanup` read it through the same Railway API.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { INTENTS_ENVIRONMENT } from '../inputs/index.js';
import type { CreateEnvironmentInput, EnvironmentSummary, RailwayApi } from '../railway/types.js';
import { StepError } from '../util/errors.js';
import type { Runner, StepContext } from './context.js';
import { type CloneMeta, readMeta, writeMeta } from './metadata.js';
import { unlessDeletedMeanwhile } from './deleted-meanwhile.js';

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

const INTENT_PREFIX = 'RAILCLONE_INTENT_';

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

/** One variable per execution: concurrent clones never read-modify-write the same value. */
export function intentVariable(executionId: string): string {
  return `${INTENT_PREFIX}${createHash('sha256').update(executionId).digest('hex').slice(0, 24).toUpperCase()}`;
}

async function intentsEnvironment(
  railway: RailwayApi,
  projectId: string,
  create: boolean,
): Promise<EnvironmentSummary | null> {
  const found = await railway.findEnvironmentByName(projectId, INTENTS_ENVIRONMENT);
  if (found || !create) return found;
  try {
    // No source: an empty environment, no services, nothing that could ever deploy.
    return await railway.createEnvironment({
      projectId,
      name: INTENTS_ENVIRONMENT,
      skipInitialDeploys: true,
    });
  } catch (err) {
    // Another clone created it at the same moment.
    const again = await railway.findEnvironmentByName(projectId, INTENTS_ENVIRONMENT);
    if (again) return again;
    throw err;
  }
}

export async function recordIntent(railway: RailwayApi, intent: Intent): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const env = (await intentsEnvironment(railway, intent.project_id, true))!;
    try {
      await railway.upsertVariables({
        projectId: intent.project_id,
        environmentId: env.id,
        variables: { [intentVariable(intent.execution_id)]: JSON.stringify(intent) },
        skipDeploys: true,
      });
      return;
    } catch (err) {
      // The environment went away under us (the last intent of another clone was removed): once more.
      if (attempt >= 2) throw err;
    }
  }
}

export async function readIntents(railway: RailwayApi, projectId: string): Promise<Intent[]> {
  const env = await intentsEnvironment(railway, projectId, false);
  if (!env) return [];
  // Gone since it was found: the last intent was removed meanwhile, so there is none.
  const vars = (await unlessDeletedMeanwhile(railway, env, () => intentVariables(railway, env))) ?? {};
  const out: Intent[] = [];
  for (const [name, raw] of Object.entries(vars)) {
    if (!name.startsWith(INTENT_PREFIX)) continue;
    try {
      const intent = JSON.parse(raw) as Intent;
      if (intent?.version === 1 && typeof intent.execution_id === 'string') out.push(intent);
    } catch {
      // Not ours to interpret.
    }
  }
  return out;
}

/** Idempotent: an intent already removed is fine. The last one out deletes the environment. */
export async function removeIntent(
  railway: RailwayApi,
  projectId: string,
  executionId: string,
): Promise<void> {
  const env = await intentsEnvironment(railway, projectId, false);
  if (!env) return;
  const name = intentVariable(executionId);
  // Another run removing the last intent may delete the environment at any point here: with it, ours.
  const left = await unlessDeletedMeanwhile(railway, env, async () => {
    const vars = await intentVariables(railway, env);
    if (vars[name] !== undefined) await railway.deleteVariable({ projectId, environmentId: env.id, name });
    return Object.keys(vars).filter((n) => n !== name && n.startsWith(INTENT_PREFIX));
  });
  // A clone recording its intent at this moment re-records it after its environmentCreate (below).
  if (left?.length === 0) await railway.deleteEnvironment(env.id).catch(() => undefined);
}

async function hasIntent(railway: RailwayApi, projectId: string, executionId: string): Promise<boolean> {
  const env = await intentsEnvironment(railway, projectId, false);
  if (!env) return false;
  const vars = await unlessDeletedMeanwhile(railway, env, () => intentVariables(railway, env));
  return vars?.[intentVariable(executionId)] !== undefined;
}

function intentVariables(railway: RailwayApi, env: EnvironmentSummary): Promise<Record<string, string>> {
  return railway.getVariables({ projectId: env.projectId, environmentId: env.id, unrendered: true });
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
