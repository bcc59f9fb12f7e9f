// Which Railway a command talks to: real Railway with a token, or — only when asked (`--emulator` or
// RAILCLONE_EMULATOR=1) — a built-in emulator started in this process, seeded with a scenario. Without a
// token and without asking, it stops: a missing secret in production must never "clone" into a fake.
import { railwayClientFromEnv } from '../railway/client.js';
import type { RailwayApi } from '../railway/types.js';
import { ValidationError } from '../util/errors.js';
import { createLogger } from '../util/log.js';
import type { ScenarioName } from '../emulator/index.js';

export interface RailwayConnection {
  railway: RailwayApi;
  /** Project to use when the request names none. */
  defaultProjectId?: string;
  emulated: boolean;
  close(): Promise<void>;
}

/** Whether the built-in emulator was asked for: the flag, or RAILCLONE_EMULATOR=1. */
export function emulatorRequested(env: NodeJS.ProcessEnv, flag?: boolean): boolean {
  return flag === true || env.RAILCLONE_EMULATOR === '1';
}

export async function connectRailway(
  opts: { scenario?: string; env?: NodeJS.ProcessEnv; emulator?: boolean } = {},
): Promise<RailwayConnection> {
  const env = opts.env ?? process.env;
  const hasToken = Boolean(env.RAILWAY_API_TOKEN || env.RAILWAY_TOKEN);
  const emulator = emulatorRequested(env, opts.emulator);
  if (hasToken && emulator)
    throw new ValidationError(
      'RAILCLONE_EMULATOR',
      'both a Railway token (RAILWAY_API_TOKEN/RAILWAY_TOKEN) and the built-in emulator (--emulator or RAILCLONE_EMULATOR=1) are set: choose one',
      { provided: env.RAILCLONE_EMULATOR ?? '--emulator', allowed: ['0', '1'] },
    );
  if (hasToken) {
    return {
      railway: railwayClientFromEnv(env),
      defaultProjectId: env.RAILCLONE_PROJECT_ID,
      emulated: false,
      close: async () => {},
    };
  }
  if (!emulator)
    throw new ValidationError(
      'RAILWAY_API_TOKEN',
      'RAILWAY_API_TOKEN is not set: set it to an account or workspace token, or pass --emulator (or RAILCLONE_EMULATOR=1) to use the built-in Railway emulator',
      { provided: null, missing: true, allowed: 'a Railway account or workspace token' },
    );
  const log = createLogger('railway');
  const { startEmulator } = await import('../emulator/index.js');
  const scenario = (opts.scenario ?? 'wordpress') as ScenarioName;
  const started = await startEmulator({ port: 0, scenario });
  log.info(`using the built-in Railway emulator (scenario ${scenario}) at ${started.url}, as asked`);
  const railway = railwayClientFromEnv({
    RAILWAY_API_TOKEN: started.tokens.account,
    RAILWAY_API_URL: started.url,
  });
  return { railway, defaultProjectId: started.projectId, emulated: true, close: () => started.stop() };
}
