// Variable rendering: `${{Svc.VAR}}`, `${{shared.VAR}}`, `${{VAR}}` and the RAILWAY_* system
// variables, resolved per environment, so references in a clone point at the clone's own services.
import { slug } from './ids.js';
import type { EmulatorState } from './state.js';

const REF = /\$\{\{\s*([^}]+?)\s*\}\}/g;
const MAX_DEPTH = 12;

/** RAILWAY_* values a deployment of `serviceId` in `environmentId` sees. */
export function systemVariables(
  state: EmulatorState,
  environmentId: string,
  serviceId: string,
): Record<string, string> {
  const env = state.environments.get(environmentId);
  const service = state.services.get(serviceId);
  if (!env || !service) return {};
  const project = state.projects.get(env.projectId);
  const out: Record<string, string> = {
    RAILWAY_ENVIRONMENT: env.name,
    RAILWAY_ENVIRONMENT_NAME: env.name,
    RAILWAY_ENVIRONMENT_ID: env.id,
    RAILWAY_PROJECT_NAME: project?.name ?? '',
    RAILWAY_PROJECT_ID: env.projectId,
    RAILWAY_SERVICE_NAME: service.name,
    RAILWAY_SERVICE_ID: service.id,
    RAILWAY_PRIVATE_DOMAIN: `${slug(service.name)}.railway.internal`,
  };
  const domain = state.serviceDomainsOf(environmentId, serviceId)[0];
  if (domain) {
    out.RAILWAY_PUBLIC_DOMAIN = domain.domain;
    out.RAILWAY_STATIC_URL = domain.domain;
  }
  const proxy = state.tcpProxiesOf(environmentId, serviceId).find((p) => p.syncStatus !== 'DELETING');
  if (proxy) {
    out.RAILWAY_TCP_PROXY_DOMAIN = proxy.domain;
    out.RAILWAY_TCP_PROXY_PORT = String(proxy.proxyPort);
    out.RAILWAY_TCP_APPLICATION_PORT = String(proxy.applicationPort);
  }
  const volume = state.volumeInstancesOf(environmentId).find((v) => v.serviceId === serviceId);
  if (volume) {
    out.RAILWAY_VOLUME_NAME = state.volumes.get(volume.volumeId)?.name ?? '';
    out.RAILWAY_VOLUME_MOUNT_PATH = volume.mountPath;
  }
  return out;
}

/** Looks a single name up in one scope (service or shared), user variables before system ones. */
function lookup(
  state: EmulatorState,
  environmentId: string,
  serviceId: string | null,
  name: string,
): string | undefined {
  const v = state.vars(environmentId, serviceId).get(name);
  if (v && !v.sealed) return v.value;
  if (serviceId) return systemVariables(state, environmentId, serviceId)[name];
  return undefined;
}

/** Renders one raw value as seen from scope (environment, service | null = shared). Unknown references stay as written. */
export function renderValue(
  state: EmulatorState,
  environmentId: string,
  serviceId: string | null,
  raw: string,
  depth = 0,
): string {
  if (depth > MAX_DEPTH) return raw;
  const env = state.environments.get(environmentId);
  if (!env) return raw;
  return raw.replace(REF, (whole, expr: string) => {
    const dot = expr.indexOf('.');
    let scope: string | null = serviceId;
    let name = expr;
    if (dot > 0) {
      const head = expr.slice(0, dot);
      name = expr.slice(dot + 1);
      if (head === 'shared') scope = null;
      else {
        const svc = state.serviceByName(env.projectId, head);
        if (!svc || !state.instance(environmentId, svc.id)) return whole;
        scope = svc.id;
      }
    } else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      return whole; // a generator such as secret(32): left for the caller
    }
    const value = lookup(state, environmentId, scope, name);
    return value === undefined ? '' : renderValue(state, environmentId, scope, value, depth + 1);
  });
}

/** Raw (unrendered) user variables of a scope, sealed ones left out: their values are never readable. */
export function rawVariables(
  state: EmulatorState,
  environmentId: string,
  serviceId: string | null,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of state.vars(environmentId, serviceId)) if (!v.sealed) out[name] = v.value;
  return out;
}

/** Rendered variables of a scope; a service scope includes its RAILWAY_* system variables. */
export function renderedVariables(
  state: EmulatorState,
  environmentId: string,
  serviceId: string | null,
): Record<string, string> {
  const out: Record<string, string> = serviceId
    ? { ...systemVariables(state, environmentId, serviceId) }
    : {};
  for (const [name, raw] of Object.entries(rawVariables(state, environmentId, serviceId))) {
    out[name] = renderValue(state, environmentId, serviceId, raw);
  }
  return out;
}
