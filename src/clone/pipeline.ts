// `railclone clone`: the whole clone in one process, step by step — the same steps, in the same order,
// with the same retry, rollback and finally that the Kestra flow declares in YAML.
import { RailcloneError, StepError } from '../util/errors.js';
import type { Step, StepContext, StepResult } from './context.js';
import { CLEANUP_STEPS, CLONE_STEPS } from './steps/index.js';

/** Mirrors the flow's `retry` on sync-database: exponential, bounded. */
const RETRIES: Record<string, { attempts: number; firstDelayMs: number }> = {
  'sync-database': { attempts: 3, firstDelayMs: 2_000 },
};

export interface CloneOutcome {
  ok: boolean;
  outputs: Record<string, Record<string, unknown>>;
  failedStep?: string;
  error?: RailcloneError;
}

export async function runStep(name: string, step: Step, ctx: StepContext): Promise<StepResult> {
  const policy = RETRIES[name] ?? { attempts: 1, firstDelayMs: 0 };
  for (let attempt = 1; ; attempt++) {
    ctx.progress({
      kind: 'step',
      step: name,
      status: 'started',
      message: attempt > 1 ? `attempt ${attempt}` : undefined,
    });
    try {
      if (ctx.failStep === name) throw new Error('injected failure (RAILCLONE_FAIL_STEP)');
      const result = await step({ ...ctx, log: ctx.log.child(name) });
      ctx.progress({ kind: 'step', step: name, status: 'succeeded' });
      return result;
    } catch (err) {
      const wrapped =
        err instanceof StepError
          ? err
          : new StepError(
              name,
              err instanceof Error ? err.message : String(err),
              err instanceof RailcloneError ? err.details : {},
              { cause: err },
            );
      ctx.progress({ kind: 'step', step: name, status: 'failed', message: wrapped.message });
      if (attempt >= policy.attempts) throw wrapped;
      const delay = policy.firstDelayMs * 2 ** (attempt - 1);
      ctx.log.warn(
        `${wrapped.message}; retrying in ${delay / 1000} s (attempt ${attempt + 1} of ${policy.attempts})`,
      );
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

export async function runClone(ctx: StepContext): Promise<CloneOutcome> {
  const outputs: CloneOutcome['outputs'] = {};
  let state = ctx.state;
  let failure: StepError | undefined;
  for (const [name, step] of CLONE_STEPS) {
    try {
      const result = await runStep(name, step, { ...ctx, state });
      state = result.state;
      outputs[name] = result.outputs;
    } catch (err) {
      failure = err as StepError;
      ctx.log.error(failure.message);
      break;
    }
  }
  if (failure) {
    try {
      outputs.rollback = (await runStep('rollback', CLEANUP_STEPS.rollback, { ...ctx, state })).outputs;
    } catch (err) {
      ctx.log.error(
        `rollback failed: ${(err as Error).message}; delete environment "${state.environment_name}" by hand`,
      );
    }
  }
  try {
    outputs['close-database-access'] = (
      await runStep('close-database-access', CLEANUP_STEPS['close-database-access'], { ...ctx, state })
    ).outputs;
  } catch (err) {
    ctx.log.error(`close-database-access failed: ${(err as Error).message}`);
  }
  return failure
    ? { ok: false, outputs, failedStep: String(failure.details.step), error: failure }
    : { ok: true, outputs };
}
