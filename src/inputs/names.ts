// Environment names: the rule a Railway staging environment name must follow, and how we derive one.
import { ValidationError } from '../util/errors.js';

/** Where clones record their intent before environmentCreate (../clone/ownership.ts): service-less. */
export const INTENTS_ENVIRONMENT = 'railclone-intents';
/** Names railclone never uses as a target nor deletes, whatever the request says. */
export const PROTECTED_ENVIRONMENT_NAMES = ['production', INTENTS_ENVIRONMENT] as const;
/**
 * The one rule for a clone's environment name: 3–50 lowercase letters, digits and hyphens, starting with a
 * letter, and not a protected name. The gateway, the flow's validate-inputs and the CLI all check it through
 * CloneRequestSchema, and /openapi.json shows it.
 */
export const ENVIRONMENT_NAME_PATTERN = new RegExp(
  `^(?!(?:${PROTECTED_ENVIRONMENT_NAMES.join('|')})$)[a-z][a-z0-9-]{2,49}$`,
);
export const ENVIRONMENT_NAME_RULE = `3 to 50 lowercase letters, digits and hyphens, starting with a letter, and not ${PROTECTED_ENVIRONMENT_NAMES.join(' or ')}`;

export function isProtectedEnvironment(name: string): boolean {
  return (PROTECTED_ENVIRONMENT_NAMES as readonly string[]).includes(name);
}

/** Lowercases, turns every invalid character into a hyphen, collapses runs and trims hyphens at the ends. */
export function slugify(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The sanitised name, or a ValidationError naming the field, what was given and the pattern. */
export function sanitizeEnvironmentName(raw: string, field = 'environment_name'): string {
  const name = slugify(raw);
  if (!ENVIRONMENT_NAME_PATTERN.test(name)) {
    throw new ValidationError(
      field,
      `${field} must become a name matching ${ENVIRONMENT_NAME_PATTERN.source} after lowercasing and replacing invalid characters with hyphens (got "${name}")`,
      { provided: raw, pattern: ENVIRONMENT_NAME_PATTERN.source },
    );
  }
  if (isProtectedEnvironment(name)) {
    throw new ValidationError(field, `${field} "${name}" is protected and can never be a clone target`, {
      provided: raw,
      pattern: ENVIRONMENT_NAME_PATTERN.source,
    });
  }
  return name;
}

/** `staging-{client}-{yyyymmdd-hhmm}`, cut to fit the pattern, made unique against `taken`. */
export function defaultEnvironmentName(clientName: string, now: Date, taken: Iterable<string>): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 13);
  const client = slugify(clientName).slice(0, 24).replace(/-+$/, '') || 'client';
  return uniqueName(`staging-${client}-${stamp}`, taken);
}

/** `base`, else `base-2`, `base-3`… within the 50-character limit. */
export function uniqueName(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) {
    const suffix = `-${i}`;
    const candidate = `${base.slice(0, 50 - suffix.length)}${suffix}`;
    if (!used.has(candidate)) return candidate;
  }
}
