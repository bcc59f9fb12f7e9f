// A clone killed at any instant leaves nothing that one `env cleanup --stale-after 0s` cannot remove
// (issue 18). `railclone clone` (the bundle) runs against one emulator and is SIGKILLed at every step
// boundary and inside environmentCreate and sync-database (the emulator's latency hook widens the
// environmentCreate window: the server creates the environment after the client is gone). What each
// kill left is recorded; then one cleanup must bring the emulator and the databases it created back to
// exactly what they were. SIGTERM instead rolls back by itself. Throughout, no TCP proxy is open on a
// clone whose database variables still hold production's password.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { diff, railclone as run, snapshot as snap, watchEmulator } from './kill-helpers.js';

const prefix = `rckill${randomUUID().slice(0, 6)}`;
let em: RunningEmulator;
let calls: string[] = [];
let violations: string[] = [];
const snapshot = () => snap(em, prefix);
const railclone = (args: string[]) => run(em, args);

interface KillPoint {
  label: string;
  field: string;
  /** The nth call of `field` made after the clone started. */
  nth: number;
  afterMs?: number;
  latency?: { field: string; ms: number };
  /** Count only calls after the first call of this field (the intent written: the clone's own create). */
  since?: string;
  /** Instead of a Railway call: a line the clone prints (the data copy makes no Railway calls). */
  printed?: RegExp;
}

const POINTS: KillPoint[] = [
  { label: 'preflight (first environments read)', field: 'environments', nth: 1 },
  { label: 'create-environment: intent written', field: 'variableCollectionUpsert', nth: 1 },
  {
    label: 'inside environmentCreate',
    field: 'environmentCreate',
    nth: 1,
    since: 'variableCollectionUpsert',
    afterMs: 100,
    latency: { field: 'environmentCreate', ms: 700 },
  },
  { label: 'create-environment: metadata written, changes staged', field: 'environmentStageChanges', nth: 1 },
  { label: 'create-environment: staged commit', field: 'environmentPatchCommitStaged', nth: 1, afterMs: 30 },
  { label: 'wait-for-databases: first deploy', field: 'serviceInstanceDeployV2', nth: 1 },
  // The copy starts right after the snapshot line and lasts a few hundred ms even on a quiet machine.
  {
    label: 'inside sync-database',
    field: '',
    nth: 0,
    printed: /\[db-copy:mysql\] snapshot: .*load: /,
    afterMs: 40,
  },
  { label: 'configure-basic-auth', field: 'variableCollectionUpsert', nth: 3 },
  { label: 'finalize: app deploy', field: 'serviceInstanceDeployV2', nth: 2 },
];

async function runUntil(point: KillPoint, name: string, signal: NodeJS.Signals) {
  const start = calls.length;
  if (point.latency) em.faults.latency(point.latency.ms, point.latency.field);
  const run = railclone(['clone', '--json', '--client', 'kill', '--name', name]);
  let fired = false;
  const watch = setInterval(() => {
    if (fired) return;
    let mine = calls.slice(start);
    if (point.since) {
      const at = mine.indexOf(point.since);
      mine = at < 0 ? [] : mine.slice(at + 1);
    }
    const reached = point.printed
      ? point.printed.test(run.printed())
      : mine.filter((f) => f === point.field).length >= point.nth;
    if (reached) {
      fired = true;
      setTimeout(() => run.child.kill(signal), point.afterMs ?? 0);
    }
  }, 2);
  const result = await run.done;
  clearInterval(watch);
  em.faults.clear();
  // Requests the server was still serving when the client died finish now.
  await new Promise((r) => setTimeout(r, (point.latency?.ms ?? 0) + 300));
  return { fired, result };
}

beforeAll(async () => {
  em = await startEmulator({ port: 0, scenario: 'wordpress', dbPrefix: prefix, deploymentStepMs: 20 });
  ({ calls, violations } = watchEmulator(em));
}, 60_000);

afterAll(async () => {
  await em?.stop();
});

describe('a clone killed anywhere', () => {
  it('SIGKILL at every step boundary and inside environmentCreate and sync-database: one cleanup removes all', async () => {
    const baseline = await snapshot();
    const left: { point: string; left: string[] }[] = [];
    for (const [i, point] of POINTS.entries()) {
      const { fired, result } = await runUntil(point, `kill-${i}`, 'SIGKILL');
      expect(fired, `${point.label}: the kill point was reached`).toBe(true);
      expect(result.signal, point.label).toBe('SIGKILL');
      left.push({ point: point.label, left: diff(baseline, await snapshot()) });
    }
    // For the closing note: what each kill left before cleanup.
    console.log(
      `kill-anywhere: ${POINTS.length} SIGKILLs\n${left.map((l) => `  ${l.point}: ${l.left.join('; ') || 'nothing'}`).join('\n')}`,
    );
    expect(left.some((l) => l.left.some((x) => x.startsWith('+environments')))).toBe(true);

    const dry = await railclone(['env', 'cleanup', '--stale-after', '0s', '--dry-run']).done;
    expect(dry.code, dry.stderr).toBe(0);
    const listed = JSON.parse(dry.stdout) as { removed: { name: string; reason: string }[] };
    const leftEnvs = (await snapshot()).environments.filter((e) => e.startsWith('kill-'));
    for (const name of leftEnvs)
      expect(listed.removed.find((r) => r.name === name)?.reason, name).toMatch(/./);
    expect(diff(baseline, await snapshot()).length).toBeGreaterThan(0); // a dry run removes nothing

    const clean = await railclone(['env', 'cleanup', '--stale-after', '0s']).done;
    expect(clean.code, clean.stderr).toBe(0);
    expect(diff(baseline, await snapshot())).toEqual([]);
    expect(violations).toEqual([]);
  }, 240_000);

  it('SIGTERM rolls back by itself and exits non-zero with the JSON outcome', async () => {
    const baseline = await snapshot();
    for (const [i, point] of [POINTS[2]!, POINTS[6]!].entries()) {
      const { fired, result } = await runUntil(point, `term-${i}`, 'SIGTERM');
      expect(fired).toBe(true);
      expect(result.code, result.stderr).toBe(143);
      const outcome = JSON.parse(result.stdout.trim().split('\n').pop()!) as {
        ok: boolean;
        error: { message: string };
      };
      expect(outcome.ok).toBe(false);
      expect(outcome.error.message).toMatch(/interrupted by SIGTERM/);
      expect(diff(baseline, await snapshot()), point.label).toEqual([]);
    }
    expect(violations).toEqual([]);
  }, 120_000);
});
