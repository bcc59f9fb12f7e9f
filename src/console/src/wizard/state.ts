// The wizard's answers and the clone request they make. The request is checked with the API's own schema
// and name rule (src/inputs), so the wizard refuses exactly what the API would, before anything is sent.
import { projectField } from '../api.js';
import {
  CloneRequestSchema,
  DEFAULT_TTL,
  ENVIRONMENT_TYPES,
  MAX_TTL_MS,
  MIN_TTL_MS,
  TTL_FORMAT,
  parseDuration,
  sanitizeEnvironmentName,
  type CloneRequestInput,
  type EnvironmentType,
} from '../../../inputs/index.js';

export { ENVIRONMENT_TYPES, DEFAULT_TTL };
export type TargetKind = 'same' | 'existing' | 'new';

export interface Override {
  id: number;
  service: string;
  name: string;
  value: string;
}

/** One service's resource fields as typed (strings; empty = as in the source). */
export interface ResourceDraft {
  replicas: string;
  region: string;
  sleep: '' | 'on' | 'off';
  vcpus: string;
  memory_gb: string;
}
export const EMPTY_RESOURCES: ResourceDraft = {
  replicas: '',
  region: '',
  sleep: '',
  vcpus: '',
  memory_gb: '',
};

export interface WizardState {
  source: string;
  clientName: string;
  target: TargetKind;
  targetProjectId: string;
  newProjectName: string;
  environmentName: string;
  environmentType: EnvironmentType;
  ttl: string;
  excluded: string[];
  overrides: Override[];
  prefix: string;
  suffix: string;
  wordpressUrlReplace: boolean;
  basicAuth: boolean;
  customDomain: string;
  resources: Record<string, ResourceDraft>;
  confirmed: boolean;
}

export function initialState(source: string): WizardState {
  return {
    source,
    clientName: '',
    target: 'same',
    targetProjectId: '',
    newProjectName: '',
    environmentName: '',
    environmentType: 'staging',
    ttl: DEFAULT_TTL.staging ?? '',
    excluded: [],
    overrides: [],
    prefix: '',
    suffix: '',
    wordpressUrlReplace: true,
    basicAuth: true,
    customDomain: '',
    resources: {},
    confirmed: false,
  };
}

const num = (v: string) => (v.trim() === '' ? undefined : Number(v));

/** The request's `resources`: only services (still cloned) with at least one field set. */
export function resourcesOf(s: WizardState): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [service, d] of Object.entries(s.resources)) {
    if (s.excluded.includes(service)) continue;
    const r = Object.fromEntries(
      Object.entries({
        replicas: num(d.replicas),
        region: d.region.trim() || undefined,
        sleep: d.sleep === '' ? undefined : d.sleep === 'on',
        vcpus: num(d.vcpus),
        memory_gb: num(d.memory_gb),
      }).filter(([, v]) => v !== undefined),
    );
    if (Object.keys(r).length) out[service] = r;
  }
  return out;
}

export function toRequest(s: WizardState): CloneRequestInput {
  const overrides: Record<string, Record<string, string>> = {};
  for (const o of s.overrides) {
    if (!o.name) continue;
    (overrides[o.service] ??= {})[o.name] = o.value;
  }
  const other = s.target !== 'same';
  return {
    ...projectField(),
    client_name: s.clientName.trim(),
    source_environment: s.source,
    ...(s.environmentName.trim() ? { environment_name: s.environmentName.trim() } : {}),
    environment_type: s.environmentType,
    ttl: s.ttl.trim() === '' ? null : s.ttl.trim(),
    ...(s.target === 'existing' ? { target_project_id: s.targetProjectId.trim() } : {}),
    ...(s.target === 'new' ? { new_project_name: s.newProjectName.trim() } : {}),
    ...(other && s.prefix ? { service_name_prefix: s.prefix } : {}),
    ...(other && s.suffix ? { service_name_suffix: s.suffix } : {}),
    ...(s.excluded.length ? { exclude_services: s.excluded } : {}),
    variable_overrides: overrides,
    ...(Object.keys(resourcesOf(s)).length ? { resources: resourcesOf(s) } : {}),
    ...(s.customDomain.trim() ? { custom_domain: s.customDomain.trim() } : {}),
    wordpress_url_replace: s.wordpressUrlReplace,
    enable_basic_auth: s.basicAuth,
  };
}

/** The environment name as the API will make it, or the API's own message why it cannot be one. */
export function checkEnvironmentName(
  raw: string,
  taken: readonly string[],
): { ok: true; name: string } | { ok: false; message: string } {
  if (raw.trim() === '') return { ok: true, name: '' };
  try {
    const name = sanitizeEnvironmentName(raw);
    if (taken.includes(name)) return { ok: false, message: `an environment "${name}" already exists` };
    return { ok: true, name };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

export function checkTtl(ttl: string): string | null {
  if (ttl.trim() === '') return null;
  const ms = parseDuration(ttl.trim());
  return ms !== null && ms >= MIN_TTL_MS && ms <= MAX_TTL_MS ? null : `TTL must be ${TTL_FORMAT}`;
}

/** Field → message, from the API's schema, for the fields a step owns. */
export function fieldErrors(s: WizardState): Record<string, string> {
  const out: Record<string, string> = {};
  const parsed = CloneRequestSchema.safeParse(toRequest(s));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      // resources.<service>.<field>: said with the service, so the message finds its row
      const where = field === 'resources' && issue.path[1] ? `${String(issue.path[1])}: ` : '';
      out[field] ??= `${where}${issue.message}`;
    }
  }
  return out;
}

export const STEP_FIELDS: string[][] = [
  [],
  ['client_name', 'environment_name', 'environment_type', 'ttl', 'target_project_id', 'new_project_name'],
  [
    'exclude_services',
    'include_services',
    'variable_overrides',
    'service_name_prefix',
    'service_name_suffix',
    'custom_domain',
    'resources',
  ],
  [],
];
