// The review's Source | Target sections, from two previews of the API (the source as it is, and the
// request): which services go, which variables change, are added or stay. Names only, never values.
import type { DiffRow, DiffSection } from '../components/DiffView.js';
import type { ChangeStatus, PlanChange, PlanService, Preview } from '../types.js';
import { resourcesOf, toRequest, type WizardState } from './state.js';

const describe = (r: Record<string, unknown>) =>
  Object.entries(r)
    .map(([k, v]) => `${k} ${typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v)}`)
    .join(', ');

function variableRow(name: string, from: PlanChange | undefined, to: PlanChange | undefined): DiffRow {
  if (!to) return { name, status: 'removed' };
  if (!from) return { name, status: 'added', note: 'set by override' };
  if (to === 'not copied (sealed)') return { name, status: 'removed', note: 'sealed: not copied' };
  if (to === 'overridden') return { name, status: 'modified', note: 'overridden' };
  if (to === 'rotated') return { name, status: 'modified', note: 'new password' };
  return { name, status: 'unchanged' };
}

function serviceSection(source: PlanService, target: PlanService | undefined, renamed: string): DiffSection {
  if (!target) {
    return {
      title: source.service,
      status: 'removed',
      note: 'not cloned',
      rows: Object.keys(source.variables)
        .sort()
        .map((name) => ({ name, status: 'removed' as const })),
    };
  }
  const names = [...new Set([...Object.keys(source.variables), ...Object.keys(target.variables)])].sort();
  const rows = names.map((n) => variableRow(n, source.variables[n], target.variables[n]));
  const changed = renamed !== source.service || rows.some((r) => r.status !== 'unchanged');
  return {
    title: renamed === source.service ? source.service : `${source.service} → ${renamed}`,
    status: changed ? 'modified' : 'unchanged',
    note: source.kind,
    rows,
  };
}

export function reviewSections(source: Preview, target: Preview, s: WizardState): DiffSection[] {
  const req = toRequest(s);
  const rename = (n: string) => `${req.service_name_prefix ?? ''}${n}${req.service_name_suffix ?? ''}`;
  const project: DiffRow =
    s.target === 'same'
      ? { name: 'project', status: 'unchanged', source: 'this project', target: 'this project' }
      : {
          name: 'project',
          status: 'modified',
          source: 'this project',
          target: s.target === 'new' ? `new project "${s.newProjectName}"` : `project ${s.targetProjectId}`,
        };
  const flag = (name: string, on: boolean, text: string): DiffRow => ({
    name,
    status: on ? 'added' : 'unchanged',
    source: `${name}: no`,
    target: `${name}: ${on ? text : 'no'}`,
  });
  const settings: DiffSection = {
    title: 'Environment',
    status: 'added',
    rows: [
      {
        name: 'environment',
        status: 'added',
        source: source.source_environment,
        target: target.environment_name,
        note: 'a new environment',
      },
      project,
      { name: 'type', status: 'added', target: `type: ${req.environment_type}` },
      { name: 'ttl', status: 'added', target: `expires after: ${req.ttl ?? 'never'}` },
      flag('basic auth', req.enable_basic_auth !== false, 'on'),
      flag('WordPress URL rewrite', req.wordpress_url_replace !== false, 'on'),
      flag('custom domain', Boolean(req.custom_domain), req.custom_domain ?? ''),
    ],
  };
  const byName = new Map(target.plan.map((p) => [p.service, p]));
  const resources = resourcesOf(s);
  const services = source.plan.map((sp) => {
    const excluded = s.excluded.includes(sp.service);
    const tp = excluded ? undefined : (byName.get(sp.service) ?? byName.get(rename(sp.service)));
    const section = serviceSection(sp, tp, rename(sp.service));
    const r = resources[sp.service];
    if (r && tp) {
      section.rows.unshift({
        name: '(resources)',
        status: 'modified',
        source: 'resources: as source',
        target: `resources: ${describe(r)}`,
      });
      section.status = 'modified';
    }
    return section;
  });
  const shared = s.overrides.filter((o) => o.service === 'shared' && o.name);
  const sections = [settings, ...services];
  if (shared.length) {
    sections.push({
      title: 'Shared variables',
      status: 'modified' as ChangeStatus,
      rows: shared.map((o) => ({ name: o.name, status: 'modified' as const, note: 'set by override' })),
    });
  }
  return sections;
}
