// The flows as files: parsed with `yaml`, checked against what railclone's steps and Kestra 1.3 ∩ 2.0 need.
// (No Kestra server can run in this repository's CI — see docs/kestra.md — so this is the static half.)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CloneRequestSchema, EnvironmentRefSchema, ProjectRefSchema } from '../../src/inputs/index.js';

const FLOWS_DIR = join(import.meta.dirname, '../../flows');
const STEPS = [
  'validate-inputs',
  'preflight',
  'plan',
  'create-environment',
  'wait-for-databases',
  'sync-database',
  'wordpress-search-replace',
  'configure-basic-auth',
  'assign-domain',
  'finalize',
  'close-database-access',
  'rollback',
  'list-environments',
  'get-environment',
  'delete-environment',
  'lineage',
  'cleanup-expired',
];
const SCRIPT_TYPE = 'io.kestra.plugin.scripts.node.Commands';
const PROCESS = 'io.kestra.plugin.core.runner.Process';

type Task = Record<string, unknown> & { id: string; type: string };
type Flow = Record<string, unknown> & {
  id: string;
  namespace: string;
  tasks: Task[];
  errors?: Task[];
  finally?: Task[];
};

const files = readdirSync(FLOWS_DIR)
  .filter((f) => f.endsWith('.yml'))
  .sort();
const flows = new Map<string, Flow>(
  files.map((f) => [f, parse(readFileSync(join(FLOWS_DIR, f), 'utf8')) as Flow]),
);
const flow = (id: string) => [...flows.values()].find((f) => f.id === id)!;

function allTasks(f: Flow): Task[] {
  const out: Task[] = [];
  const walk = (list: unknown) => {
    for (const t of (list as Task[] | undefined) ?? []) {
      out.push(t);
      for (const key of ['tasks', 'then', 'else', 'errors', 'finally']) walk(t[key]);
    }
  };
  walk(f.tasks);
  walk(f.errors);
  walk(f.finally);
  return out;
}

/** Every string anywhere in the document, to look for expressions. */
function strings(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(strings);
  if (node && typeof node === 'object') return Object.values(node).flatMap(strings);
  return [];
}

describe('flows/', () => {
  it('holds the six flows, one per file, named after their id, all in namespace railclone', () => {
    expect(files).toEqual([
      'cleanup-expired-environments.yml',
      'clone-staging-api.yml',
      'delete-environment.yml',
      'get-environment.yml',
      'list-environments.yml',
      'purge-history.yml',
    ]);
    for (const [file, f] of flows) {
      expect(`${f.id}.yml`).toBe(file);
      expect(f.namespace).toBe('railclone');
    }
  });

  it('runs every script task on the Process runner with the bundle as its only namespace file', () => {
    for (const f of flows.values()) {
      for (const t of allTasks(f).filter((t) => t.type === SCRIPT_TYPE)) {
        expect(t.taskRunner, `${f.id}.${t.id}`).toEqual({ type: PROCESS });
        expect(t.namespaceFiles, `${f.id}.${t.id}`).toEqual({ enabled: true, include: ['railclone.mjs'] });
      }
    }
  });

  it('has script tasks only run `node railclone.mjs task <known step>` (or the log exporter)', () => {
    let count = 0;
    for (const f of flows.values()) {
      for (const t of allTasks(f).filter((t) => t.type === SCRIPT_TYPE)) {
        const commands = t.commands as string[];
        expect(commands).toHaveLength(1);
        const cmd = commands[0]!;
        const step = /^node railclone\.mjs task ([a-z-]+)$/.exec(cmd)?.[1];
        if (step) {
          expect(STEPS, `${f.id}.${t.id}`).toContain(step);
          expect(t.id, 'a step task is named after its step').toBe(step);
          count++;
        } else {
          expect(cmd, `${f.id}.${t.id}`).toMatch(/^node railclone\.mjs kestra export-logs /);
        }
      }
    }
    expect(count).toBe(16);
  });

  it('uses nothing Kestra 2.0 removed: pluginDefaults, ForEach, trigger conditions, BOOLEAN/ENUM inputs', () => {
    for (const f of flows.values()) {
      expect(f).not.toHaveProperty('pluginDefaults');
      for (const t of allTasks(f)) expect(t.type, `${f.id}.${t.id}`).not.toMatch(/\.ForEach(Item)?$/);
      for (const tr of (f.triggers as Record<string, unknown>[] | undefined) ?? [])
        expect(tr).not.toHaveProperty('conditions');
      for (const input of (f.inputs as { type: string }[] | undefined) ?? [])
        expect(['BOOLEAN', 'ENUM']).not.toContain(input.type);
      for (const s of strings(f)) expect(s, `${f.id}`).not.toMatch(/\bjson\(/);
    }
  });

  it('clone-staging-api runs the steps in order, labels the execution, rolls back on error and closes database access', () => {
    const f = flow('clone-staging-api');
    expect(f.tasks.map((t) => t.id)).toEqual([
      'validate-inputs',
      'label-execution',
      'preflight',
      'plan',
      'create-environment',
      'wait-for-databases',
      'sync-database',
      'wordpress-search-replace',
      'configure-basic-auth',
      'assign-domain',
      'finalize',
    ]);
    expect(f.errors!.map((t) => t.id)).toEqual(['rollback']);
    expect(f.finally!.map((t) => t.id)).toEqual(['close-database-access']);
    expect(f.concurrency).toEqual({ limit: 3, behavior: 'QUEUE' });
    const labels = f.tasks[1]!;
    expect(labels.type).toBe('io.kestra.plugin.core.execution.Labels');
    expect(Object.keys(labels.labels as object).sort()).toEqual(['client', 'environment', 'started_by']);
    for (const key of Object.keys(labels.labels as object)) expect(key).toMatch(/^\p{Ll}[\p{L}0-9._-]*$/u);
  });

  it('retries sync-database exponentially and boundedly', () => {
    const retry = flow('clone-staging-api').tasks.find((t) => t.id === 'sync-database')!.retry as Record<
      string,
      unknown
    >;
    expect(retry.type).toBe('exponential');
    expect(retry.maxAttempts).toBeGreaterThan(1);
    expect(retry.maxAttempts).toBeLessThanOrEqual(5);
    expect(retry.interval).toBe('PT5S');
    expect(retry.maxInterval).toBe('PT1M');
  });

  it('hands each clone step the state of the step before it, and rollback/cleanup the newest state', () => {
    const f = flow('clone-staging-api');
    const steps = f.tasks.filter((t) => t.type === SCRIPT_TYPE);
    for (let i = 1; i < steps.length; i++) {
      const env = steps[i]!.env as Record<string, string>;
      const prev = steps[i - 1]!.id;
      const ref = /^[a-z]+$/.test(prev) ? `outputs.${prev}.vars.state` : `outputs['${prev}'].vars.state`;
      expect(env.RAILCLONE_STATE, steps[i]!.id).toBe(`{{ ${ref} }}`);
    }
    for (const t of [...f.errors!, ...f.finally!]) {
      const chain = (t.env as Record<string, string>).RAILCLONE_STATE!;
      expect(chain.indexOf('finalize')).toBeLessThan(chain.indexOf("'validate-inputs'"));
      for (const s of steps) expect(chain, `${t.id} falls back to ${s.id}`).toContain(s.id);
    }
  });

  it('passes every step the request, execution id, token and output key — secrets only through secret()', () => {
    for (const f of flows.values()) {
      for (const t of allTasks(f).filter(
        (t) => t.type === SCRIPT_TYPE && !(t.commands as string[])[0]!.includes('export-logs'),
      )) {
        const env = t.env as Record<string, string>;
        expect(env.RAILCLONE_EXECUTION_ID).toBe('{{ execution.id }}');
        expect(env.RAILWAY_API_TOKEN).toBe("{{ secret('RAILWAY_API_TOKEN') }}");
        expect(env.RAILCLONE_OUTPUT_KEY).toBe("{{ secret('RAILCLONE_OUTPUT_KEY') }}");
        expect(env.RAILCLONE_REQUEST).toMatch(/toJson/);
        expect(env.RAILWAY_API_URL).toBe("{{ envs.railway_api_url ?? '' }}");
      }
    }
  });

  it('has flow outputs that read only tasks the flow has', () => {
    for (const f of flows.values()) {
      const ids = new Set(allTasks(f).map((t) => t.id));
      for (const out of (f.outputs as { id: string; value: string }[] | undefined) ?? []) {
        const refs = [...out.value.matchAll(/outputs(?:\.([a-z]+)|\['([a-z-]+)'\])/g)].map(
          (m) => m[1] ?? m[2],
        );
        expect(refs.length, `${f.id}.${out.id}`).toBeGreaterThan(0);
        for (const r of refs) expect(ids, `${f.id}.${out.id} → ${r}`).toContain(r);
      }
    }
    expect((flow('clone-staging-api').outputs as { id: string }[]).map((o) => o.id)).toEqual([
      'staging_url',
      'environment_name',
      'database_size',
      'duration',
      'basic_auth_user',
      'basic_auth_password_encrypted',
    ]);
  });

  it('protects every webhook with the WEBHOOK_KEY secret; list/get/delete answer with their outputs', () => {
    let webhooks = 0;
    for (const f of flows.values()) {
      for (const tr of (f.triggers as Record<string, unknown>[]).filter(
        (t) => t.type === 'io.kestra.plugin.core.trigger.Webhook',
      )) {
        webhooks++;
        expect(tr.key).toBe("{{ secret('WEBHOOK_KEY') }}");
        if (f.id !== 'clone-staging-api') {
          expect(tr).toMatchObject({ wait: true, returnOutputs: true });
          expect((f.outputs as { id: string; type: string }[])[0]).toMatchObject({
            id: 'result',
            type: 'JSON',
          });
        }
      }
    }
    expect(webhooks).toBe(4);
  });

  it('schedules the expiry sweep hourly and the history purge daily, archiving logs before purging them', () => {
    const sweep = flow('cleanup-expired-environments');
    expect((sweep.triggers as { type: string; cron: string }[])[0]).toEqual({
      id: 'hourly',
      type: 'io.kestra.plugin.core.trigger.Schedule',
      cron: '0 * * * *',
    });
    const purge = flow('purge-history');
    expect((purge.triggers as { cron: string }[])[0]!.cron).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(purge.tasks.map((t) => t.type)).toEqual([
      SCRIPT_TYPE,
      'io.kestra.plugin.core.namespace.UploadFiles',
      'io.kestra.plugin.core.log.PurgeLogs',
      'io.kestra.plugin.core.execution.PurgeExecutions',
    ]);
    const [exp, , logs, executions] = purge.tasks;
    expect((exp!.commands as string[])[0]).toContain("dateAdd(-7, 'DAYS')");
    expect(exp!.outputFiles).toEqual(['*.jsonl.gz']);
    expect(logs!.endDate).toBe("{{ execution.startDate | dateAdd(-7, 'DAYS') }}");
    expect(executions!.endDate).toBe("{{ execution.startDate | dateAdd(-30, 'DAYS') }}");
    expect(executions!.purgeLog).toBe(false);
  });
});

describe('flow inputs match the request schemas', () => {
  const schemaKeys = (schema: { shape?: Record<string, unknown> } | unknown): string[] => {
    // CloneRequestSchema is refined; its object schema sits inside.
    const s = schema as {
      shape?: Record<string, unknown>;
      def?: { in?: { shape?: Record<string, unknown> } };
    };
    return Object.keys(s.shape ?? s.def?.in?.shape ?? {});
  };

  it.each([
    ['clone-staging-api', CloneRequestSchema],
    ['list-environments', ProjectRefSchema],
    ['get-environment', EnvironmentRefSchema],
    ['delete-environment', EnvironmentRefSchema],
    ['cleanup-expired-environments', ProjectRefSchema],
  ] as const)('%s: every input id is a field of the request', (id, schema) => {
    const keys = schemaKeys(schema);
    expect(keys.length).toBeGreaterThan(0);
    for (const input of flow(id).inputs as { id: string }[])
      expect(keys, `${id} input ${input.id}`).toContain(input.id);
  });

  it('offers the clone form the fields an operator needs, with types Kestra 1.3 and 2.0 both accept', () => {
    const inputs = new Map(
      (
        flow('clone-staging-api').inputs as {
          id: string;
          type: string;
          values?: string[];
          defaults?: unknown;
        }[]
      ).map((i) => [i.id, i]),
    );
    for (const id of [
      'client_name',
      'railway_project_id',
      'environment_name',
      'source_environment',
      'environment_type',
      'ttl',
      'wordpress_url_replace',
      'enable_basic_auth',
      'custom_domain',
    ]) {
      expect(inputs.has(id), id).toBe(true);
    }
    expect(inputs.get('environment_type')).toMatchObject({
      type: 'SELECT',
      values: ['dev', 'staging', 'prod', 'ephemeral'],
      defaults: 'staging',
    });
    expect(inputs.get('source_environment')!.defaults).toBe('production');
    expect(inputs.get('wordpress_url_replace')!.type).toBe('BOOL');
    expect(inputs.get('enable_basic_auth')!.type).toBe('BOOL');
    // A webhook run has no form: no input may be required, the request schema is the gate.
    for (const i of inputs.values()) expect((i as { required?: boolean }).required, i.id).toBe(false);
  });
});
