// list / get / delete / lineage / cleanup of the environments railclone made. Railway is the source of
// truth: everything is read from the environments and their RAILCLONE_META, never from a cache.
import type { EnvironmentSummary, RailwayApi } from '../railway/types.js';
import { RailcloneError, ValidationError } from '../util/errors.js';
import { PROTECTED_ENVIRONMENT_NAMES } from '../inputs/index.js';
import { type CloneMeta, readMeta } from './metadata.js';
import { unlessDeletedMeanwhile } from './deleted-meanwhile.js';
import { ownerOf } from './ownership.js';
import { removeClone } from './removal.js';

export interface EnvironmentListing {
  name: string;
  id: string;
  created_at: string;
  domain: string | null;
  status: CloneMeta['status'] | 'not-railclone';
  cloned_from: string | null;
  /** The source's project when it is not this one (a clone into another project). */
  cloned_from_project_id: string | null;
  expires_at: string | null;
  type: string | null;
}

function listing(env: EnvironmentSummary, meta: CloneMeta | null): EnvironmentListing {
  const fromProject = meta?.cloned_from.project_id;
  return {
    name: env.name,
    id: env.id,
    created_at: env.createdAt,
    domain: meta?.staging_url ?? null,
    status: meta?.status ?? 'not-railclone',
    cloned_from: meta?.cloned_from.environment_name ?? env.sourceEnvironment?.name ?? null,
    cloned_from_project_id: fromProject && fromProject !== env.projectId ? fromProject : null,
    expires_at: meta?.expires_at ?? null,
    type: meta?.type ?? null,
  };
}

export async function listEnvironments(
  railway: RailwayApi,
  projectId: string,
  opts: { all?: boolean } = {},
): Promise<EnvironmentListing[]> {
  const envs = await railway.listEnvironments(projectId);
  const rows = await Promise.all(
    envs.map((e) =>
      // One deleted since the list is not listed.
      unlessDeletedMeanwhile(railway, e, async () => listing(e, await readMeta(railway, projectId, e.id))),
    ),
  );
  return rows.filter((r) => r !== null && (opts.all || r.status !== 'not-railclone')) as EnvironmentListing[];
}

export async function resolveEnvironment(
  railway: RailwayApi,
  projectId: string,
  ref: string,
): Promise<EnvironmentSummary> {
  const envs = await railway.listEnvironments(projectId);
  const env = envs.find((e) => e.name === ref || e.id === ref);
  if (!env)
    throw new ValidationError('environment', `environment "${ref}" not found in project ${projectId}`, {
      provided: ref,
      allowed: envs.map((e) => e.name),
    });
  return env;
}

export async function getEnvironment(railway: RailwayApi, projectId: string, ref: string) {
  const env = await resolveEnvironment(railway, projectId, ref);
  const [details, meta] = await Promise.all([
    railway.getEnvironment(env.id, projectId),
    readMeta(railway, projectId, env.id),
  ]);
  return {
    ...listing(env, meta),
    updated_at: details.updatedAt,
    database_size_bytes: meta?.database_size_bytes ?? null,
    created_by: meta?.created_by ?? null,
    execution_id: meta?.execution_id ?? null,
    services: details.serviceInstances.map((s) => ({
      name: s.serviceName,
      image: s.source?.image ?? null,
      repo: s.source?.repo ?? null,
      start_command: s.startCommand,
      replicas: s.numReplicas,
      domains: [...s.domains.serviceDomains, ...s.domains.customDomains].map((d) => d.domain),
      deployment: s.latestDeployment?.status ?? null,
    })),
    volumes: details.volumeInstances.map((v) => ({
      name: v.volumeName,
      mount_path: v.mountPath,
      size_mb: v.sizeMB,
      used_mb: v.currentSizeMB,
    })),
  };
}

/** Deletes a clone. Never the source of a clone, never `production`; others than railclone's need force. */
export async function deleteEnvironment(
  railway: RailwayApi,
  projectId: string,
  ref: string,
  opts: { force?: boolean } = {},
) {
  const env = await resolveEnvironment(railway, projectId, ref);
  if ((PROTECTED_ENVIRONMENT_NAMES as readonly string[]).includes(env.name)) {
    throw new RailcloneError('Forbidden', `"${env.name}" is protected and is never deleted by railclone`);
  }
  const all = await listEnvironments(railway, projectId, { all: true });
  const children = all.filter(
    (e) => e.cloned_from === env.name && !e.cloned_from_project_id && e.status !== 'not-railclone',
  );
  const { meta, executionId } = await ownerOf(railway, env);
  if (!executionId && !opts.force) {
    throw new RailcloneError(
      'Forbidden',
      `environment "${env.name}" was not created by railclone; pass force to delete it anyway`,
    );
  }
  if (children.length > 0 && !opts.force) {
    throw new RailcloneError(
      'Forbidden',
      `environment "${env.name}" is the source of ${children.map((c) => c.name).join(', ')}; pass force to delete it anyway`,
    );
  }
  await removeClone(railway, env, meta, { executionId });
  return meta?.created_project_id === projectId
    ? { deleted: env.name, id: env.id, deleted_project: projectId }
    : { deleted: env.name, id: env.id };
}

/**
 * Ancestors (source, its source, …) and descendants (clones of clones) of an environment, within the
 * project. A source in another project ends the chain as `<name> (project <id>)`; descendants in other
 * projects are not searched (that would mean reading every project).
 */
export async function lineage(railway: RailwayApi, projectId: string, ref: string) {
  const all = await listEnvironments(railway, projectId, { all: true });
  const env = await resolveEnvironment(railway, projectId, ref);
  const byName = new Map(all.map((e) => [e.name, e]));
  const ancestors: string[] = [];
  for (let cur = byName.get(env.name); cur?.cloned_from;) {
    if (cur.cloned_from_project_id) {
      ancestors.push(`${cur.cloned_from} (project ${cur.cloned_from_project_id})`);
      break;
    }
    if (ancestors.includes(cur.cloned_from)) break;
    ancestors.push(cur.cloned_from);
    cur = byName.get(cur.cloned_from);
  }
  const descendants: { name: string; parent: string }[] = [];
  const queue = [env.name];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const child of all.filter(
      (e) => e.cloned_from === parent && !e.cloned_from_project_id && e.status !== 'not-railclone',
    )) {
      descendants.push({ name: child.name, parent });
      queue.push(child.name);
    }
  }
  return { environment: env.name, ancestors, descendants };
}
