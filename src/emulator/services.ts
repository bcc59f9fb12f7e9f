// Service-level writes that do not go through a config patch: services, instance settings and
// variable upserts (which, through the API, commit at once and redeploy unless skipDeploys).
import { createInstance, removeInstance } from './apply.js';
import { deploy } from './deployments.js';
import { EmuError } from './errors.js';
import { newId, now, slug } from './ids.js';
import { ensureDatabase } from './physical.js';
import type { InstanceSettings, ServiceRec, VolumeRec } from './state.js';
import type { World } from './world.js';

export async function createService(
  world: World,
  input: {
    projectId: string;
    name?: string | null;
    source?: { image?: string | null; repo?: string | null } | null;
    environmentId?: string | null;
    variables?: Record<string, string> | null;
    icon?: string | null;
  },
): Promise<ServiceRec> {
  const s = world.state;
  const name =
    (input.name ?? '').trim() ||
    (input.source?.image ?? input.source?.repo ?? 'service').split('/').pop()!.split(':')[0]!;
  if (!/^[\w][\w .-]{0,63}$/.test(name)) throw new EmuError('Invalid service name');
  if (s.serviceByName(input.projectId, name))
    throw new EmuError(`Service ${name} already exists in this project`);
  const t = now();
  const svc: ServiceRec = {
    id: newId(),
    projectId: input.projectId,
    name,
    icon: input.icon ?? null,
    createdAt: t,
    updatedAt: t,
  };
  s.services.set(svc.id, svc);
  // The schema: "If the specified environment is a fork, the service will only be created in it.
  // Otherwise it will [be] created in all environments that are not forks". Forks are gone since
  // 2024 (isolated environments replaced them), so a service lands in every environment.
  const envs = s.environmentsOf(input.projectId).map((e) => e.id);
  for (const envId of envs) {
    const inst = createInstance(world, envId, svc.id);
    if (input.source)
      inst.source = { image: input.source.image ?? null, repo: input.source.repo ?? null, branch: null };
    for (const [k, v] of Object.entries(input.variables ?? {}))
      world.state.vars(envId, svc.id).set(k, { value: v, sealed: false, createdAt: t, updatedAt: t });
    await ensureDatabase(world, envId, svc.id);
    if (input.source) deploy(world, envId, svc.id, 'serviceCreate');
  }
  return svc;
}

/**
 * serviceDelete's environmentId narrows the delete to a fork only (schema), and there are no forks
 * any more, so the service goes from every environment. (One instance goes with an isDeleted patch.)
 */
export async function deleteService(world: World, serviceId: string): Promise<void> {
  const s = world.state;
  const svc = s.services.get(serviceId);
  if (!svc) return;
  const envs = s.environmentsOf(svc.projectId).map((e) => e.id);
  const mounted = new Set(
    [...s.volumeInstances.values()].filter((vi) => vi.serviceId === serviceId).map((vi) => vi.volumeId),
  );
  for (const envId of envs) await removeInstance(world, envId, serviceId);
  s.services.delete(serviceId);
  // Its volumes go with it once no environment mounts them any more.
  for (const id of mounted)
    if (![...s.volumeInstances.values()].some((vi) => vi.volumeId === id)) s.volumes.delete(id);
}

/** Settings only: like Railway, an update takes effect at the next deploy and does not start one. */
export async function updateInstance(
  world: World,
  environmentId: string,
  serviceId: string,
  input: Partial<InstanceSettings> & { source?: { image?: string | null; repo?: string | null } | null },
): Promise<void> {
  const inst = world.state.instance(environmentId, serviceId);
  if (!inst) throw new EmuError('Problem processing request');
  const { source, ...rest } = input;
  for (const [k, v] of Object.entries(rest))
    if (v !== undefined && k in inst) (inst as unknown as Record<string, unknown>)[k] = v;
  if (source)
    inst.source = {
      image: source.image ?? null,
      repo: source.repo ?? null,
      branch: inst.source?.branch ?? null,
    };
  inst.updatedAt = now();
  // A service that now runs a database image gets its database, as a seeded or cloned one has.
  if (source) await ensureDatabase(world, environmentId, serviceId);
}

export async function upsertVariables(
  world: World,
  o: {
    environmentId: string;
    serviceId: string | null;
    variables: Record<string, string>;
    replace?: boolean;
    skipDeploys?: boolean;
  },
): Promise<void> {
  const s = world.state;
  const vars = s.vars(o.environmentId, o.serviceId);
  const t = now();
  if (o.replace) for (const name of [...vars.keys()]) if (!(name in o.variables)) vars.delete(name);
  for (const [name, value] of Object.entries(o.variables)) {
    if (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name))
      throw new EmuError('Problem processing request');
    const prev = vars.get(name);
    vars.set(name, { value, sealed: prev?.sealed ?? false, createdAt: prev?.createdAt ?? t, updatedAt: t });
  }
  await afterVariableChange(world, o.environmentId, o.serviceId, o.skipDeploys === true);
}

export async function deleteVariable(
  world: World,
  o: { environmentId: string; serviceId: string | null; name: string },
): Promise<void> {
  world.state.vars(o.environmentId, o.serviceId).delete(o.name);
  await afterVariableChange(world, o.environmentId, o.serviceId, false);
}

async function afterVariableChange(
  world: World,
  environmentId: string,
  serviceId: string | null,
  skipDeploys: boolean,
): Promise<void> {
  const env = world.state.environments.get(environmentId);
  if (env) {
    env.revision += 1;
    env.updatedAt = now();
  }
  // A shared variable can feed every service of the environment. A database's password is not
  // re-applied here: the images apply it only at first initialisation (physical.ts).
  const affected = serviceId ? [serviceId] : world.state.instancesOf(environmentId).map((i) => i.serviceId);
  if (!skipDeploys)
    for (const id of affected)
      if (world.state.instance(environmentId, id)) deploy(world, environmentId, id, 'variables');
}

export function createVolume(
  world: World,
  o: {
    projectId: string;
    mountPath: string;
    serviceId: string | null;
    region: string | null;
    environmentIds: string[];
  },
): VolumeRec {
  const s = world.state;
  if (!o.mountPath.startsWith('/')) throw new EmuError('Problem processing request');
  const t = now();
  const owner = o.serviceId ? s.services.get(o.serviceId)?.name : undefined;
  const volume: VolumeRec = {
    id: newId(),
    projectId: o.projectId,
    name: `${slug(owner ?? 'volume')}-volume-${newId().slice(0, 4)}`,
    createdAt: t,
  };
  s.volumes.set(volume.id, volume);
  for (const environmentId of o.environmentIds) {
    const id = newId();
    s.volumeInstances.set(id, {
      id,
      volumeId: volume.id,
      environmentId,
      serviceId: o.serviceId,
      mountPath: o.mountPath,
      sizeMB: 50_000,
      currentSizeMB: 0,
      region: o.region ?? 'us-west2',
      state: 'READY',
      createdAt: t,
    });
  }
  return volume;
}
