// An environment deleted while `listEnvironments` reads the environments' metadata (a rollback, the expiry
// sweep, another user) is left out of the listing instead of failing it; any other failure stands.
// Found by the Kestra engine tests, where two engines clone and delete in one project at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEnvironments } from '../../src/clone/environments.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { railwayClientFromEnv } from '../../src/railway/client.js';
import type { RailwayApi } from '../../src/railway/types.js';

let em: RunningEmulator;
let railway: RailwayApi;

beforeAll(async () => {
  em = await startEmulator({
    scenario: 'empty',
    dbPrefix: `lerace${Math.random().toString(36).slice(2, 7)}`,
  });
  railway = railwayClientFromEnv({ RAILWAY_API_TOKEN: em.tokens.account, RAILWAY_API_URL: em.url });
});
afterAll(() => em?.stop());

describe('listEnvironments while environments come and go', () => {
  it('leaves out an environment deleted between the list and the read of its metadata', async () => {
    const gone = await railway.createEnvironment({ projectId: em.projectId, name: 'gone' });
    await railway.createEnvironment({ projectId: em.projectId, name: 'kept' });
    em.faults.latency(400, 'variables'); // every metadata read waits: the delete below lands in between
    const listing = listEnvironments(railway, em.projectId, { all: true });
    await new Promise((r) => setTimeout(r, 100));
    em.faults.clear();
    expect(await railway.deleteEnvironment(gone.id)).toBe(true);
    const names = (await listing).map((e) => e.name);
    expect(names).toContain('kept');
    expect(names).not.toContain('gone');
  });

  it('fails when the read of a still-existing environment fails', async () => {
    em.faults.failNth('variables', 1, { message: 'Not Authorized' });
    await expect(listEnvironments(railway, em.projectId, { all: true })).rejects.toThrow(/Not Authorized/);
  });
});
