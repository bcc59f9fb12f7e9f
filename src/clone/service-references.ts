// Variable references across renamed services: a clone into another project may rename every
// service (prefix/suffix), so `${{MariaDB.X}}` must become `${{stg-MariaDB.X}}` to keep pointing at
// the clone's own MariaDB. `${{shared.X}}`, `${{X}}` and references to unknown services stay as written.
import type { VariableMap } from '../railway/types.js';

const REFERENCE = /\$\{\{(\s*)([^}]+?)(\s*)\}\}/g;

export function rewriteReference(value: string, renames: ReadonlyMap<string, string>): string {
  return value.replace(REFERENCE, (whole, lead: string, expr: string, trail: string) => {
    const dot = expr.indexOf('.');
    if (dot <= 0) return whole;
    const service = expr.slice(0, dot);
    const renamed = service === 'shared' ? undefined : renames.get(service);
    return renamed === undefined || renamed === service
      ? whole
      : `\${{${lead}${renamed}${expr.slice(dot)}${trail}}}`;
  });
}

export function rewriteReferences(vars: VariableMap, renames: ReadonlyMap<string, string>): VariableMap {
  return Object.fromEntries(
    Object.entries(vars).map(([name, value]) => [name, rewriteReference(value, renames)]),
  );
}
