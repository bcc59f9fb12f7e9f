// `railclone clone`: the whole clone in one process, with live progress.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { collect, emulatorOption, list, scenarioOption } from './options.js';
import { maskFromFlags } from './mask-flags.js';
import { readRailcloneEnv } from '../config/env.js';
import { CloneRequestSchema, ENVIRONMENT_TYPES, RESOURCE_FIELDS, parseInput } from '../inputs/index.js';
import type { StepContext } from '../clone/context.js';
import { runClone } from '../clone/pipeline.js';
import { connectRailway } from '../clone/railway-connection.js';
import { createProgressDisplay } from '../clone/progress-display.js';
import { newState } from '../clone/state.js';
import { Interruption } from '../clone/interruption.js';
import { currentRunner } from '../clone/ownership.js';
import { exitCodeFor, interruptOnSignals } from './interrupt.js';
import { createLogger } from '../util/log.js';
import { ValidationError } from '../util/errors.js';
import { noProgress } from '../util/progress.js';

const positiveInt = (flag: string) => (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${flag} must be a whole number`);
  return Number(value);
};

export interface CloneFlags {
  request?: string;
  client?: string;
  project?: string;
  targetProject?: string;
  newProject?: string;
  servicePrefix?: string;
  serviceSuffix?: string;
  source?: string;
  name?: string;
  type?: string;
  ttl?: string;
  include?: string[];
  exclude?: string[];
  var?: string[];
  resources?: string[];
  customDomain?: string;
  rewrite: boolean;
  basicAuth: boolean;
  data: boolean;
  jobs?: number;
  requestedBy?: string;
  mask?: string[];
  maskKeyName?: string;
  quiet: boolean;
  scenario?: string;
  emulator?: boolean;
  json?: boolean;
}

// --resources SERVICE:replicas=2,region=us-west2,sleep=true,vcpus=1,memory_gb=2 (the schema checks values).
const RESOURCE_FLAG = /^([^:]+):(.+)$/s;
function resourceService(flag: string): string {
  const m = RESOURCE_FLAG.exec(flag);
  if (!m)
    throw new ValidationError(
      '--resources',
      `--resources must look like SERVICE:${RESOURCE_FIELDS.map((f) => `${f}=…`).join(',')}`,
      { provided: flag, allowed: [...RESOURCE_FIELDS] },
    );
  return m[1]!;
}
function resourceFields(flag: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of RESOURCE_FLAG.exec(flag)![2]!.split(',')) {
    const [k, v = ''] = pair.split('=');
    if (!(RESOURCE_FIELDS as readonly string[]).includes(k!))
      throw new ValidationError('--resources', `--resources: unknown field "${k}"`, {
        provided: k,
        allowed: [...RESOURCE_FIELDS],
      });
    out[k!] =
      k === 'region' ? v : k === 'sleep' ? (v === 'true' ? true : v === 'false' ? false : v) : Number(v);
  }
  return out;
}

/** --mask / --mask-key-name / --no-quiet → the request's mask, mask_key_name and quiet_wordpress (the schema checks them). */
function maskFields(flags: CloneFlags): Record<string, unknown> {
  const mask = maskFromFlags(flags.mask ?? []);
  if (mask?.mode === 'none' && mask.rules.length > 0)
    throw new ValidationError(
      '--mask',
      '--mask: in a clone, rules extend the built-in ones; give --mask none or rules, not both',
    );
  return {
    ...(mask ? { mask: mask.rules.length > 0 ? mask.rules : mask.mode } : {}),
    ...(flags.maskKeyName !== undefined ? { mask_key_name: flags.maskKeyName } : {}),
    ...(flags.quiet === false ? { quiet_wordpress: false } : {}),
  };
}

/** Flags → the request object the schema checks. `--request` (JSON or @file) is the base. */
export function requestFromFlags(flags: CloneFlags): unknown {
  const base = flags.request
    ? JSON.parse(flags.request.startsWith('@') ? readFileSync(flags.request.slice(1), 'utf8') : flags.request)
    : {};
  const overrides: Record<string, Record<string, string>> = { ...(base.variable_overrides ?? {}) };
  for (const v of flags.var ?? []) {
    const m = /^([^.=]+)\.([^=]+)=(.*)$/s.exec(v);
    if (!m)
      throw new ValidationError('--var', '--var must look like SERVICE.NAME=VALUE (or shared.NAME=VALUE)', {
        provided: v.split('=')[0],
      });
    (overrides[m[1]!] ??= {})[m[2]!] = m[3]!;
  }
  const resources: Record<string, Record<string, unknown>> = { ...(base.resources ?? {}) };
  for (const r of flags.resources ?? [])
    Object.assign((resources[resourceService(r)] ??= {}), resourceFields(r));
  const set = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value });
  return {
    ...base,
    ...(Object.keys(resources).length ? { resources } : {}),
    ...set('client_name', flags.client),
    ...set('railway_project_id', flags.project),
    ...set('target_project_id', flags.targetProject),
    ...set('new_project_name', flags.newProject),
    ...set('service_name_prefix', flags.servicePrefix),
    ...set('service_name_suffix', flags.serviceSuffix),
    ...set('source_environment', flags.source),
    ...set('environment_name', flags.name),
    ...set('environment_type', flags.type),
    ...set('ttl', flags.ttl),
    ...set('include_services', flags.include),
    ...set('exclude_services', flags.exclude),
    ...set('custom_domain', flags.customDomain),
    ...set('requested_by', flags.requestedBy),
    ...(Object.keys(overrides).length ? { variable_overrides: overrides } : {}),
    ...maskFields(flags),
    ...(flags.rewrite ? {} : { wordpress_url_replace: false }),
    ...(flags.basicAuth ? {} : { enable_basic_auth: false }),
    ...(flags.data && flags.jobs === undefined
      ? {}
      : {
          database: {
            ...(base.database ?? {}),
            ...(flags.data ? {} : { copy_data: false }),
            ...set('jobs', flags.jobs),
          },
        }),
  };
}

export function registerCloneCommand(program: Command): void {
  program
    .command('clone')
    .description(
      'Clone a Railway environment (default: production) into a new staging environment, data included',
    )
    .option('--request <json|@file>', 'the whole clone request as JSON (flags override its fields)')
    .option('--client <name>', 'client_name: who the staging copy is for (required)')
    .option('--project <id>', 'railway_project_id (default RAILCLONE_PROJECT_ID)')
    .option('--source <env>', 'source environment name or id', undefined)
    .option(
      '--target-project <id>',
      'target_project_id: clone into this existing project instead of the source project',
    )
    .option(
      '--new-project <name>',
      'new_project_name: clone into a new project of this name (same workspace)',
    )
    .option('--service-prefix <text>', "service_name_prefix for the clone's services (another project only)")
    .option('--service-suffix <text>', "service_name_suffix for the clone's services (another project only)")
    .option('--name <name>', 'environment_name of the clone (default staging-<client>-<timestamp>)')
    .addOption(new Option('--type <type>', 'environment_type').choices([...ENVIRONMENT_TYPES]))
    .option('--ttl <duration>', 'lifetime, e.g. 12h, 7d, P14D')
    .option('--include <services>', 'only these services (comma separated)', list)
    .option('--exclude <services>', 'leave these services out (comma separated)', list)
    .option(
      '--var <SERVICE.NAME=VALUE>',
      'set a variable in the clone (repeatable; shared.NAME for shared)',
      collect,
    )
    .option(
      '--resources <SERVICE:replicas=N,region=R,sleep=B,vcpus=N,memory_gb=N>',
      "a cloned service's replicas, region, app sleeping and vCPU/memory limits (repeatable)",
      collect,
    )
    .option('--custom-domain <host>', 'serve the clone on this domain')
    .option('--no-rewrite', 'do not rewrite production URLs in the copied data')
    .option('--no-basic-auth', 'leave the staging site public')
    .option('--no-data', 'do not copy database data')
    .option('--jobs <n>', 'parallel table streams per database', positiveInt('--jobs'))
    .option('--requested-by <who>', 'recorded in the clone metadata')
    .option(
      '--mask <rule>',
      'personal data masking: default (built-in rules; the default except for --type prod), none, or TABLE.COLUMN=STRATEGY / TABLE.COLUMN[KEY]=STRATEGY (repeatable; rules extend default)',
      collect,
    )
    .option(
      '--mask-key-name <name>',
      'repeatable masking with the key in the setting RAILCLONE_MASK_KEY_<NAME> (16-256 chars; never on the command line); default a random key per clone',
    )
    .option('--no-quiet', 'keep the staging WordPress as it is (public, webhooks and WP-Cron on)')
    .addOption(emulatorOption())
    .addOption(scenarioOption())
    .option('--json', 'print the outcome as JSON on stdout')
    .action(async (flags: CloneFlags) => {
      const env = readRailcloneEnv();
      const request = parseInput(CloneRequestSchema, requestFromFlags(flags));
      const connection = await connectRailway({ scenario: flags.scenario, emulator: flags.emulator });
      const projectId = request.railway_project_id ?? env.RAILCLONE_PROJECT_ID ?? connection.defaultProjectId;
      if (!projectId) {
        await connection.close();
        throw new ValidationError('--project', '--project (or RAILCLONE_PROJECT_ID) is required', {
          provided: null,
          missing: true,
          allowed: 'a Railway project id',
        });
      }
      const display = flags.json ? Object.assign(noProgress, { stop() {} }) : createProgressDisplay();
      const interruption = new Interruption();
      const removeHandlers = interruptOnSignals(interruption);
      try {
        const ctx: StepContext = {
          railway: connection.railway,
          request,
          state: newState(env.RAILCLONE_EXECUTION_ID ?? `cli-${randomUUID()}`),
          log: createLogger('clone'),
          progress: display,
          now: () => new Date(),
          outputKey: env.RAILCLONE_OUTPUT_KEY,
          defaultProjectId: projectId,
          runner: currentRunner(),
        };
        const outcome = await runClone(ctx, { interruption });
        display.stop();
        const final = outcome.outputs.finalize ?? {};
        if (flags.json || interruption.reason)
          process.stdout.write(
            `${JSON.stringify({ ok: outcome.ok, failed_step: outcome.failedStep ?? null, error: outcome.error?.toBody() ?? null, outputs: outcome.outputs })}\n`,
          );
        else if (outcome.ok) {
          const auth = outcome.outputs['configure-basic-auth'] ?? {};
          process.stdout.write(
            [
              '',
              `Staging environment "${final.environment_name}" is ready.`,
              `  URL:          ${final.staging_url ?? '(no web service)'}`,
              `  basic auth:   ${auth.enabled ? `user ${auth.basic_auth_user}${auth.basic_auth_password_encrypted ? `, password (encrypted; \`railclone decrypt\` with RAILCLONE_OUTPUT_KEY) ${auth.basic_auth_password_encrypted}` : ' (password in the HTTP_AUTH_PASSWORD variable)'}` : 'off'}`,
              `  database:     ${((Number(final.database_size) || 0) / 1e6).toFixed(1)} MB`,
              `  cloned from:  ${(final.cloned_from as { environment_name?: string } | undefined)?.environment_name ?? '?'}, expires ${final.expires_at ?? 'never'}`,
              `  took:         ${Number(final.duration).toFixed(1)} s`,
              connection.emulated
                ? `  lineage:      ${final.environment_name} ← ${(final.cloned_from as { environment_name?: string } | undefined)?.environment_name ?? '?'} (the built-in emulator stopped with this command; for follow-up commands such as \`railclone env lineage\`, run \`railclone emulator\` in another terminal, export what it prints, and clone against it)`
                : `  lineage:      railclone env lineage ${final.environment_name}`,
              '',
            ].join('\n'),
          );
        }
        if (!outcome.ok) {
          process.stderr.write(
            `railclone: clone failed at ${outcome.failedStep}: ${outcome.error?.message}\n`,
          );
          process.exitCode = 1;
        }
      } finally {
        display.stop();
        removeHandlers();
        await connection.close();
      }
      // An abandoned step may still hold sockets: the outcome is out, the rollback done — leave now.
      if (interruption.reason) process.exit(exitCodeFor(interruption.reason));
    });
}
