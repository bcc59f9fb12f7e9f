// `railclone clone`: the whole clone in one process, step by step — the same steps, in the same order,
// with the same retry, rollback and finally that the Kestra flow declares in YAML.
import { RailcloneError, StepError } from '../util/errors.js';
import type { Step, StepContext, StepResult } from './context.js';
import { RETRIES, retryDelayMs } from '../flows/table.js';
import { CLEANUP_STEPS, CLONE_STEPS } from './steps/index.js';
import type { Interruption } from './interruption.js';

export interface CloneOutcome {
  ok: boolean;
  outputs: Record<string, Record<string, unknown>>;
  failedStep?: string;
  error?: RailcloneError;
}

/** One attempt of one step, as one Kestra task run does (Kestra retries; runClone retries like it). */
export async function runStep(name: string, step: Step, ctx: StepContext, attempt = 1): Promise<StepResult> {
  ctx.progress({
    kind: 'step',
    step: name,
    status: 'started',
    message: attempt > 1 ? `attempt ${attempt}` : undefined,
  });
  try {
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
    throw wrapped;
  }
}

export interface CloneOptions {
  /** Replaces steps by name (tests make one fail this way). */
  steps?: Partial<Record<string, Step>>;
  /** Waits between attempts; default a timer (tests shorten it). */
  sleep?: (ms: number) => Promise<void>;
  /** Stops the clone from outside (a signal): the running step is abandoned and rollback runs. */
  interruption?: Interruption;
}

/** The step's result, or — once interrupted and the step's Railway calls have settled — a StepError. */
async function untilInterrupted<T>(name: string, work: Promise<T>, interruption?: Interruption): Promise<T> {
  if (!interruption) return work;
  work.catch(() => undefined); // an abandoned step fails in the background; nobody waits for it
  const stopped = await Promise.race([
    work.then(() => false),
    interruption.whenInterrupted().then(() => true),
  ]);
  if (!stopped) return work;
  await interruption.settled();
  throw new StepError(name, `interrupted by ${interruption.reason}`, { interrupted: interruption.reason });
}

const timer = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A step with the retry the flow table gives its task (the one the Kestra flow declares). */
async function runWithRetry(
  name: string,
  step: Step,
  ctx: StepContext,
  sleep: (ms: number) => Promise<void>,
): Promise<StepResult> {
  const policy = RETRIES[name];
  const attempts = policy?.maxAttempts ?? 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await runStep(name, step, ctx, attempt);
    } catch (err) {
      if (!policy || attempt >= attempts) throw err;
      const delay = retryDelayMs(policy, attempt);
      ctx.log.warn(
        `${(err as Error).message}; retrying in ${delay / 1000} s (attempt ${attempt + 1} of ${attempts})`,
      );
      await sleep(delay);
    }
  }
}

/** One step that an interruption abandons; then rollback and close-database-access undo what the run made. */
export async function runStepOrRollBack(
  name: string,
  step: Step,
  ctx: StepContext,
  interruption: Interruption,
): Promise<StepResult> {
  try {
    return await untilInterrupted(
      name,
      runStep(name, step, { ...ctx, railway: interruption.gate(ctx.railway), signal: interruption.signal }),
      interruption,
    );
  } catch (err) {
    if (!interruption.reason || name === 'rollback' || name === 'close-database-access') throw err;
    const rolled = await runStep('rollback', CLEANUP_STEPS.rollback, ctx).catch((e: Error) => {
      ctx.log.error(`rollback failed: ${e.message}`);
      return null;
    });
    await runStep('close-database-access', CLEANUP_STEPS['close-database-access'], ctx).catch(() => null);
    throw new StepError(name, `interrupted by ${interruption.reason}; rolled back what this run created`, {
      interrupted: interruption.reason,
      rolled_back: rolled?.outputs.deleted ?? null,
    });
  }
}

export async function runClone(ctx: StepContext, opts: CloneOptions = {}): Promise<CloneOutcome> {
  const sleep = opts.sleep ?? timer;
  const stepOf = (name: string, step: Step): Step => opts.steps?.[name] ?? step;
  const outputs: CloneOutcome['outputs'] = {};
  let state = ctx.state;
  let failure: StepError | undefined;
  const { interruption } = opts;
  // Steps see Railway through the interruption's gate; rollback and close-database-access do not.
  const stepCtx: StepContext = interruption
    ? { ...ctx, railway: interruption.gate(ctx.railway), signal: interruption.signal }
    : ctx;
  for (const [name, step] of CLONE_STEPS) {
    try {
      if (interruption?.reason)
        throw new StepError(name, `interrupted by ${interruption.reason}`, {
          interrupted: interruption.reason,
        });
      const result = await untilInterrupted(
        name,
        runWithRetry(name, stepOf(name, step), { ...stepCtx, state }, sleep),
        interruption,
      );
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
      outputs.rollback = (
        await runWithRetry('rollback', stepOf('rollback', CLEANUP_STEPS.rollback), { ...ctx, state }, sleep)
      ).outputs;
    } catch (err) {
      ctx.log.error(
        `rollback failed: ${(err as Error).message}; delete environment "${state.environment_name}" by hand`,
      );
    }
  }
  try {
    outputs['close-database-access'] = (
      await runWithRetry(
        'close-database-access',
        stepOf('close-database-access', CLEANUP_STEPS['close-database-access']),
        { ...ctx, state },
        sleep,
      )
    ).outputs;
  } catch (err) {
    ctx.log.error(`close-database-access failed: ${(err as Error).message}`);
  }
  return failure
    ? { ok: false, outputs, failedStep: String(failure.details.step), error: failure }
    : { ok: true, outputs };
}
