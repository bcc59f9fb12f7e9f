// A clone against its source (or any two environments of a project): per service and for the shared
// variables, which names were added, removed, modified or left unchanged. Values are compared here, in
// memory, and never leave: the answer carries names and a status only.
import { resolveEnvironment } from '../clone/environments.js';
import { META_VARIABLE, readMeta } from '../clone/metadata.js';
import type { RailwayApi, VariableMap } from '../railway/types.js';
import { ValidationError } from '../util/errors.js';

export type ChangeStatus = 'added' | 'removed' | 'modified' | 'unchanged';
export interface VariableChange {
  name: string;
  status: ChangeStatus;
}
export interface ServiceChange {
  name: string;
  status: ChangeStatus;
  variables: VariableChange[];
}

// railclone's own bookkeeping is not configuration the user made.
const INTERNAL = new Set([META_VARIABLE]);

export function compareVariables(source: VariableMap, target: VariableMap): VariableChange[] {
  const names = [...new Set([...Object.keys(source), ...Object.keys(target)])]
    .filter((n) => !INTERNAL.has(n))
    .sort();
  return names.map((name) => ({
    name,
    status: !(name in target)
      ? 'removed'
      : !(name in source)
        ? 'added'
        : source[name] === target[name]
          ? 'unchanged'
          : 'modified',
  }));
}

const overall = (vars: VariableChange[]): ChangeStatus =>
  vars.some((v) => v.status !== 'unchanged') ? 'modified' : 'unchanged';

export async function environmentDiff(railway: RailwayApi, projectId: string, ref: string, against?: string) {
  const target = await resolveEnvironment(railway, projectId, ref);
  let sourceName = against;
  if (!sourceName) {
    const meta = await readMeta(railway, projectId, target.id);
    if (meta && meta.cloned_from.project_id !== projectId)
      throw new ValidationError('against', `"${target.name}" was cloned from another project; name against`);
    sourceName = meta?.cloned_from.environment_name ?? target.sourceEnvironment?.name;
  }
  if (!sourceName)
    throw new ValidationError(
      'against',
      `"${target.name}" is not a clone: name the environment to compare with`,
      {
        provided: null,
      },
    );
  const source = await resolveEnvironment(railway, projectId, sourceName);
  const [src, tgt] = await Promise.all([
    railway.getEnvironment(source.id, projectId),
    railway.getEnvironment(target.id, projectId),
  ]);
  const vars = (environmentId: string, serviceId?: string) =>
    railway.getVariables({ projectId, environmentId, serviceId, unrendered: true });
  const srcBy = new Map(src.serviceInstances.map((s) => [s.serviceName, s]));
  const tgtBy = new Map(tgt.serviceInstances.map((s) => [s.serviceName, s]));
  const names = [...new Set([...srcBy.keys(), ...tgtBy.keys()])].sort();
  const services: ServiceChange[] = await Promise.all(
    names.map(async (name) => {
      const s = srcBy.get(name);
      const t = tgtBy.get(name);
      const [sv, tv] = await Promise.all([
        s ? vars(source.id, s.serviceId) : Promise.resolve({}),
        t ? vars(target.id, t.serviceId) : Promise.resolve({}),
      ]);
      const variables = compareVariables(sv, tv);
      return { name, status: !s ? 'added' : !t ? 'removed' : overall(variables), variables };
    }),
  );
  const [sharedSrc, sharedTgt] = await Promise.all([vars(source.id), vars(target.id)]);
  const shared = compareVariables(sharedSrc, sharedTgt);
  return { source: source.name, target: target.name, services, shared };
}
