// Every step of the flow run twice on the same state (issue 18): what Kestra does when a worker dies
// after a task did its work but before its outputs were recorded — the task runs again with the state
// it started from. The second run must succeed and change nothing the first made: no second
// environment, service, volume, domain, TCP proxy, database, deployment; no variable added, dropped or
// changed (a password rotated twice would lock the clone out of its own database). The flow then goes
// on with the second run's state, as Kestra would. Scenario wordpress-private: the source has no TCP
// proxy, so sync-database opens (and records) one, and create-environment opens the clone's.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStep } from '../../src/clone/pipeline.js';
import { CLEANUP_STEPS, CLONE_STEPS } from '../../src/clone/steps/index.js';
import type { CloneState } from '../../src/clone/state.js';
import type { Step } from '../../src/clone/context.js';
import { type Harness, physicalDatabases, startHarness } from './helpers.js';

const prefix = `rcidem${randomUUID().slice(0, 6)}`;
let h: Harness;

/** Everything a step could duplicate, by name; variables by a digest of their value. */
async function world(): Promise<Record<string, string[]>> {
  const s = h.emulator.state;
  const env = (id: string) => s.environments.get(id)?.name ?? id;
  const svc = (id: string | null) => (id ? (s.services.get(id)?.name ?? id) : 'shared');
  const digest = (v: string) => createHash('sha256').update(v).digest('hex').slice(0, 12);
  return {
    projects: [...s.projects.values()].filter((p) => !p.deletedAt).map((p) => p.name),
    environments: [...s.environments.values()].map((e) => e.name),
    services: [...s.services.values()].map((x) => x.name),
    instances: [...s.instances.values()].map((i) => `${env(i.environmentId)}/${svc(i.serviceId)}`),
    volumes: [...s.volumeInstances.values()].map((v) => `${env(v.environmentId)}/${v.mountPath}`),
    domains: [...s.serviceDomains.values()].map((d) => `${env(d.environmentId)}/${d.domain}`),
    proxies: [...s.tcpProxies.values()]
      .filter((p) => p.syncStatus !== 'DELETING')
      .map((p) => `${env(p.environmentId)}/${svc(p.serviceId)}:${p.applicationPort}`),
    deployments: [...s.deployments.values()].map((d) => `${env(d.environmentId)}/${svc(d.serviceId)}`),
    variables: [...s.variables.entries()].flatMap(([scope, vars]) =>
      [...vars.entries()].map(([name, v]) => `${scope}/${name}=${digest(v.value)}`),
    ),
    databases: await physicalDatabases(prefix),
  };
}

function sorted(w: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(w).map(([k, v]) => [k, [...v].sort()]));
}

beforeAll(async () => {
  h = await startHarness('wordpress-private', prefix);
}, 60_000);

afterAll(async () => {
  await h?.emulator.stop();
});

describe('every step, run twice on the same state', () => {
  it('succeeds the second time and duplicates nothing', async () => {
    const base = h.context({ client_name: 'twice', environment_name: 'twice' });
    const baseline = sorted(await world());
    let state: CloneState = base.state;
    const report: string[] = [];
    const steps: readonly (readonly [string, Step])[] = [...CLONE_STEPS, ...Object.entries(CLEANUP_STEPS)];
    for (const [name, step] of steps) {
      const from = JSON.parse(JSON.stringify(state)) as CloneState;
      const first = await runStep(name, step, { ...base, state: from });
      const afterFirst = sorted(await world());
      const second = await runStep(name, step, {
        ...base,
        state: JSON.parse(JSON.stringify(from)) as CloneState,
      });
      const afterSecond = sorted(await world());
      expect(afterSecond, `${name}: the second run changed what the first made`).toEqual(afterFirst);
      const same = JSON.stringify(first.outputs) === JSON.stringify(second.outputs);
      report.push(
        `${name}: ${same ? 'same outputs' : `outputs ${JSON.stringify(second.outputs).slice(0, 160)}`}`,
      );
      state = second.state;
    }
    console.log(`step idempotence (${steps.length} steps, each twice):\n  ${report.join('\n  ')}`);
    // The last two are rollback (twice): everything the clone made is gone. (Opening the source's TCP
    // proxy deployed the source's database: history of production, not something of the clone's.)
    const { deployments, ...end } = sorted(await world());
    const { deployments: before, ...start } = baseline;
    expect(end).toEqual(start);
    expect(deployments!.filter((d) => !d.startsWith('production/'))).toEqual(
      before!.filter((d) => !d.startsWith('production/')),
    );
  }, 240_000);
});
