// The environment config blob (`Environment.config`), built from state in the shape the CLI reads:
// services{source,networking,variables,deploy,build,volumeMounts}, sharedVariables, volumes.
import { createHash } from 'node:crypto';
import type { EnvironmentConfig } from '../railway/types.js';
import type { EmulatorState, VariableRec } from './state.js';

function variablesBlob(vars: Map<string, VariableRec>, decrypt: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // Sealed values never leave the emulator, decrypted or not.
  for (const [name, v] of vars) out[name] = v.sealed ? { isSealed: true } : decrypt ? { value: v.value } : {};
  return out;
}

export function buildConfig(
  state: EmulatorState,
  environmentId: string,
  decrypt: boolean,
): EnvironmentConfig {
  const services: Record<string, Record<string, unknown>> = {};
  const volumes: Record<string, Record<string, unknown>> = {};
  for (const inst of state.instancesOf(environmentId)) {
    const sd = Object.fromEntries(
      state.serviceDomainsOf(environmentId, inst.serviceId).map((d) => [d.domain, { port: d.targetPort }]),
    );
    const cd = Object.fromEntries(
      state.customDomainsOf(environmentId, inst.serviceId).map((d) => [d.domain, { port: d.targetPort }]),
    );
    const tp = Object.fromEntries(
      state
        .tcpProxiesOf(environmentId, inst.serviceId)
        .filter((p) => p.syncStatus !== 'DELETING')
        .map((p) => [String(p.applicationPort), {}]),
    );
    const mounts = Object.fromEntries(
      state
        .volumeInstancesOf(environmentId)
        .filter((v) => v.serviceId === inst.serviceId)
        .map((v) => [v.volumeId, { mountPath: v.mountPath }]),
    );
    services[inst.serviceId] = {
      source: inst.source ? { ...stripNulls(inst.source) } : undefined,
      networking: { serviceDomains: sd, customDomains: cd, tcpProxies: tp },
      variables: variablesBlob(state.vars(environmentId, inst.serviceId), decrypt),
      deploy: stripNulls({
        startCommand: inst.startCommand,
        preDeployCommand: inst.preDeployCommand,
        healthcheckPath: inst.healthcheckPath,
        healthcheckTimeout: inst.healthcheckTimeout,
        numReplicas: inst.numReplicas,
        cronSchedule: inst.cronSchedule,
        restartPolicyType: inst.restartPolicyType,
        restartPolicyMaxRetries: inst.restartPolicyMaxRetries,
        sleepApplication: inst.sleepApplication,
        drainingSeconds: inst.drainingSeconds,
        overlapSeconds: inst.overlapSeconds,
        region: inst.region,
      }),
      build: stripNulls({
        builder: inst.builder,
        buildCommand: inst.buildCommand,
        dockerfilePath: inst.dockerfilePath,
        rootDirectory: inst.rootDirectory,
        watchPatterns: inst.watchPatterns,
        railwayConfigFile: inst.railwayConfigFile,
      }),
      volumeMounts: mounts,
    };
    if (!inst.source) delete services[inst.serviceId]!.source;
  }
  for (const v of state.volumeInstancesOf(environmentId))
    volumes[v.volumeId] = stripNulls({ sizeMB: v.sizeMB, region: v.region });
  return { services, sharedVariables: variablesBlob(state.vars(environmentId, null), decrypt), volumes };
}

/** Opaque optimistic-concurrency token: changes whenever the config does. */
export function configEtag(state: EmulatorState, environmentId: string): string {
  const env = state.environments.get(environmentId);
  return createHash('sha256')
    .update(
      `${environmentId}:${env?.revision ?? 0}:${JSON.stringify(buildConfig(state, environmentId, true))}`,
    )
    .digest('hex')
    .slice(0, 32);
}

function stripNulls<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

/** How many resources a staged patch changes: the dashboard's "N changes" badge. */
export function countChanges(patch: EnvironmentConfig): number {
  const n = (o: unknown) => (o && typeof o === 'object' ? Object.keys(o).length : 0);
  return n(patch.services) + n(patch.sharedVariables) + n(patch.volumes);
}
