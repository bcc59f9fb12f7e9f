// plan: what the clone will create, and how the clone's configuration will differ from the source.
// Variable values never appear: a value is shown as a reference (`${{…}}` is a template, not a secret)
// or as "value" — never its text.
import type { Step } from '../context.js';
import { sourceServiceId } from '../state.js';
import { PASSWORD_VARIABLES } from '../services.js';
import { plannedHostMap } from '../host-map.js';
import { maskPlan } from '../masking.js';

type VariableChange =
  'copied (reference)' | 'copied (value)' | 'rotated' | 'overridden' | 'not copied (sealed)';

export interface ServicePlanView {
  service: string;
  kind: string;
  variables: Record<string, VariableChange>;
  volumes: string;
  domains: string;
}

const isReference = (v: string) => /^\$\{\{[^}]+\}\}$/.test(v.trim()) || /\$\{\{/.test(v);

export const plan: Step = async (ctx) => {
  const { railway, request, state } = ctx;
  const projectId = state.project_id!;
  const sourceId = state.source_environment_id!;
  const config = await railway.getEnvironmentConfig(sourceId, { decryptVariables: false });
  const sealed: string[] = [];
  const views: ServicePlanView[] = [];
  for (const service of state.services ?? []) {
    const vars = await railway.getVariables({
      projectId,
      environmentId: sourceId,
      serviceId: sourceServiceId(service),
      unrendered: true,
    });
    const overrides = request.variable_overrides[service.name] ?? {};
    const rotated = service.engine ? PASSWORD_VARIABLES[service.engine] : [];
    const variables: Record<string, VariableChange> = {};
    for (const [name, value] of Object.entries(vars)) {
      variables[name] =
        name in overrides
          ? 'overridden'
          : rotated.includes(name) && !isReference(value)
            ? 'rotated'
            : isReference(value)
              ? 'copied (reference)'
              : 'copied (value)';
    }
    for (const name of Object.keys(overrides)) variables[name] ??= 'overridden';
    const configVars = (config.services?.[sourceServiceId(service)]?.variables ?? {}) as Record<
      string,
      { isSealed?: boolean } | null
    >;
    for (const [name, meta] of Object.entries(configVars)) {
      if (meta?.isSealed) {
        variables[name] = 'not copied (sealed)';
        sealed.push(`${service.name}.${name}`);
      }
    }
    views.push({
      service: service.name,
      kind: service.engine ? `database (${service.engine})` : 'app',
      variables,
      volumes: 'new, empty volume instances (data is copied by sync-database)',
      domains: service.sourceHosts.length
        ? `source ${service.sourceHosts.join(', ')} → a new Railway domain${request.custom_domain && !service.engine ? ` and ${request.custom_domain}` : ''}; custom domains are not copied`
        : 'none',
    });
  }
  for (const w of sealed)
    ctx.log.warn(
      `sealed variable ${w} cannot be read through the API and will not be copied; set it in the clone by hand or via variable_overrides`,
    );
  // Hosts rewritten in the data: whole hosts only, each web service's to its own clone host.
  const hostMap = request.wordpress_url_replace
    ? plannedHostMap(state.services ?? [], request.custom_domain, request.host_rewrites)
    : [];
  for (const m of hostMap) ctx.log.info(`plan: hosts ${m.from.join(', ')} → ${m.to}`);
  // Personal data masking and a quiet WordPress: the rules and settings, never a value.
  const masking = maskPlan(request);
  for (const line of masking.masking) ctx.log.info(`plan: mask ${line}`);
  ctx.log.info(`plan: quiet WordPress: ${masking.quiet_wordpress.join('; ')}`);
  ctx.log.info(
    `plan: create environment "${state.environment_name}" from "${state.source_environment_name}" with ${views.length} service(s)`,
  );
  return {
    state: { ...state, sealed_variables_not_copied: sealed },
    outputs: {
      plan: views,
      sealed_variables_not_copied: sealed,
      host_rewrites: hostMap,
      masking: masking.masking,
      quiet_wordpress: masking.quiet_wordpress,
      wordpress_multisite:
        'checked before the copy: a subdirectory network is cloned (wp_blogs, wp_site, wp_sitemeta, every wp_N_options rewritten); a network whose sites have their own hosts (subdomains or mapped domains) needs a wildcard custom domain and is refused before any data is copied',
    },
  };
};
