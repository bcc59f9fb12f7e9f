// The flow's steps killed anywhere (issue 18), as Kestra runs them: the killed step is one
// `railclone task <step>` process (the bundle), started with the state the steps before it passed on as
// JSON. Those steps ran to completion first — in this process, with the same step functions and the
// same JSON hand-over, because a process per step costs seconds on a loaded machine and
// test/e2e/task-steps.test.ts already runs the whole chain as processes. The killed one is SIGKILLed
// at its start (every step boundary) or inside it (projectCreate, environmentCreate, the staged
// commit, the clone's TCP proxy, the source's TCP proxy, the data copy); nothing runs after it, as
// when a Kestra worker dies. The source databases are private (no TCP proxy: sync-database opens one),
// as Railway's templates make them since 2026-08. What each kill left is recorded; then one
// `env cleanup --stale-after 0s` must bring the emulator and both database servers back to exactly
// what they were. SIGTERM of a task instead rolls back by itself (exit 143).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { CLONE_STEPS } from '../../src/clone/steps/index.js';
import { runStep } from '../../src/clone/pipeline.js';
import { parseState } from '../../src/clone/state.js';
import { CloneRequestSchema, parseInput } from '../../src/inputs/index.js';
import { railwayClientFromEnv } from '../../src/railway/client.js';
import { createLogger, setLogSink } from '../../src/util/log.js';
import { diff, parseTaskOutput, railclone, snapshot as snap, watchEmulator } from './kill-helpers.js';

const prefix = `rcktask${randomUUID().slice(0, 6)}`;
let em: RunningEmulator;
let watched: ReturnType<typeof watchEmulator>;
const snapshot = () => snap(em, prefix);

interface TaskKillPoint {
  label: string;
  /** The step whose process is killed; the steps before it ran to completion. */
  step: string;
  /** Kill once the killed process made its nth call of this root field ... */
  field?: string;
  nth?: number;
  /** ... counting only calls after its first call of this field. */
  since?: string;
  /** ... or once it printed this. */
  printed?: RegExp;
  afterMs?: number;
  latency?: { field: string; ms: number };
}

const started = (step: string): TaskKillPoint => ({
  label: `${step}: at its start`,
  step,
  printed: new RegExp(`\\[${step}\\] started`),
});

const NEW_PROJECT: TaskKillPoint[] = [
  {
    label: 'new project: inside projectCreate',
    step: 'create-environment',
    field: 'projectCreate',
    nth: 1,
    afterMs: 100,
    latency: { field: 'projectCreate', ms: 700 },
  },
  { ...started('wait-for-databases'), label: 'new project: wait-for-databases at its start' },
];

const POINTS: TaskKillPoint[] = [
  ...CLONE_STEPS.map(([step]) => started(step)).filter((p) => p.step !== 'validate-inputs'),
  {
    label: 'create-environment: intent written',
    step: 'create-environment',
    field: 'variableCollectionUpsert',
    nth: 1,
  },
  {
    label: 'create-environment: inside environmentCreate',
    step: 'create-environment',
    field: 'environmentCreate',
    nth: 1,
    // After the intent: the first environmentCreate may be the one of the intents' environment.
    since: 'variableCollectionUpsert',
    afterMs: 100,
    latency: { field: 'environmentCreate', ms: 700 },
  },
  {
    label: 'create-environment: staged commit',
    step: 'create-environment',
    field: 'environmentPatchCommitStaged',
    nth: 1,
    afterMs: 30,
  },
  {
    label: "create-environment: the clone's TCP proxy opening",
    step: 'create-environment',
    field: 'environmentPatchCommit',
    nth: 1,
    afterMs: 20,
  },
  {
    label: "sync-database: inside the source's TCP proxy opening (its id never recorded)",
    step: 'sync-database',
    field: 'environmentPatchCommit',
    nth: 1,
    afterMs: 100,
    latency: { field: 'environmentPatchCommit', ms: 600 },
  },
  {
    label: 'sync-database: inside the copy',
    step: 'sync-database',
    printed: /\[db-copy:mysql\] snapshot: .*load: /,
    afterMs: 40,
  },
];

interface KillResult {
  fired: boolean;
  exited: Awaited<ReturnType<typeof railclone>['done']>;
  /** The state the killed step started from. */
  state: string;
}

/** The steps before `until`, run to completion; the state they pass on, as JSON. */
async function stepsBefore(
  emulator: RunningEmulator,
  until: string,
  request: Record<string, unknown>,
  executionId: string,
): Promise<string> {
  const railway = railwayClientFromEnv({
    RAILWAY_API_TOKEN: emulator.tokens.account,
    RAILWAY_API_URL: emulator.url,
  });
  const ctx = {
    railway,
    request: parseInput(CloneRequestSchema, { client_name: 'kill', ...request }),
    log: createLogger('task'),
    progress: () => undefined,
    now: () => new Date(),
  };
  let state = '';
  for (const [name, step] of CLONE_STEPS) {
    if (name === until) break;
    const result = await runStep(name, step, { ...ctx, state: parseState(state, executionId) });
    state = JSON.stringify(result.state);
  }
  return state;
}

/**
 * One execution: the steps before `point.step` as separate processes, then `point.step` killed with
 * `signal` at the point.
 */
async function killTaskAt(
  emulator: RunningEmulator,
  calls: string[],
  point: TaskKillPoint,
  request: Record<string, unknown>,
  signal: NodeJS.Signals,
): Promise<KillResult> {
  const common = {
    RAILCLONE_REQUEST: JSON.stringify({ client_name: 'kill', ...request }),
    RAILCLONE_EXECUTION_ID: `exec-${randomUUID().slice(0, 12)}`,
  };
  const state = await stepsBefore(emulator, point.step, request, common.RAILCLONE_EXECUTION_ID);
  const start = calls.length;
  if (point.latency) emulator.faults.latency(point.latency.ms, point.latency.field);
  const run = railclone(emulator, ['task', point.step], { ...common, RAILCLONE_STATE: state });
  let fired = false;
  const watch = setInterval(() => {
    if (fired) return;
    let mine = calls.slice(start);
    if (point.since) mine = mine.includes(point.since) ? mine.slice(mine.indexOf(point.since) + 1) : [];
    const reached = point.printed
      ? point.printed.test(run.printed())
      : mine.filter((f) => f === point.field).length >= (point.nth ?? 1);
    if (reached) {
      fired = true;
      setTimeout(() => run.child.kill(signal), point.afterMs ?? 0);
    }
  }, 2);
  const exited = await run.done;
  clearInterval(watch);
  emulator.faults.clear();
  // Requests the server was still serving when the process died finish now.
  await new Promise((r) => setTimeout(r, (point.latency?.ms ?? 0) + 300));
  return { fired, exited, state };
}

beforeAll(async () => {
  setLogSink(() => undefined); // the steps run here before each kill: their lines are not under test
  em = await startEmulator({
    port: 0,
    scenario: 'wordpress-private',
    dbPrefix: prefix,
    deploymentStepMs: 20,
  });
  watched = watchEmulator(em);
}, 60_000);

afterAll(async () => {
  await em?.stop();
});

describe('the flow steps, each a process, killed anywhere', () => {
  it('SIGKILL at every step boundary and inside create-environment and sync-database: one cleanup removes all', async () => {
    const baseline = await snapshot();
    const runs = [
      ...POINTS.map((point, i) => ({ point, request: { environment_name: `ktask-${i}` } })),
      ...NEW_PROJECT.map((point, i) => ({
        point,
        request: { environment_name: `kproj-${i}`, new_project_name: `kproj-${i}` },
      })),
    ].filter((r) => !process.env.KILL_ONLY || r.point.label.includes(process.env.KILL_ONLY));
    const report: string[] = [];
    let leaving = 0;
    for (const { point, request: named } of runs) {
      const request = { ...named, railway_project_id: em.projectId };
      const { fired, exited } = await killTaskAt(em, watched.calls, point, request, 'SIGKILL');
      expect(fired, `${point.label}: the kill point was reached; ${exited.stdout.slice(-800)}`).toBe(true);
      expect(exited.signal, point.label).toBe('SIGKILL');
      const left = diff(baseline, await snapshot());
      if (left.some((l) => l.startsWith('+environments: k') || l.startsWith('+projects'))) leaving++;

      // After each kill, one cleanup: every leftover found (with a reason), nothing else touched.
      const clean = await railclone(em, ['env', 'cleanup', '--stale-after', '0s']).done;
      expect(clean.code, clean.stderr).toBe(0);
      const removed = (
        JSON.parse(clean.stdout) as { removed: { name: string; kind: string; reason: string }[] }
      ).removed;
      for (const r of removed) expect(r.reason, r.name).toMatch(/./);
      expect(diff(baseline, await snapshot()), `${point.label}: after cleanup ${clean.stdout}`).toEqual([]);
      report.push(
        `  ${point.label}: left ${left.join('; ') || 'nothing'} → cleanup removed ${removed.map((r) => `${r.kind} ${r.name}`).join(', ') || 'nothing'}`,
      );
    }
    // For the closing note: what each kill left, and what the cleanup after it removed.
    console.log(`kill-anywhere (tasks): ${runs.length} SIGKILLs\n${report.join('\n')}`);
    if (!process.env.KILL_ONLY) expect(leaving).toBeGreaterThan(8);
    expect(watched.violations).toEqual([]);
  }, 300_000);

  it('SIGTERM of a task rolls back what the execution created, exits 143 with the error output', async () => {
    const baseline = await snapshot();
    const points = POINTS.filter((p) => /inside/.test(p.label));
    expect(points.length).toBe(3);
    for (const [i, point] of points.entries()) {
      const request = { environment_name: `kterm-${i}`, railway_project_id: em.projectId };
      const { fired, exited } = await killTaskAt(em, watched.calls, point, request, 'SIGTERM');
      expect(fired, `${point.label}: ${exited.stdout.slice(-800)}`).toBe(true);
      expect(exited.code, exited.stdout.slice(-600)).toBe(143);
      const { outputs, logs } = parseTaskOutput(exited.stdout);
      expect(String((outputs.error as { message: string }).message)).toMatch(/interrupted by SIGTERM/);
      expect(
        logs.some((l) => /rollback: deleted environment "kterm-/.test(l.message)),
        logs.map((l) => l.message).join('\n'),
      ).toBe(true);
      expect(diff(baseline, await snapshot()), point.label).toEqual([]);
    }
    expect(watched.violations).toEqual([]);
  }, 120_000);
});
