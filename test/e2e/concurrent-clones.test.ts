// Two clones of one private source at once. Railway allows one TCP proxy per service, so the second
// clone reads through the proxy the first opened; the first, done, must not close it under the second's
// copy (the emulator cuts a deleted proxy's connections, as a deleted proxy would). Ordered, not timed:
// the second starts once the first has copied, and the first closes its access only once the second is
// in the middle of its big table.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runClone } from '../../src/clone/pipeline.js';
import { closeDatabaseAccess } from '../../src/clone/steps/close-database-access.js';
import { INTENTS_ENVIRONMENT } from '../../src/inputs/index.js';
import { DEAD_PROXY } from '../../src/railway/client.js';
import { createLogger } from '../../src/util/log.js';
import type { ProgressEvent } from '../../src/util/progress.js';
import { physicalUrl, startHarness, type Harness } from './helpers.js';

const prefix = `rcconc${randomUUID().slice(0, 6)}`;
let h: Harness;

beforeAll(async () => {
  h = await startHarness('postgres-app-private', prefix);
  const source = new pg.Client(physicalUrl(h.emulator, h.emulator.productionEnvironmentId, 'Postgres'));
  await source.connect();
  // Big enough that the first clone's close lands well inside the second's copy of it.
  await source.query(
    `create table big_events as select g as id, repeat('x', 200) as pad from generate_series(1, 400000) g`,
  );
  await source.end();
});

afterAll(async () => {
  await h?.emulator.stop();
});

it('a clone done first leaves the source proxy open for the clone still reading; the last one closes it', async () => {
  let firstCopied!: () => void;
  const aCopied = new Promise<void>((r) => (firstCopied = r));
  let secondMidCopy!: () => void;
  const bMidCopy = new Promise<void>((r) => (secondMidCopy = r));
  const bSyncAttempts: ProgressEvent[] = [];
  let sourceProxies: string[] = [];
  const sourceProxiesNow = async () =>
    (
      await h.railway.listTcpProxies({
        environmentId: h.emulator.productionEnvironmentId,
        serviceId: await h.serviceId('Postgres'),
      })
    ).filter((p) => !DEAD_PROXY.has(p.syncStatus));

  const a = runClone(
    h.context(
      { client_name: 'a', environment_name: 'conc-a' },
      {
        log: createLogger('clone-a'),
        progress: (e) => {
          if (e.kind === 'step' && e.step === 'sync-database' && e.status === 'succeeded') firstCopied();
        },
      },
    ),
    {
      steps: {
        'close-database-access': async (ctx) => {
          await bMidCopy;
          sourceProxies = (await sourceProxiesNow()).map((p) => p.id);
          return closeDatabaseAccess(ctx);
        },
      },
    },
  );
  await aCopied;
  const b = runClone(
    h.context(
      { client_name: 'b', environment_name: 'conc-b' },
      {
        log: createLogger('clone-b'),
        progress: (e) => {
          if (e.kind === 'step' && e.step === 'sync-database' && e.status === 'started')
            bSyncAttempts.push(e);
          if (e.kind === 'table' && e.table.includes('big_events') && e.status === 'progress')
            secondMidCopy();
        },
      },
    ),
  );
  const [ra, rb] = await Promise.all([a, b]);
  if (!ra.ok) throw ra.error;
  if (!rb.ok) throw rb.error;

  // The second copy ran once, through the proxy the first clone opened and left open for it; the second
  // closed it when done. Nothing of it is left: no live proxy on the source, no coordination environment.
  expect(sourceProxies).toHaveLength(1);
  expect(bSyncAttempts).toHaveLength(1);
  expect(h.logs).toContainEqual(
    expect.stringMatching(/\[clone-a:close-database-access\] left 1 source TCP proxy open/),
  );
  expect(ra.outputs['close-database-access']!.closed_proxies).not.toContain(sourceProxies[0]);
  expect(rb.outputs['close-database-access']!.closed_proxies).toContain(sourceProxies[0]);
  expect(await sourceProxiesNow()).toEqual([]);
  expect(await h.railway.findEnvironmentByName(h.emulator.projectId, INTENTS_ENVIRONMENT)).toBeNull();
}, 240_000);
