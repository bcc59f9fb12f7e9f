// RailwayApi over Railway's public GraphQL API v2 (graphql-request), with retries, typed errors and
// secret registration. The calls live by resource in ./resources/, each GraphQL document beside the
// function that sends it; this class holds the connection and hands each call its context.
import { ValidationError } from '../util/errors.js';
import { createLogger } from '../util/log.js';
import { registerSecret } from '../util/secrets.js';
import type { ApiContext } from './resources/context.js';
import * as token from './resources/token.js';
import * as projects from './resources/projects.js';
import * as services from './resources/services.js';
import * as environments from './resources/environments.js';
import * as patches from './resources/patches.js';
import * as variables from './resources/variables.js';
import * as domains from './resources/domains.js';
import * as tcpproxies from './resources/tcp-proxies.js';
import * as deployments from './resources/deployments.js';
import * as usage from './resources/usage.js';
import { DEFAULT_RETRY, realSleep, type RetryPolicy, type Sleep } from './retry.js';
import { Transport } from './transport.js';
import type { RailwayApi } from './types.js';

export { DEAD_PROXY } from './resources/tcp-proxies.js';
export type { ListDeploymentsInput } from './resources/deployments.js';

/** A resource function's arguments after its context. */
type Rest<F> = F extends (ctx: ApiContext, ...args: infer A) => unknown ? A : never;

const log = createLogger('railway');

export const DEFAULT_ENDPOINT = 'https://backboard.railway.com/graphql/v2';
export const DEFAULT_TIMEOUT_MS = 90_000;

export interface RailwayClientOptions {
  endpoint?: string;
  /** Account or workspace token, sent as `Authorization: Bearer`. */
  apiToken?: string;
  /** Project token, sent as `Project-Access-Token`. Used only when no apiToken is given. */
  projectToken?: string;
  retry?: Partial<RetryPolicy>;
  /** Per HTTP attempt. Railway's CLI uses 90 s: duplicating a big environment is slow. */
  timeoutMs?: number;
  /** Injected in tests so retries and polls take no real time. */
  sleep?: Sleep;
  /** enableTcpProxy: how often and how long to poll for the new proxy. */
  tcpProxyPoll?: { intervalMs?: number; timeoutMs?: number };
}

let warnedBothTokens = false;

export class RailwayClient implements RailwayApi {
  private readonly ctx: ApiContext;
  private readonly mode: 'api' | 'project';

  constructor(options: RailwayClientOptions) {
    const apiToken = options.apiToken?.trim() || undefined;
    const projectToken = options.projectToken?.trim() || undefined;
    if (!apiToken && !projectToken) {
      throw new ValidationError(
        'RAILWAY_API_TOKEN',
        'No Railway token: set RAILWAY_API_TOKEN (an account or workspace token) or RAILWAY_TOKEN (a project token).',
      );
    }
    registerSecret(apiToken);
    registerSecret(projectToken);
    // Never send both headers. With both tokens we use the account/workspace token: cloning needs
    // account-level calls (environmentCreate/Delete) that a project token cannot make, and the
    // account token can do everything the project token can. (The Railway CLI prefers
    // RAILWAY_TOKEN instead, which would make every clone fail with "Not Authorized".)
    if (apiToken && projectToken && !warnedBothTokens) {
      warnedBothTokens = true;
      log.warn(
        'Both RAILWAY_API_TOKEN and RAILWAY_TOKEN are set; using RAILWAY_API_TOKEN and ignoring RAILWAY_TOKEN.',
      );
    }
    const mode = apiToken ? 'api' : 'project';
    this.mode = mode;
    const headers: Record<string, string> = { 'user-agent': 'railclone', 'x-source': 'railclone' };
    if (apiToken) headers.authorization = `Bearer ${apiToken}`;
    else headers['project-access-token'] = projectToken as string;

    const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
    for (const [k, v] of Object.entries(retry)) {
      if (!Number.isInteger(v) || v < 0) {
        throw new ValidationError(`retry.${k}`, `retry.${k} must be a whole number ≥ 0`, { provided: v });
      }
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new ValidationError('timeoutMs', 'timeoutMs must be a positive whole number of milliseconds', {
        provided: timeoutMs,
      });
    }
    const endpoint = options.endpoint ?? DEFAULT_ENDPOINT;
    assertHttpUrl(endpoint, 'endpoint');
    const sleep = options.sleep ?? realSleep;
    this.ctx = {
      mode,
      sleep,
      tcpPoll: {
        intervalMs: options.tcpProxyPoll?.intervalMs ?? 2_000,
        timeoutMs: options.tcpProxyPoll?.timeoutMs ?? 120_000,
      },
      transport: new Transport({
        endpoint,
        headers,
        tokenVariable: apiToken ? 'RAILWAY_API_TOKEN' : 'RAILWAY_TOKEN',
        retry,
        timeoutMs,
        sleep,
      }),
    };
  }

  /** Which header this client authenticates with. */
  get authMode(): 'api' | 'project' {
    return this.mode;
  }

  // ---- token (./resources/token.ts) ----

  whoami(...a: Rest<typeof token.whoami>) {
    return token.whoami(this.ctx, ...a);
  }

  listWorkspaces(...a: Rest<typeof token.listWorkspaces>) {
    return token.listWorkspaces(this.ctx, ...a);
  }

  // ---- projects (./resources/projects.ts) ----

  getProject(...a: Rest<typeof projects.getProject>) {
    return projects.getProject(this.ctx, ...a);
  }

  createProject(...a: Rest<typeof projects.createProject>) {
    return projects.createProject(this.ctx, ...a);
  }

  deleteProject(...a: Rest<typeof projects.deleteProject>) {
    return projects.deleteProject(this.ctx, ...a);
  }

  listProjects(...a: Rest<typeof projects.listProjects>) {
    return projects.listProjects(this.ctx, ...a);
  }

  // ---- usage (./resources/usage.ts) ----

  projectUsage(...a: Rest<typeof usage.projectUsage>) {
    return usage.projectUsage(this.ctx, ...a);
  }

  // ---- services (./resources/services.ts) ----

  createService(...a: Rest<typeof services.createService>) {
    return services.createService(this.ctx, ...a);
  }

  updateServiceInstance(...a: Rest<typeof services.updateServiceInstance>) {
    return services.updateServiceInstance(this.ctx, ...a);
  }

  updateServiceInstanceLimits(...a: Rest<typeof services.updateServiceInstanceLimits>) {
    return services.updateServiceInstanceLimits(this.ctx, ...a);
  }

  createVolume(...a: Rest<typeof services.createVolume>) {
    return services.createVolume(this.ctx, ...a);
  }

  deleteService(...a: Rest<typeof services.deleteService>) {
    return services.deleteService(this.ctx, ...a);
  }

  // ---- environments (./resources/environments.ts) ----

  listEnvironments(...a: Rest<typeof environments.listEnvironments>) {
    return environments.listEnvironments(this.ctx, ...a);
  }

  findEnvironmentByName(...a: Rest<typeof environments.findEnvironmentByName>) {
    return environments.findEnvironmentByName(this.ctx, ...a);
  }

  getEnvironment(...a: Rest<typeof environments.getEnvironment>) {
    return environments.getEnvironment(this.ctx, ...a);
  }

  getEnvironmentConfig(...a: Rest<typeof environments.getEnvironmentConfig>) {
    return environments.getEnvironmentConfig(this.ctx, ...a);
  }

  createEnvironment(...a: Rest<typeof environments.createEnvironment>) {
    return environments.createEnvironment(this.ctx, ...a);
  }

  deleteEnvironment(...a: Rest<typeof environments.deleteEnvironment>) {
    return environments.deleteEnvironment(this.ctx, ...a);
  }

  // ---- patches (./resources/patches.ts) ----

  stagedChanges(...a: Rest<typeof patches.stagedChanges>) {
    return patches.stagedChanges(this.ctx, ...a);
  }

  stageChanges(...a: Rest<typeof patches.stageChanges>) {
    return patches.stageChanges(this.ctx, ...a);
  }

  commitPatch(...a: Rest<typeof patches.commitPatch>) {
    return patches.commitPatch(this.ctx, ...a);
  }

  commitStaged(...a: Rest<typeof patches.commitStaged>) {
    return patches.commitStaged(this.ctx, ...a);
  }

  // ---- variables (./resources/variables.ts) ----

  getVariables(...a: Rest<typeof variables.getVariables>) {
    return variables.getVariables(this.ctx, ...a);
  }

  upsertVariables(...a: Rest<typeof variables.upsertVariables>) {
    return variables.upsertVariables(this.ctx, ...a);
  }

  deleteVariable(...a: Rest<typeof variables.deleteVariable>) {
    return variables.deleteVariable(this.ctx, ...a);
  }

  // ---- domains (./resources/domains.ts) ----

  listDomains(...a: Rest<typeof domains.listDomains>) {
    return domains.listDomains(this.ctx, ...a);
  }

  createServiceDomain(...a: Rest<typeof domains.createServiceDomain>) {
    return domains.createServiceDomain(this.ctx, ...a);
  }

  deleteServiceDomain(...a: Rest<typeof domains.deleteServiceDomain>) {
    return domains.deleteServiceDomain(this.ctx, ...a);
  }

  customDomainAvailable(...a: Rest<typeof domains.customDomainAvailable>) {
    return domains.customDomainAvailable(this.ctx, ...a);
  }

  createCustomDomain(...a: Rest<typeof domains.createCustomDomain>) {
    return domains.createCustomDomain(this.ctx, ...a);
  }

  deleteCustomDomain(...a: Rest<typeof domains.deleteCustomDomain>) {
    return domains.deleteCustomDomain(this.ctx, ...a);
  }

  // ---- tcp proxies (./resources/tcp-proxies.ts) ----

  listTcpProxies(...a: Rest<typeof tcpproxies.listTcpProxies>) {
    return tcpproxies.listTcpProxies(this.ctx, ...a);
  }

  enableTcpProxy(...a: Rest<typeof tcpproxies.enableTcpProxy>) {
    return tcpproxies.enableTcpProxy(this.ctx, ...a);
  }

  deleteTcpProxy(...a: Rest<typeof tcpproxies.deleteTcpProxy>) {
    return tcpproxies.deleteTcpProxy(this.ctx, ...a);
  }

  // ---- deployments (./resources/deployments.ts) ----

  listDeployments(...a: Rest<typeof deployments.listDeployments>) {
    return deployments.listDeployments(this.ctx, ...a);
  }

  deployService(...a: Rest<typeof deployments.deployService>) {
    return deployments.deployService(this.ctx, ...a);
  }

  getDeployment(...a: Rest<typeof deployments.getDeployment>) {
    return deployments.getDeployment(this.ctx, ...a);
  }
}

// ---- helpers ----

function assertHttpUrl(value: string, field: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(field, `${field} must be an http(s) URL such as ${DEFAULT_ENDPOINT}`, {
      provided: value,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError(field, `${field} must be an http(s) URL such as ${DEFAULT_ENDPOINT}`, {
      provided: value,
      allowed: ['http:', 'https:'],
    });
  }
}

/**
 * Builds a client from the environment, as the Railway CLI names things:
 * - RAILWAY_API_TOKEN: account or workspace token (Authorization: Bearer). Needed to create/delete environments.
 * - RAILWAY_TOKEN: project token (Project-Access-Token). If both are set, RAILWAY_API_TOKEN wins (see constructor).
 * - RAILWAY_API_URL: endpoint override (the emulator), an http(s) URL.
 * - RAILWAY_HTTP_TIMEOUT: seconds per HTTP attempt, a positive integer (default 90).
 */
export function railwayClientFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  extra: Omit<RailwayClientOptions, 'apiToken' | 'projectToken' | 'endpoint' | 'timeoutMs'> = {},
): RailwayClient {
  const apiToken = readToken(env, 'RAILWAY_API_TOKEN');
  const projectToken = readToken(env, 'RAILWAY_TOKEN');
  if (!apiToken && !projectToken) {
    throw new ValidationError(
      'RAILWAY_API_TOKEN',
      'RAILWAY_API_TOKEN is not set. Set it to a Railway account or workspace token (Account Settings → Tokens); ' +
        'RAILWAY_TOKEN (a project token) is accepted for read-only use.',
    );
  }
  let endpoint: string | undefined;
  const rawUrl = env.RAILWAY_API_URL?.trim();
  if (rawUrl) {
    assertHttpUrl(rawUrl, 'RAILWAY_API_URL');
    endpoint = rawUrl;
  }
  let timeoutMs: number | undefined;
  const rawTimeout = env.RAILWAY_HTTP_TIMEOUT?.trim();
  if (rawTimeout) {
    if (!/^\d+$/.test(rawTimeout) || Number(rawTimeout) <= 0 || Number(rawTimeout) > 3600) {
      throw new ValidationError(
        'RAILWAY_HTTP_TIMEOUT',
        'RAILWAY_HTTP_TIMEOUT must be a whole number of seconds between 1 and 3600',
        { provided: rawTimeout },
      );
    }
    timeoutMs = Number(rawTimeout) * 1000;
  }
  return new RailwayClient({ ...extra, apiToken, projectToken, endpoint, timeoutMs });
}

function readToken(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = raw.trim();
  registerSecret(value);
  if (/\s/.test(value)) {
    // Never echo the value: it is a secret even when malformed.
    throw new ValidationError(name, `${name} must be a single token without spaces or line breaks`);
  }
  return value;
}
