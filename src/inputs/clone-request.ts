// The clone request: the one definition of what a clone may ask for. The gateway, the Kestra flow's
// validate-inputs task and `railclone clone` all parse with this schema.
import { z } from 'zod';
import { ENVIRONMENT_NAME_PATTERN } from './names.js';
import { MAX_TTL_MS, MIN_TTL_MS, TTL_FORMAT, parseDuration } from './duration.js';

const HOSTNAME = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const RAILWAY_ID = /^[A-Za-z0-9-]{8,64}$/;
const SERVICE_NAME = /^[\w .-]{1,64}$/;

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
  z.string().max(32_768),
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
      .regex(/^[A-Za-z0-9][\w .-]*$/, 'client_name is letters, digits, spaces, dots, underscores and hyphens'),
    railway_project_id: z.string().regex(RAILWAY_ID, 'railway_project_id must be a Railway project id').optional(),
    environment_name: z.string().min(1).max(100).optional(),
    source_environment: z.string().min(1).max(64).default('production'),
    environment_type: z.enum(ENVIRONMENT_TYPES).default('staging'),
    ttl: ttl.nullable().optional(),
    include_services: z.array(z.string().regex(SERVICE_NAME)).max(100).optional(),
    exclude_services: z.array(z.string().regex(SERVICE_NAME)).max(100).default([]),
    /** Per service name, or `shared`, the variables to set in the clone. */
    variable_overrides: z.record(z.string().regex(SERVICE_NAME), variables).default({}),
    custom_domain: z.string().toLowerCase().regex(HOSTNAME, 'custom_domain must be a hostname like staging.example.com').optional(),
    wordpress_url_replace: z.boolean().default(true),
    enable_basic_auth: z.boolean().default(true),
    database: DatabaseOptionsSchema.default(DatabaseOptionsSchema.parse({})),
    requested_by: z.string().min(1).max(120).optional(),
  })
  .strict()
  .refine((r) => !(r.include_services && r.exclude_services.length > 0), {
    message: 'give include_services or exclude_services, not both',
    path: ['include_services'],
  });

export type CloneRequest = z.output<typeof CloneRequestSchema>;
export type CloneRequestInput = z.input<typeof CloneRequestSchema>;

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

export { ENVIRONMENT_NAME_PATTERN };
