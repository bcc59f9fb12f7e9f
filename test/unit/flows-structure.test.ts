// The flows as files: parsed with `yaml`, checked against the table of flows, steps, retries and outputs
// (src/flows/table.ts, which the in-process engine follows) and against what Kestra 1.3 ∩ 2.0 accept.
// Kestra's own engine runs them in test/kestra (test/e2e/kestra-engine.test.ts).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  CleanupRequestSchema,
  CloneRequestSchema,
  EnvironmentRefSchema,
  ProjectRefSchema,
} from '../../src/inputs/index.js';
import { CLONE_STEPS } from '../../src/clone/steps/index.js';
import { TASK_NAMES } from '../../src/commands/task.js';
import { CLONE_TASKS, FLOWS, type FlowFacts, RETRIES } from '../../src/flows/table.js';
import { allTasks as tasksOf, flowProblems } from '../../src/kestra/flow-rules.js';

const FLOWS_DIR = join(import.meta.dirname, '../../flows');
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

const allTasks = (f: Flow): Task[] => tasksOf(f) as Task[];

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
          expect(TASK_NAMES, `${f.id}.${t.id}`).toContain(step);
          expect(t.id, 'a step task is named after its step').toBe(step);
          count++;
        } else {
          expect(cmd, `${f.id}.${t.id}`).toMatch(/^node railclone\.mjs kestra export-logs /);
        }
      }
    }
    expect(count).toBe(
      Object.values(FLOWS).reduce(
        (n, f: FlowFacts) => n + f.tasks.length + (f.errors?.length ?? 0) + (f.finally?.length ?? 0),
        0,
      ),
    );
  });

  it('passes the checks `railclone kestra deploy` runs (what Kestra 1.3 and 2.0 both accept)', () => {
    for (const f of flows.values()) expect(flowProblems(f), f.id).toEqual([]);
    // …and those checks catch what Kestra refused before (an input with a default and required: false).
    const broken = structuredClone(flow('delete-environment'));
    (broken.inputs as Record<string, unknown>[]).find((i) => i.id === 'force')!.required = false;
    expect(flowProblems(broken)).toEqual([
      expect.stringMatching(/^inputs\.force: an input with a default value must be required/),
    ]);
    for (const s of strings([...flows.values()])) expect(s).not.toMatch(/\bjson\(/);
  });

  it.each(Object.values(FLOWS).map((f) => [f.id, f] as const))(
    '%s has the tasks, errors, finally, concurrency, retries and outputs of the flow table',
    (id, facts: FlowFacts) => {
      const f = flow(id);
      const steps = (list: Task[] | undefined) =>
        (list ?? []).filter((t) => t.type === SCRIPT_TYPE).map((t) => t.id);
      expect(steps(f.tasks)).toEqual(facts.tasks);
      expect(f.tasks.filter((t) => t.type !== SCRIPT_TYPE).map((t) => t.id)).toEqual(facts.coreTasks ?? []);
      expect(steps(f.errors)).toEqual(facts.errors ?? []);
      expect(steps(f.finally)).toEqual(facts.finally ?? []);
      expect(f.concurrency).toEqual(facts.concurrency);
      for (const t of allTasks(f).filter((t) => t.type === SCRIPT_TYPE))
        expect(t.retry, `${id}.${t.id}`).toEqual(RETRIES[t.id]);
      const outputs = (f.outputs as { id: string; type: string; value: string; required?: boolean }[]) ?? [];
      expect(outputs.map((o) => [o.id, o.type])).toEqual(facts.outputs.map((o) => [o.id, o.type]));
      for (const [i, o] of facts.outputs.entries()) {
        const task = /^[a-z]+$/.test(o.task) ? `outputs.${o.task}` : `outputs['${o.task}']`;
        expect(outputs[i]!.value, o.id).toContain(`${task}.vars.${o.key}`);
        // A failed run renders its outputs too: every value falls back to null (JSON ones before toJson).
        expect(outputs[i]).toMatchObject({
          required: false,
          value: expect.stringMatching(/ \?\? null(\) \| toJson)? \}\}$/),
        });
      }
    },
  );

  it('runs the clone steps in the order the in-process pipeline runs them', () => {
    expect(CLONE_STEPS.map(([name]) => name)).toEqual([...CLONE_TASKS]);
  });

  it('clone-staging-api labels the execution', () => {
    const labels = flow('clone-staging-api').tasks[1]!;
    expect(labels.type).toBe('io.kestra.plugin.core.execution.Labels');
    expect(Object.keys(labels.labels as object).sort()).toEqual(['client', 'environment', 'started_by']);
    for (const key of Object.keys(labels.labels as object)) expect(key).toMatch(/^\p{Ll}[\p{L}0-9._-]*$/u);
  });

  it('retries sync-database exponentially and boundedly', () => {
    const retry = RETRIES['sync-database']!;
    expect(retry.type).toBe('exponential');
    expect(retry.maxAttempts).toBeGreaterThan(1);
    expect(retry.maxAttempts).toBeLessThanOrEqual(5);
  });

  it('hands each clone step the state of the step before it, and rollback/cleanup what create-environment or plan settled', () => {
    const f = flow('clone-staging-api');
    const steps = f.tasks.filter((t) => t.type === SCRIPT_TYPE);
    expect((steps[0]!.env as Record<string, string>).RAILCLONE_STATE).toBeUndefined();
    for (let i = 1; i < steps.length; i++) {
      const env = steps[i]!.env as Record<string, string>;
      const prev = steps[i - 1]!.id;
      const ref = /^[a-z]+$/.test(prev) ? `outputs.${prev}.vars.state` : `outputs['${prev}'].vars.state`;
      expect(env.RAILCLONE_STATE, steps[i]!.id).toBe(`{{ ${ref} }}`);
    }
    for (const t of [...f.errors!, ...f.finally!])
      expect((t.env as Record<string, string>).RAILCLONE_STATE).toBe(
        "{{ outputs['create-environment'].vars.state ?? outputs.plan.vars.state ?? '' }}",
      );
  });

  it('passes every step the request envelope and execution id, and each secret only to the steps that use it', () => {
    for (const f of flows.values()) {
      for (const t of allTasks(f).filter(
        (t) => t.type === SCRIPT_TYPE && !(t.commands as string[])[0]!.includes('export-logs'),
      )) {
        const env = t.env as Record<string, string>;
        expect(env.RAILCLONE_EXECUTION_ID).toBe('{{ execution.id }}');
        expect(env.RAILWAY_API_TOKEN).toBe("{{ secret('RAILWAY_API_TOKEN') }}");
        expect(env.RAILCLONE_OUTPUT_KEY, `${f.id}.${t.id}`).toBe(
          ['configure-basic-auth', 'validate-inputs', 'create-environment'].includes(t.id)
            ? "{{ secret('RAILCLONE_OUTPUT_KEY') }}"
            : undefined,
        );
        expect(env.RAILCLONE_REQUEST).toMatch(/^\{\{ \{'origin': .*, 'request': .*\} \| toJson \}\}$/);
        expect(env).not.toHaveProperty('RAILCLONE_REQUEST_ORIGIN');
        expect(env.RAILWAY_API_URL).toBe("{{ envs.railway_api_url ?? '' }}");
        // The configured project goes where a request without railway_project_id is settled: validate-inputs
        // (which puts it into the state every later clone step reads) and the one-step query flows.
        expect(env.RAILCLONE_PROJECT_ID, `${f.id}.${t.id}`).toBe(
          f.id !== 'clone-staging-api' || t.id === 'validate-inputs'
            ? "{{ envs.railway_project_id ?? '' }}"
            : undefined,
        );
        // The named masking key: only where it is checked and used, only secrets RAILCLONE_MASK_KEY_*.
        expect(env.RAILCLONE_NAMED_MASK_KEY, `${f.id}.${t.id}`).toBe(
          f.id === 'clone-staging-api' && (t.id === 'validate-inputs' || t.id === 'sync-database')
            ? NAMED_MASK_KEY
            : undefined,
        );
        for (const [k, v] of Object.entries(env))
          if (/secret\(/.test(v) && k !== 'RAILCLONE_NAMED_MASK_KEY')
            expect(v, `${f.id}.${t.id}.${k}`).toBe(`{{ secret('${k}') }}`);
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

/** The request names its masking key; the flow reads the Kestra secret of that name (never a key in the body). */
const NAMED_MASK_KEY =
  "{{ (trigger.body.mask_key_name ?? inputs.mask_key_name ?? null) is null ? '' : secret('RAILCLONE_MASK_KEY_' ~ ((trigger.body.mask_key_name ?? inputs.mask_key_name) | upper)) }}";

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
    ['cleanup-expired-environments', CleanupRequestSchema],
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
      'host_rewrites',
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
    // client_name is required (the webhook trigger maps it from the body); an input with a default is
    // required by Kestra's rule; every other input is optional (the request schema is the gate).
    for (const i of inputs.values()) {
      const required = (i as { required?: boolean }).required;
      if (i.id === 'client_name') expect(required).toBe(true);
      else if ('defaults' in i) expect(required, i.id).toBeUndefined();
      else expect(required, i.id).toBe(false);
    }
    const webhook = (flow('clone-staging-api').triggers as Record<string, unknown>[])[0]!;
    expect(webhook.inputs).toEqual({ client_name: '{{ trigger.body.client_name }}' });
  });
});
