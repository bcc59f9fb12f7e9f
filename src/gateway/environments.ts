// Read-only environment views (list, get, preview, lineage, clones-of) and the look-ups the gateway makes
// before it starts anything (does a name exist, who made an environment). Railway is the source of truth, so
// these read it directly with the same functions `railclone env …` uses; deletes go through the engine.
import type { StepContext } from '../clone/context.js';
import { getEnvironment, lineage, listEnvironments } from '../clone/environments.js';
import { type CloneMeta, readMeta } from '../clone/metadata.js';
import { newState } from '../clone/state.js';
import { CLONE_STEPS } from '../clone/steps/index.js';
import { estimateCloneCost } from '../clone/cost-estimate.js';
import {
  DEFAULT_TTL,
  parseDuration,
  type CloneRequest,
  type EnvironmentRef,
  type ProjectRef,
} from '../inputs/index.js';
import type { RailwayApi } from '../railway/types.js';
import { ValidationError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { redact } from '../util/secrets.js';
import { environmentDiff } from './environment-diff.js';
import { notFound } from './http-errors.js';
import { executionId } from './ids.js';

/** An environment found by name or id, with railclone's metadata on it (null: not made by railclone). */
export interface FoundEnvironment {
  id: string;
  name: string;
  projectId: string;
  meta: CloneMeta | null;
}

export interface EnvironmentService {
  /** The request's project, else the default; a 400 naming railway_project_id when there is neither. */
  projectOf(ref: ProjectRef): string;
  /** The environment, or 404 — never a list of what exists. */
  resolve(ref: EnvironmentRef): Promise<FoundEnvironment>;
  exists(projectId: string, name: string): Promise<boolean>;
  /** Names of the railclone clones made from this environment (same project). */
  clonesMadeFrom(env: FoundEnvironment): Promise<string[]>;
  list(ref: ProjectRef, opts?: { all?: boolean }): Promise<unknown>;
  /** The projects the token sees (each workspace's; a project token's own), and the default. */
  projects(): Promise<unknown>;
  get(ref: EnvironmentRef): Promise<unknown>;
  preview(req: CloneRequest): Promise<unknown>;
  lineage(ref: EnvironmentRef): Promise<unknown>;
  clonesOf(ref: EnvironmentRef): Promise<unknown>;
  diff(ref: EnvironmentRef, against?: string): Promise<unknown>;
}

const PREVIEW_STEPS = new Set(['validate-inputs', 'preflight', 'plan']);

function collectingLogger(lines: { level: string; message: string }[]): Logger {
  const emit = (level: string) => (message: string) => void lines.push({ level, message: redact(message) });
  const log: Logger = {
    debug: () => {},
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: () => log,
  };
  return log;
}

export function directEnvironments(railway: RailwayApi, defaultProjectId?: string): EnvironmentService {
  const projectOf = (ref: ProjectRef) => {
    const id = ref.railway_project_id ?? defaultProjectId;
    if (!id)
      throw new ValidationError(
        'railway_project_id',
        'railway_project_id is missing: it is required when RAILCLONE_PROJECT_ID is not set',
        { provided: null, missing: true, allowed: 'a Railway project id' },
      );
    return id;
  };
  const resolve = async (ref: EnvironmentRef): Promise<FoundEnvironment> => {
    const projectId = projectOf(ref);
    const env = (await railway.listEnvironments(projectId)).find(
      (e) => e.name === ref.environment || e.id === ref.environment,
    );
    if (!env)
      throw notFound(`no environment "${ref.environment}"`, {
        field: 'environment',
        provided: ref.environment,
      });
    return { id: env.id, name: env.name, projectId, meta: await readMeta(railway, projectId, env.id) };
  };
  const lineageOf = async (ref: EnvironmentRef) => {
    const env = await resolve(ref);
    return lineage(railway, env.projectId, env.id);
  };
  return {
    projectOf,
    resolve,
    exists: async (projectId, name) =>
      (await railway.listEnvironments(projectId)).some((e) => e.name === name),
    clonesMadeFrom: async (env) =>
      (await lineage(railway, env.projectId, env.id)).descendants
        .filter((d) => d.parent === env.name)
        .map((d) => d.name),
    list: async (ref, opts) => ({ environments: await listEnvironments(railway, projectOf(ref), opts) }),
    projects: async () => {
      const who = await railway.whoami();
      // Railway lists an account token's projects only per workspace (docs/railway-behaviours.md §8).
      const projects =
        who.kind === 'project'
          ? [{ id: who.projectId, name: who.projectName, workspace: null }]
          : (
              await Promise.all(
                (await railway.listWorkspaces()).map(async (w) =>
                  (await railway.listProjects({ workspaceId: w.id })).map((p) => ({
                    id: p.id,
                    name: p.name,
                    workspace: { id: w.id, name: w.name },
                  })),
                ),
              )
            ).flat();
      return { default_project_id: defaultProjectId ?? null, projects };
    },
    diff: async (ref, against) => {
      const env = await resolve(ref);
      return environmentDiff(railway, env.projectId, env.id, against);
    },
    get: async (ref) => {
      const env = await resolve(ref);
      return getEnvironment(railway, env.projectId, env.id);
    },
    lineage: lineageOf,
    clonesOf: async (ref) => {
      const l = await lineageOf(ref);
      return {
        environment: l.environment,
        clones: l.descendants.filter((d) => d.parent === l.environment).map((d) => d.name),
      };
    },
    // validate-inputs → preflight → plan: reads only; create-environment and later never run.
    preview: async (request) => {
      const lines: { level: string; message: string }[] = [];
      let ctx: StepContext = {
        railway,
        // A preview masks nothing; a named mask key is a setting of the engine that copies (maybe Kestra's).
        request: { ...request, mask_key_name: undefined },
        state: newState(`preview-${executionId()}`),
        log: collectingLogger(lines),
        progress: () => {},
        now: () => new Date(),
        defaultProjectId: request.railway_project_id ?? defaultProjectId,
      };
      const outputs: Record<string, unknown> = {};
      for (const [name, step] of CLONE_STEPS) {
        if (!PREVIEW_STEPS.has(name)) continue;
        const result = await step(ctx);
        outputs[name] = result.outputs;
        ctx = { ...ctx, state: result.state };
      }
      const state = ctx.state;
      const sourceEnv = (await railway.listEnvironments(state.project_id!)).find(
        (e) => e.id === state.source_environment_id,
      );
      const ttl = request.ttl === undefined ? DEFAULT_TTL[request.environment_type] : request.ttl;
      // The services the clone will have (preflight left the excluded ones out), as the request sizes them.
      const replicas = sourceEnv
        ? new Map(
            (await railway.getEnvironment(sourceEnv.id, state.project_id!)).serviceInstances.map((i) => [
              i.serviceId,
              i.numReplicas,
            ]),
          )
        : new Map<string, number | null>();
      const estimated_cost = sourceEnv
        ? await estimateCloneCost(railway, {
            projectId: state.project_id!,
            sourceEnvironment: sourceEnv,
            services: (state.services ?? []).map((s) => ({
              id: s.sourceId ?? s.id,
              name: s.name,
              sourceReplicas: replicas.get(s.sourceId ?? s.id) ?? null,
              resources: request.resources[s.name],
            })),
            ttlMs: ttl ? parseDuration(ttl) : null,
          })
        : { available: false as const, reason: 'the source environment was not found' };
      return {
        estimated_cost,
        environment_name: ctx.state.environment_name,
        source_environment: ctx.state.source_environment_name,
        project_id: ctx.state.project_id,
        services: (ctx.state.services ?? []).map((s) => ({ name: s.name, database: s.engine })),
        plan: (outputs.plan as { plan?: unknown } | undefined)?.plan ?? [],
        sealed_variables_not_copied: ctx.state.sealed_variables_not_copied ?? [],
        notes: lines,
      };
    },
  };
}
