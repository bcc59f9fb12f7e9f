// The clone request: the one definition of what a clone may ask for. The gateway, the Kestra flow's
// validate-inputs task and `railclone clone` all parse with this schema.
import { z } from 'zod';
import { ValidationError } from '../util/errors.js';
import { ENVIRONMENT_NAME_PATTERN, ENVIRONMENT_NAME_RULE } from './names.js';
import { MAX_TTL_MS, MIN_TTL_MS, TTL_FORMAT, parseDuration } from './duration.js';
import { MaskKeyNameSchema, MaskSchema, QuietWordPressSchema } from './mask.js';
import { ServiceResourcesSchema } from './resources.js';
import { ENCRYPTED_VALUE_MAX, PLAIN_VALUE_MAX, isEncryptedValue } from './encrypted-value.js';

const HOSTNAME = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const RAILWAY_ID = /^[A-Za-z0-9-]{8,64}$/;
const SERVICE_NAME = /^[\w .-]{1,64}$/;
/** A service-name prefix or suffix: slug-ish, so the transformed name stays a valid Railway service name. */
const SERVICE_AFFIX = /^[A-Za-z0-9_.-]{1,20}$/;
const affix = (field: string) =>
  z.string().regex(SERVICE_AFFIX, `${field} is 1 to 20 letters, digits, dots, underscores or hyphens`);

export const ENVIRONMENT_TYPES = ['dev', 'staging', 'prod', 'ephemeral'] as const;
export type EnvironmentType = (typeof ENVIRONMENT_TYPES)[number];

/** Default lifetime per type; `prod`-type copies live until deleted. */
export const DEFAULT_TTL: Record<EnvironmentType, string | null> = {
  ephemeral: '24h',
  dev: '7d',
  staging: '14d',
  prod: null,
};

const ttl = z.string().refine(
  (v) => {
    const ms = parseDuration(v);
    return ms !== null && ms >= MIN_TTL_MS && ms <= MAX_TTL_MS;
  },
  { message: `ttl must be ${TTL_FORMAT}` },
);

const variables = z.record(
  z.string().regex(VARIABLE_NAME, 'variable names are letters, digits and _ and do not start with a digit'),
  z
    .string()
    .refine(
      (v) => v.length <= (isEncryptedValue(v) ? ENCRYPTED_VALUE_MAX : PLAIN_VALUE_MAX),
      `variable values are at most ${PLAIN_VALUE_MAX} characters`,
    ),
);

export const DatabaseOptionsSchema = z
  .object({
    copy_data: z.boolean().default(true),
    jobs: z.number().int().min(1).max(16).default(4),
    exclude_tables: z.array(z.string().min(1).max(128)).max(200).default([]),
    skip_columns: z.array(z.string().min(1).max(128)).max(200).default([]),
    checksums: z.boolean().default(false),
  })
  .strict();

export const CloneRequestSchema = z
  .object({
    client_name: z
      .string()
      .min(1)
      .max(40)
      .regex(
        /^[A-Za-z0-9][\w .-]*$/,
        'client_name is letters, digits, spaces, dots, underscores and hyphens',
      ),
    railway_project_id: z
      .string()
      .regex(RAILWAY_ID, 'railway_project_id must be a Railway project id')
      .optional(),
    /** Clone into this existing project instead of the source's own. */
    target_project_id: z
      .string()
      .regex(RAILWAY_ID, 'target_project_id must be a Railway project id')
      .optional(),
    /** Clone into a new project of this name (created in the source project's workspace). */
    new_project_name: z
      .string()
      .trim()
      .min(1, 'new_project_name must not be empty')
      .max(64, 'new_project_name is at most 64 characters')
      .optional(),
    /** Service names are project-wide, so these exist only for clones into another project. */
    service_name_prefix: affix('service_name_prefix').optional(),
    service_name_suffix: affix('service_name_suffix').optional(),
    /** Taken as given, never changed: a name that breaks the rule is refused before anything starts. */
    environment_name: z
      .string()
      .regex(ENVIRONMENT_NAME_PATTERN, `environment_name is ${ENVIRONMENT_NAME_RULE}`)
      .optional(),
    source_environment: z.string().min(1).max(64).default('production'),
    environment_type: z.enum(ENVIRONMENT_TYPES).default('staging'),
    ttl: ttl.nullable().optional(),
    include_services: z.array(z.string().regex(SERVICE_NAME)).max(100).optional(),
    exclude_services: z.array(z.string().regex(SERVICE_NAME)).max(100).default([]),
    /** Per service name, or `shared`, the variables to set in the clone. */
    variable_overrides: z.record(z.string().regex(SERVICE_NAME), variables).default({}),
    /** Per source service name: replicas, region, sleeping, vCPU and memory limits in the clone. */
    resources: z.record(z.string().regex(SERVICE_NAME), ServiceResourcesSchema).default({}),
    custom_domain: z
      .string()
      .toLowerCase()
      .regex(HOSTNAME, 'custom_domain must be a hostname like staging.example.com')
      .optional(),
    wordpress_url_replace: z.boolean().default(true),
    /** Host pairs added to (or overriding) the automatic per-service mapping; from = to keeps a host. */
    host_rewrites: z
      .array(
        z
          .object({
            from: z
              .string()
              .toLowerCase()
              .regex(HOSTNAME, 'host_rewrites[].from must be a host name like cdn.example.com'),
            to: z
              .string()
              .toLowerCase()
              .regex(HOSTNAME, 'host_rewrites[].to must be a host name like cdn.example.com'),
          })
          .strict(),
      )
      .max(50)
      .default([]),
    enable_basic_auth: z.boolean().default(true),
    /** Personal data masked in flight: none (default for prod), default (the others), or rules. */
    mask: MaskSchema.optional(),
    /** Names a server-held key that masks repeatably across clones; a random key per clone without it. */
    mask_key_name: MaskKeyNameSchema.optional(),
    /** A staging WordPress that stays quiet (default on, except for prod). */
    quiet_wordpress: QuietWordPressSchema.optional(),
    database: DatabaseOptionsSchema.default(DatabaseOptionsSchema.parse({})),
    requested_by: z.string().min(1).max(120).optional(),
  })
  .strict()
  .refine((r) => !(r.include_services && r.exclude_services.length > 0), {
    message: 'give include_services or exclude_services, not both',
    path: ['include_services'],
  })
  .refine((r) => !(r.target_project_id && r.new_project_name), {
    message: 'give target_project_id (an existing project) or new_project_name (a new one), not both',
    path: ['new_project_name'],
  })
  .refine((r) => !r.target_project_id || r.target_project_id !== r.railway_project_id, {
    message:
      'target_project_id must differ from the source project (railway_project_id); leave it out to clone within the project',
    path: ['target_project_id'],
  })
  .superRefine((r, ctx) => {
    if (r.target_project_id || r.new_project_name) return;
    for (const field of ['service_name_prefix', 'service_name_suffix'] as const) {
      if (r[field] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `${field} is allowed only with target_project_id or new_project_name: service names are project-wide in Railway, so a clone in the same project keeps them`,
        });
      }
    }
  });

export type CloneRequest = z.output<typeof CloneRequestSchema>;
export type CloneRequestInput = z.input<typeof CloneRequestSchema>;

/** Whether the clone lands in a project other than the source's. */
export function clonesIntoOtherProject(
  r: Pick<CloneRequest, 'target_project_id' | 'new_project_name'>,
): boolean {
  return Boolean(r.target_project_id || r.new_project_name);
}

/**
 * The source project once it is known (the request may leave it to RAILCLONE_PROJECT_ID): the target
 * project must be another one.
 */
export function checkTargetProject(
  r: Pick<CloneRequest, 'target_project_id'>,
  sourceProjectId: string,
): void {
  if (r.target_project_id && r.target_project_id === sourceProjectId) {
    throw new ValidationError(
      'target_project_id',
      'target_project_id must differ from the source project; leave it out to clone within the project',
      {
        provided: r.target_project_id,
      },
    );
  }
}

/** A source service's name in the clone: prefix + name + suffix (only ever set for another project). */
export function clonedServiceName(
  r: Pick<CloneRequest, 'service_name_prefix' | 'service_name_suffix'>,
  name: string,
): string {
  return `${r.service_name_prefix ?? ''}${name}${r.service_name_suffix ?? ''}`;
}

/** Railway's rule for a service name; a transformed name must still follow it. */
export const CLONED_SERVICE_NAME = SERVICE_NAME;

/** Requests that only name an environment: get, delete, lineage. */
export const EnvironmentRefSchema = z
  .object({
    railway_project_id: z.string().regex(RAILWAY_ID).optional(),
    environment: z.string().min(1).max(64),
    force: z.boolean().default(false),
  })
  .strict();
export type EnvironmentRef = z.output<typeof EnvironmentRefSchema>;

export const ProjectRefSchema = z
  .object({ railway_project_id: z.string().regex(RAILWAY_ID).optional() })
  .strict();
export type ProjectRef = z.output<typeof ProjectRefSchema>;

/** How long a clone may sit in `creating` (or an intent without its clone) before cleanup removes it. */
export const STALE_AFTER_DEFAULT = '1h';
export const STALE_AFTER_FORMAT = '0s, 90s, 30m, 1h, 2d or ISO-8601 like PT2H (at most 365 days)';
export const CleanupRequestSchema = z
  .object({
    railway_project_id: z.string().regex(RAILWAY_ID).optional(),
    stale_after: z
      .string()
      .default(STALE_AFTER_DEFAULT)
      .refine((v) => {
        const ms = parseDuration(v);
        return ms !== null && ms <= MAX_TTL_MS;
      }, `stale_after must be a duration: ${STALE_AFTER_FORMAT}`),
    dry_run: z.boolean().default(false),
  })
  .strict();
export type CleanupRequest = z.output<typeof CleanupRequestSchema>;

export { ENVIRONMENT_NAME_PATTERN };
