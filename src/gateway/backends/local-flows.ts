// The four flows the clone API fronts, run in this process with the same code the Kestra tasks run,
// the same task ids, retries and outputs (all from src/flows/table.ts).
import type { StepContext } from '../../clone/context.js';
import { deleteEnvironment, getEnvironment, listEnvironments } from '../../clone/environments.js';
import { runClone } from '../../clone/pipeline.js';
import { newState } from '../../clone/state.js';
import { FLOWS, type FlowFacts, flowOutputs } from '../../flows/table.js';
import type { CloneRequest, EnvironmentRef, ProjectRef } from '../../inputs/index.js';
import type { RailwayApi } from '../../railway/types.js';
import { RailcloneError, ValidationError, toErrorBody } from '../../util/errors.js';
import type { ExecutionRecorder } from './recorder.js';

export interface LocalFlowDeps {
  railway: RailwayApi;
  defaultProjectId?: string;
  outputKey?: string;
}

export interface FlowResult {
  ok: boolean;
  outputs: Record<string, unknown> | null;
  error: ReturnType<typeof toErrorBody> | null;
}

type FlowRunner = (
  deps: LocalFlowDeps,
  inputs: Record<string, unknown>,
  rec: ExecutionRecorder,
) => Promise<FlowResult>;

function projectOf(deps: LocalFlowDeps, ref: ProjectRef): string {
  const id = ref.railway_project_id ?? deps.defaultProjectId;
  if (!id)
    throw new ValidationError(
      'railway_project_id',
      'railway_project_id is required when RAILCLONE_PROJECT_ID is not set',
      { provided: null },
    );
  return id;
}

/** One task named `taskId`, recorded as a task run. */
async function singleTask(
  rec: ExecutionRecorder,
  taskId: string,
  fn: () => Promise<Record<string, unknown>>,
): Promise<FlowResult> {
  rec.onProgress({ kind: 'step', step: taskId, status: 'started' });
  try {
    const outputs = await fn();
    rec.onProgress({ kind: 'step', step: taskId, status: 'succeeded' });
    return { ok: true, outputs, error: null };
  } catch (err) {
    rec.logger(taskId).error(err instanceof Error ? err.message : String(err));
    rec.onProgress({ kind: 'step', step: taskId, status: 'failed' });
    return { ok: false, outputs: null, error: toErrorBody(err) };
  }
}

const cloneFlow: FlowRunner = async (deps, inputs, rec) => {
  const ctx: StepContext = {
    railway: deps.railway,
    request: inputs as CloneRequest,
    state: newState(rec.record.id),
    log: rec.logger(),
    progress: rec.onProgress,
    now: () => new Date(),
    outputKey: deps.outputKey,
    defaultProjectId: (inputs as CloneRequest).railway_project_id ?? deps.defaultProjectId,
    runner: rec.record.runner,
  };
  const outcome = await runClone(ctx);
  if (!outcome.ok)
    return {
      ok: false,
      outputs: null,
      error: (outcome.error ?? new RailcloneError('StepError', 'clone failed')).toBody(),
    };
  return { ok: true, error: null, outputs: flowOutputs(FLOWS['clone-staging-api'], outcome.outputs) };
};

/** A flow of one railclone task whose `result` is the flow's `result` output, as in the YAML. */
function queryFlow(
  flow: FlowFacts,
  run: (deps: LocalFlowDeps, inputs: Record<string, unknown>) => Promise<unknown>,
): FlowRunner {
  const taskId = flow.tasks[0]!;
  return (deps, inputs, rec) =>
    singleTask(rec, taskId, async () => flowOutputs(flow, { [taskId]: { result: await run(deps, inputs) } }));
}

export const LOCAL_FLOWS: Record<string, FlowRunner> = {
  'clone-staging-api': cloneFlow,
  'delete-environment': queryFlow(FLOWS['delete-environment'], (deps, inputs) => {
    const ref = inputs as EnvironmentRef;
    return deleteEnvironment(deps.railway, projectOf(deps, ref), ref.environment, { force: ref.force });
  }),
  'list-environments': queryFlow(FLOWS['list-environments'], (deps, inputs) =>
    listEnvironments(deps.railway, projectOf(deps, inputs as ProjectRef)),
  ),
  'get-environment': queryFlow(FLOWS['get-environment'], (deps, inputs) => {
    const ref = inputs as EnvironmentRef;
    return getEnvironment(deps.railway, projectOf(deps, ref), ref.environment);
  }),
};
