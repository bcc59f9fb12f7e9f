// Applying an environment config patch (commit): the one write path that config-shaped changes take,
// whether they come from environmentPatchCommit, a committed staged patch or a clone.
import type { EnvironmentConfig } from '../railway/types.js';
import { deploy } from './deployments.js';
import {
  addCustomDomain,
  addServiceDomain,
  addTcpProxy,
  domainInUse,
  liveTcpProxies,
  removeTcpProxy,
} from './domains.js';
import { EmuError } from './errors.js';
import { newId, now } from './ids.js';
import { dropDatabase, ensureDatabase } from './physical.js';
import { scopeKey, type InstanceSettings, type ServiceInstanceRec, type VariableRec } from './state.js';
import type { World } from './world.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export const DEFAULT_SETTINGS: InstanceSettings = {
  builder: 'RAILPACK',
  buildCommand: null,
  startCommand: null,
  rootDirectory: null,
  dockerfilePath: null,
  railwayConfigFile: null,
  healthcheckPath: null,
  healthcheckTimeout: null,
  numReplicas: 1,
  region: 'us-west2',
  restartPolicyType: 'ON_FAILURE',
  restartPolicyMaxRetries: 10,
  sleepApplication: false,
  cronSchedule: null,
  preDeployCommand: null,
  watchPatterns: [],
  drainingSeconds: null,
  overlapSeconds: null,
};

export function createInstance(world: World, environmentId: string, serviceId: string): ServiceInstanceRec {
  const existing = world.state.instance(environmentId, serviceId);
  if (existing) return existing;
  const t = now();
  const inst: ServiceInstanceRec = {
    ...DEFAULT_SETTINGS,
    watchPatterns: [],
    id: newId(),
    serviceId,
    environmentId,
    source: null,
    createdAt: t,
    updatedAt: t,
  };
  world.state.instances.set(scopeKey(environmentId, serviceId), inst);
  return inst;
}

/** Merges `{NAME: {value} | null}` into a variable scope. Returns whether anything changed. */
export function mergeVariables(vars: Map<string, VariableRec>, patch: unknown): boolean {
  if (!isObj(patch)) return false;
  let changed = false;
  const t = now();
  for (const [name, entry] of Object.entries(patch)) {
    if (entry === null) {
      changed = vars.delete(name) || changed;
      continue;
    }
    if (!isObj(entry)) continue;
    const value = str(entry.value);
    if (value === null) continue; // `{isSealed:true}` without a value: nothing to copy
    const prev = vars.get(name);
    if (prev?.value === value) continue;
    vars.set(name, { value, sealed: entry.isSealed === true, createdAt: prev?.createdAt ?? t, updatedAt: t });
    changed = true;
  }
  return changed;
}

function applySettings(inst: ServiceInstanceRec, deploy: unknown, build: unknown, source: unknown): void {
  if (isObj(source)) {
    inst.source = {
      image: 'image' in source ? str(source.image) : (inst.source?.image ?? null),
      repo: 'repo' in source ? str(source.repo) : (inst.source?.repo ?? null),
      branch: 'branch' in source ? str(source.branch) : (inst.source?.branch ?? null),
    };
  }
  if (isObj(deploy)) {
    const d = deploy;
    if ('startCommand' in d) inst.startCommand = str(d.startCommand);
    if ('healthcheckPath' in d) inst.healthcheckPath = str(d.healthcheckPath);
    if ('healthcheckTimeout' in d) inst.healthcheckTimeout = num(d.healthcheckTimeout);
    if ('numReplicas' in d) inst.numReplicas = num(d.numReplicas);
    if ('cronSchedule' in d) inst.cronSchedule = str(d.cronSchedule);
    if ('region' in d) inst.region = str(d.region);
    if ('sleepApplication' in d) inst.sleepApplication = d.sleepApplication === true;
    if ('drainingSeconds' in d) inst.drainingSeconds = num(d.drainingSeconds);
    if ('overlapSeconds' in d) inst.overlapSeconds = num(d.overlapSeconds);
    if ('restartPolicyMaxRetries' in d) inst.restartPolicyMaxRetries = num(d.restartPolicyMaxRetries) ?? 0;
    if (
      d.restartPolicyType === 'ALWAYS' ||
      d.restartPolicyType === 'NEVER' ||
      d.restartPolicyType === 'ON_FAILURE'
    )
      inst.restartPolicyType = d.restartPolicyType;
    if ('preDeployCommand' in d)
      inst.preDeployCommand = Array.isArray(d.preDeployCommand) ? d.preDeployCommand.map(String) : null;
  }
  if (isObj(build)) {
    const b = build;
    if (
      b.builder === 'HEROKU' ||
      b.builder === 'NIXPACKS' ||
      b.builder === 'PAKETO' ||
      b.builder === 'RAILPACK'
    )
      inst.builder = b.builder;
    if ('buildCommand' in b) inst.buildCommand = str(b.buildCommand);
    if ('dockerfilePath' in b) inst.dockerfilePath = str(b.dockerfilePath);
    if ('rootDirectory' in b) inst.rootDirectory = str(b.rootDirectory);
    if ('railwayConfigFile' in b) inst.railwayConfigFile = str(b.railwayConfigFile);
    if (Array.isArray(b.watchPatterns)) inst.watchPatterns = b.watchPatterns.map(String);
  }
}

async function applyNetworking(
  world: World,
  environmentId: string,
  serviceId: string,
  networking: unknown,
): Promise<void> {
  if (!isObj(networking)) return;
  const s = world.state;
  if (isObj(networking.serviceDomains)) {
    for (const [domain, v] of Object.entries(networking.serviceDomains)) {
      const mine = s.serviceDomainsOf(environmentId, serviceId).find((d) => d.domain === domain);
      if (v === null) {
        if (mine) s.serviceDomains.delete(mine.id);
      } else if (mine) {
        mine.targetPort = isObj(v) ? num(v.port) : mine.targetPort;
      } else {
        // A domain copied from another environment is regenerated: Railway domains are per environment.
        addServiceDomain(
          world,
          environmentId,
          serviceId,
          isObj(v) ? num(v.port) : null,
          domainInUse(world, domain) ? undefined : domain,
        );
      }
    }
  }
  if (isObj(networking.customDomains)) {
    for (const [domain, v] of Object.entries(networking.customDomains)) {
      const mine = s.customDomainsOf(environmentId, serviceId).find((d) => d.domain === domain);
      if (v === null) {
        if (mine) s.customDomains.delete(mine.id);
      } else if (!mine && !domainInUse(world, domain)) {
        // A custom domain already serving another environment is hostname-unique: it is not copied.
        addCustomDomain(world, environmentId, serviceId, domain, isObj(v) ? num(v.port) : null);
      }
    }
  }
  if (isObj(networking.tcpProxies)) {
    for (const [port, v] of Object.entries(networking.tcpProxies)) {
      const appPort = Number(port);
      if (!Number.isInteger(appPort) || appPort <= 0 || appPort > 65535)
        throw new EmuError('Problem processing request');
      const mine = liveTcpProxies(world, environmentId, serviceId).find((p) => p.applicationPort === appPort);
      if (v === null) {
        if (mine) removeTcpProxy(world, mine.id);
      } else if (!mine) {
        await addTcpProxy(world, environmentId, serviceId, appPort);
      }
    }
  }
}

function applyVolumeMounts(
  world: World,
  environmentId: string,
  serviceId: string,
  mounts: unknown,
  volumesPatch: Obj,
): void {
  if (!isObj(mounts)) return;
  const s = world.state;
  for (const [volumeId, v] of Object.entries(mounts)) {
    const volume = s.volumes.get(volumeId);
    const mine = s.volumeInstancesOf(environmentId).find((vi) => vi.volumeId === volumeId);
    if (v === null) {
      if (mine) s.volumeInstances.delete(mine.id);
      continue;
    }
    if (!volume || !isObj(v)) continue;
    const mountPath = str(v.mountPath) ?? mine?.mountPath ?? '/data';
    if (mine) {
      mine.mountPath = mountPath;
      mine.serviceId = serviceId;
      continue;
    }
    const vp = isObj(volumesPatch[volumeId]) ? (volumesPatch[volumeId] as Obj) : {};
    // A new instance: its own, empty disk (a clone never carries data).
    const id = newId();
    s.volumeInstances.set(id, {
      id,
      volumeId,
      environmentId,
      serviceId,
      mountPath,
      sizeMB: num(vp.sizeMB) ?? 50_000,
      currentSizeMB: 0,
      region: str(vp.region) ?? 'us-west2',
      state: 'READY',
      createdAt: now(),
    });
  }
}

export interface ApplyResult {
  touched: Set<string>;
}

/** Applies `patch` to the environment now. Deploys every touched service instance unless told not to. */
export async function applyPatch(
  world: World,
  environmentId: string,
  patch: EnvironmentConfig,
  opts: { skipDeploys?: boolean } = {},
): Promise<ApplyResult> {
  const s = world.state;
  const env = s.environments.get(environmentId);
  if (!env) throw new EmuError('Environment not found');
  const touched = new Set<string>();
  const removed: string[] = [];
  const volumesPatch = isObj(patch.volumes) ? patch.volumes : {};
  for (const [serviceId, sp] of Object.entries(isObj(patch.services) ? patch.services : {})) {
    const service = s.services.get(serviceId);
    if (!service || service.projectId !== env.projectId) throw new EmuError('Problem processing request');
    if (sp === null || (isObj(sp) && sp.isDeleted === true)) {
      if (s.instance(environmentId, serviceId)) removed.push(serviceId);
      continue;
    }
    if (!isObj(sp)) continue;
    const inst = createInstance(world, environmentId, serviceId);
    applySettings(inst, sp.deploy, sp.build, sp.source);
    mergeVariables(s.vars(environmentId, serviceId), sp.variables);
    await applyNetworking(world, environmentId, serviceId, sp.networking);
    applyVolumeMounts(world, environmentId, serviceId, sp.volumeMounts, volumesPatch);
    inst.updatedAt = now();
    touched.add(serviceId);
  }
  mergeVariables(s.vars(environmentId, null), patch.sharedVariables);
  for (const [volumeId, vp] of Object.entries(volumesPatch)) {
    const mine = s.volumeInstancesOf(environmentId).find((vi) => vi.volumeId === volumeId);
    if (!mine) continue;
    if (vp === null || (isObj(vp) && vp.isDeleted === true)) s.volumeInstances.delete(mine.id);
    else if (isObj(vp) && num(vp.sizeMB)) mine.sizeMB = num(vp.sizeMB)!;
  }
  for (const serviceId of removed) await removeInstance(world, environmentId, serviceId);
  // A database takes its password at first initialisation only (as the images do with an empty data
  // directory): a later change of the variable does not reach the running database.
  for (const serviceId of touched) await ensureDatabase(world, environmentId, serviceId);
  env.revision += 1;
  env.updatedAt = now();
  if (!opts.skipDeploys) for (const serviceId of touched) deploy(world, environmentId, serviceId, 'patch');
  return { touched };
}

/** Removes a service from one environment with everything that belongs to that instance. */
export async function removeInstance(world: World, environmentId: string, serviceId: string): Promise<void> {
  const s = world.state;
  s.instances.delete(scopeKey(environmentId, serviceId));
  s.variables.delete(scopeKey(environmentId, serviceId));
  for (const p of s.tcpProxiesOf(environmentId, serviceId)) removeTcpProxy(world, p.id, { now: true });
  for (const m of [s.serviceDomains, s.customDomains]) {
    for (const [id, r] of m) if (r.environmentId === environmentId && r.serviceId === serviceId) m.delete(id);
  }
  for (const [id, v] of s.volumeInstances)
    if (v.environmentId === environmentId && v.serviceId === serviceId) s.volumeInstances.delete(id);
  for (const [id, d] of s.deployments)
    if (d.environmentId === environmentId && d.serviceId === serviceId) s.deployments.delete(id);
  await dropDatabase(world, environmentId, serviceId);
}
