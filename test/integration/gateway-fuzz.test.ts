// Fuzzed bodies never give a 5xx and never start an execution (fast-check, real server, real store).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import {
  bearer,
  post,
  startTestEmulator,
  startTestGateway,
  tempFileStore,
  type TestGateway,
} from './gateway-helpers.js';

const prefix = `rcgwfz${randomUUID().slice(0, 6)}`;
let emulator: RunningEmulator;
let gw: TestGateway;
let key: string;
const FLOWS = ['clone-staging-api', 'delete-environment', 'list-environments', 'get-environment'];

beforeAll(async () => {
  const emu = await startTestEmulator(prefix);
  emulator = emu.emulator;
  const { store } = await tempFileStore();
  gw = await startTestGateway({
    store,
    railway: emu.railway,
    projectId: emulator.projectId,
    settings: { bodyLimit: 8_192, rate: { defaultLimit: 100_000, windowSeconds: 3_600 } },
  });
  key = await gw.key();
});

afterAll(async () => {
  await gw?.stop();
  await emulator?.stop();
});

const nasty = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'client_name',
    'environment',
    'force',
    'database',
    'railway_project_id',
  ),
  fc.string({ maxLength: 20 }),
);
// Objects with dangerous and real keys, but `environment`/`client_name` never a valid string, so nothing may start.
const body = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc
    .dictionary(
      nasty,
      fc.oneof(
        fc.anything({ maxDepth: 3 }),
        fc.string({ minLength: 5_000, maxLength: 20_000 }),
        fc.integer(),
        fc.constant(null),
      ),
    )
    .map((o) => {
      const raw = JSON.stringify(o);
      return raw;
    }),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{"__proto__":{"polluted":true},"client_name":5}',
    '{"constructor":{"prototype":{"x":1}}}',
    '{"client_name":"a","client_name":{"__proto__":1}}',
    '\u0000',
    '{',
  ),
);

async function startedCount(): Promise<number> {
  let n = 0;
  for (const flowId of FLOWS)
    n += (await gw.deps.store.searchExecutions({ namespace: 'railclone', flowId, page: 1, size: 1 })).total;
  return n;
}

describe('fuzzed bodies', () => {
  it('answer 4xx, never 5xx, and start nothing', async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom(...FLOWS), async (raw, flowId) => {
        const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
        // A body that happens to be a valid request for list-environments ({}), get/delete ({environment}) would start: skip only those.
        let parsed: unknown = undefined;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        if (
          flowId === 'list-environments' &&
          (text.trim() === '' ||
            (parsed &&
              typeof parsed === 'object' &&
              !Array.isArray(parsed) &&
              Object.keys(parsed).length === 0))
        )
          return;
        if (
          parsed &&
          typeof parsed === 'object' &&
          typeof (parsed as { environment?: unknown }).environment === 'string'
        )
          return;
        const res = await post(
          `${gw.url}/api/v1/main/executions/webhook/railclone/${flowId}/k`,
          text,
          bearer(key),
        );
        expect(res.status, text.slice(0, 200)).toBeGreaterThanOrEqual(400);
        expect(res.status, text.slice(0, 200)).toBeLessThan(500);
        const json = await res.json();
        expect(typeof json.error).toBe('string');
      }),
      { numRuns: 300 },
    );
    expect(await startedCount()).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 120_000);
});
