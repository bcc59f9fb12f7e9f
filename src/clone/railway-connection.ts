// Which Railway a command talks to: real Railway with a token, or — with none — a built-in emulator
// started in this process, seeded with a scenario, so a first clone works with zero set-up.
import { railwayClientFromEnv } from '../railway/client.js';
import type { RailwayApi } from '../railway/types.js';
import { createLogger } from '../util/log.js';
import type { ScenarioName } from '../emulator/index.js';

export interface RailwayConnection {
  railway: RailwayApi;
  /** Project to use when the request names none. */
  defaultProjectId?: string;
  emulated: boolean;
  close(): Promise<void>;
}

export async function connectRailway(
  opts: { scenario?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RailwayConnection> {
  const env = opts.env ?? process.env;
  const hasToken = Boolean(env.RAILWAY_API_TOKEN || env.RAILWAY_TOKEN);
  if (hasToken) {
    return {
      railway: railwayClientFromEnv(env),
      defaultProjectId: env.RAILCLONE_PROJECT_ID,
      emulated: false,
      close: async () => {},
    };
  }
  const log = createLogger('railway');
  const { startEmulator } = await import('../emulator/index.js');
  const scenario = (opts.scenario ?? 'wordpress') as ScenarioName;
  const emulator = await startEmulator({ port: 0, scenario });
  log.info(
    `no RAILWAY_API_TOKEN: using the built-in Railway emulator (scenario ${scenario}) at ${emulator.url}`,
  );
  const railway = railwayClientFromEnv({
    RAILWAY_API_TOKEN: emulator.tokens.account,
    RAILWAY_API_URL: emulator.url,
  });
  return { railway, defaultProjectId: emulator.projectId, emulated: true, close: () => emulator.stop() };
}
