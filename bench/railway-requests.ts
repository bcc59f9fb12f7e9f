// How many Railway API requests one clone makes (run by hand: npx tsx bench/railway-requests.ts
// [scenario …]). Railway allows 100 / 1,000 / 10,000 requests an hour (Free / Hobby / Pro), so this
// is the clone's real cost. Deploys and proxies take Railway-like time here (a deploy ≈ 45 s, a new
// proxy ≈ 20 s), because polling is what the count depends on. Requests are counted at fetch, by
// GraphQL operation name, so the script measures any version of the client.
import { randomUUID } from 'node:crypto';
import { runClone } from '../src/clone/pipeline.js';
import { newState } from '../src/clone/state.js';
import { startEmulator, type ScenarioName } from '../src/emulator/index.js';
import { CloneRequestSchema, parseInput } from '../src/inputs/index.js';
import { railwayClientFromEnv } from '../src/railway/client.js';
import { createLogger, setLogLevel } from '../src/util/log.js';

const DEPLOY_STEP_MS = Number(process.env.BENCH_DEPLOY_STEP_MS ?? 15_000);
const PROXY_MS = Number(process.env.BENCH_PROXY_MS ?? 20_000);

const counts = new Map<string, number>();
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  if (typeof init?.body === 'string' && String(input).endsWith('/graphql/v2')) {
    const name = (JSON.parse(init.body) as { operationName?: string; query?: string }).operationName;
    const op = name ?? /(?:query|mutation)\s+(\w+)/.exec(JSON.parse(init.body).query ?? '')?.[1] ?? '?';
    counts.set(op, (counts.get(op) ?? 0) + 1);
  }
  return realFetch(input, init);
};

async function measure(scenario: ScenarioName): Promise<void> {
  counts.clear();
  const emulator = await startEmulator({
    scenario,
    dbPrefix: `rcbench${randomUUID().slice(0, 6)}`,
    deploymentStepMs: DEPLOY_STEP_MS,
    tcpProxyActivationMs: PROXY_MS,
  } as Parameters<typeof startEmulator>[0]);
  try {
    const railway = railwayClientFromEnv({
      RAILWAY_API_TOKEN: emulator.tokens.account,
      RAILWAY_API_URL: emulator.url,
    });
    const started = Date.now();
    const outcome = await runClone({
      railway,
      request: parseInput(CloneRequestSchema, {
        client_name: 'bench',
        environment_name: 'bench-requests',
        railway_project_id: emulator.projectId,
      }),
      state: newState(`bench-${randomUUID()}`),
      log: createLogger('bench'),
      progress: () => {},
      now: () => new Date(),
      outputKey: 'bench-output-key-0123456789',
    });
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const databases = (outcome.outputs['sync-database']?.databases as unknown[] | undefined)?.length ?? 0;
    console.log(
      `${scenario.padEnd(22)} ${outcome.ok ? 'ok    ' : `FAILED at ${outcome.failedStep}: ${outcome.error?.message.slice(0, 120)}`}` +
        ` ${total} requests (${databases} database(s)), ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    console.log(`  ${top.map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(
      `  share of the hourly quota: Free ${((total / 100) * 100).toFixed(0)} %, Hobby ${((total / 1000) * 100).toFixed(1)} %, Pro ${((total / 10000) * 100).toFixed(2)} %`,
    );
  } finally {
    await emulator.stop();
  }
}

setLogLevel('warn');
const wanted = (
  process.argv.slice(2).length ? process.argv.slice(2) : ['wordpress', 'postgres-app']
) as ScenarioName[];
console.log(`deploy step ${DEPLOY_STEP_MS} ms (×3 per deploy), new proxy active after ${PROXY_MS} ms`);
for (const s of wanted) await measure(s);
