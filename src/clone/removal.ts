// The one way a clone goes: TCP proxies it opened on the source closed (even one whose id it never got
// to record: ./source-proxies.ts), the project it created (or the
// services it created in another project) deleted, its environment deleted — Railway takes the
// environment's services, volumes, domains, TCP proxies and databases with it — and its intent removed.
// Used by rollback, `env delete` and `env cleanup`.
import type { EnvironmentSummary, RailwayApi } from '../railway/types.js';
import type { CloneMeta } from './metadata.js';
import { removeIntent } from './ownership.js';
import { sourceProxiesOf } from './source-proxies.js';
import { stopReading } from './source-readers.js';

/**
 * The clone's reads of its source end: the TCP proxies it opened there closed, or left to the other
 * clones still reading through them (./source-readers.ts). Returns the closed ones. A source project this
 * token cannot reach any more does not stop the clone's removal: said, and the expiry sweep of that
 * project closes what is left.
 */
export async function releaseSource(
  railway: RailwayApi,
  meta: CloneMeta,
  info: (line: string) => void,
): Promise<string[]> {
  try {
    const { closed, handedOver } = await stopReading(
      railway,
      meta.cloned_from.project_id,
      meta.execution_id,
      await sourceProxiesOf(railway, meta),
      { now: new Date() },
    );
    for (const id of closed) info(`closed TCP proxy ${id} on the source`);
    for (const id of handedOver)
      info(`left TCP proxy ${id} on the source open: another clone reads through it`);
    return closed;
  } catch (err) {
    info(`could not release the source's database access: ${(err as Error).message}`);
    return [];
  }
}

/** The services a clone created in another project (by recorded id, else by recorded name). */
export async function deleteCreatedServices(
  railway: RailwayApi,
  projectId: string,
  meta: CloneMeta,
  info: (line: string) => void,
): Promise<string[]> {
  const recorded = meta.created_services ?? [];
  if (recorded.length === 0) return [];
  const existing = (await railway.getProject(projectId)).services;
  const deleted: string[] = [];
  for (const entry of recorded) {
    const service = existing.find((s) => (entry.id ? s.id === entry.id : s.name === entry.name));
    if (!service) continue;
    await railway.deleteService({ serviceId: service.id });
    deleted.push(`service ${service.name} (${service.id})`);
    info(`deleted service "${service.name}" (${service.id}) that the clone created in project ${projectId}`);
  }
  return deleted;
}

/**
 * Removes a clone proven ours (by `meta`, or by an intent when the metadata never got written: then
 * `executionId` names it). Returns what it deleted, as lines for the logs and outputs.
 */
export async function removeClone(
  railway: RailwayApi,
  env: EnvironmentSummary,
  meta: CloneMeta | null,
  opts: { executionId?: string | null; projectName?: string; info?: (line: string) => void } = {},
): Promise<string[]> {
  const info = opts.info ?? (() => undefined);
  const deleted: string[] = [];
  if (meta) {
    const released = await releaseSource(railway, meta, info);
    deleted.push(...released.map((id) => `source TCP proxy ${id}`));
  }
  if (meta?.created_project_id && meta.created_project_id === env.projectId) {
    await railway.deleteProject(env.projectId);
    const project = opts.projectName ? `${opts.projectName} (${env.projectId})` : env.projectId;
    deleted.push(`project ${project}`, `environment ${env.name} (${env.id})`);
    info(
      `deleted project ${opts.projectName ? `"${opts.projectName}" (${env.projectId})` : project} with environment "${env.name}", its services, volumes and databases`,
    );
  } else {
    // Services first: the record of them lives on the environment.
    if (meta) deleted.push(...(await deleteCreatedServices(railway, env.projectId, meta, info)));
    await railway.deleteEnvironment(env.id);
    deleted.push(`environment ${env.name} (${env.id})`);
    info(
      `deleted environment "${env.name}" (${env.id}) with its services, volumes, domains, TCP proxies and databases`,
    );
    const executionId = meta?.execution_id ?? opts.executionId;
    if (executionId) await removeIntent(railway, env.projectId, executionId);
  }
  return deleted;
}

/**
 * Removes the project an execution created for its clone (new_project_name): with its metadata like any
 * clone; killed before the metadata (its intent proved it ours), the bare project.
 */
export async function removeCreatedProject(
  railway: RailwayApi,
  own: { projectId: string; environment: EnvironmentSummary | null; meta: CloneMeta | null },
  projectName: string,
  info: (line: string) => void = () => undefined,
): Promise<string[]> {
  if (own.environment && own.meta?.created_project_id === own.projectId)
    return removeClone(railway, own.environment, own.meta, { projectName, info });
  await railway.deleteProject(own.projectId);
  info(`deleted project "${projectName}" (${own.projectId}), created before its metadata could be written`);
  return [`project ${projectName} (${own.projectId})`];
}
