// Template databases made since 2026-08 deploy private: no TCP proxy, and none of the variables built
// from one (`DATABASE_PUBLIC_URL`, `MYSQL_PUBLIC_URL`, the WordPress template's MARIADB_HOST/PORT/URL)
// (railwayapp/docs@e8cd2c1b, FACTS §3.10). Same services and data as the scenario it derives from.
import type { Scenario, ScenarioService } from './types.js';

const REF = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Leaves out the variables that depend on a TCP proxy, directly or through another such variable. */
function withoutPublicVariables(variables: Record<string, string>): Record<string, string> {
  const dropped = new Set<string>();
  for (let changed = true; changed;) {
    changed = false;
    for (const [name, value] of Object.entries(variables)) {
      if (dropped.has(name)) continue;
      const refs = [...value.matchAll(REF)].map((m) => m[1]!);
      if (refs.some((r) => r.startsWith('RAILWAY_TCP_PROXY_') || dropped.has(r))) {
        dropped.add(name);
        changed = true;
      }
    }
  }
  return Object.fromEntries(Object.entries(variables).filter(([name]) => !dropped.has(name)));
}

export function privateVariant(base: Scenario): Scenario {
  const services: ScenarioService[] = base.services.map((s) => {
    const copy: ScenarioService = { ...s, variables: withoutPublicVariables(s.variables) };
    delete copy.tcpProxyPort;
    return copy;
  });
  return { ...base, name: `${base.name}-private`, services };
}
