// The sweep and a rollback share the project with users, other sweeps and other clones' rollbacks: an
// environment deleted by someone else between the listing and its removal is not the sweep's failure,
// while any other failure still is. Real HTTP to the emulator; the only help is a wrapper that deletes
// an environment (through the same API) at the moment the sweep reaches it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { RailwayClient } from '../../src/railway/client.js';
import { RailwayAuthError } from '../../src/railway/errors.js';
import type { RailwayApi } from '../../src/railway/types.js';
import { cleanupEnvironments, removeExecutionLeftovers } from '../../src/clone/cleanup.js';
import { writeMeta, type CloneMeta } from '../../src/clone/metadata.js';
import { readIntents, recordIntent, removeIntent } from '../../src/clone/ownership.js';
import { INTENTS_ENVIRONMENT } from '../../src/inputs/index.js';

let em: RunningEmulator;
let railway: RailwayClient;
const suffix = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  em = await startEmulator({ scenario: 'postgres-app', dbPrefix: `rcsweep_${suffix}`, deploymentStepMs: 5 });
  railway = new RailwayClient({
    endpoint: em.url,
    apiToken: em.tokens.account,
    retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 100 },
    timeoutMs: 10_000,
  });
});

afterAll(async () => {
  await em?.stop();
});

/** An empty environment carrying clone metadata, as a clone leaves it. */
async function clone(name: string, meta: Partial<CloneMeta>): Promise<string> {
  const env = await railway.createEnvironment({ projectId: em.projectId, name });
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  await writeMeta(railway, em.projectId, env.id, {
    version: 1,
    status: 'ready',
    execution_id: `exec-${name}`,
    cloned_from: {
      project_id: em.projectId,
      environment_id: em.productionEnvironmentId,
      environment_name: 'production',
    },
    type: 'ephemeral',
    client_name: 'sweep test',
    created_by: 'test',
    created_at: hourAgo,
    expires_at: hourAgo,
    ...meta,
  });
  return env.id;
}

/** The API, except that reading `victim`'s variables first lets `meanwhile` run (another actor's delete). */
function racing(victim: string, meanwhile: () => Promise<unknown>): RailwayApi {
  let fired = false;
  return new Proxy(railway, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== 'getVariables') return typeof value === 'function' ? value.bind(target) : value;
      return async (args: Parameters<RailwayApi['getVariables']>[0]) => {
        if (args.environmentId === victim && !fired) {
          fired = true;
          await meanwhile();
        }
        return target.getVariables(args);
      };
    },
  });
}

const names = async () => (await railway.listEnvironments(em.projectId)).map((e) => e.name).sort();

describe('cleanup beside other deletes', () => {
  it('skips an environment deleted by someone else during the sweep and removes the rest', async () => {
    const gone = await clone(`gone-${suffix}`, {});
    await clone(`left-${suffix}`, {});
    const lines: string[] = [];
    const report = await cleanupEnvironments(
      racing(gone, () => railway.deleteEnvironment(gone)),
      em.projectId,
      { info: (l) => lines.push(l) },
    );
    expect(report.deleted).toEqual([`left-${suffix}`]);
    expect(report.removed.map((r) => r.name)).toEqual([`left-${suffix}`]);
    expect(lines).toContain(
      `"gone-${suffix}" (${gone}) was deleted by someone else meanwhile: nothing left to remove`,
    );
    expect(await names()).toEqual(['production']);
  });

  it('a rollback whose environment another sweep removes first still finishes', async () => {
    const id = await clone(`rolled-${suffix}`, { execution_id: 'exec-rolled' });
    const deleted = await removeExecutionLeftovers(
      racing(id, () => railway.deleteEnvironment(id)),
      em.projectId,
      'exec-rolled',
    );
    expect(deleted).toEqual([]);
    expect(await names()).toEqual(['production']);
  });

  it('intents read or removed while another run deletes the intents environment: none, and no failure', async () => {
    const intent = (execution_id: string) => ({
      version: 1 as const,
      execution_id,
      project_id: em.projectId,
      environment_name: `never-${execution_id}`,
      source_environment_id: em.productionEnvironmentId,
      created_at: new Date().toISOString(),
    });
    await recordIntent(railway, intent('exec-a'));
    const intents = (await railway.findEnvironmentByName(em.projectId, INTENTS_ENVIRONMENT))!.id;
    expect((await readIntents(railway, em.projectId)).map((i) => i.execution_id)).toEqual(['exec-a']);
    expect(
      await readIntents(
        racing(intents, () => railway.deleteEnvironment(intents)),
        em.projectId,
      ),
    ).toEqual([]);

    await recordIntent(railway, intent('exec-b'));
    const again = (await railway.findEnvironmentByName(em.projectId, INTENTS_ENVIRONMENT))!.id;
    await removeIntent(
      racing(again, () => railway.deleteEnvironment(again)),
      em.projectId,
      'exec-b',
    );
    expect(await names()).toEqual(['production']);
  });

  it('the sweep deletes a coordination environment left without records, and keeps one with records', async () => {
    await railway.createEnvironment({ projectId: em.projectId, name: INTENTS_ENVIRONMENT });
    const lines: string[] = [];
    await cleanupEnvironments(railway, em.projectId, { info: (l) => lines.push(l) });
    expect(lines).toContain(
      `deleted the empty ${INTENTS_ENVIRONMENT} environment (no run has a record there)`,
    );
    expect(await names()).toEqual(['production']);

    const intent = {
      version: 1 as const,
      execution_id: 'exec-live',
      project_id: em.projectId,
      environment_name: 'never',
      source_environment_id: null,
      created_at: new Date().toISOString(),
    };
    await recordIntent(railway, intent);
    await cleanupEnvironments(railway, em.projectId);
    expect(await names()).toEqual(['production', INTENTS_ENVIRONMENT].sort());
    await removeIntent(railway, em.projectId, 'exec-live');
    expect(await names()).toEqual(['production']);
  });

  it('a refusal on an environment that is still there fails the sweep, naming it', async () => {
    const kept = await clone(`kept-${suffix}`, {});
    const refusing = racing(kept, async () => {
      throw new RailwayAuthError('RAILWAY_API_TOKEN cannot access environment kept (test refusal)');
    });
    await expect(cleanupEnvironments(refusing, em.projectId)).rejects.toThrow(
      /cannot access environment kept/,
    );
    expect(await names()).toEqual(['production', `kept-${suffix}`].sort());
    await railway.deleteEnvironment(kept);
  });
});
