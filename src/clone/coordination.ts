// Where runs that never see each other (Kestra workers on other machines, the CLI, the clone API, the
// expiry sweep) leave records for one another: shared variables of `railclone-intents`, a service-less
// environment of the project, so writing them redeploys nothing. Not on the source environment: a
// shared variable there is copied into every clone, and `variableDelete` has no `skipDeploys` — the
// emulator (Railway's stricter reading) redeploys every service of the environment on a shared-variable
// change, which must never happen to production. One variable per record, so no two runs ever
// read-modify-write one value. The environment is there only while some record is: created by the
// first, deleted by whoever removes the last.
import { createHash } from 'node:crypto';
import { INTENTS_ENVIRONMENT } from '../inputs/index.js';
import type { EnvironmentSummary, RailwayApi } from '../railway/types.js';
import { unlessDeletedMeanwhile } from './deleted-meanwhile.js';

const PREFIX = 'RAILCLONE_';

/** The variable of one record: its kind (INTENT, READER…) and a hash of what it is about. */
export function recordName(kind: string, key: string): string {
  return `${PREFIX}${kind}_${createHash('sha256').update(key).digest('hex').slice(0, 24).toUpperCase()}`;
}

async function environment(
  railway: RailwayApi,
  projectId: string,
  create: boolean,
): Promise<EnvironmentSummary | null> {
  const found = await railway.findEnvironmentByName(projectId, INTENTS_ENVIRONMENT);
  if (found || !create) return found;
  try {
    // No source: an empty environment, no services, nothing that could ever deploy.
    return await railway.createEnvironment({
      projectId,
      name: INTENTS_ENVIRONMENT,
      skipInitialDeploys: true,
    });
  } catch (err) {
    // Another run created it at the same moment.
    const again = await railway.findEnvironmentByName(projectId, INTENTS_ENVIRONMENT);
    if (again) return again;
    throw err;
  }
}

/** Every record, by variable name; none when the environment is not there (or goes meanwhile). */
async function variables(railway: RailwayApi, env: EnvironmentSummary): Promise<Record<string, string>> {
  const all =
    (await unlessDeletedMeanwhile(railway, env, () =>
      railway.getVariables({ projectId: env.projectId, environmentId: env.id, unrendered: true }),
    )) ?? {};
  return Object.fromEntries(Object.entries(all).filter(([name]) => name.startsWith(PREFIX)));
}

/**
 * Writes the record, and once more if the environment went away under it (another run removed what it
 * read as the last record and deleted the environment, with ours in it or before it).
 */
export async function putRecord(
  railway: RailwayApi,
  projectId: string,
  name: string,
  value: unknown,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const env = (await environment(railway, projectId, true))!;
    try {
      await railway.upsertVariables({
        projectId,
        environmentId: env.id,
        variables: { [name]: JSON.stringify(value) },
        skipDeploys: true,
      });
      if (attempt >= 2 || (await hasRecord(railway, projectId, name))) return;
    } catch (err) {
      if (attempt >= 2) throw err;
    }
  }
}

/** A record as read: its kind (what recordName was given) and its parsed value. */
export interface StoredRecord {
  kind: string;
  value: unknown;
}

/** Every record, in one read; a value that is not JSON is not ours to interpret. */
export async function readRecords(railway: RailwayApi, projectId: string): Promise<StoredRecord[]> {
  const env = await environment(railway, projectId, false);
  if (!env) return [];
  const out: StoredRecord[] = [];
  for (const [name, raw] of Object.entries(await variables(railway, env))) {
    try {
      out.push({ kind: name.slice(PREFIX.length, name.lastIndexOf('_')), value: JSON.parse(raw) });
    } catch {
      // Not ours to interpret.
    }
  }
  return out;
}

export async function hasRecord(railway: RailwayApi, projectId: string, name: string): Promise<boolean> {
  const env = await environment(railway, projectId, false);
  return env ? (await variables(railway, env))[name] !== undefined : false;
}

/** Idempotent: a record already removed is fine. The last one out deletes the environment. */
export async function removeRecord(railway: RailwayApi, projectId: string, name: string): Promise<void> {
  const env = await environment(railway, projectId, false);
  if (!env) return;
  // Another run removing the last record may delete the environment at any point here: with it, ours.
  const left = await unlessDeletedMeanwhile(railway, env, async () => {
    const vars = await variables(railway, env);
    if (vars[name] !== undefined) await railway.deleteVariable({ projectId, environmentId: env.id, name });
    // Read again: a record written since the first read keeps the environment.
    return Object.keys(await variables(railway, env)).filter((n) => n !== name);
  });
  // A run writing its record at this moment writes it again when it checks (createOwnEnvironment).
  if (left?.length === 0) await railway.deleteEnvironment(env.id).catch(() => undefined);
}

/** For the sweep: the environment left without any record (its last removal could not delete it) goes. */
export async function removeIfEmpty(railway: RailwayApi, projectId: string): Promise<boolean> {
  const env = await environment(railway, projectId, false);
  if (!env || Object.keys(await variables(railway, env)).length > 0) return false;
  await railway.deleteEnvironment(env.id);
  return true;
}
