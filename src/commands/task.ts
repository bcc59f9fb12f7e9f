// `railclone task <step>`: one step per Kestra task. Reads the request (RAILCLONE_REQUEST) and the
// previous step's state (RAILCLONE_STATE), prints outputs, metrics and logs in Kestra's protocol,
// exits non-zero with the error body on failure.
import type { Command } from 'commander';
import { readRailcloneEnv } from '../config/env.js';
import {
  CleanupRequestSchema,
  CloneRequestSchema,
  EnvironmentRefSchema,
  ProjectRefSchema,
  parseDuration,
  parseInput,
} from '../inputs/index.js';
import { ALL_STEPS } from '../clone/steps/index.js';
import { runStepOrRollBack } from '../clone/pipeline.js';
import { Interruption } from '../clone/interruption.js';
import { exitCodeFor, interruptOnSignals } from './interrupt.js';
import { parseState } from '../clone/state.js';
import { connectRailway } from '../clone/railway-connection.js';
import { cleanupEnvironments } from '../clone/cleanup.js';
import { deleteEnvironment, getEnvironment, lineage, listEnvironments } from '../clone/environments.js';
import { createLogger, setLogSink } from '../util/log.js';
import { enableKestraProtocol, kestra } from '../util/kestra-protocol.js';
import { ValidationError, toErrorBody } from '../util/errors.js';
import type { ProgressEvent } from '../util/progress.js';
import { formatTableLine } from '../util/table-progress-line.js';
import { requestFromFlow } from '../kestra/flow-request.js';

type Query = (
  railway: Awaited<ReturnType<typeof connectRailway>>['railway'],
  projectId: string,
  body: Record<string, unknown>,
) => Promise<unknown>;

const QUERIES: Record<
  string,
  { schema: typeof EnvironmentRefSchema | typeof ProjectRefSchema | typeof CleanupRequestSchema; run: Query }
> = {
  'list-environments': { schema: ProjectRefSchema, run: (r, p) => listEnvironments(r, p) },
  'get-environment': {
    schema: EnvironmentRefSchema,
    run: (r, p, b) => getEnvironment(r, p, String(b.environment)),
  },
  'delete-environment': {
    schema: EnvironmentRefSchema,
    run: (r, p, b) => deleteEnvironment(r, p, String(b.environment), { force: Boolean(b.force) }),
  },
  lineage: { schema: EnvironmentRefSchema, run: (r, p, b) => lineage(r, p, String(b.environment)) },
  'cleanup-expired': {
    schema: CleanupRequestSchema,
    run: (r, p, b) =>
      cleanupEnvironments(r, p, {
        staleAfterMs: parseDuration(String(b.stale_after))!,
        dryRun: b.dry_run === true,
        info: (line) => kestra.log('INFO', `[cleanup] ${line}`),
      }),
  },
};

/** Kestra's `errors:` and `finally:` steps: they run after any failure, including a refused request. */
const CLEANUP_STEPS = new Set(['rollback', 'close-database-access']);

export const TASK_NAMES = [...Object.keys(ALL_STEPS), ...Object.keys(QUERIES)];

/** How often a table that is still copying says its rows and bytes (Kestra keeps only log lines). */
export const TABLE_LINE_INTERVAL_MS = 2_000;
const lastTableLine = new Map<string, number>();

export function progressToKestra(e: ProgressEvent): void {
  if (e.kind === 'step') {
    kestra.log(
      e.status === 'failed' ? 'ERROR' : 'INFO',
      `[${e.step}] ${e.status}${e.message ? `: ${e.message}` : ''}`,
    );
  } else if (e.kind === 'table') {
    // A table done within the interval gets only its done line; a longer one a copying line per interval.
    const now = Date.now();
    if (e.status === 'started') lastTableLine.set(e.table, now);
    else if (e.status === 'done') kestra.log('INFO', formatTableLine({ ...e, status: 'done' }));
    else if (now - (lastTableLine.get(e.table) ?? 0) >= TABLE_LINE_INTERVAL_MS) {
      lastTableLine.set(e.table, now);
      kestra.log('INFO', formatTableLine({ ...e, status: 'copying' }));
    }
  } else if (e.kind === 'service') {
    kestra.log('INFO', `service ${e.service}: ${e.status}`);
  }
}

export function registerTaskCommand(program: Command): void {
  program
    .command('task <step>')
    .description(`Run one step, as a Kestra task does: ${TASK_NAMES.join(', ')}`)
    .action(async (step: string) => {
      enableKestraProtocol();
      // Kestra reads stderr as ERROR: every log line goes out as a protocol line with its own level.
      setLogSink(({ level, scope, message }) =>
        kestra.log(level === 'warn' ? 'WARN' : (level.toUpperCase() as 'INFO'), `[${scope}] ${message}`),
      );
      const log = createLogger('task');
      const interruption = new Interruption();
      const removeHandlers = interruptOnSignals(interruption);
      try {
        const env = readRailcloneEnv();
        const raw = process.env.RAILCLONE_REQUEST;
        if (!raw)
          throw new ValidationError('RAILCLONE_REQUEST', 'RAILCLONE_REQUEST must hold the request as JSON');
        let body: Record<string, unknown>;
        try {
          body = requestFromFlow(raw) as Record<string, unknown>;
        } catch {
          throw new ValidationError('RAILCLONE_REQUEST', 'RAILCLONE_REQUEST is not valid JSON');
        }
        const connection = await connectRailway();
        try {
          const query = QUERIES[step];
          if (query) {
            const parsed = parseInput(query.schema, body) as Record<string, unknown>;
            const projectId =
              (parsed.railway_project_id as string | undefined) ??
              env.RAILCLONE_PROJECT_ID ??
              connection.defaultProjectId;
            if (!projectId)
              throw new ValidationError(
                'railway_project_id',
                'railway_project_id is required when RAILCLONE_PROJECT_ID is not set',
              );
            kestra.outputs({ result: await query.run(connection.railway, projectId, parsed) });
            return;
          }
          const fn = ALL_STEPS[step];
          if (!fn)
            throw new ValidationError('step', `unknown step "${step}"`, {
              provided: step,
              allowed: TASK_NAMES,
            });
          const executionId = env.RAILCLONE_EXECUTION_ID ?? process.env.KESTRA_EXECUTION_ID;
          if (!executionId)
            throw new ValidationError(
              'RAILCLONE_EXECUTION_ID',
              'RAILCLONE_EXECUTION_ID must be set (the flow passes {{ execution.id }})',
            );
          const state = parseState(process.env.RAILCLONE_STATE, executionId);
          let request;
          try {
            request = parseInput(CloneRequestSchema, body);
          } catch (err) {
            // validate-inputs refused this request, so nothing was created from it: rollback and
            // close-database-access then have nothing to do, and must not fail the run a second time.
            if (!CLEANUP_STEPS.has(step) || state.environment_name) throw err;
            log.info(`${step}: the request was refused before anything was created; nothing to do`);
            kestra.outputs({ state: JSON.stringify(state) });
            return;
          }
          const result = await runStepOrRollBack(
            step,
            fn,
            {
              railway: connection.railway,
              request,
              state,
              log,
              progress: progressToKestra,
              now: () => new Date(),
              outputKey: env.RAILCLONE_OUTPUT_KEY,
              defaultProjectId: env.RAILCLONE_PROJECT_ID ?? connection.defaultProjectId,
            },
            interruption,
          );
          kestra.outputs({ ...result.outputs, state: JSON.stringify(result.state) });
        } finally {
          await connection.close();
        }
      } catch (err) {
        const error = toErrorBody(err);
        kestra.outputs({ error });
        log.error(error.message);
        process.exitCode = 1;
      } finally {
        removeHandlers();
      }
      if (interruption.reason) process.exit(exitCodeFor(interruption.reason));
    });
}
