// Source proxies shared by clones reading one source at once (src/clone/source-readers.ts), against the
// emulator over real HTTP: a proxy another live reader uses is handed over, not closed; the last reader
// out closes it; a dead reader stops counting once past the grace period, and the sweep clears it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { RailwayClient } from '../../src/railway/client.js';
import { DEAD_PROXY } from '../../src/railway/client.js';
import { INTENTS_ENVIRONMENT } from '../../src/inputs/index.js';
import { startReading, stopReading, sweepReaders } from '../../src/clone/source-readers.js';
import type { RailwayApi } from '../../src/railway/types.js';
import { hasRecord, recordName } from '../../src/clone/coordination.js';

let em: RunningEmulator;
let railway: RailwayClient;
let postgres: string;
const suffix = Math.random().toString(36).slice(2, 8);
const HOUR = 3_600_000;

beforeAll(async () => {
  em = await startEmulator({
    scenario: 'postgres-app-private',
    dbPrefix: `rcreaders_${suffix}`,
    deploymentStepMs: 5,
    tcpProxyActivationMs: 0,
  });
  railway = new RailwayClient({
    endpoint: em.url,
    apiToken: em.tokens.account,
    retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 100 },
    timeoutMs: 10_000,
    tcpProxyPoll: { intervalMs: 20, timeoutMs: 5_000 },
  });
  postgres = (await railway.getProject(em.projectId)).services.find((s) => s.name === 'Postgres')!.id;
});

afterAll(async () => {
  await em?.stop();
});

const where = () => ({ environmentId: em.productionEnvironmentId, serviceId: postgres });
const open = async () => (await railway.enableTcpProxy({ ...where(), applicationPort: 5432 })).id;
const liveProxies = async () =>
  (await railway.listTcpProxies(where())).filter((p) => !DEAD_PROXY.has(p.syncStatus)).map((p) => p.id);
/** The API with a hook before (or after) one kind of call: how two runs' calls are interleaved here. */
function hooked(
  hooks: Partial<Record<keyof RailwayApi, (args: unknown, call: () => Promise<unknown>) => Promise<unknown>>>,
): RailwayApi {
  return new Proxy(railway, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const hook = hooks[prop as keyof RailwayApi];
      const bound = value.bind(target);
      return hook ? (args: unknown) => hook(args, () => bound(args)) : bound;
    },
  });
}

function signal(): { fire: () => void; fired: Promise<void> } {
  let fire!: () => void;
  const fired = new Promise<void>((r) => (fire = r));
  return { fire, fired };
}

const coordination = () => railway.findEnvironmentByName(em.projectId, INTENTS_ENVIRONMENT);

describe('source proxies shared by concurrent clones', () => {
  it('is handed over while another reader reads, and closed by the last reader out', async () => {
    const now = new Date();
    await startReading(railway, em.projectId, 'exec-a', [postgres], now);
    const proxy = await open();
    await startReading(railway, em.projectId, 'exec-b', [postgres], now);
    const a = await stopReading(railway, em.projectId, 'exec-a', [{ serviceId: postgres, proxyId: proxy }], {
      now,
    });
    expect(a).toEqual({ closed: [], handedOver: [proxy] });
    expect(await liveProxies()).toEqual([proxy]);
    const b = await stopReading(railway, em.projectId, 'exec-b', [], { now });
    expect(b).toEqual({ closed: [proxy], handedOver: [] });
    expect(await liveProxies()).toEqual([]);
    expect(await coordination()).toBeNull();
  });

  it('a reader of another service, or one past the grace period, does not keep it open', async () => {
    const now = new Date();
    await startReading(railway, em.projectId, 'exec-other', ['another-service'], now);
    await startReading(railway, em.projectId, 'exec-dead', [postgres], new Date(now.getTime() - 2 * HOUR));
    const proxy = await open();
    const a = await stopReading(railway, em.projectId, 'exec-a', [{ serviceId: postgres, proxyId: proxy }], {
      now,
    });
    expect(a).toEqual({ closed: [proxy], handedOver: [] });
    await stopReading(railway, em.projectId, 'exec-other', [], { now });
    await stopReading(railway, em.projectId, 'exec-dead', [], { now });
    expect(await coordination()).toBeNull();
  });

  it('a retry keeps its first registration', async () => {
    const first = new Date(Date.now() - 2 * HOUR);
    await startReading(railway, em.projectId, 'exec-retry', [postgres], first);
    await startReading(railway, em.projectId, 'exec-retry', [postgres], new Date());
    // Counted from the first registration: past the grace period, it keeps nothing open.
    const proxy = await open();
    const a = await stopReading(railway, em.projectId, 'exec-a', [{ serviceId: postgres, proxyId: proxy }], {
      now: new Date(),
    });
    expect(a.closed).toEqual([proxy]);
    await stopReading(railway, em.projectId, 'exec-retry', [], { now: new Date() });
  });

  it('two readers leaving at once: the proxy is closed whatever the order of their calls', async () => {
    // The worst order: B reads the records, A hands the proxy over and sees B still reading, then B
    // removes its record and, having read no other, would delete the environment with A's handover.
    const now = new Date();
    await startReading(railway, em.projectId, 'exec-a', [postgres], now);
    await startReading(railway, em.projectId, 'exec-b', [postgres], now);
    const proxy = await open();
    const bRead = signal();
    const aRechecked = signal();
    let handedOver = false;
    let reads = 0;
    const a = hooked({
      upsertVariables: async (args, call) => {
        if (!JSON.stringify(args).includes('RAILCLONE_HANDOVER_')) return call();
        await bRead.fired;
        const done = await call();
        handedOver = true;
        return done;
      },
      getVariables: async (_args, call) => {
        const afterHandover = handedOver;
        const done = await call();
        if (afterHandover) aRechecked.fire();
        return done;
      },
    });
    const b = hooked({
      getVariables: async (_args, call) => {
        const done = await call();
        if (++reads === 1) bRead.fire();
        return done;
      },
      deleteVariable: async (_args, call) => (await aRechecked.fired, call()),
    });
    const [ra, rb] = await Promise.all([
      stopReading(a, em.projectId, 'exec-a', [{ serviceId: postgres, proxyId: proxy }], { now }),
      stopReading(b, em.projectId, 'exec-b', [], { now }),
    ]);
    // Closed once, by whichever of them looked last; left open by neither.
    expect([...ra.closed, ...rb.closed]).toEqual([proxy]);
    expect([...ra.handedOver, ...rb.handedOver]).toEqual([]);
    expect(await liveProxies()).toEqual([]);
    expect(await coordination()).toBeNull();
  });

  it("a registration that another run's removal takes along with the environment is written again", async () => {
    let taken = false;
    const racing = hooked({
      upsertVariables: async (args, call) => {
        const done = await call();
        if (!taken) {
          taken = true;
          await railway.deleteEnvironment((await coordination())!.id);
        }
        return done;
      },
    });
    await startReading(racing, em.projectId, 'exec-taken', [postgres], new Date());
    expect(taken).toBe(true);
    expect(await hasRecord(railway, em.projectId, recordName('READER', 'exec-taken'))).toBe(true);
    await stopReading(railway, em.projectId, 'exec-taken', [], { now: new Date() });
    expect(await coordination()).toBeNull();
  });

  it('the sweep clears a dead reader and closes what was handed over to it; a dry run only says so', async () => {
    const then = new Date();
    await startReading(railway, em.projectId, 'exec-killed', [postgres], then);
    const proxy = await open();
    await stopReading(railway, em.projectId, 'exec-a', [{ serviceId: postgres, proxyId: proxy }], {
      now: then,
    });
    const later = new Date(then.getTime() + 2 * HOUR);

    const dry = await sweepReaders(railway, em.projectId, { now: later, dryRun: true });
    expect(dry).toEqual([expect.stringMatching(/^would remove the source-reader record of exec-killed: /)]);
    expect(await liveProxies()).toEqual([proxy]);

    const lines = await sweepReaders(railway, em.projectId, { now: later });
    expect(lines).toEqual([
      expect.stringMatching(
        /^removed the source-reader record of exec-killed: execution exec-killed started 120 min ago/,
      ),
      `closed TCP proxy ${proxy} on the source: its last reader is gone`,
    ]);
    expect(await liveProxies()).toEqual([]);
    expect(await coordination()).toBeNull();
  });
});
