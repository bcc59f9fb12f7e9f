// Read-only environment views (list, get, preview, lineage, clones-of). Railway is the source of truth, so
// these read it directly with the same functions `railclone env …` uses; deletes go through the engine.
import type { StepContext } from '../clone/context.js';
import { getEnvironment, lineage, listEnvironments } from '../clone/environments.js';
import { newState } from '../clone/state.js';
import { CLONE_STEPS } from '../clone/steps/index.js';
import type { CloneRequest, EnvironmentRef, ProjectRef } from '../inputs/index.js';
import type { RailwayApi } from '../railway/types.js';
import { ValidationError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { redact } from '../util/secrets.js';
import { environmentDiff } from './environment-diff.js';
import { executionId } from './ids.js';

export interface EnvironmentService {
  list(ref: ProjectRef, opts?: { all?: boolean }): Promise<unknown>;
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
  const project = (ref: ProjectRef) => {
    const id = ref.railway_project_id ?? defaultProjectId;
    if (!id)
      throw new ValidationError(
        'railway_project_id',
        'railway_project_id is required when RAILCLONE_PROJECT_ID is not set',
        { provided: null },
      );
    return id;
  };
  return {
    list: async (ref, opts) => ({ environments: await listEnvironments(railway, project(ref), opts) }),
    get: (ref) => getEnvironment(railway, project(ref), ref.environment),
    lineage: (ref) => lineage(railway, project(ref), ref.environment),
    diff: (ref, against) => environmentDiff(railway, project(ref), ref.environment, against),
    clonesOf: async (ref) => {
      const l = await lineage(railway, project(ref), ref.environment);
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
        request,
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
      return {
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
