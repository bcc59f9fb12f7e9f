// What every resource function needs: the transport, the clock, and the few helpers they share.
import { createLogger } from '../../util/log.js';
import { registerConfigSecrets } from '../map.js';
import type { Sleep } from '../retry.js';
import type { Transport } from '../transport.js';
import type { EnvironmentConfig, EnvironmentPatchInfo, VariablesScope } from '../types.js';

export interface ApiContext {
  transport: Transport;
  sleep: Sleep;
  /** Which header the client authenticates with. */
  mode: 'api' | 'project';
  /** enableTcpProxy: first wait between polls for the new proxy, and how long in all. */
  tcpPoll: { intervalMs: number; timeoutMs: number };
}

export const log = createLogger('railway');

/** Tolerated clock difference between us and Railway when deciding "created by this call". */
export const CLOCK_SKEW_MS = 120_000;

/** Leaves out undefined fields so Railway applies its own defaults. */
export function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function toPatch(p: EnvironmentPatchInfo): EnvironmentPatchInfo {
  const patch = (p.patch ?? {}) as EnvironmentConfig;
  registerConfigSecrets(patch);
  return { id: p.id, status: p.status, patch };
}

export function variablesResource(scope: VariablesScope): string {
  return scope.serviceId
    ? `variables of service ${scope.serviceId} in environment ${scope.environmentId}`
    : `shared variables of environment ${scope.environmentId}`;
}
