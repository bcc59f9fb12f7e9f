// Clone metadata lives on the clone itself (a shared variable), so lineage and TTL survive anything
// on our side and only environments railclone created can be touched without --force.
import type { RailwayApi } from '../railway/types.js';
import { DEFAULT_TTL, parseDuration, type EnvironmentType } from '../inputs/index.js';
import type { Runner, StepContext } from './context.js';

export const META_VARIABLE = 'RAILCLONE_META';

export interface CloneMeta {
  version: 1;
  status: 'creating' | 'ready' | 'failed';
  execution_id: string;
  cloned_from: { project_id: string; environment_id: string; environment_name: string };
  type: EnvironmentType;
  client_name: string;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  staging_url?: string;
  database_size_bytes?: number;
  /** TCP proxies opened on the source for this clone; closed by close-database-access. */
  source_proxies?: { serviceId: string; proxyId: string }[];
  /**
   * Source services railclone is opening a TCP proxy on, recorded BEFORE the open (none was live then):
   * a crash before the proxy's id is recorded still leaves enough to close it (./source-proxies.ts).
   */
  opening_source_proxies?: { serviceId: string; since: string }[];
  /** The project this execution created for the clone: deleting the clone deletes it. */
  created_project_id?: string;
  /**
   * Services railclone created in another project. A name is recorded BEFORE its serviceCreate (the
   * id once known), so a crash in between still leaves enough to roll back: the name was free before.
   */
  created_services?: { name: string; id?: string }[];
  /** The process that runs the clone (absent for one Kestra task per step): cleanup's liveness check. */
  runner?: Runner;
}

export function parseMeta(raw: string | undefined): CloneMeta | null {
  if (!raw) return null;
  try {
    const meta = JSON.parse(raw) as CloneMeta;
    return meta && meta.version === 1 && typeof meta.execution_id === 'string' ? meta : null;
  } catch {
    return null;
  }
}

export async function readMeta(
  railway: RailwayApi,
  projectId: string,
  environmentId: string,
): Promise<CloneMeta | null> {
  const shared = await railway.getVariables({ projectId, environmentId, unrendered: true });
  return parseMeta(shared[META_VARIABLE]);
}

export async function writeMeta(
  railway: RailwayApi,
  projectId: string,
  environmentId: string,
  meta: CloneMeta,
): Promise<void> {
  await railway.upsertVariables({
    projectId,
    environmentId,
    variables: { [META_VARIABLE]: JSON.stringify(meta) },
    skipDeploys: true,
  });
}

export async function updateMeta(
  railway: RailwayApi,
  projectId: string,
  environmentId: string,
  patch: Partial<CloneMeta>,
): Promise<CloneMeta> {
  const current = await readMeta(railway, projectId, environmentId);
  if (!current)
    throw new Error(`environment ${environmentId} has no ${META_VARIABLE}: it was not created by railclone`);
  const next = { ...current, ...patch };
  await writeMeta(railway, projectId, environmentId, next);
  return next;
}

/** What a new clone's metadata says before anything else is done to it: status creating, lineage, TTL. */
export function initialMeta(ctx: StepContext): CloneMeta {
  const { request, state } = ctx;
  const ttl = request.ttl === undefined ? DEFAULT_TTL[request.environment_type] : request.ttl;
  const now = ctx.now();
  return {
    version: 1,
    status: 'creating',
    execution_id: state.execution_id,
    cloned_from: {
      project_id: state.project_id!,
      environment_id: state.source_environment_id!,
      environment_name: state.source_environment_name!,
    },
    type: request.environment_type,
    client_name: request.client_name,
    created_by: request.requested_by ?? 'railclone',
    created_at: now.toISOString(),
    expires_at: ttl ? new Date(now.getTime() + parseDuration(ttl)!).toISOString() : null,
    ...(ctx.runner ? { runner: ctx.runner } : {}),
  };
}
