// Projects and environments: create (empty or from a source, committed, staged or in the
// background), stage, commit, delete with everything in them.
import type { CreateEnvironmentInput, EnvironmentConfig } from '../railway/types.js';
import { applyPatch, removeInstance } from './apply.js';
import { buildConfig } from './config.js';
import { EmuError, problem } from './errors.js';
import { newId, now } from './ids.js';
import type { EnvironmentRec, PatchRec, ProjectRec } from './state.js';
import type { World } from './world.js';

export function createProject(
  world: World,
  input: { name: string; workspaceId: string; description?: string | null; defaultEnvironmentName?: string },
): ProjectRec {
  const t = now();
  const p: ProjectRec = {
    id: newId(),
    name: input.name,
    description: input.description ?? null,
    workspaceId: input.workspaceId,
    createdAt: t,
    updatedAt: t,
    deletedAt: null,
    isPublic: false,
    prDeploys: false,
  };
  world.state.projects.set(p.id, p);
  addEnvironment(world, p.id, input.defaultEnvironmentName ?? 'production', {
    isEphemeral: false,
    sourceEnvironmentId: null,
  });
  return p;
}

export async function deleteProject(world: World, projectId: string): Promise<void> {
  const s = world.state;
  for (const env of s.environmentsOf(projectId)) await deleteEnvironment(world, env.id);
  for (const svc of s.servicesOf(projectId)) s.services.delete(svc.id);
  for (const [id, v] of s.volumes) if (v.projectId === projectId) s.volumes.delete(id);
  const p = s.projects.get(projectId);
  // A deleted project stays listed with deletedAt set, as Railway's does.
  if (p) p.deletedAt = p.updatedAt = now();
}

function addEnvironment(
  world: World,
  projectId: string,
  name: string,
  o: { isEphemeral: boolean; sourceEnvironmentId: string | null },
): EnvironmentRec {
  const t = now();
  const env: EnvironmentRec = {
    id: newId(),
    projectId,
    name,
    isEphemeral: o.isEphemeral,
    sourceEnvironmentId: o.sourceEnvironmentId,
    createdAt: t,
    updatedAt: t,
    revision: 0,
  };
  world.state.environments.set(env.id, env);
  return env;
}

/**
 * What a clone of `sourceId` starts from: its config with every resource marked isCreated, sealed
 * variables and custom domains left out (service domains and proxies are regenerated on apply).
 */
export function cloneConfig(world: World, sourceId: string): EnvironmentConfig {
  const config = buildConfig(world.state, sourceId, true);
  for (const svc of Object.values(config.services ?? {})) {
    if (!svc) continue;
    svc.isCreated = true;
    const networking = svc.networking as Record<string, unknown> | undefined;
    if (networking) networking.customDomains = {};
    const vars = svc.variables as Record<string, { value?: string; isSealed?: boolean }> | undefined;
    for (const [name, v] of Object.entries(vars ?? {})) if (v.isSealed) delete vars![name];
  }
  for (const vol of Object.values(config.volumes ?? {})) if (vol) vol.isCreated = true;
  const shared = config.sharedVariables as Record<string, { isSealed?: boolean }> | undefined;
  for (const [name, v] of Object.entries(shared ?? {})) if (v.isSealed) delete shared![name];
  return config;
}

function newPatch(
  world: World,
  environmentId: string,
  status: PatchRec['status'],
  patch: EnvironmentConfig,
  message: string | null = null,
): PatchRec {
  const t = now();
  const rec: PatchRec = {
    id: newId(),
    environmentId,
    status,
    patch,
    message,
    createdAt: t,
    updatedAt: t,
    appliedAt: null,
    lastAppliedError: null,
  };
  world.state.patches.set(rec.id, rec);
  return rec;
}

async function commit(world: World, rec: PatchRec, skipDeploys: boolean): Promise<void> {
  rec.status = 'APPLYING';
  try {
    await applyPatch(world, rec.environmentId, rec.patch, { skipDeploys });
    rec.status = 'COMMITTED';
    rec.appliedAt = rec.updatedAt = now();
  } catch (err) {
    rec.lastAppliedError = err instanceof Error ? err.message : String(err);
    rec.status = 'STAGED';
    throw err;
  }
}

export async function createEnvironment(
  world: World,
  input: CreateEnvironmentInput,
): Promise<EnvironmentRec> {
  const s = world.state;
  const name = input.name.trim();
  if (!name || name.length > 64) throw problem();
  if (s.environmentsOf(input.projectId).some((e) => e.name.toLowerCase() === name.toLowerCase())) {
    throw new EmuError('environment with that name already exists');
  }
  const source = input.sourceEnvironmentId ? s.environments.get(input.sourceEnvironmentId) : undefined;
  if (input.sourceEnvironmentId && (!source || source.projectId !== input.projectId)) throw problem();
  const env = addEnvironment(world, input.projectId, name, {
    isEphemeral: input.ephemeral === true,
    sourceEnvironmentId: source?.id ?? null,
  });
  if (!source) return env;
  const config = cloneConfig(world, source.id);
  if (input.stageInitialChanges) {
    newPatch(world, env.id, 'STAGED', config);
    return env;
  }
  const rec = newPatch(world, env.id, 'APPLYING', config, `Duplicated from ${source.name}`);
  const skipDeploys = input.skipInitialDeploys === true;
  if (input.applyChangesInBackground) {
    // Returns at once; environmentStagedChanges reads APPLYING until the work is done.
    world.later(world.options.deploymentStepMs, () => world.track(commit(world, rec, skipDeploys)));
    return env;
  }
  try {
    await commit(world, rec, skipDeploys);
  } catch (err) {
    await deleteEnvironment(world, env.id);
    throw err;
  }
  return env;
}

export async function deleteEnvironment(world: World, environmentId: string): Promise<void> {
  const s = world.state;
  if (!s.environments.has(environmentId)) return;
  // Gone from every read at once; physical databases are dropped before we answer.
  s.environments.delete(environmentId);
  for (const inst of s.instancesOf(environmentId)) await removeInstance(world, environmentId, inst.serviceId);
  s.variables.delete(`${environmentId}|`);
  for (const [id, p] of s.patches) if (p.environmentId === environmentId) s.patches.delete(id);
  for (const [id, v] of s.volumeInstances)
    if (v.environmentId === environmentId) s.volumeInstances.delete(id);
  for (const [id, d] of s.deployments) if (d.environmentId === environmentId) s.deployments.delete(id);
  for (const [t, tok] of s.tokens)
    if (tok.kind === 'project' && tok.environmentId === environmentId) s.tokens.delete(t);
}

/** The environment's staged (or applying) patch, else its latest one, else a fresh empty STAGED patch. */
export function stagedChanges(world: World, environmentId: string): PatchRec {
  const all = world.state.patchesOf(environmentId);
  return (
    all.find((p) => p.status === 'STAGED') ??
    all.find((p) => p.status === 'APPLYING') ??
    all[all.length - 1] ??
    newPatch(world, environmentId, 'STAGED', {})
  );
}

export function stageChanges(
  world: World,
  environmentId: string,
  input: EnvironmentConfig,
  merge: boolean,
): PatchRec {
  const staged = world.state.stagedPatch(environmentId);
  if (!staged) return newPatch(world, environmentId, 'STAGED', structuredClone(input));
  staged.patch = merge ? deepMerge(staged.patch, input) : structuredClone(input);
  staged.updatedAt = now();
  return staged;
}

export async function commitStaged(
  world: World,
  environmentId: string,
  opts: { skipDeploys?: boolean; message?: string | null },
): Promise<string> {
  const staged = world.state.stagedPatch(environmentId);
  if (!staged) throw new EmuError('No staged changes to commit');
  if (opts.message) staged.message = opts.message;
  await commit(world, staged, opts.skipDeploys === true);
  return staged.id;
}

export async function commitPatch(
  world: World,
  environmentId: string,
  patch: EnvironmentConfig,
  message: string | null,
): Promise<string> {
  const rec = newPatch(world, environmentId, 'APPLYING', structuredClone(patch), message);
  try {
    await commit(world, rec, false);
  } catch (err) {
    world.state.patches.delete(rec.id);
    throw err;
  }
  return rec.id;
}

/** `null` deletes a key, objects merge, anything else replaces: the patch semantics of the config. */
export function deepMerge(base: EnvironmentConfig, over: EnvironmentConfig): EnvironmentConfig {
  const out: Record<string, unknown> = structuredClone(base);
  for (const [k, v] of Object.entries(over)) {
    const cur = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)
        ? deepMerge(cur as EnvironmentConfig, v as EnvironmentConfig)
        : structuredClone(v);
  }
  return out as EnvironmentConfig;
}
