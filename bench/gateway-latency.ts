// Latency of the clone API under 20 concurrent clients (run by hand: npx tsx bench/gateway-latency.ts).
// Real gateway, real local backend, real Railway emulator with real databases. Prints p50/p99 of the 202
// path and of polling, and the gateway's own time per request (its Server-Timing header).
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import {
  startTestEmulator,
  startTestGateway,
  tempFileStore,
  pollUntilDone,
  post,
  bearer,
  CLONE,
} from '../test/integration/gateway-helpers.js';

const CONNECTIONS = 20;

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function run(title: string, opts: autocannon.Options): Promise<void> {
  const gwTimes: number[] = [];
  const statuses = new Map<number, number>();
  const result = await autocannon({
    ...opts,
    connections: CONNECTIONS,
    setupClient: (client) => {
      (client as unknown as NodeJS.EventEmitter).on('headers', (parsed: { headers: string[] }) => {
        // autocannon hands the parser's raw header list (name, value, …)
        const list = parsed.headers;
        for (let i = 0; i < list.length; i += 2) {
          if (String(list[i]).toLowerCase() === 'server-timing')
            gwTimes.push(Number(/dur=([\d.]+)/.exec(String(list[i + 1]))?.[1]));
        }
      });
      (client as unknown as NodeJS.EventEmitter).on('response', (status: number) =>
        statuses.set(status, (statuses.get(status) ?? 0) + 1),
      );
    },
  });
  console.log(
    `${title}: ${result.requests.total} requests, status ${JSON.stringify(Object.fromEntries(statuses))}; ` +
      `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; ` +
      `gateway's own time p50 ${pct(gwTimes, 50).toFixed(2)} ms, p99 ${pct(gwTimes, 99).toFixed(2)} ms (${gwTimes.length} samples)`,
  );
}

const { emulator, railway } = await startTestEmulator(`rcgwbench${randomUUID().slice(0, 4)}`);
const { store } = await tempFileStore();
const gw = await startTestGateway({
  store,
  railway,
  projectId: emulator.projectId,
  settings: { rate: { defaultLimit: 1_000_000, windowSeconds: 3_600 } },
});
try {
  const key = await gw.key();
  // One full clone first, so polling reads a real finished execution and estimates have a history.
  const first = await (
    await post(`${gw.url}${CLONE}`, { client_name: 'bench', environment_name: 'staging-bench' }, bearer(key))
  ).json();
  await pollUntilDone(gw.url, first.polling_url, key);

  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  // The gateway alone: auth, body, schema, audit — refused at validation, so no engine work competes.
  await run('refused at validation (400, audited, no start; 5 s)', {
    url: `${gw.url}${CLONE}`,
    method: 'POST',
    headers,
    body: JSON.stringify({ client_name: '-invalid-' }),
    duration: 5,
  });
  // Each request starts a real execution; the source does not exist, so each run ends at preflight
  // (real emulator calls) instead of creating hundreds of databases.
  await run('202 path (POST webhook, 400 starts)', {
    url: `${gw.url}${CLONE}`,
    method: 'POST',
    headers,
    body: JSON.stringify({ client_name: 'bench', source_environment: 'does-not-exist' }),
    amount: 400,
  });
  // A full clone running underneath while the 202 path is hammered again.
  const running = await (
    await post(
      `${gw.url}${CLONE}`,
      { client_name: 'bench', environment_name: 'staging-bench-2' },
      bearer(key),
    )
  ).json();
  await run('202 path while a full clone runs (200 starts)', {
    url: `${gw.url}${CLONE}`,
    method: 'POST',
    headers,
    body: JSON.stringify({ client_name: 'bench', source_environment: 'does-not-exist' }),
    amount: 200,
  });
  await run('polling a running clone (5 s)', {
    url: `${gw.url}${running.polling_url}`,
    headers,
    duration: 5,
  });
  await run('polling a finished clone (5 s)', { url: `${gw.url}${first.polling_url}`, headers, duration: 5 });
  await pollUntilDone(gw.url, running.polling_url, key);
} finally {
  await gw.stop();
  await emulator.stop();
}
